"""The report counted a part at a time, as the worker processes count it, and merged."""

from __future__ import annotations

import random
from typing import Any

import pytest

from app.cleaning.report import MAX_SOURCES, OTHER_SOURCE, Report

CONTEXT: dict[str, Any] = {"input": {"file": "leads.csv"}}


def records(count: int, seed: int) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Decided rows with a spread of sources (more than the report names), verdicts, issues
    and junk values, each with what the final groups say of it."""
    rng = random.Random(seed)
    rows = []
    for row in range(1, count + 1):
        source = f"channel-{rng.randrange(MAX_SOURCES + 15)}" if rng.random() < 0.9 else None
        decision = rng.choice(["unique", "unique", "duplicate", "possible_duplicate"])
        issues = []
        if rng.random() < 0.3:
            issues.append(["name", "junk_name", "error", "a test entry"])
        if rng.random() < 0.2:
            issues.append(["phone", "invalid_phone", "error", "not a number"])
        name = rng.choice(["测试", "asdf", "test", f"Person {row}"])
        record = {
            "row": row,
            "lead": {"name": name, "phone": [f"1380013{row:04d}"], "source": source},
            "n": {"name": name, "source": source, "email": [] if row % 3 else ["a@b.cn"]},
            "issues": issues,
            "valid": not issues,
            "decision": decision,
            "rule": None if decision == "unique" else rng.choice(["phone_and_name", "model"]),
            "match_row": None if decision == "unique" else rng.randrange(1, row + 1),
            "match_id": "crm-1" if decision != "unique" and rng.random() < 0.2 else None,
            "probability": None if decision == "unique" else 0.97,
            "grade": rng.choice("ABCD"),
            "pool": rng.choice(["sdr", "nurture", "discard"]),
        }
        group = {
            "group_id": f"G{rng.randrange(count):07d}",
            "group_size": rng.choice([1, 1, 2, 3, 7, 12]),
            "is_master": decision == "unique",
        }
        rows.append((record, group))
    return rows


def row_by_row(rows: list[tuple[dict[str, Any], dict[str, Any]]]) -> Report:
    report = Report()
    for record, group in rows:
        report.add(record, **group)
    return report


def in_parts(rows: list[tuple[dict[str, Any], dict[str, Any]]], size: int) -> Report:
    report = Report()
    for first in range(0, len(rows), size):
        part = Report(sources_kept=None)
        for record, group in rows[first : first + size]:
            part.add(record, **group)
        report.merge(part)
    return report


@pytest.mark.parametrize("size", [1, 7, 100, 333, 2000])
def test_parts_merged_in_file_order_give_the_figures_of_counting_row_by_row(size: int) -> None:
    rows = records(1000, seed=size)
    assert in_parts(rows, size).as_json(CONTEXT) == row_by_row(rows).as_json(CONTEXT)


def test_the_sources_named_are_the_first_of_the_file_not_of_a_part() -> None:
    rows = records(600, seed=3)
    merged = in_parts(rows, 50).as_json(CONTEXT)["by_source"]
    first_seen = list(dict.fromkeys(r["n"]["source"] or "(none)" for r, _ in rows))
    assert set(merged) == {*first_seen[:MAX_SOURCES], OTHER_SOURCE}
    assert sum(s["rows"] for s in merged.values()) == 600


def test_samples_are_the_first_rows_of_each_kind_in_file_order() -> None:
    rows = records(400, seed=5)
    samples = in_parts(rows, 9).as_json(CONTEXT)["samples"]
    duplicates = [r["row"] for r, _ in rows if r["decision"] == "duplicate"]
    assert [s["row"] for s in samples["duplicate"]] == duplicates[:5]
