"""Pairwise precision, recall and F1 of duplicate detection.

A pair is two records; it is a true pair when both belong to one true cluster, a predicted
pair when the matcher put both in one group (or linked them directly). Counts come from
cluster sizes (n records make n(n-1)/2 pairs), never from enumerating all pairs of records, so
a run over a million records costs a dictionary pass. Only the listed error examples are
enumerated, and those are capped.

Precision is undefined (None) when nothing was predicted, recall when there is nothing to find.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

Pair = tuple[str, str]


def pairs_in(size: int) -> int:
    """Unordered pairs among `size` records."""
    return size * (size - 1) // 2


def ordered(a: str, b: str) -> Pair:
    return (a, b) if a <= b else (b, a)


@dataclass(frozen=True, slots=True)
class PairScores:
    records: int
    true_pairs: int
    predicted_pairs: int
    tp: int
    fp: int
    fn: int
    false_positives: list[Pair] = field(default_factory=list)
    false_negatives: list[Pair] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        return self.tp / self.predicted_pairs if self.predicted_pairs else None

    @property
    def recall(self) -> float | None:
        return self.tp / self.true_pairs if self.true_pairs else None

    @property
    def f1(self) -> float | None:
        """2PR/(P+R), written as 2TP/(2TP+FP+FN) so it is 0, not undefined, when TP is 0."""
        denominator = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denominator if denominator else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "true_pairs": self.true_pairs,
            "predicted_pairs": self.predicted_pairs,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


def evaluate_groups(
    truth: Mapping[str, str], predicted: Mapping[str, Hashable], *, examples: int = 20
) -> PairScores:
    """Score predicted groups (record → group id) against true clusters (record → cluster).

    Records of `truth` missing from `predicted` count as singletons; records only in
    `predicted` are ignored. Up to `examples` false-positive and false-negative pairs are
    listed, in a stable order.
    """
    records = sorted(truth)
    groups = {r: predicted.get(r, ("singleton", r)) for r in records}
    cluster_sizes = Counter(truth[r] for r in records)
    group_sizes = Counter(groups.values())
    cell_sizes = Counter((truth[r], groups[r]) for r in records)
    true_pairs = sum(pairs_in(n) for n in cluster_sizes.values())
    predicted_pairs = sum(pairs_in(n) for n in group_sizes.values())
    tp = sum(pairs_in(n) for n in cell_sizes.values())
    return PairScores(
        records=len(records),
        true_pairs=true_pairs,
        predicted_pairs=predicted_pairs,
        tp=tp,
        fp=predicted_pairs - tp,
        fn=true_pairs - tp,
        false_positives=_split_pairs(records, by=groups, apart=truth, limit=examples),
        false_negatives=_split_pairs(records, by=truth, apart=groups, limit=examples),
    )


def _split_pairs(
    records: list[str],
    *,
    by: Mapping[str, Hashable],
    apart: Mapping[str, Hashable],
    limit: int,
) -> list[Pair]:
    """Pairs that `by` puts together and `apart` keeps apart, at most `limit` of them."""
    together: dict[Hashable, list[str]] = defaultdict(list)
    for r in records:
        together[by[r]].append(r)
    found: list[Pair] = []
    for members in together.values():
        if len(found) >= limit:
            break
        if len(members) < 2 or len({apart[m] for m in members}) < 2:
            continue
        for a, b in combinations(members, 2):
            if apart[a] != apart[b]:
                found.append(ordered(a, b))
                if len(found) >= limit:
                    break
    return found


def evaluate_pairs(
    truth: Mapping[str, str], pairs: Iterable[tuple[str, str]], *, examples: int = 20
) -> PairScores:
    """Score predicted pairs as they are, without closing them transitively."""
    predicted = {ordered(a, b) for a, b in pairs if a != b and a in truth and b in truth}
    cluster_sizes = Counter(truth.values())
    true_pairs = sum(pairs_in(n) for n in cluster_sizes.values())
    hits = sorted(p for p in predicted if truth[p[0]] == truth[p[1]])
    misses = sorted(p for p in predicted if truth[p[0]] != truth[p[1]])
    found = set(hits)
    false_negatives: list[Pair] = []
    if len(hits) < true_pairs:
        members: dict[str, list[str]] = defaultdict(list)
        for r in sorted(truth):
            members[truth[r]].append(r)
        for group in members.values():
            for a, b in combinations(group, 2):
                if len(false_negatives) >= examples:
                    break
                if (a, b) not in found:
                    false_negatives.append((a, b))
            if len(false_negatives) >= examples:
                break
    return PairScores(
        records=len(truth),
        true_pairs=true_pairs,
        predicted_pairs=len(predicted),
        tp=len(hits),
        fp=len(misses),
        fn=true_pairs - len(hits),
        false_positives=misses[:examples],
        false_negatives=false_negatives,
    )


def groups_from_pairs(records: Iterable[str], pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Transitive closure of linked pairs (union-find): record → a representative record."""
    parent = {r: r for r in records}

    def root(r: str) -> str:
        while parent[r] != r:
            parent[r] = parent[parent[r]]
            r = parent[r]
        return r

    for a, b in pairs:
        if a in parent and b in parent:
            ra, rb = root(a), root(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    return {r: root(r) for r in parent}
