"""The evaluation end to end on a few generated leads: the real app, a fresh SQLite file."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from random import Random

import pytest

from app.evaluation import run, splink_baseline
from app.evaluation.generate import generate


def test_limit_keeps_whole_clusters() -> None:
    records = generate(200, seed=2)
    kept = run.limit_records(records, 60, Random(1))
    assert 50 <= len(kept) <= 60
    everywhere = Counter(r["cluster"] for r in records)
    assert all(everywhere[c] == n for c, n in Counter(r["cluster"] for r in kept).items())


def test_evaluate_generated_set(tmp_path: Path) -> None:
    args = run.parse_args(
        ["--sets", "generated", "--entities", "60", "--limit", "40", "--no-splink"]
    )
    result = run.evaluate("generated", args, tmp_path)
    assert result["splink"] is None
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


def test_splink_figures_beside_leadgate() -> None:
    def scores(p: float, r: float, f1: float) -> dict[str, float]:
        return {"precision": p, "recall": r, "f1": f1}

    ran = {
        "set": "febrl1",
        "groups": scores(1.0, 0.984, 0.992),
        "seconds": 16.2,
        "splink": {
            "version": "5.0.0",
            "threshold": 0.9,
            "clusters": scores(1.0, 0.99, 0.995),
            "seconds": 4.7,
        },
    }
    lines = run.beside([ran, {"set": "generated", "splink": None}]).splitlines()
    assert "Splink 5.0.0" in lines[0]
    assert lines[0].endswith("pairs counted alike:")
    assert lines[2].split() == ["febrl1", "leadgate", "1.000", "0.984", "0.992", "16.2"]
    assert lines[3].split() == ["splink", "1.000", "0.990", "0.995", "4.7"]
    assert len(lines) == 4  # a set Splink did not run on is left out


def test_without_splink_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setattr(splink_baseline, "available", lambda: False)
    out = tmp_path / "eval.json"
    argv = ["--sets", "generated", "--entities", "30", "--limit", "20", "--out", str(out)]
    assert run.main(argv) == 0
    assert "splink not installed: pip install -e '.[splink]'" in capsys.readouterr().out
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["splink"] == splink_baseline.MISSING
    assert report["sets"]["generated"]["splink"] is None
