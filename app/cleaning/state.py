"""Where an interrupted run stopped, so the same command resumes there.

`state.json` beside the work file says how many rows are decided and how many bytes
of the work file hold them, under a fingerprint of the input (path, size, modification
time) and of everything that changes a verdict (the column mapping, region, policy,
the index checked against). It is replaced atomically, and only after the work file is
on disk, so it never claims a row that was not written. A run with another
fingerprint does not resume: it starts over.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

STATE_FILE = "state.json"
_VERSION = 1


def fingerprint(input_path: Path, settings: dict[str, Any]) -> str:
    stat = input_path.stat()
    data = {
        "version": _VERSION,
        "input": str(input_path.resolve()),
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        **settings,
    }
    return hashlib.sha256(orjson.dumps(data, option=orjson.OPT_SORT_KEYS)).hexdigest()


@dataclass(frozen=True, slots=True)
class Checkpoint:
    fingerprint: str
    rows: int
    bytes: int
    complete: bool = False
    registered: int = 0


def load(work: Path, expected: str) -> Checkpoint | None:
    """The checkpoint of an unfinished run of the same input and options, if there is one."""
    try:
        data = orjson.loads((work / STATE_FILE).read_bytes())
        found = Checkpoint(
            data["fingerprint"],
            int(data["rows"]),
            int(data["bytes"]),
            bool(data["complete"]),
            int(data.get("registered", 0)),
        )
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None
    return found if found.fingerprint == expected else None


def save(work: Path, checkpoint: Checkpoint) -> None:
    work.mkdir(parents=True, exist_ok=True)
    tmp = work / (STATE_FILE + ".tmp")
    tmp.write_bytes(
        orjson.dumps(
            {
                "fingerprint": checkpoint.fingerprint,
                "rows": checkpoint.rows,
                "bytes": checkpoint.bytes,
                "complete": checkpoint.complete,
                "registered": checkpoint.registered,
            }
        )
    )
    os.replace(tmp, work / STATE_FILE)
