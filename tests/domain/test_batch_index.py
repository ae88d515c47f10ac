"""The batch index: candidates found and ordered as the stored index does, groups by union-find."""

from __future__ import annotations

from typing import Any

import pytest

from app.domain.batch_index import BatchIndex, Groups
from app.domain.keys import blocking_keys
from app.domain.match import Stored, match
from app.domain.model import Frequencies
from app.domain.normalize import normalize_lead
from app.domain.policy import DEFAULT_POLICY
from app.domain.types import NormalizedLead, RawLead


def lead(**fields: Any) -> NormalizedLead:
    normalized, _ = normalize_lead(RawLead(**fields), "CN")
    return normalized


# (earlier leads' keys, the new lead's keys, cap, limit, expected positions, expected skipped)
SEARCHES = [
    ([["a"], ["b"], ["a", "b"]], ["a", "b"], 10, 10, (2, 0, 1), ()),
    ([["a"], ["a"], ["a"]], ["a"], 3, 10, (0, 1, 2), ()),
    ([["a"], ["a"], ["a"], ["a"]], ["a"], 3, 10, (), ("a",)),
    ([["a"], ["a"], ["a"], ["a", "b"]], ["a", "b"], 3, 10, (3,), ("a",)),
    ([["a"], ["a"], ["a"]], ["a"], 10, 2, (0, 1), ()),
    ([["a"], ["a"]], ["a"], 1, 10, (), ("a",)),
    ([["x"]], ["a"], 10, 10, (), ()),
    ([["a", "a"]], ["a", "a"], 10, 10, (0,), ()),
]


@pytest.mark.parametrize(("earlier", "keys", "cap", "limit", "positions", "skipped"), SEARCHES)
def test_search_orders_and_caps_like_the_stored_index(
    earlier: list[list[str]],
    keys: list[str],
    cap: int,
    limit: int,
    positions: tuple[int, ...],
    skipped: tuple[str, ...],
) -> None:
    index = BatchIndex(hot_key_cap=cap, max_candidates=limit)
    for position, lead_keys in enumerate(earlier):
        index.add(position, lead_keys)
    found = index.search(keys)
    assert found.positions == positions
    assert found.skipped == skipped


# (earlier leads' keys, the new lead's keys, cap, expected counts): a key over the cap
# counts cap + 1, as the stored index's bounded count reports it.
COUNTS = [
    ([["a"], ["b"], ["a", "b"]], ["a", "b", "c"], 10, {"a": 2, "b": 2, "c": 0}),
    ([["a"], ["a"], ["a"], ["a"]], ["a"], 3, {"a": 4}),
    ([["a"], ["a"], ["a"], ["a"], ["a"]], ["a"], 3, {"a": 4}),
    ([["a"], ["a"]], ["a"], 1, {"a": 2}),
    ([["a", "a"]], ["a", "a"], 10, {"a": 1}),
]


@pytest.mark.parametrize(("earlier", "keys", "cap", "counts"), COUNTS)
def test_search_counts_every_key_bounded_like_the_stored_index(
    earlier: list[list[str]], keys: list[str], cap: int, counts: dict[str, int]
) -> None:
    index = BatchIndex(hot_key_cap=cap, max_candidates=10)
    for position, lead_keys in enumerate(earlier):
        index.add(position, lead_keys)
    assert index.search(keys).counts == counts
    assert index.records == len(earlier)


def test_stored_frequencies_add_to_the_batch_s_own() -> None:
    earlier = lead(name="张伟", phone=("13971824503",))
    new = lead(name="张伟", phone=("13971824503",))
    keys = blocking_keys(new)
    index = BatchIndex.for_policy(DEFAULT_POLICY)
    index.add(0, blocking_keys(earlier))
    stored = Frequencies({"name:wei zhang": 5000}, records=100_000)
    alone = index.check(new, keys, [earlier], DEFAULT_POLICY)
    together = index.check(new, keys, [earlier], DEFAULT_POLICY, stored_frequencies=stored)
    assert alone.decision.matches[0].adjustments["name"] == pytest.approx(0.0)
    assert together.decision.matches[0].adjustments["name"] < 0


def test_check_decides_as_match_does_over_the_earlier_leads() -> None:
    leads = [
        lead(name="张伟", phone=("13971824503",), company="北京字节跳动科技有限公司"),
        lead(name="李娜", phone=("13760582914",)),
        lead(name="张伟", phone=("+86 139 7182 4503",)),
    ]
    index = BatchIndex.for_policy(DEFAULT_POLICY)
    for position, earlier in enumerate(leads[:2]):
        index.add(position, blocking_keys(earlier))
    keys = blocking_keys(leads[2])
    verdict = index.check(leads[2], keys, leads, DEFAULT_POLICY)
    counts = {k: sum(k in blocking_keys(e) for e in leads[:2]) for k in keys}
    frequencies = Frequencies(counts, records=2)
    direct = match(leads[2], [Stored("0", "lead", leads[0])], DEFAULT_POLICY, frequencies)
    assert verdict.decision == direct
    assert verdict.decision.decision == "duplicate"
    assert verdict.duplicates == (0,)


def test_stored_candidates_are_weighed_but_are_no_rows() -> None:
    new = lead(name="王芳", email=("wang.fang@acme-widgets.com",))
    stored = Stored("5d0c-stored", "lead", lead(name="王芳", email=("Wang.Fang@acme-widgets.com",)))
    index = BatchIndex.for_policy(DEFAULT_POLICY)
    verdict = index.check(new, blocking_keys(new), [], DEFAULT_POLICY, stored=[stored])
    assert verdict.decision.decision == "duplicate"
    assert verdict.decision.matches[0].candidate_id == "5d0c-stored"
    assert verdict.duplicates == ()


def test_groups_join_transitively_and_keep_the_earliest_root() -> None:
    groups = Groups()
    for _ in range(6):
        groups.add()
    groups.union(4, 2)
    groups.union(5, 4)
    groups.union(3, 1)
    assert [groups.find(p) for p in range(6)] == [0, 1, 2, 1, 2, 2]
    groups.union(5, 3)
    assert {groups.find(p) for p in (1, 2, 3, 4, 5)} == {1}
    assert groups.find(0) == 0
