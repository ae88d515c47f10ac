"""The batch index: candidates found and ordered as the stored index does, groups by union-find."""

from __future__ import annotations

import pytest

from app.domain.batch_index import BatchIndex, Groups

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
    found = index.search(keys)
    assert found.counts == counts
    assert found.records == index.records == len(earlier)


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
