"""`leadgate clean`, step by step: decide every row, then write the files and the report.

1. **Decide**, in file order: map the row to a Lead, normalize and validate it, compute
   its blocking keys (`app.domain.normalize`, `app.domain.keys`, as `/v1/check` does),
   find the earlier rows sharing a key (`app.domain.batch_index`) and, with `--against`,
   the stored records sharing one, and let `app.domain.match.match` decide among them
   all; then score it with the policy's scoring model and the decision's tags, exactly
   as `/v1/check` does with `score_in_check`. Preparing and judging a row run in worker
   processes (`app.cleaning.prepare`); the index lookup runs here, in file order. A
   sure duplicate joins its best match's group, as over HTTP (union-find). Each row's
   outcome goes to the work file; every few thousand rows a checkpoint records how far
   it got, so an interrupted run resumes there.
2. **Write**, once every row is decided and the groups are final: the cleaned file
   (every row with its verdict, group and master flag), the merged file (one row per
   group, the group folded into its master by the survivorship policy) and the report.
   The same worker processes lay out, encode and count the files a part at a time
   (`app.cleaning.render`); this process appends the parts and merges their reports.
3. **Register** (with `--register`): each group's merged lead goes through the same
   check-and-store flow as `POST /v1/check` with `register: true`.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from array import array
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any, Protocol, TextIO

import orjson

from app.cleaning import html, mapping, state
from app.cleaning.errors import CleanError
from app.cleaning.judge import Job, Outcome
from app.cleaning.leads import LeadFile
from app.cleaning.prepare import CHUNK, Judging, Prepared, Workers
from app.cleaning.progress import Progress
from app.cleaning.readers import open_source, read_rows
from app.cleaning.render import Group, Part, Rendered, Sheet
from app.cleaning.report import Report, summary
from app.cleaning.rows import Layout, Merged
from app.cleaning.spill import Record, Spill
from app.cleaning.writers import RowWriter, writer
from app.domain.batch_index import BatchIndex, Groups
from app.domain.match import Stored
from app.domain.model import Frequencies
from app.domain.policy import Policy

WORK_DIR = ".leadgate-work"
CHECKPOINT_ROWS = 2000
CHECKPOINT_SECONDS = 5.0
YIELD_ROWS = 50
PART_ROWS = 1000
"""Rows a worker renders at a time in the write phase."""
AUTO_WORKERS_FROM_ROWS = 20_000
Item = tuple[dict[str, Any], dict[str, Any]]
"""A row: its cells and its Lead JSON."""


class Against(Protocol):
    """The stored index, asked for the records sharing a lead's keys."""

    @property
    def label(self) -> str:
        """Which index (its URL without password): part of the resume fingerprint."""

    async def candidates(
        self, keys: Sequence[str]
    ) -> tuple[list[Stored], dict[str, str], Frequencies]:
        """The candidates, each one's group id, and the index's counts of the keys."""


class Registrar(Protocol):
    async def register(self, lead: dict[str, Any]) -> str:
        """Check and store a merged lead; answers the decision the index gave it."""


class Interrupted(Exception):
    """Stopped by the user; the work so far is kept and the same command resumes."""

    def __init__(self, rows: int) -> None:
        super().__init__(f"interrupted after {rows:,} rows")
        self.rows = rows


@dataclass(frozen=True, slots=True)
class Options:
    input: Path
    out: Path
    policy: Policy
    region: str
    overrides: Mapping[str, str] = field(default_factory=dict)
    against: Against | None = None
    registrar: Registrar | None = None
    restart: bool = False
    workers: int | None = None
    """Processes that prepare and judge rows; 1: this process alone; None: `auto_workers`."""


@dataclass(frozen=True, slots=True)
class Outputs:
    cleaned: Path
    merged: Path
    report_json: Path
    report_html: Path
    report: dict[str, Any]


def auto_workers(estimated_rows: int | None, cores: int | None) -> int:
    """One process per core (at most 8) for a big file; starting workers costs a second or
    two, more than a small file takes in this process alone."""
    if estimated_rows is None or estimated_rows < AUTO_WORKERS_FROM_ROWS or not cores:
        return 1
    return min(cores, 8)


def output_paths(options: Options) -> tuple[Path, Path]:
    suffix = options.input.suffix.lower()
    stem = options.input.stem
    return options.out / f"{stem}.cleaned{suffix}", options.out / f"{stem}.merged{suffix}"


