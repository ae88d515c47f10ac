"""A batch's own blocking-key index, so each lead of a file meets the file's earlier leads.

The batch cleaner checks every lead against the leads before it the way `/v1/check`
checks against the stored index: the same keys, the same hot-key cap (a key that more
than `hot_key_cap` earlier leads carry is not searched), the same candidate order (most
shared keys first, then the rarest shared key, then the earlier lead), at most
`max_candidates`, and then the same
`match.match`, with the same frequencies: each searched key's count among the earlier
leads (more than the cap: cap + 1, as the store's lookup reports it) and their number.
So a lead gets the same verdict in a file as over HTTP.

It has to hold a million-row file in little memory: keys are kept as 64-bit hashes (a
collision, about one in 10^12 for a million keys, only adds a candidate that comparing
then rejects) in flat arrays rather than Python objects, and the leads themselves stay
with the caller, who compares them (`app.cleaning.judge`).

`Groups` is the union-find that turns sure-duplicate links into groups: every row of
one real person or company ends with the same root, the group's earliest row.
"""

from __future__ import annotations

import hashlib
from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

from app.domain.decide import Decision
from app.domain.policy import Policy

_EMPTY = -1
"""A slot no key has taken."""
_HOT = -2
"""The entry of a key more than `hot_key_cap` earlier leads carry: never searched again."""
_BLOCK = -3
"""Entries at or below this are `_BLOCK - block`: the block of a key several leads carry."""
_LOAD = 0.7
"""The table doubles when more than this share of its slots is taken."""


@dataclass(frozen=True, slots=True)
class Search:
    """The earlier leads to compare, best first, the keys too common to search, and how
    many earlier leads carry each key (a key over the cap: cap + 1)."""

    positions: tuple[int, ...]
    skipped: tuple[str, ...]
    counts: dict[str, int]
    records: int
    """How many earlier leads there were: N of the frequencies."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """A lead checked against the batch: the decision and the rows it surely duplicates."""

    search: Search
    decision: Decision

    @property
    def duplicates(self) -> tuple[int, ...]:
        """The earlier row this lead joins: its best match, when that is a sure duplicate
        and a row of the batch (a stored record is not a row).

        Only the best, as `/v1/check` joins only the best match's group: linking every
        sure match chained distinct people through one shared switchboard or a nameless
        record, and on generated files it cost far more precision than it found.
        """
        best = self.decision.matches[0] if self.decision.matches else None
        if best is None or best.decision != "duplicate":
            return ()
        rows = {str(p): p for p in self.search.positions}
        return (rows[best.candidate_id],) if best.candidate_id in rows else ()


_first = itemgetter(0)
_second = itemgetter(1)


def key_hash(key: str) -> int:
    """A stable 64-bit hash: the same in every process, so a resumed run rebuilds the same index."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little")


