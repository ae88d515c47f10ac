"""The write phase's costly half, run in the worker processes a part of the file at a time.

Once every row is decided and the groups are final, each row of the cleaned file and each
group's merged row depend only on the work file and the final groups, so a part of the
file renders anywhere: its rows are read back, laid out (`app.cleaning.rows`), folded
into their group's merged row (survivorship), encoded in the output's format and counted
in the part's report. The main process sends the parts out in file order and appends
what comes back, and merges the reports, in file order again: the files and the report
are those one process would write.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from app.cleaning.leads import Span
from app.cleaning.readers import Format
from app.cleaning.report import Report
from app.cleaning.rows import Layout, Merged, cleaned_json
from app.cleaning.writers import Encoded, Encoder


@dataclass(frozen=True, slots=True)
class Sheet:
    """How the output files look: the same for every part."""

    fmt: Format
    layout: Layout
    delimiter: str | None
    identity: tuple[str, ...]
    """The input's columns of the lead's identity, which the master keeps (`Merged`)."""
    work: Path
    """The work file (`app.cleaning.spill`)."""


class Group(NamedTuple):
    """A group whose first row lies in the part."""

    row: int
    """Its first row, counted from the part's first."""
    others: tuple[Span, ...]
    """Where its other rows sit in the work file, in file order."""
    master: int
    """Which of its rows (0: the first) is the master."""


class Part(NamedTuple):
    """Consecutive rows of the work file, with what the final groups say of each."""

    span: Span
    group_ids: tuple[str, ...]
    masters: tuple[bool, ...]
    sizes: tuple[int, ...]
    """How many rows each row's group has."""
    groups: tuple[Group, ...]


class Rendered(NamedTuple):
    cleaned: Encoded
    merged: Encoded
    report: Report
    """The part's rows counted, to merge into the file's report in file order."""


def render(part: Part, sheet: Sheet) -> Rendered:
    """Row by row, keeping only the encoded output: holding a whole part's rows cost half
    as much CPU again (most likely the garbage collector, sweeping the heap they reach)."""
    layout, jsonl = sheet.layout, sheet.fmt == "jsonl"
    lay = cleaned_json if jsonl else layout.cleaned
    cleaned = Encoder(sheet.fmt, layout.cleaned_columns(), sheet.delimiter)
    merged = Encoder(sheet.fmt, layout.merged_columns(), sheet.delimiter)
    report = Report(sources_kept=None)
    groups = {group.row: group for group in part.groups}
    fd = os.open(sheet.work, os.O_RDONLY)
    try:
        start, length = part.span
        lines = os.pread(fd, length, start).split(b"\n")[:-1]
        for row, (line, group_id, is_master, size) in enumerate(
            zip(lines, part.group_ids, part.masters, part.sizes, strict=True)
        ):
            record = orjson.loads(line)
            cleaned.add(lay(record, group_id, is_master=is_master))
            report.add(record, group_id=group_id, group_size=size, is_master=is_master)
            group = groups.get(row)
            if group is not None:
                folded = _merged(group, record, group_id, fd, sheet.identity)
                merged.add(folded.as_json() if jsonl else layout.merged(folded))
    finally:
        os.close(fd)
    return Rendered(cleaned.done(), merged.done(), report)


def _merged(
    group: Group, first: dict[str, Any], group_id: str, fd: int, identity: tuple[str, ...]
) -> Merged:
    others = (orjson.loads(os.pread(fd, length, start)) for start, length in group.others)
    members = [first, *others]
    return Merged(group_id, members[group.master], members, identity)
