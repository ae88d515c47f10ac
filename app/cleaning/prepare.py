"""The two halves of a row that need no other row's outcome, run in worker processes.

A row is **prepared** (normalized, validated, its blocking keys computed: it needs
nothing but the row) and **judged** (compared with the earlier rows the index found,
decided and scored: it needs the earlier leads, which sit in the lead file by then).
Between the two, the main process looks the row's keys up in the batch index and adds
them, in file order: that is the only step that must see the rows one after another,
and it is cheap. So with `--workers N` nearly all the work is spread over N processes,
and the results come back in file order: verdicts, groups and resume are exactly those
of one process. With `--workers 1` both halves run in the main process, the same code.
The same processes then render the output files a part at a time (`app.cleaning.render`).
Workers ignore Ctrl-C; the main process stops them.

Each worker keeps the leads it decoded last (`LeadReader`), and a row's candidates are
mostly its own group's and its company's earlier rows. So a row is judged by the worker
that judged its best candidate (`Router`): each worker's cache then holds about half the
companies instead of every company half the time, and on a big file a third fewer
candidates have to be read back and decoded. Preparing and rendering go round the
workers in turn.

After each task a worker takes what outlives it out of the cyclic garbage collector's
sight (`gc.freeze`): the decoded leads and parsed values its caches keep, hundreds of
thousands of objects the collector otherwise scanned again and again as the caches
turned over, a tenth of the worker's time at 200k rows. Refcounting still frees them
when the caches let go. The task's young cyclic garbage is collected first; a cycle
alive at the end of a task and dropped later would never be, and the caches hold none.
"""

from __future__ import annotations

import gc
import signal
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from itertools import cycle
from multiprocessing import get_context
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple, TypeVar

import orjson

from app.cleaning import mapping
from app.cleaning.judge import IssueRow, Job, Outcome, issue_rows, judge_all
from app.cleaning.leads import LeadReader
from app.cleaning.render import Part, Rendered, Sheet, render
from app.domain import keys, normalize, validate
from app.domain.batch_index import key_hash
from app.domain.policy import Policy
from app.domain.types import normalized_to_dict

CHUNK = 200
"""Rows per task: enough to make a task's overhead small, few enough to keep both halves busy."""
T = TypeVar("T")


class Prepared(NamedTuple):
    lead_json: bytes
    """The normalized lead, as the lead file and the work file hold it."""
    issues: tuple[IssueRow, ...]
    keys: tuple[str, ...]
    hashes: tuple[int, ...]
    """The keys' `key_hash`es: computed here, so the main process, which every row waits
    for, does not."""
    valid: bool


def prepare(lead_json: Mapping[str, Any], region: str, policy: Policy) -> Prepared:
    """What `flows.normalize_only` does for `/v1/check`, from the row's Lead JSON (a dict
    crosses to a worker ten times as cheaply as the frozen `RawLead`)."""
    raw = mapping.raw_lead(lead_json)
    lead, issues = normalize.normalize_lead(raw, region, policy.blocklist)
    found = keys.blocking_keys(lead, policy.attributes)
    return Prepared(
        orjson.dumps(normalized_to_dict(lead)),
        issue_rows(issues),
        found,
        tuple(key_hash(k) for k in found),
        validate.is_valid(issues),
    )


@dataclass(slots=True)
class _Context:
    region: str
    policy: Policy
    leads: LeadReader
    now: datetime


_worker: _Context | None = None


def _start(region: str, policy_json: str, leads: str, now: datetime) -> None:
    global _worker  # noqa: PLW0603 (one context per worker process, set once)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    policy = Policy.model_validate_json(policy_json)
    _worker = _Context(region, policy, LeadReader(Path(leads)), now)
    _settle_garbage()


def _prepare_chunk(leads: list[dict[str, Any]]) -> list[Prepared]:
    assert _worker is not None
    prepared = [prepare(lead, _worker.region, _worker.policy) for lead in leads]
    _settle_garbage()
    return prepared


def _judge_chunk(jobs: list[Job]) -> list[Outcome]:
    assert _worker is not None
    outcomes = judge_all(jobs, _worker.leads, _worker.policy, _worker.now)
    _settle_garbage()
    return outcomes


