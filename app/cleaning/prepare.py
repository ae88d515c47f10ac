"""The pure half of each row (normalize, validate, blocking keys), spread over worker processes.

Normalizing is about half of a row's cost and needs nothing but the row, so with
`--workers N` it is done by N processes while the main process matches; the results
come back in file order, so verdicts, groups and resume are exactly those of one
process. It pays only on idle cores: each worker costs a second or two to start and the
rows travel pickled (on this shared 2-core machine it did not pay, so it is opt-in).
Workers ignore Ctrl-C; the main process stops them.
"""

from __future__ import annotations

import signal
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from multiprocessing import get_context
from typing import Any

from app.domain import keys, normalize
from app.domain.policy import Policy
from app.domain.types import Issue, NormalizedLead, RawLead

CHUNK = 200
Item = tuple[dict[str, Any], dict[str, Any], RawLead]
"""A row: its cells, its Lead JSON, its domain value."""


@dataclass(frozen=True, slots=True)
class Prepared:
    lead: NormalizedLead
    issues: tuple[Issue, ...]
    keys: tuple[str, ...]


def prepare(raw: RawLead, region: str, policy: Policy) -> Prepared:
    """What `flows.normalize_only` does for `/v1/check`."""
    lead, issues = normalize.normalize_lead(raw, region, policy.blocklist)
    return Prepared(lead, issues, keys.blocking_keys(lead, policy.attributes))


_worker: tuple[str, Policy] | None = None


def _start(region: str, policy_json: str) -> None:
    global _worker  # noqa: PLW0603 (one policy per worker process, set once)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker = (region, Policy.model_validate_json(policy_json))


def _prepare_chunk(raws: list[RawLead]) -> list[Prepared]:
    assert _worker is not None
    region, policy = _worker
    return [prepare(raw, region, policy) for raw in raws]


def prepared(
    items: Iterable[Item], region: str, policy: Policy, *, workers: int
) -> Iterator[tuple[Item, Prepared]]:
    """Each row with its prepared lead, in order; `workers` < 2 does it in this process."""
    if workers < 2:
        for item in items:
            yield item, prepare(item[2], region, policy)
        return
    pool = ProcessPoolExecutor(
        workers,
        mp_context=get_context("spawn"),
        initializer=_start,
        initargs=(region, policy.model_dump_json()),
    )
    pending: deque[tuple[list[Item], Future[list[Prepared]]]] = deque()
    rows = iter(items)
    try:
        while chunk := list(islice(rows, CHUNK)):
            pending.append((chunk, pool.submit(_prepare_chunk, [i[2] for i in chunk])))
            if len(pending) > 2 * workers:
                yield from _ready(pending.popleft())
        while pending:
            yield from _ready(pending.popleft())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _ready(
    entry: tuple[list[Item], Future[list[Prepared]]],
) -> Iterator[tuple[Item, Prepared]]:
    chunk, future = entry
    yield from zip(chunk, future.result(), strict=True)
