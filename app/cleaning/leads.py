"""The batch's normalized leads by position: JSON on disk, read back by any process.

Each row's normalized lead is appended here as soon as it is prepared, before it is
decided, so the processes comparing later rows can read it from the file (the page
cache serves it) instead of receiving it through a pipe. Where each lead ends is written
beside it (`.ends`, eight bytes a position), so a reader finds a lead by its position
alone and a job names its candidates by position, not by offsets. Memory holds the ends,
in the writer and in each reader; each reader keeps the leads it decoded most recently,
because a company's records are asked for again and again while its colleagues arrive.
"""

from __future__ import annotations

import os
from array import array
from collections import OrderedDict
from pathlib import Path

import orjson

from app.domain.match import Stored
from app.domain.types import NormalizedLead, normalized_from_dict

Span = tuple[int, int]
"""Where one row's data sits in a file: its start and its length in bytes."""

KEPT = 40_000
"""Decoded leads a reader keeps, the most recently asked for."""
ENDS_READ = 1 << 20
"""Bytes of ends a reader asks for at a time."""


def ends_path(path: Path) -> Path:
    return path.with_name(path.name + ".ends")


class LeadFile:
    """Append-only: the writer's side, in the process that assigns positions."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        self._fd = os.open(path, flags, 0o600)
        self._ends_fd = os.open(ends_path(path), flags, 0o600)
        self._ends = array("q")
        self._flushed = 0
        self._buffer: list[bytes] = []

    def __len__(self) -> int:
        return len(self._ends)

    def append(self, lead_json: bytes) -> None:
        """The next position's lead; readable by others after `flush`."""
        self._ends.append((self._ends[-1] if self._ends else 0) + len(lead_json))
        self._buffer.append(lead_json)

    def flush(self) -> None:
        """The leads first, then their ends: a reader never finds an end before its lead."""
        if self._buffer:
            os.write(self._fd, b"".join(self._buffer))
            self._buffer.clear()
            os.write(self._ends_fd, self._ends[self._flushed :].tobytes())
            self._flushed = len(self._ends)

    def close(self) -> None:
        self.flush()
        os.close(self._fd)
        os.close(self._ends_fd)


class LeadReader:
    """The reading side: leads by position, decoded once and kept while they are in use.

    It holds the ends in memory too (eight bytes a position), reading the ones written
    since it last looked in one go: a system call per lead was a tenth of judging's time.
    """

    def __init__(self, path: Path, *, kept: int = KEPT) -> None:
        self._fd = os.open(path, os.O_RDONLY)
        self._ends_fd = os.open(ends_path(path), os.O_RDONLY)
        self._ends = array("q")
        self._kept: OrderedDict[int, Stored] = OrderedDict()
        self._keep = kept

    def lead(self, position: int) -> NormalizedLead:
        return self.candidate(position).lead

    def candidate(self, position: int) -> Stored:
        """The lead as a candidate to compare with, named by its position; kept as such, so
        the candidate a row finds again and again is not made again each time."""
        found = self._kept.get(position)
        if found is not None:
            self._kept.move_to_end(position)
            return found
        start, length = self._span(position)
        lead = normalized_from_dict(orjson.loads(os.pread(self._fd, length, start)))
        found = Stored(str(position), lead.entity, lead)
        self._kept[position] = found
        if len(self._kept) > self._keep:
            self._kept.popitem(last=False)
        return found

    def _span(self, position: int) -> Span:
        ends = self._ends
        while position >= len(ends):
            if not self._read_ends():
                raise IndexError(f"no lead at position {position} yet")
        start = ends[position - 1] if position else 0
        return start, ends[position] - start

    def _read_ends(self) -> bool:
        """Append the ends written since the last read; False when there were none."""
        size = self._ends.itemsize
        data = os.pread(self._ends_fd, ENDS_READ, len(self._ends) * size)
        whole = len(data) - len(data) % size
        self._ends.frombytes(data[:whole])
        return whole > 0

    def close(self) -> None:
        os.close(self._fd)
        os.close(self._ends_fd)