def _settle_garbage() -> None:
    """Collect the young cyclic garbage, then take what survives out of the collector's
    sight. Preparing and judging the generated files leave none (the phone parser's
    exception cycles are broken where they arise, `app.domain.phone`); a value no test
    has met may, and a frozen cycle would never be freed."""
    gc.collect(1)
    gc.freeze()


class Judging:
    """Rows sent out to be judged, in parts by worker; their outcomes in the rows' order."""

    def __init__(self, parts: Sequence[tuple[Sequence[int], Future[list[Outcome]]]]) -> None:
        self._parts = parts

    def result(self) -> list[Outcome]:
        found: dict[int, Outcome] = {}
        for indices, future in self._parts:
            found.update(zip(indices, future.result(), strict=True))
        return [found[i] for i in range(len(found))]


class Router:
    """Which worker judges a row: the one that judged its best candidate, else the one
    given the fewest of the rows at hand; at most `SHARE` times an even share each, so one
    big company cannot leave the other workers idle."""

    SHARE = 1.5

    def __init__(self, count: int) -> None:
        self.count = count
        self._routes = bytearray()
        """Per position, the worker that judged it."""

    def route(self, jobs: Sequence[Job]) -> list[list[int]]:
        """Per worker, the indices of the jobs it judges."""
        if not jobs:
            return [[] for _ in range(self.count)]
        routes = self._routes
        if len(routes) < jobs[0].position:  # a resumed run: earlier rows were judged before
            routes.extend(p % self.count for p in range(len(routes), jobs[0].position))
        shares: list[list[int]] = [[] for _ in range(self.count)]
        most = int(self.SHARE * len(jobs) / self.count) + 1
        for i, job in enumerate(jobs):
            least = min(range(self.count), key=lambda w: len(shares[w]))
            chosen = routes[job.positions[0]] if job.positions else least
            if len(shares[chosen]) >= most:
                chosen = least
            shares[chosen].append(i)
            routes.append(chosen)
        return shares


class Workers:
    """Both halves of a row, in worker processes or (`count` < 2) in this one."""

    def __init__(self, count: int, region: str, policy: Policy, leads: Path, now: datetime) -> None:
        self.count = count
        self._pools: list[Executor] = []
        self._local: _Context | None = None
        if count < 2:
            self._local = _Context(region, policy, LeadReader(leads), now)
        else:
            self._pools = [
                ProcessPoolExecutor(
                    1,
                    mp_context=get_context("spawn"),
                    initializer=_start,
                    initargs=(region, policy.model_dump_json(), str(leads), now),
                )
                for _ in range(count)
            ]
        self._turns = cycle(self._pools)
        self._router = Router(max(count, 1))

    def prepare(self, leads: list[dict[str, Any]]) -> Future[list[Prepared]]:
        """Normalize, validate and key the rows, given as their Lead JSON."""
        if self._local is not None:
            local = self._local
            return _done(lambda: [prepare(lead, local.region, local.policy) for lead in leads])
        return next(self._turns).submit(_prepare_chunk, leads)

    def render(self, part: Part, sheet: Sheet) -> Future[Rendered]:
        """Lay out and encode a part of the output files; the work file must be on disk."""
        if self._local is not None:
            return _done(lambda: render(part, sheet))
        return next(self._turns).submit(render, part, sheet)

    def judge(self, jobs: Sequence[Job]) -> Judging:
        """Decide the rows; their leads and candidates must be in the lead file already.
        Jobs must come in position order, as the rows do."""
        if self._local is not None:
            local = self._local
            outcomes = _done(lambda: judge_all(jobs, local.leads, local.policy, local.now))
            return Judging([(range(len(jobs)), outcomes)])
        shares = self._router.route(jobs)
        return Judging(
            [
                (indices, pool.submit(_judge_chunk, [jobs[i] for i in indices]))
                for pool, indices in zip(self._pools, shares, strict=True)
                if indices
            ]
        )

    def __enter__(self) -> Workers:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        for pool in self._pools:
            pool.shutdown(wait=True, cancel_futures=True)
        if self._local is not None:
            self._local.leads.close()


def _done(work: Callable[[], T]) -> Future[T]:
    """Run now, in this process: the one-process case keeps the pool's interface."""
    future: Future[Any] = Future()
    future.set_result(work())
    return future
