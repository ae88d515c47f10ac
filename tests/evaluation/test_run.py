"""The evaluation end to end on a few generated leads: the real app, a fresh SQLite file."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from random import Random

from app.evaluation import run
from app.evaluation.generate import generate


def test_limit_keeps_whole_clusters() -> None:
    records = generate(200, seed=2)
    kept = run.limit_records(records, 60, Random(1))
    assert 50 <= len(kept) <= 60
    everywhere = Counter(r["cluster"] for r in records)
    assert all(everywhere[c] == n for c, n in Counter(r["cluster"] for r in kept).items())


def test_evaluate_generated_set(tmp_path: Path) -> None:
    args = run.parse_args(["--sets", "generated", "--entities", "60", "--limit", "40"])
    result = run.evaluate("generated", args, tmp_path)
    assert result["errors"] == 0, result["error_examples"]
    assert result["groups_read_from"] == "index"
    assert result["records"] <= 40
    assert sum(result["decisions"].values()) == result["records"]
    for figure in ("groups", "duplicate_links", "with_possible"):
        assert result[figure]["records"] == result["records"]
        assert result[figure]["tp"] + result[figure]["fn"] == result["true_pairs"]
    assert result["true_pairs"] > 0
    assert result["duplicate_links"]["tp"] > 0  # the service finds some of the duplicates
    assert "generated" in run.table([result])
