"""A batch's own blocking-key index, so each lead of a file meets the file's earlier leads.

The batch cleaner checks every lead against the leads before it the way `/v1/check`
checks against the stored index: the same keys, the same hot-key cap (a key that more
than `hot_key_cap` earlier leads carry is not searched), the same candidate order (most
shared keys first, then the earlier lead), at most `max_candidates`, and then the same
`match.match`, with the same frequencies: each searched key's count among the earlier
leads (more than the cap: cap + 1, as the store's lookup reports it) and their number.
So a lead gets the same verdict in a file as over HTTP.

It has to hold a million-row file in little memory: keys are kept as 64-bit hashes (a
collision, about one in 10^12 for a million keys, only adds a candidate that comparing
then rejects), a key past the cap keeps no positions at all, and the leads themselves
stay with the caller, who compares them (`app.cleaning.judge`).

`Groups` is the union-find that turns sure-duplicate links into groups: every row of
one real person or company ends with the same root, the group's earliest row.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Sequence
from dataclasses import dataclass

from app.domain.decide import Decision
from app.domain.policy import Policy

_HOT = -1
"""The entry of a key more than `hot_key_cap` earlier leads carry: never searched again."""


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


def key_hash(key: str) -> int:
    """A stable 64-bit hash: the same in every process, so a resumed run rebuilds the same index."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little")


class BatchIndex:
    """Key hash → the positions of the earlier leads carrying the key, in the order added."""

    __slots__ = ("_entries", "hot_key_cap", "max_candidates", "records")

    def __init__(self, *, hot_key_cap: int, max_candidates: int) -> None:
        self.hot_key_cap = hot_key_cap
        self.max_candidates = max_candidates
        self.records = 0
        """How many leads were added: N of the frequencies, as the stored index's live records."""
        # One position as a plain int (most keys belong to one lead), several as a list.
        self._entries: dict[int, int | list[int]] = {}

    @classmethod
    def for_policy(cls, policy: Policy) -> BatchIndex:
        return cls(hot_key_cap=policy.hot_key_cap, max_candidates=policy.max_candidates)

    def __len__(self) -> int:
        """How many distinct keys are held."""
        return len(self._entries)

    def search(self, keys: Sequence[str]) -> Search:
        """Earlier leads sharing any key under the cap: most shared keys first, then earliest."""
        shared: dict[int, int] = {}
        skipped: list[str] = []
        counts: dict[str, int] = {}
        for key in dict.fromkeys(keys):
            entry = self._entries.get(key_hash(key))
            if entry is None:
                counts[key] = 0
                continue
            if entry == _HOT:
                skipped.append(key)
                counts[key] = self.hot_key_cap + 1
                continue
            positions = (entry,) if isinstance(entry, int) else entry
            counts[key] = len(positions)
            for position in positions:
                shared[position] = shared.get(position, 0) + 1
        best = sorted(shared)
        best.sort(key=shared.__getitem__, reverse=True)  # stable: ties stay earliest first
        return Search(tuple(best[: self.max_candidates]), tuple(skipped), counts, self.records)

    def add(self, position: int, keys: Sequence[str]) -> None:
        """Index a lead under its keys; positions must grow, as rows of a file do."""
        self.records += 1
        for key in dict.fromkeys(keys):
            digest = key_hash(key)
            entry = self._entries.get(digest)
            if entry is None:
                self._entries[digest] = position
            elif entry == _HOT:
                continue
            elif isinstance(entry, int):
                self._entries[digest] = _HOT if self.hot_key_cap < 2 else [entry, position]
            elif len(entry) >= self.hot_key_cap:
                self._entries[digest] = _HOT
            else:
                entry.append(position)


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