class Cleaner:
    """One run over one input; holds the index, the groups and the work file."""

    def __init__(
        self,
        options: Options,
        *,
        say: Callable[[str], None] = print,
        progress_stream: TextIO | None = None,
        on_row: Callable[[int], None] | None = None,
    ) -> None:
        self.options = options
        self.say = say
        self.progress_stream = progress_stream
        self.on_row = on_row
        self.source = open_source(options.input)
        self.columns = mapping.choose(self.source.columns, options.overrides)
        self.work = options.out / WORK_DIR
        self.spill = Spill(self.work / "rows.jsonl")
        self.index = BatchIndex.for_policy(options.policy)
        self.leads: LeadFile | None = None
        self.workers = options.workers or auto_workers(self.source.estimated_rows, os.cpu_count())
        self._last_checkpoint = 0.0
        self.groups = Groups()
        self.valid = bytearray()
        self.stored_groups: dict[int, str] = {}
        self.joined: dict[str, int] = {}  # a stored group -> the first row found in it
        self.now = datetime.now(UTC)
        self.fingerprint = state.fingerprint(
            options.input,
            {
                "mapping": self.columns.as_json(),
                "region": options.region,
                "policy": options.policy.model_dump(mode="json"),
                "against": options.against.label if options.against else None,
            },
        )
        self.resumed_at = 0
        self.registered = 0

    # --- 1. decide ----------------------------------------------------------------------

    async def run(self) -> Outputs:
        if self.options.out.exists() and not self.options.out.is_dir():
            raise CleanError(f"--out {self.options.out} is a file, not a directory")
        found = None if self.options.restart else state.load(self.work, self.fingerprint)
        self._announce(found)
        began = time.monotonic()
        try:
            if found is None:
                shutil.rmtree(self.work, ignore_errors=True)
            self.leads = LeadFile(self.work / "leads.jsonb")
            for record in self.spill.open(found.bytes if found else 0):
                self._index(len(self.leads), record["keys"], orjson.dumps(record["n"]))
                self._remember(record)
            self.resumed_at = len(self.spill)
            with Workers(
                self.workers, self.options.region, self.options.policy, self.leads.path, self.now
            ) as workers:
                if not (found and found.complete):
                    await self._decide(workers)
                self.registered = found.registered if found else 0
                outputs = self._write(workers, time.monotonic() - began)
            if self.options.registrar is not None:
                await self._register()
        except CleanError:
            shutil.rmtree(self.work, ignore_errors=True)  # the input must change: nothing to resume
            raise
        finally:
            self.spill.close()
            if self.leads is not None:
                self.leads.close()
        shutil.rmtree(self.work, ignore_errors=True)
        return outputs

    def _announce(self, found: state.Checkpoint | None) -> None:
        src = self.source
        rows = f", about {src.estimated_rows:,} rows" if src.estimated_rows else ""
        self.say(f"reading {src.path.name} ({src.describe()}{rows})")
        if self.workers > 1:
            self.say(f"deciding rows in {self.workers} worker processes")
        self.say("columns:")
        for line in self.columns.describe():
            self.say(line)
        if found is not None:
            self.say(f"resuming after row {found.rows:,} (an earlier run was interrupted)")

    def _index(
        self,
        position: int,
        keys: Sequence[str],
        lead_json: bytes,
        hashes: Sequence[int] | None = None,
    ) -> None:
        """Make a row findable by the rows after it: its keys and its normalized lead."""
        self.index.add(position, keys, hashes)
        self.leads_file().append(lead_json)

    def _remember(self, record: Record) -> None:
        """Put a decided row into the groups and the master flags.

        A row joins the group of its best match only, as `/v1/check` does: the row it
        duplicates, or the stored group it was found in (rows found in one stored group
        are one group).
        """
        position = self.groups.add()
        for other in record["dups"]:
            self.groups.union(position, other)
        self.valid.append(record["valid"])
        stored_group = record["stored_group"]
        if stored_group:
            self.stored_groups[position] = stored_group
            first = self.joined.setdefault(stored_group, position)
            if first != position:
                self.groups.union(position, first)

    def leads_file(self) -> LeadFile:
        assert self.leads is not None
        return self.leads

    async def _decide(self, workers: Workers) -> None:
        progress = Progress(
            self.source.estimated_rows, start=len(self.spill), stream=self.progress_stream
        )
        self._last_checkpoint = time.monotonic()
        depth = 2 * self.workers
        rows = self._items()
        prepared: deque[tuple[list[Item], Future[list[Prepared]]]] = deque()
        judged: deque[tuple[list[Item], list[Prepared], Judging]] = deque()
        leads = self.leads_file()
        try:
            while True:
                while len(prepared) < depth and (chunk := list(islice(rows, CHUNK))):
                    prepared.append((chunk, workers.prepare([item[1] for item in chunk])))
                if not prepared:
                    break
                chunk, ready = prepared.popleft()
                done = ready.result()
                jobs = [await self._job(p) for p in done]
                leads.flush()
                judged.append((chunk, done, workers.judge(jobs)))
                while len(judged) > depth:
                    await self._settle(*judged.popleft(), progress)
            while judged:
                await self._settle(*judged.popleft(), progress)
        except (KeyboardInterrupt, asyncio.CancelledError):
            progress.close()
            self._checkpoint(complete=False)
            raise Interrupted(len(self.spill)) from None
        progress.close()
        if not len(self.spill):
            raise CleanError(f"{self.source.path.name} has a header but no rows")
        self._checkpoint(complete=True)

    async def _job(self, ready: Prepared) -> Job:
        """Look the row up among the rows before it (and the stored index), then add it."""
        position = len(self.leads_file())
        stored: list[Stored] = []
        stored_groups: dict[str, str] = {}
        frequencies = None
        if self.options.against is not None:
            stored, stored_groups, frequencies = await self.options.against.candidates(ready.keys)
        search = self.index.search(ready.keys, ready.hashes)
        self._index(position, ready.keys, ready.lead_json, ready.hashes)
        return Job.of(
            position,
            ready.issues,
            search,
            stored=tuple(stored),
            stored_groups=stored_groups,
            stored_frequencies=frequencies,
        )

    async def _settle(
        self,
        chunk: list[Item],
        prepared: list[Prepared],
        judged: Judging,
        progress: Progress,
    ) -> None:
        """Record the judged rows in file order: work file, groups, progress, checkpoints."""
        for (cells, lead_json), ready, outcome in zip(
            chunk, prepared, judged.result(), strict=True
        ):
            record = self._record(cells, lead_json, ready, outcome)
            self.spill.append(record)
            self._remember(record)
            done = len(self.spill)
            progress.update(done)
            if self.on_row is not None:
                self.on_row(done)
            if done % CHECKPOINT_ROWS == 0 or (
                time.monotonic() - self._last_checkpoint > CHECKPOINT_SECONDS
            ):
                self._checkpoint(complete=False)
                self._last_checkpoint = time.monotonic()
            if done % YIELD_ROWS == 0:
                await asyncio.sleep(0)  # lets Ctrl-C (asyncio.run cancels the task) land

    def _checkpoint(self, *, complete: bool) -> None:
        written = self.spill.flush()
        state.save(
            self.work,
            state.Checkpoint(self.fingerprint, len(self.spill), written, complete, self.registered),
        )

    def _items(self) -> Iterator[Item]:
        """The rows not yet decided, each with its Lead JSON."""
        for cells in read_rows(self.source, skip=len(self.spill)):
            yield cells, self.columns.lead(cells)

    def _record(
        self, cells: dict[str, Any], lead_json: dict[str, Any], ready: Prepared, outcome: Outcome
    ) -> Record:
        return {
            "row": len(self.spill) + 1,
            "cells": cells,
            "lead": lead_json,
            "n": orjson.Fragment(ready.lead_json),
            "issues": ready.issues,
            "keys": list(ready.keys),
            "valid": ready.valid,
            **outcome._asdict(),
        }

    # --- 2. write -----------------------------------------------------------------------

    def _write(self, workers: Workers, seconds: float) -> Outputs:
        self.options.out.mkdir(parents=True, exist_ok=True)
        cleaned_path, merged_path = output_paths(self.options)
        layout = Layout(self.source.columns)
        fmt, delimiter = self.source.format, self.source.delimiter
        cleaned = writer(fmt, cleaned_path, layout.cleaned_columns(), delimiter)
        merged = writer(fmt, merged_path, layout.merged_columns(), delimiter)
        plan = _GroupPlan(self.groups, self.valid, self.stored_groups)
        sheet = Sheet(fmt, layout, delimiter, self._identity(), self.spill.path)
        self.spill.flush()
        report = Report()
        rendering: deque[Future[Rendered]] = deque()
        parts = self._parts(plan)
        while True:
            while len(rendering) <= 2 * self.workers and (part := next(parts, None)):
                rendering.append(workers.render(part, sheet))
            if not rendering:
                break
            rendered = rendering.popleft().result()
            report.merge(rendered.report)
            cleaned.write(rendered.cleaned)
            merged.write(rendered.merged)
        _close(cleaned, merged)
        rows = len(self.spill)
        run_figures = {
            "rows_this_run": rows - self.resumed_at,
            "resumed_at_row": self.resumed_at,
            "seconds": round(seconds, 2),
            "rows_per_second": round((rows - self.resumed_at) / seconds) if seconds else None,
        }
        data = report.as_json(
            {
                "input": {
                    "file": self.source.path.name,
                    "format": self.source.format,
                    "encoding": self.source.encoding,
                    "delimiter": self.source.delimiter,
                },
                "mapping": self.columns.as_json(),
                "outputs": {"cleaned": cleaned_path.name, "merged": merged_path.name},
                "run": run_figures,
            }
        )
        report_json = self.options.out / "report.json"
        report_json.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2))
        report_html = self.options.out / "report.html"
        report_html.write_text(html.render(data), encoding="utf-8")
        for line in summary(data):
            self.say(line)
        self.say(f"wrote {cleaned_path}, {merged_path}, {report_json}, {report_html}")
        return Outputs(cleaned_path, merged_path, report_json, report_html, data)

    def _parts(self, plan: _GroupPlan) -> Iterator[Part]:
        """The rows in parts of `PART_ROWS`, with their final groups, for the workers."""
        spill = self.spill
        for first in range(0, len(spill), PART_ROWS):
            positions = range(first, min(first + PART_ROWS, len(spill)))
            start, _ = spill.span(first)
            end = sum(spill.span(positions[-1]))
            yield Part(
                (start, end - start),
                tuple(plan.group_id(plan.roots[p]) for p in positions),
                tuple(plan.master[plan.roots[p]] == p for p in positions),
                tuple(plan.size[plan.roots[p]] for p in positions),
                tuple(self._group(plan, p, first) for p in positions if plan.roots[p] == p),
            )

    def _group(self, plan: _GroupPlan, root: int, first: int) -> Group:
        """The group whose first row is `root`, for the part that begins at row `first`."""
        members = list(plan.members(root))
        others = tuple(self.spill.span(m) for m in members[1:])
        return Group(root - first, others, members.index(plan.master[root]))

    def _identity(self) -> tuple[str, ...]:
        """The input's columns of the lead's identity, which a merged row keeps from its master."""
        fields = self.columns.fields
        return (*fields.get("external_id", ()), *fields.get("entity", ()))

    def _merged(self, first: Record, plan: _GroupPlan, group_id: str) -> Merged:
        root = plan.roots[first["row"] - 1]
        members = [first if m == root else self.spill.record(m) for m in plan.members(root)]
        master = members[[int(m["row"]) - 1 for m in members].index(plan.master[root])]
        return Merged(group_id, master, members, self._identity())

    # --- 3. register --------------------------------------------------------------------

    async def _register(self) -> None:
        registrar = self.options.registrar
        assert registrar is not None
        plan = _GroupPlan(self.groups, self.valid, self.stored_groups)
        counts: dict[str, int] = {}
        for done, root in enumerate(r for r in range(len(self.groups)) if plan.roots[r] == r):
            if done < self.registered:
                continue
            group = self._merged(self.spill.record(root), plan, plan.group_id(root))
            decision = await registrar.register(group.lead)
            counts[decision] = counts.get(decision, 0) + 1
            self.registered = done + 1
            if self.registered % CHECKPOINT_ROWS == 0:
                self._checkpoint(complete=True)
        shown = ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items())) or "none new"
        self.say(f"registered {sum(counts.values()):,} merged leads in the index ({shown})")


def _close(*writers: RowWriter) -> None:
    for w in writers:
        w.close()


class _GroupPlan:
    """The final groups: each row's root, each group's size, master and members in order."""

    def __init__(self, groups: Groups, valid: bytearray, stored: Mapping[int, str]) -> None:
        n = len(groups)
        self.roots = array("q", (groups.find(p) for p in range(n)))
        self.size = array("q", [0]) * n
        self.master = array("q", [-1]) * n
        self._next = array("q", [-1]) * n
        last = array("q", [-1]) * n
        for position in range(n):
            root = self.roots[position]
            self.size[root] += 1
            current = self.master[root]
            if current < 0 or (valid[position] and not valid[current]):
                self.master[root] = position
            if last[root] >= 0:
                self._next[last[root]] = position
            last[root] = position
        self.stored: dict[int, str] = {}
        for position in sorted(stored):
            self.stored.setdefault(self.roots[position], stored[position])

    def group_id(self, root: int) -> str:
        """The stored group a member was found to duplicate, else the group's first row."""
        return self.stored.get(root) or f"G{root + 1:07d}"

    def members(self, root: int) -> Iterator[int]:
        """The rows of the group whose first row is `root`, in file order."""
        position = root
        while position >= 0:
            yield position
            position = self._next[position]