class BatchIndex:
    """Key hash → the positions of the earlier leads carrying the key, in the order added.

    An open-addressing table in two flat arrays (the key's hash, its entry), and the
    positions of a key carried by several leads side by side in one more: a block per
    key, doubled (moved to the end) when full. A key costs about 20 bytes and a shared
    position 8 to 16, where a dict of int objects cost over 100 a key, most of the memory
    a million-row file took; and a key's positions are one slice, so a search counts
    and ranks them in C rather than walking them one by one (at a million rows a search
    meets about a hundred positions).
    """

    __slots__ = (
        "_block_length",
        "_block_start",
        "_entries",
        "_hashes",
        "_mask",
        "_positions",
        "_taken",
        "hot_key_cap",
        "max_candidates",
        "records",
    )

    def __init__(self, *, hot_key_cap: int, max_candidates: int) -> None:
        self.hot_key_cap = hot_key_cap
        self.max_candidates = max_candidates
        self.records = 0
        """How many leads were added: N of the frequencies, as the stored index's live records."""
        self._taken = 0
        self._mask = 0
        self._hashes = array("Q")
        self._entries = array("i")
        self._grow(1 << 12)
        # A shared key's block: where it starts in `_positions` and how many it holds; its
        # room is the power of two at or above that (at least 2).
        self._block_start = array("q")
        self._block_length = array("i")
        self._positions = array("i")

    @classmethod
    def for_policy(cls, policy: Policy) -> BatchIndex:
        return cls(hot_key_cap=policy.hot_key_cap, max_candidates=policy.max_candidates)

    def __len__(self) -> int:
        """How many distinct keys are held."""
        return self._taken

    def search(self, keys: Sequence[str], hashes: Sequence[int] | None = None) -> Search:
        """Earlier leads sharing any key under the cap: most shared keys first, then the one
        whose rarest shared key fewer leads carry, then earliest.

        `hashes` are the keys' `key_hash`es when the caller has them (worker processes
        compute them beside the keys).
        """
        skipped: list[str] = []
        counts: dict[str, int] = {}
        carried: list[tuple[int, Sequence[int]]] = []
        for key, digest in _hashed(keys, hashes).items():
            entry = self._entries[self._slot(digest)]
            if entry == _EMPTY:
                counts[key] = 0
            elif entry == _HOT:
                skipped.append(key)
                counts[key] = self.hot_key_cap + 1
            elif entry >= 0:
                counts[key] = 1
                carried.append((1, (entry,)))
            else:
                block = _BLOCK - entry
                start, length = self._block_start[block], self._block_length[block]
                counts[key] = length
                carried.append((length, self._positions[start : start + length]))
        best = _best(carried, self.max_candidates)
        return Search(best, tuple(skipped), counts, self.records)

    def add(self, position: int, keys: Sequence[str], hashes: Sequence[int] | None = None) -> None:
        """Index a lead under its keys; positions must grow, as rows of a file do."""
        self.records += 1
        for digest in _hashed(keys, hashes).values():
            slot = self._slot(digest)
            entry = self._entries[slot]
            if entry == _EMPTY:
                self._hashes[slot] = digest
                self._entries[slot] = position
                self._taken += 1
                if self._taken > _LOAD * len(self._entries):
                    self._grow(2 * len(self._entries))
            elif entry == _HOT:
                continue
            elif entry >= 0:
                if self.hot_key_cap < 2:
                    self._entries[slot] = _HOT
                else:
                    self._entries[slot] = _BLOCK - self._block(entry, position)
            elif self._block_length[_BLOCK - entry] >= self.hot_key_cap:
                self._entries[slot] = _HOT
            else:
                self._append(_BLOCK - entry, position)

    def _slot(self, digest: int) -> int:
        """The key's slot, or the empty slot where it would go (linear probing)."""
        hashes, entries, mask = self._hashes, self._entries, self._mask
        slot = digest & mask
        while entries[slot] != _EMPTY and hashes[slot] != digest:
            slot = (slot + 1) & mask
        return slot

    def _block(self, first: int, second: int) -> int:
        """A new block holding two positions; answers its number."""
        self._block_start.append(len(self._positions))
        self._block_length.append(2)
        self._positions.extend((first, second))
        return len(self._block_start) - 1

    def _append(self, block: int, position: int) -> None:
        """Add a position to a block, moving it to the end at twice the room when full."""
        start, length = self._block_start[block], self._block_length[block]
        if length & (length - 1) == 0:
            moved = len(self._positions)
            self._positions.extend(self._positions[start : start + length])
            self._positions.frombytes(bytes(length * self._positions.itemsize))
            self._block_start[block] = start = moved
        self._positions[start + length] = position
        self._block_length[block] = length + 1

    def _grow(self, size: int) -> None:
        """Move every key into a table of `size` slots (a power of two)."""
        old = zip(self._hashes, self._entries, strict=True)
        self._hashes = array("Q", [0]) * size
        self._entries = array("i", [_EMPTY]) * size
        self._mask = size - 1
        for digest, entry in old:
            if entry != _EMPTY:
                slot = self._slot(digest)
                self._hashes[slot] = digest
                self._entries[slot] = entry


def _best(carried: list[tuple[int, Sequence[int]]], limit: int) -> tuple[int, ...]:
    """The `limit` positions sharing most keys, then with the rarest shared key, then earliest.

    Only the positions that can make the cut are ranked by their rarest key: level by level
    of shared keys, most first, taking each level's positions key by key, rarest key first.
    """
    shared: Counter[int] = Counter()
    for _, positions in carried:
        shared.update(positions)
    carried.sort(key=_first)
    best: list[int] = []
    for _, level in groupby(sorted(shared.items(), key=_second, reverse=True), key=_second):
        members = set(map(_first, level))
        for _, alike in groupby(carried, key=_first):
            found: set[int] = set()
            for _, positions in alike:
                found.update(members.intersection(positions))
            best.extend(sorted(found))
            members -= found
            if len(best) >= limit or not members:
                break
        if len(best) >= limit:
            break
    return tuple(best[:limit])


def _hashed(keys: Sequence[str], hashes: Sequence[int] | None) -> dict[str, int]:
    """Each distinct key with its hash, in the keys' order."""
    if hashes is None:
        return {key: key_hash(key) for key in keys}
    return dict(zip(keys, hashes, strict=True))


class Groups:
    """Union-find over positions 0, 1, 2 …; a group's root is its earliest position."""

    __slots__ = ("_parent",)

    def __init__(self) -> None:
        self._parent = array("q")

    def __len__(self) -> int:
        return len(self._parent)

    def add(self) -> int:
        """A new position, alone in its group."""
        position = len(self._parent)
        self._parent.append(position)
        return position

    def find(self, position: int) -> int:
        parent = self._parent
        while parent[position] != position:
            parent[position] = parent[parent[position]]
            position = parent[position]
        return position

    def union(self, a: int, b: int) -> int:
        """Put a and b in one group; the earlier root stays the root."""
        root_a, root_b = self.find(a), self.find(b)
        low, high = min(root_a, root_b), max(root_a, root_b)
        self._parent[high] = low
        return low
