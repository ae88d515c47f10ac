"""The work file: one JSON line per processed row, so memory holds offsets, not rows.

Every row's outcome (its cells, Lead JSON, normalized form, issues, keys, verdict,
score) is appended here as it is decided. The batch index asks for earlier leads by
position and gets them read back from this file (the most recently written or read
are kept in memory). The writers
read it front to back once every row is decided; a resumed run replays it to rebuild
the index exactly as it was.
"""

from __future__ import annotations

import os
from array import array
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from app.domain.types import NormalizedLead, normalized_from_dict

Record = dict[str, Any]
KEPT = 40_000
"""How many leads stay in memory as values, the most recently written or read: a file's
duplicates often sit close together, and a company's records are asked for again and again
while its colleagues arrive (parsing a row back cost as much as comparing it)."""


class Spill:
    """Append-only rows with their byte offsets; leads read back by position."""

    def __init__(self, path: Path, *, kept: int = KEPT) -> None:
        self.path = path
        self._starts = array("q")
        self._end = 0
        self._kept: OrderedDict[int, NormalizedLead] = OrderedDict()
        self._keep = kept
        self._writer: BinaryIO | None = None
        self._reader: int | None = None
        self._flushed = 0

    def __len__(self) -> int:
        return len(self._starts)

    @property
    def size(self) -> int:
        """Bytes of whole rows written so far."""
        return self._end

    def open(self, keep_bytes: int) -> Iterator[Record]:
        """Open for appending after the first `keep_bytes`, yielding the rows kept (a resume)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("ab"):
            pass
        os.truncate(self.path, keep_bytes)
        with self.path.open("rb") as f:
            for line in f:
                yield self._remember(orjson.loads(line), len(line))
        self._writer = self.path.open("ab")
        self._reader = os.open(self.path, os.O_RDONLY)
        self._flushed = self._end

    def _remember(self, record: Record, length: int) -> Record:
        self._starts.append(self._end)
        self._end += length
        return record

    def append(self, record: Record, lead: NormalizedLead) -> None:
        assert self._writer is not None
        line = orjson.dumps(record) + b"\n"
        self._writer.write(line)
        position = len(self._starts)
        self._remember(record, len(line))
        self._keep_in_memory(position, lead)

    def flush(self) -> int:
        """Everything appended on disk (fsynced); the byte count a checkpoint can trust."""
        assert self._writer is not None
        self._writer.flush()
        os.fsync(self._writer.fileno())
        self._flushed = self._end
        return self._end

    def record(self, position: int) -> Record:
        assert self._reader is not None and self._writer is not None
        start = self._starts[position]
        end = self._starts[position + 1] if position + 1 < len(self._starts) else self._end
        if end > self._flushed:
            self._writer.flush()
            self._flushed = self._end
        return dict(orjson.loads(os.pread(self._reader, end - start, start)))

    def __getitem__(self, position: int) -> NormalizedLead:
        lead = self._kept.get(position)
        if lead is not None:
            self._kept.move_to_end(position)
            return lead
        lead = normalized_from_dict(self.record(position)["n"])
        self._keep_in_memory(position, lead)
        return lead

    def _keep_in_memory(self, position: int, lead: NormalizedLead) -> None:
        self._kept[position] = lead
        if len(self._kept) > self._keep:
            self._kept.popitem(last=False)

    def records(self) -> Iterator[Record]:
        """Every row, front to back."""
        self.flush()
        with self.path.open("rb") as f:
            for line in f:
                yield orjson.loads(line)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if self._reader is not None:
            os.close(self._reader)
            self._reader = None
