"""Throughput and latency of leadgate beside a bare FastAPI endpoint, on a real-size index.

    .venv/bin/python -m load_tests.run [--sizes 10000,1000000] [--seconds 8] [--quick]

For each index size: a PostgreSQL database seeded by `load_tests.seed` (once; reused while
it holds that many seeded leads), leadgate started as a user starts it (`leadgate serve`,
LEADGATE_WORKERS=2) and, with the same uvicorn settings, the bare app of `load_tests.bare`
that only validates the same bodies. Every route and concurrency is measured on the bare
app and then on leadgate, back to back, by the client of `load_tests.client` in its own
process, so the ratio holds on a busy machine where absolute figures do not. Server CPU is
read from /proc for the server's processes (and, for leadgate, the PostgreSQL backends
serving it). The smallest size also runs the soak: worker RSS after a warm-up and after
each quarter of `--soak` more single checks. The table goes to stdout and to
load_tests/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import orjson

from app.store.migrate import upgrade
from app.store.tables import DEFAULT_TENANT_ID
from load_tests import seed
from load_tests.client import Outcome, Phase, drive

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
RESULTS = ROOT / "load_tests" / "RESULTS.md"
PG = "postgresql+asyncpg://postgres@127.0.0.1:5432"
WORKERS = 2
TARGET_RATIO = 0.35  # the issue's `/v1/check` target: this share of the bare endpoint's rate
BATCH = 1000
DUPLICATE_SHARE = 0.25
# New leads per route, each route its own: a server meets a lead again only after its route
# has sent them all (the report counts such repeats). Sending the same few thousand bodies
# over and over measured the caches (names, companies, numbers already parsed, candidates
# already decoded), not what a stream of new leads costs: 10-21 % less CPU per check.
SINGLE_POOL = 30_000
BATCH_POOL = 120  # batches of BATCH leads
REGISTER_POOL = 12_000  # registered leads are all distinct, so a run never registers one twice
CLK_TCK = os.sysconf("SC_CLK_TCK")
BATCH_SECONDS = 30.0  # a batch takes seconds: a longer window, so enough of them complete
EVENTS = [
    {"type": "visit_pricing", "at": "2026-11-28T10:00:00Z", "count": 3},
    {"type": "email_open", "at": "2026-11-20T09:00:00Z"},
]


@dataclass(frozen=True, slots=True)
class Route:
    name: str
    path: str
    per: str  # "req" or "lead": what a figure counts
    concurrency: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Row:
    size: int
    route: Route
    concurrency: int
    app: Outcome
    bare: Outcome
    app_cpu: float
    db_cpu: float
    bare_cpu: float
    units: int  # leads per request
    repeated: int = 0  # requests that sent the server a lead its route had sent it before

    def per_unit(self, seconds: float, outcome: Outcome) -> float:
        """Microseconds of CPU per request (per lead for a batch), warm-up included."""
        return seconds * 1e6 / max(outcome.sent * self.units, 1)

    @property
    def ratio(self) -> float:
        return self.app.rate / self.bare.rate if self.bare.rate else float("nan")


# --- request bodies -------------------------------------------------------------------------


def _leads(n: int, seed_value: int, start: int = 0) -> list[dict[str, Any]]:
    """Request leads with bench external ids, so a reset can tell them from seeded ones."""
    leads = []
    for i, record in enumerate(seed.requests(seed_value, n, DUPLICATE_SHARE, start)):
        lead = dict(record["lead"])
        lead["external_id"] = f"bench-{start + i:07d}"
        leads.append(lead)
    return leads


def _body(lead: dict[str, Any], **extra: Any) -> bytes:
    region = seed.region_of(lead)
    return orjson.dumps({"lead": lead, "region": region, **extra})


def _batches(leads: Sequence[dict[str, Any]], register: bool) -> list[bytes]:
    return [
        orjson.dumps({"leads": leads[i : i + BATCH], "register": register})
        for i in range(0, len(leads) - BATCH + 1, BATCH)
    ]


# Where each route's leads begin in the run of new leads (`seed.requests`' `start`), and how
# many it has; `batch register` sends the leads of `check register`, batched.
POOLS = {
    "check": (0, SINGLE_POOL),
    "normalize": (SINGLE_POOL, SINGLE_POOL),
    "score": (2 * SINGLE_POOL, SINGLE_POOL),
    "batch": (3 * SINGLE_POOL, BATCH_POOL * BATCH),
    "check register": (3 * SINGLE_POOL + BATCH_POOL * BATCH, REGISTER_POOL),
}


def bodies(seed_value: int, only: Iterable[str] | None = None) -> dict[str, list[bytes]]:
    """Request bodies by route (all routes, or `only` these), each route's leads new ones
    that no other route sends."""
    wanted = set(POOLS) | {"batch register"} if only is None else set(only)
    shapes: dict[str, Callable[[list[dict[str, Any]]], list[bytes]]] = {
        "check": lambda leads: [_body(lead, register=False) for lead in leads],
        "normalize": lambda leads: [_body(lead) for lead in leads],
        "score": lambda leads: [
            _body(lead, events=EVENTS, now="2026-12-01T12:00:00Z") for lead in leads
        ],
        "batch": lambda leads: _batches(leads, register=False),
        "check register": lambda leads: [_body(lead, register=True) for lead in leads],
    }
    found: dict[str, list[bytes]] = {}
    for name, (start, n) in POOLS.items():
        if name in wanted or (name == "check register" and "batch register" in wanted):
            leads = _leads(n, seed_value, start)
            found[name] = shapes[name](leads)
            if name == "check register":
                found["batch register"] = _batches(leads, register=True)
    return {name: found[name] for name in wanted}


# --- servers --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def descendants(pid: int) -> list[int]:
    """The process and all its children, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def cpu_seconds(pids: Sequence[int]) -> float:
    """User plus system CPU of these processes so far (the ones still alive)."""
    return sum(cpu_by_pid(pids).values())


