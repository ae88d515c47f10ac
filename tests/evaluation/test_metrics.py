"""Pairwise precision, recall and F1: counts from cluster sizes, examples capped."""

from __future__ import annotations

import pytest

from app.evaluation.metrics import (
    evaluate_groups,
    evaluate_pairs,
    groups_from_pairs,
    pairs_in,
)

# Records a, b, c are one entity; d, e another; f is alone: 3 + 1 = 4 true pairs.
TRUTH = {"a": "1", "b": "1", "c": "1", "d": "2", "e": "2", "f": "3"}

CASES = [
    # name, predicted groups, (predicted pairs, tp, fp, fn), (precision, recall, f1)
    ("perfect", {"a": "x", "b": "x", "c": "x", "d": "y", "e": "y", "f": "z"},
     (4, 4, 0, 0), (1.0, 1.0, 1.0)),
    ("all singletons", {r: r for r in TRUTH}, (0, 0, 0, 4), (None, 0.0, 0.0)),
    ("missing records are singletons", {}, (0, 0, 0, 4), (None, 0.0, 0.0)),
    # f wrongly joins d and e: 3 predicted pairs in that group, 1 right.
    ("one false merge", {"a": "x", "b": "x", "c": "x", "d": "y", "e": "y", "f": "y"},
     (6, 4, 2, 0), (4 / 6, 1.0, 0.8)),
    # One group holding everything: 15 pairs, 4 right.
    ("one big group", dict.fromkeys(TRUTH, "g"), (15, 4, 11, 0), (4 / 15, 1.0, 8 / 19)),
    # c split off from a and b: 1 pair found, 2 missed.
    ("one split", {"a": "x", "b": "x", "c": "w", "d": "y", "e": "y", "f": "z"},
     (2, 2, 0, 2), (1.0, 0.5, 2 / 3)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "predicted", "counts", "scores"), CASES, ids=[c[0] for c in CASES]
)
def test_evaluate_groups(
    name: str,
    predicted: dict[str, str],
    counts: tuple[int, int, int, int],
    scores: tuple[float | None, float | None, float | None],
) -> None:
    result = evaluate_groups(TRUTH, predicted)
    assert result.records == 6
    assert result.true_pairs == 4
    assert (result.predicted_pairs, result.tp, result.fp, result.fn) == counts
    for got, want in zip((result.precision, result.recall, result.f1), scores, strict=True):
        assert got == (None if want is None else pytest.approx(want))
    assert len(result.false_positives) == result.fp
    assert len(result.false_negatives) == result.fn


def test_examples_name_the_wrong_pairs_and_are_capped() -> None:
    result = evaluate_groups(TRUTH, {"a": "x", "b": "x", "c": "w", "d": "y", "e": "y", "f": "y"})
    assert result.false_positives == [("d", "f"), ("e", "f")]
    assert result.false_negatives == [("a", "c"), ("b", "c")]
    capped = evaluate_groups(TRUTH, dict.fromkeys(TRUTH, "g"), examples=3)
    assert capped.fp == 11
    assert len(capped.false_positives) == 3


def test_transitive_groups_from_pairs() -> None:
    # a-b and b-c chain into one group; d-e another; f alone.
    groups = groups_from_pairs(TRUTH, [("a", "b"), ("c", "b"), ("e", "d")])
    assert groups["a"] == groups["b"] == groups["c"]
    assert groups["d"] == groups["e"] != groups["a"]
    assert groups["f"] == "f"
    result = evaluate_groups(TRUTH, groups)
    assert (result.tp, result.fp, result.fn) == (4, 0, 0)


def test_pairs_as_they_are_are_not_closed() -> None:
    # a-b and b-c found, a-c not stated: 2 of 4 true pairs; d-f is wrong.
    result = evaluate_pairs(TRUTH, [("a", "b"), ("c", "b"), ("b", "a"), ("d", "f"), ("a", "a")])
    assert (result.predicted_pairs, result.tp, result.fp, result.fn) == (3, 2, 1, 2)
    assert result.false_positives == [("d", "f")]
    assert result.false_negatives == [("a", "c"), ("d", "e")]


def test_large_clusters_are_counted_not_enumerated() -> None:
    truth = {f"r{i:06d}": str(i // 25_000) for i in range(100_000)}
    result = evaluate_groups(truth, truth, examples=5)
    assert result.true_pairs == 4 * pairs_in(25_000)
    assert result.precision == result.recall == 1.0
