"""A lean closed-loop HTTP/1.1 load client, run in its own process.

`concurrency` keep-alive connections each send the next request as soon as the
answer to the last one arrived. It speaks just enough HTTP for uvicorn's
answers (a status line, headers, a Content-Length body), so it costs tens of
microseconds of CPU per request where an httpx client costs hundreds; its own
CPU is measured and reported beside the server's, because on a small machine
the client competes with the server for the same cores.
"""

from __future__ import annotations

import asyncio
import itertools
import multiprocessing
import resource
import time
from array import array
from collections import Counter
from dataclasses import dataclass, field, replace

import uvloop

HOST = "127.0.0.1"


@dataclass(frozen=True, slots=True)
class Phase:
    """Send `bodies` in turn, from the one at `first` (after the last, the first again), to
    `path` for `warmup` + `seconds`, or until `max_requests` were sent (warm-up included)."""

    port: int
    path: str
    bodies: list[bytes]
    concurrency: int
    seconds: float
    warmup: float = 0.0
    max_requests: int | None = None
    first: int = 0

    def after(self, sent: int) -> Phase:
        """The same phase, going on from the body after the last of `sent` more."""
        return replace(self, first=(self.first + sent) % len(self.bodies))


@dataclass(slots=True)
class Outcome:
    """What the measured window saw: the answers that arrived in it (a long request begun
    in the warm-up counts when it ends inside the window)."""

    requests: int = 0
    sent: int = 0  # warm-up included: what the client's CPU was spent on
    seconds: float = 0.0
    latencies_us: array[int] = field(default_factory=lambda: array("q"))
    statuses: Counter[int] = field(default_factory=Counter)
    client_cpu: float = 0.0

    def percentile(self, p: float) -> float:
        """The p-th percentile latency in milliseconds (nearest rank)."""
        if not self.latencies_us:
            return float("nan")
        ordered = sorted(self.latencies_us)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] / 1000

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def failures(self) -> int:
        return sum(n for status, n in self.statuses.items() if status != 200)


def _request(path: str, body: bytes) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    raise ValueError("the server answered without Content-Length")


class _Run:
    def __init__(self, phase: Phase) -> None:
        self.phase = phase
        self.requests = [_request(phase.path, body) for body in phase.bodies]
        self.next = itertools.count(phase.first)
        self.outcome = Outcome()
        self.start = time.perf_counter()
        self.measure_from = self.start + phase.warmup
        self.end = self.measure_from + phase.seconds
        self.stopped_at = self.end

    def more(self, now: float) -> bool:
        limit = self.phase.max_requests
        if limit is not None and self.outcome.sent >= limit:
            self.stopped_at = min(self.stopped_at, now)
            return False
        return now < self.end

    async def connection(self) -> None:
        reader, writer = await asyncio.open_connection(HOST, self.phase.port, limit=2**22)
        try:
            while self.more(time.perf_counter()):
                request = self.requests[next(self.next) % len(self.requests)]
                sent = time.perf_counter()
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                await reader.readexactly(_content_length(head))
                done = time.perf_counter()
                self.outcome.sent += 1
                if self.measure_from <= done <= self.end:
                    self.outcome.requests += 1
                    self.outcome.statuses[int(head[9:12])] += 1
                    self.outcome.latencies_us.append(int((done - sent) * 1e6))
        finally:
            writer.close()

    async def run(self) -> Outcome:
        before = resource.getrusage(resource.RUSAGE_SELF)
        await asyncio.gather(*(self.connection() for _ in range(self.phase.concurrency)))
        after = resource.getrusage(resource.RUSAGE_SELF)
        self.outcome.seconds = max(self.stopped_at - self.measure_from, 1e-9)
        self.outcome.client_cpu = (after.ru_utime + after.ru_stime) - (
            before.ru_utime + before.ru_stime
        )
        return self.outcome


def _child(phase: Phase, results: multiprocessing.SimpleQueue[Outcome]) -> None:
    results.put(uvloop.run(_Run(phase).run()))


def drive(phase: Phase) -> Outcome:
    """Run the phase in a fresh client process, so its CPU is its own and not the runner's."""
    context = multiprocessing.get_context("spawn")
    results: multiprocessing.SimpleQueue[Outcome] = context.SimpleQueue()
    process = context.Process(target=_child, args=(phase, results))
    process.start()
    outcome = results.get()
    process.join()
    return outcome