def cpu_by_pid(pids: Sequence[int]) -> dict[int, float]:
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / CLK_TCK
    return found


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass(slots=True)
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]

    @property
    def pids(self) -> list[int]:
        return descendants(self.process.pid)

    @property
    def workers(self) -> list[int]:
        """The processes that serve requests: the children of uvicorn's supervisor that
        use CPU (the multiprocessing helper that sits idle is left out)."""
        return [p for p in self.pids if p != self.process.pid and rss_mib(p) > 40]


@contextmanager
def serve(name: str, command: list[str], env: dict[str, str], port: int) -> Iterator[Server]:
    process = subprocess.Popen(
        command,
        env={**os.environ, **env},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        _wait_ready(port, process)
        yield Server(name, port, process)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _wait_ready(port: int, process: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            error = process.stderr.read().decode() if process.stderr else ""
            raise SystemExit(f"server exited with {process.returncode}:\n{error[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"server on port {port} did not answer /healthz in {timeout:.0f} s")


def leadgate(url: str, root: Path | None = None) -> tuple[list[str], dict[str, str], int]:
    """`leadgate serve` as a user starts it; with `root`, the code of that tree instead
    (another checkout, to measure a change against what it replaces)."""
    port = free_port()
    env = {
        "LEADGATE_DATABASE_URL": url,
        "LEADGATE_WORKERS": str(WORKERS),
        "LEADGATE_AUTH": "off",
        "LEADGATE_LOG_LEVEL": "warning",
        "LEADGATE_HOST": "127.0.0.1",
        "LEADGATE_PORT": str(port),
    }
    if root is None:
        return [str(VENV_BIN / "leadgate"), "serve"], env, port
    env["PYTHONPATH"] = str(root)
    # -P: `-m` would put the working directory (this checkout) before PYTHONPATH, and the
    # servers would run this tree's code whatever `root` says; uvicorn's workers inherit it
    return [sys.executable, "-P", "-m", "app.cli", "serve"], env, port


def bare() -> tuple[list[str], dict[str, str], int]:
    """The bare app, served as `leadgate serve` serves (`load_tests/bare.py`)."""
    port = free_port()
    return [sys.executable, "-m", "load_tests.bare", str(port), str(WORKERS)], {}, port


# --- the database ---------------------------------------------------------------------------


async def _backends(dsn: str, database: str) -> list[int]:
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            database,
        )
        return [r["pid"] for r in rows]
    finally:
        await conn.close()


_GROUP_SIZES = """
INSERT INTO lead_group (tenant_id, group_id, kept)
SELECT tenant_id, group_id, count(*) FROM lead WHERE deleted_at IS NULL GROUP BY 1, 2
"""


async def _reset(dsn: str) -> None:
    """Drop what a previous run registered: the index is back to the seeded leads, and the
    group sizes the report reads are counted again from them."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "DELETE FROM lead WHERE external_id IS NULL OR external_id NOT LIKE 'seed-%'"
        )
        await conn.execute("TRUNCATE audit_event, touchpoint, review, distinct_pair CASCADE")
        async with conn.transaction():
            await conn.execute("DELETE FROM lead_group")
            await conn.execute(_GROUP_SIZES)
        # every table a check reads, vacuumed and analyzed: a migration that rewrote `lead`
        # (0006) leaves a million dead rows and stale statistics behind
        await conn.execute("VACUUM ANALYZE lead")
        await conn.execute("VACUUM ANALYZE lead_key")
        await conn.execute("VACUUM ANALYZE lead_group")
    finally:
        await conn.close()


# What a check reads: the key index (index-only scans) and the candidates' rows by id.
_PREWARMED = ("pk_lead_key", "pk_lead", "lead")


async def _prewarm(dsn: str) -> None:
    """Read what a check reads into the page cache right before the phase that measures
    checks. An index is meant to sit in memory, and here it otherwise does not: this VM
    pages out what was not touched for a minute (DAMON reclaim), so a phase started on a
    1M index read its candidates from disk (the previous table's 1M check rows) and
    measured the disk, not the service."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        for relation in _PREWARMED:
            await conn.execute("SELECT pg_prewarm($1::regclass, 'read')", relation)
    finally:
        await conn.close()


def database_name(size: int) -> str:
    """leadgate_bench_10k, leadgate_bench_1m: one database per index size."""
    for unit, label in ((1_000_000, "m"), (1_000, "k")):
        if size % unit == 0:
            return f"leadgate_bench_{size // unit}{label}"
    return f"leadgate_bench_{size}"


def prepare_database(size: int, seed_value: int) -> str:
    url = f"{PG}/{database_name(size)}"
    asyncio.run(seed.ensure_database(url))
    have = asyncio.run(seed.seeded(url, DEFAULT_TENANT_ID)) if _exists(url) else 0
    if have != size:
        print(f"seeding {size} leads into {url} (have {have})", file=sys.stderr)
        seed.seed(url, size, seed_value=seed_value)
    # Here, not in `leadgate serve`: a migration can outlast the servers' wait for /healthz
    # (0006 takes about 1.5 minutes on the 1M index), and a server stopped mid-way undoes it.
    upgrade(url)
    asyncio.run(_reset(seed.asyncpg_dsn(url)))
    return url


def _exists(url: str) -> bool:
    async def tables() -> bool:
        conn = await asyncpg.connect(seed.asyncpg_dsn(url))
        try:
            return bool(await conn.fetchval("SELECT to_regclass('lead') IS NOT NULL"))
        finally:
            await conn.close()

    return asyncio.run(tables())


# --- measuring ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Settings:
    seconds: float
    warmup: float


def measure(
    server: Server, phase: Phase, db: tuple[str, str] | None
) -> tuple[Outcome, float, float]:
    """One phase against one server: the outcome, server CPU and database CPU seconds."""
    pids = server.pids
    backends = cpu_by_pid(asyncio.run(_backends(*db))) if db else {}
    before = cpu_seconds(pids)
    outcome = drive(phase)
    after = cpu_by_pid(asyncio.run(_backends(*db))) if db else {}
    db_used = sum(used - backends.get(pid, 0.0) for pid, used in after.items())
    return outcome, cpu_seconds(pids) - before, db_used


def routes(quick: bool, only: str | None = None) -> list[Route]:
    single = (16,) if quick else (16, 64)
    names = {n.strip() for n in only.split(",")} if only else None
    every = [
        Route("normalize", "/v1/normalize", "req", single),
        Route("score", "/v1/score", "req", single),
        Route("check", "/v1/check", "req", single),
        Route("batch", "/v1/check/batch", "lead", (4,)),
        Route("check register", "/v1/check", "req", single),
    ]
    return [r for r in every if names is None or r.name in names]


def run_size(
    size: int,
    requests: dict[str, list[bytes]],
    settings: Settings,
    quick: bool,
    root: Path | None,
    only: str | None,
) -> list[Row]:
    url = prepare_database(size, seed.DEFAULT_SEED)
    dsn, database = seed.asyncpg_dsn(url), database_name(size)
    rows = []
    with serve("leadgate", *leadgate(url, root)) as app, serve("bare", *bare()) as baseline:
        for route in routes(quick, only):
            units = BATCH if route.per == "lead" else 1
            sent = 0  # this route's bodies leadgate has had: the next phase goes on from there
            for concurrency in route.concurrency:
                register = route.name == "check register"
                kwargs: dict[str, Any] = {
                    "path": route.path,
                    "bodies": requests[route.name],
                    "concurrency": concurrency,
                    "seconds": max(settings.seconds, BATCH_SECONDS)
                    if route.per == "lead"
                    else settings.seconds,
                    "warmup": settings.warmup,
                }
                b, b_cpu, _ = measure(baseline, Phase(port=baseline.port, **kwargs), None)
                if route.path.startswith("/v1/check"):
                    asyncio.run(_prewarm(dsn))
                if register:  # every registered lead distinct: start from the unsent ones
                    kwargs["max_requests"] = len(requests[route.name])
                pool = len(requests[route.name])
                phase = Phase(port=app.port, **kwargs).after(sent)
                a, a_cpu, db_cpu = measure(app, phase, (dsn, database))
                repeated = min(a.sent, max(0, sent + a.sent - pool))
                sent += a.sent
                row = Row(size, route, concurrency, a, b, a_cpu, db_cpu, b_cpu, units, repeated)
                print(line(row), file=sys.stderr, flush=True)
                rows.append(row)
                if register:
                    asyncio.run(_reset(dsn))
    return rows


SOAK_READINGS = 4


def soak(size: int, n: int, requests: dict[str, list[bytes]]) -> str:
    """Worker RSS after a warm-up and after each quarter of `n` more single checks, new leads
    in turn: the parse caches and the decoded candidates (each bounded) fill first, so RSS
    climbs and then levels off; a climb that went on would be a leak."""
    url = prepare_database(size, seed.DEFAULT_SEED)
    bodies = requests["check"]
    failures = 0
    with serve("leadgate", *leadgate(url)) as app:
        sent = drive(Phase(app.port, "/v1/check", bodies, 64, 600, max_requests=5000)).sent
        workers = app.workers
        readings = [(sent, [rss_mib(p) for p in workers])]
        phase = Phase(app.port, "/v1/check", bodies, 64, 1200, max_requests=n // SOAK_READINGS)
        phase = phase.after(sent)
        for _ in range(SOAK_READINGS):
            outcome = drive(phase)
            phase = phase.after(outcome.sent)
            sent += outcome.sent
            failures += outcome.failures
            readings.append((sent, [rss_mib(p) for p in workers]))
    series = "; ".join(f"{k:,}: {', '.join(f'{m:.1f}' for m in rss)}" for k, rss in readings)
    (half, before), (end, after) = readings[len(readings) // 2], readings[-1]
    growth = max(a - b for a, b in zip(after, before, strict=True)) / (end - half) * 100_000
    return (
        f"Worker RSS (MiB, each worker) after that many `/v1/check` (register false, 64 "
        f"concurrent, {size:,}-lead index, its {len(bodies):,} new leads in turn): {series}. "
        f"Over the second half: at most {growth:+.1f} MiB per 100,000 checks; {failures} "
        "non-200 answers. The parse caches and the decoded candidates (each bounded) fill "
        "first, so RSS climbs and then levels off."
    )


# --- the report -----------------------------------------------------------------------------

HEADER = (
    "| index | route | conc | rate | p50 ms | p99 ms | app CPU µs | db CPU µs | client CPU µs "
    "| bare rate | bare CPU µs | ratio | non-200 |"
)


def line(row: Row) -> str:
    a, b = row.app, row.bare
    unit = "leads/s" if row.route.per == "lead" else "req/s"
    return (
        f"| {row.size:,} | {row.route.name} | {row.concurrency} | {a.rate * row.units:,.0f} {unit} "
        f"| {a.percentile(50):.1f} | {a.percentile(99):.1f} "
        f"| {row.per_unit(row.app_cpu, a):,.0f} | {row.per_unit(row.db_cpu, a):,.0f} "
        f"| {row.per_unit(a.client_cpu, a):,.0f} | {b.rate * row.units:,.0f} "
        f"| {row.per_unit(row.bare_cpu, b):,.0f} | {row.ratio:.2f} | {_failures(a)} |"
    )


def _failures(outcome: Outcome) -> str:
    """Non-200 answers by status, e.g. `3×503`; 0 when there were none."""
    bad = sorted((s, n) for s, n in outcome.statuses.items() if s != 200)
    return ", ".join(f"{n}×{s}" for s, n in bad) or "0"


def _single(rows: Sequence[Row], size: int, name: str, concurrency: int) -> Row | None:
    for row in rows:
        if row.size == size and row.route.name == name and row.concurrency == concurrency:
            return row
    return None


def targets(rows: Sequence[Row]) -> list[str]:
    """The issue's targets, each read off this run's rows."""
    sizes = sorted({r.size for r in rows})
    big, small = sizes[-1], sizes[0]
    found = []
    for c in (16, 64):
        row = _single(rows, big, "check", c)
        if row:
            found.append(
                f"- `/v1/check` register false, {big:,} leads, {c} concurrent: "
                f"{row.ratio:.2f} × bare (target ≥ {TARGET_RATIO}); "
                f"p99 {row.app.percentile(99):.1f} ms" + (" (target < 20 ms)" if c == 16 else "")
            )
    budget = _budget(_single(rows, big, "check", 16))
    if budget:
        found.append(budget)
    high, low = _single(rows, big, "check", 16), _single(rows, small, "check", 16)
    if high and low and big != small:
        found.append(
            f"- p50 at {big:,} ÷ p50 at {small:,} (check, 16 concurrent): "
            f"{high.app.percentile(50) / low.app.percentile(50):.2f} (target ≤ 1.25)"
        )
    for size in sizes:
        batch, single = _single(rows, size, "batch", 4), _single(rows, size, "check", 16)
        if batch and single:
            found.append(
                f"- batch of {BATCH} at {size:,} leads: {batch.app.rate * BATCH:,.0f} leads/s = "
                f"{batch.app.rate * BATCH / single.app.rate:.2f} × single checks at 16 concurrent "
                "(target ≥ 3)"
            )
    return found


def _budget(row: Row | None) -> str | None:
    """What the ratio target leaves a check on this host: the machine's cores divided by the
    rate it asks for, against the CPU this run's checks took (server, database and client
    share the cores, so all three count)."""
    if row is None or not row.bare.rate:
        return None
    cores = os.cpu_count() or 1
    wanted = TARGET_RATIO * row.bare.rate
    spent = [row.per_unit(cpu, row.app) for cpu in (row.app_cpu, row.db_cpu, row.app.client_cpu)]
    return (
        f"- what {TARGET_RATIO} × bare leaves a check at {row.size:,} leads: the bare endpoint "
        f"answered {row.bare.rate:,.0f} req/s, so {wanted:,.0f} checks/s on {cores} cores, "
        f"{cores * 1e6 / wanted:,.0f} µs of CPU a check in all; this run's took "
        f"{sum(spent):,.0f} (app {spent[0]:,.0f}, database {spent[1]:,.0f}, client {spent[2]:,.0f})"
    )


def repeats(rows: Sequence[Row]) -> list[str]:
    """What the servers had met before: each route's pool, and the phases that went past it."""
    held = len(seed.chunk(seed.DEFAULT_SEED, 0).held)
    found = [
        f"Each route sends leads of its own, never sent by another route: {SINGLE_POOL:,} for "
        f"each single-lead route, {BATCH_POOL * BATCH:,} for batches, {REGISTER_POOL:,} for "
        f"registering checks; {DUPLICATE_SHARE:.0%} of them are noisy copies of the {held:,} "
        "stored records held back from the index, so those recur. A route that sends all "
        "its leads starts again from the first, which the server has met already:"
    ]
    again = [
        f"- {r.route.name} at {r.concurrency} ({r.size:,}): {r.repeated:,} of "
        f"{r.app.sent:,} requests"
        for r in sorted(rows, key=lambda r: (r.size, r.route.name, r.concurrency))
        if r.repeated
    ]
    return found + (again or ["- no phase did"])


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    return (
        f"{os.cpu_count()} × {cpu}, {int(memory) / 2**20:.0f} GiB, {platform.platform()}, "
        f"Python {platform.python_version()}"
    )


def _git() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" with uncommitted changes" if dirty else "")


def report(rows: Sequence[Row], notes: Sequence[str], load: tuple[str, str], command: str) -> str:
    table = "\n".join(
        [HEADER, "|" + "---|" * 13]
        + [line(r) for r in sorted(rows, key=lambda r: (r.size, r.route.name, r.concurrency))]
    )
    return f"""# Load test results

- date: {datetime.now(UTC).isoformat(timespec="seconds")}
- machine: {machine()}
- code: {_git()}
- command: `{command}`
- load average (1, 5, 15 min) before: {load[0]}; after: {load[1]} (other work on the machine
  takes cores from both servers alike: read the ratios, not the absolute rates)

{table}

Columns: `rate` is requests (a batch: leads) per second over the measured window; `p50`, `p99`
the latency the client saw; CPU columns are microseconds of CPU per request (a batch: per lead),
warm-up included: `app` the leadgate processes, `db` the PostgreSQL backends serving them,
`client` the load client, `bare` the bare endpoint's processes; `ratio` is leadgate's rate over
the bare endpoint's at the same concurrency with the same bodies, measured back to back.

## Leads sent

{chr(10).join(repeats(rows))}

## Targets

{chr(10).join(targets(rows))}

## Memory

{chr(10).join(notes) or "(no soak in this run)"}
"""


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m load_tests.run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--sizes", default="10000,1000000", help="index sizes, comma-separated")
    parser.add_argument("--seconds", type=float, default=8.0, help="measured seconds per phase")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds first")
    parser.add_argument("--soak", type=int, default=200_000, help="checks of the RSS soak")
    parser.add_argument("--quick", action="store_true", help="16 concurrent only, no soak")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--leadgate-root", type=Path, help="serve the app of this tree (e.g. `git archive HEAD`)"
    )
    parser.add_argument("--routes", help="only these routes, comma-separated (e.g. check,batch)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the servers are stopped too
    args = parse(argv)
    command = shlex.join(
        ["python", "-m", "load_tests.run", *(sys.argv[1:] if argv is None else argv)]
    )
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    load_before = _loadavg()
    soaking = not args.quick and args.soak > 0
    wanted = {r.name for r in routes(args.quick, args.routes)} | ({"check"} if soaking else set())
    requests = bodies(seed.DEFAULT_SEED, wanted)
    settings = Settings(args.seconds, args.warmup)
    print(HEADER, file=sys.stderr)
    rows = [
        row
        for size in sizes
        for row in run_size(size, requests, settings, args.quick, args.leadgate_root, args.routes)
    ]
    notes = [soak(min(sizes), args.soak, requests)] if soaking else []
    text = report(rows, notes, (load_before, _loadavg()), command)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


def _loadavg() -> str:
    return ", ".join(Path("/proc/loadavg").read_text().split()[:3])


if __name__ == "__main__":
    raise SystemExit(main())
