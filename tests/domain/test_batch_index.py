"""The batch index: candidates found and ordered as the stored index does, groups by union-find."""

from __future__ import annotations

import random

import pytest

from app.domain.batch_index import BatchIndex, Groups, key_hash

# (earlier leads' keys, the new lead's keys, cap, limit, expected positions, expected skipped)
SEARCHES = [
    ([["a"], ["b"], ["a", "b"]], ["a", "b"], 10, 10, (2, 0, 1), ()),
    ([["a"], ["a"], ["a"]], ["a"], 3, 10, (0, 1, 2), ()),
    ([["a"], ["a"], ["a"], ["a"]], ["a"], 3, 10, (), ("a",)),
    ([["a"], ["a"], ["a"], ["a", "b"]], ["a", "b"], 3, 10, (3,), ("a",)),
    ([["a"], ["a"], ["a"]], ["a"], 10, 2, (0, 1), ()),
    ([["a"], ["a"]], ["a"], 1, 10, (), ("a",)),
    ([["x"]], ["a"], 10, 10, (), ()),
    # as many shared keys: the rarer shared key first (b: one lead, a: three), then earliest
    ([["a"], ["a"], ["a", "c"], ["b"]], ["a", "b"], 10, 2, (3, 0), ()),
    ([["a", "c"], ["a"], ["c"], ["a"]], ["a", "c"], 10, 10, (0, 2, 1, 3), ()),
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


def naive_search(
    earlier: list[list[str]], keys: list[str], cap: int, limit: int
) -> tuple[tuple[int, ...], tuple[str, ...], dict[str, int]]:
    """The search spelled out over lists: a key becomes hot once a lead past the cap adds it."""
    held: dict[str, list[int]] = {}
    hot: set[str] = set()
    for position, lead_keys in enumerate(earlier):
        for key in dict.fromkeys(lead_keys):
            if key in hot:
                continue
            if len(held.setdefault(key, [])) >= cap:
                hot.add(key)
                del held[key]
            else:
                held[key].append(position)
    shared: dict[int, int] = {}
    rarest: dict[int, int] = {}
    for key in dict.fromkeys(keys):
        for position in held.get(key, []):
            shared[position] = shared.get(position, 0) + 1
            rarest[position] = min(rarest.get(position, len(held[key])), len(held[key]))
    best = sorted(shared, key=lambda p: (-shared[p], rarest[p], p))[:limit]
    skipped = tuple(k for k in dict.fromkeys(keys) if k in hot)
    counts = {k: cap + 1 if k in hot else len(held.get(k, [])) for k in dict.fromkeys(keys)}
    return tuple(best), skipped, counts


@pytest.mark.parametrize(("cap", "distinct"), [(1, 9000), (2, 9000), (7, 9000), (60, 400)])
def test_a_big_index_answers_as_the_naive_search(cap: int, distinct: int) -> None:
    """Thousands of keys (the table grows several times), some shared past the cap; with
    few distinct keys, many shared by dozens of leads (their blocks move as they grow) and
    searches whose best positions tie on shared keys and differ in their rarest one."""
    rng = random.Random(cap)
    earlier = [
        [f"k{rng.randrange(distinct)}" for _ in range(rng.randrange(1, 5))] for _ in range(6000)
    ]
    index = BatchIndex(hot_key_cap=cap, max_candidates=5)
    for position, lead_keys in enumerate(earlier):
        index.add(position, lead_keys)
    for probe in range(300):
        keys = [f"k{rng.randrange(distinct)}" for _ in range(3)] + earlier[probe * 20]
        found = index.search(keys, [key_hash(k) for k in keys])
        assert (found.positions, found.skipped, found.counts) == naive_search(earlier, keys, cap, 5)
