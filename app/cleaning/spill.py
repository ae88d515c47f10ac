"""The work file: one JSON line per decided row, so memory holds offsets, not rows.

Every row's outcome (its cells, Lead JSON, normalized form, issues, keys, verdict,
score) is appended here as it is decided. The writers read it front to back once every
row is decided, and read a group's members back by position; a resumed run replays it
to rebuild the index, the lead file and the groups exactly as they were.
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import orjson

Record = dict[str, Any]


class Spill:
    """Append-only rows with their byte offsets; rows read back by position."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._starts = array("q")
        self._end = 0
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

    def append(self, record: Record) -> None:
        """A decided row; values may be `orjson.Fragment`s, JSON serialized already."""
        assert self._writer is not None
        line = orjson.dumps(record) + b"\n"
        self._writer.write(line)
        self._remember(record, len(line))

    def flush(self) -> int:
        """Everything appended on disk (fsynced); the byte count a checkpoint can trust."""
        assert self._writer is not None
        self._writer.flush()
        os.fsync(self._writer.fileno())
        self._flushed = self._end
        return self._end

    def span(self, position: int) -> tuple[int, int]:
        """Where the row's line sits in the file: its start and its length in bytes."""
        start = self._starts[position]
        end = self._starts[position + 1] if position + 1 < len(self._starts) else self._end
        return start, end - start

    def record(self, position: int) -> Record:
        assert self._reader is not None and self._writer is not None
        start, length = self.span(position)
        if start + length > self._flushed:
            self._writer.flush()
            self._flushed = self._end
        return dict(orjson.loads(os.pread(self._reader, length, start)))

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if self._reader is not None:
            os.close(self._reader)
            self._reader = None
