"""The batch's normalized leads by position: JSON on disk, read back by any process.

Each row's normalized lead is appended here as soon as it is prepared, before it is
decided, so the processes comparing later rows can read it from the file (the page
cache serves it) instead of receiving it through a pipe. Memory holds offsets; each
reader keeps the leads it decoded most recently, because a company's records are asked
for again and again while its colleagues arrive.
"""

from __future__ import annotations

import os
from array import array
from collections import OrderedDict
from pathlib import Path

import orjson

from app.domain.types import NormalizedLead, normalized_from_dict

Span = tuple[int, int]
"""Where one lead's JSON sits in the file: its start and its length in bytes."""

KEPT = 40_000
"""Decoded leads a reader keeps, the most recently asked for."""


class LeadFile:
    """Append-only: the writer's side, in the process that assigns positions."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self._starts = array("q")
        self._lengths = array("l")
        self._end = 0
        self._buffer: list[bytes] = []

    def __len__(self) -> int:
        return len(self._starts)

    def append(self, lead_json: bytes) -> None:
        """The next position's lead; readable by others after `flush`."""
        self._starts.append(self._end)
        self._lengths.append(len(lead_json))
        self._end += len(lead_json)
        self._buffer.append(lead_json)

    def span(self, position: int) -> Span:
        return self._starts[position], self._lengths[position]

    def flush(self) -> None:
        if self._buffer:
            os.write(self._fd, b"".join(self._buffer))
            self._buffer.clear()

    def close(self) -> None:
        self.flush()
        os.close(self._fd)


class LeadReader:
    """The reading side: leads by span, decoded once and kept while they are in use."""

    def __init__(self, path: Path, *, kept: int = KEPT) -> None:
        self._fd = os.open(path, os.O_RDONLY)
        self._kept: OrderedDict[int, NormalizedLead] = OrderedDict()
        self._keep = kept

    def lead(self, position: int, span: Span) -> NormalizedLead:
        found = self._kept.get(position)
        if found is not None:
            self._kept.move_to_end(position)
            return found
        start, length = span
        found = normalized_from_dict(orjson.loads(os.pread(self._fd, length, start)))
        self._kept[position] = found
        if len(self._kept) > self._keep:
            self._kept.popitem(last=False)
        return found

    def close(self) -> None:
        os.close(self._fd)
