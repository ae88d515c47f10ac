"""Fill a tenant's index with N realistic leads, so benchmarks run against a real-size index.

    .venv/bin/python -m load_tests.seed -n 1000000 \\
        --url postgresql+asyncpg://postgres@127.0.0.1/leadgate_bench_1m

The leads come from the evaluation's generator (Chinese and English people at companies,
the companies as accounts, junk entries; a third of them written again with noise, so the
index holds duplicate groups, and short trade names recur across companies the way they do
in a real CRM). Chunks of CHUNK_RECORDS leads are made, normalized and keyed by the
service's own `flows.normalize_only` in WORKERS processes, each chunk written in one
transaction with binary COPY into the real `lead`, `lead_key`, `lead_issue` and
`lead_group` tables (PostgreSQL only), with the columns the report reads (`valid`,
`present`, `source`) as the service writes them.
The same seed always gives the same leads; chunk 0 is the same at every N, and a share of
its duplicates is held back from the index: `requests()` hands them out as the duplicates
a benchmark sends.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from random import Random
from typing import Any

import asyncpg
import orjson
import phonenumbers
from sqlalchemy.engine import make_url

from app.api import flows
from app.api.schemas.lead import Lead
from app.domain.policy import DEFAULT_POLICY
from app.domain.types import normalized_to_dict
from app.evaluation.generate import generate
from app.store import lead_issues, leads
from app.store.ids import time_ordered_id
from app.store.migrate import upgrade
from app.store.tables import DEFAULT_TENANT_ID

Record = dict[str, Any]
CHUNK_RECORDS = 4_000
# About 5,000 records: a full chunk after the hold-out. The generator has 600 English
# company names and never repeats one within a world, so a world stays well under that.
CHUNK_ENTITIES = 3_200
HELD_OUT = 800
DEFAULT_SEED = 7  # the seed `make bench` fills its databases with
DEFAULT_REGION = "CN"
FRESH_SEED_OFFSET = 1_000_003  # the seed of leads never stored: new leads in requests
LEAD_COLUMNS = (
    "id",
    "tenant_id",
    "external_id",
    "entity",
    "group_id",
    "raw",
    "normalized",
    "created_at",
    "updated_at",
    "valid",
    "present",
    "source",
)
KEY_COLUMNS = ("tenant_id", "key", "lead_id")
ISSUE_COLUMNS = ("lead_id", "tenant_id", "field", "code", "severity")
GROUP_COLUMNS = ("tenant_id", "group_id", "kept")


def region_of(lead: Record) -> str:
    """The lead's own country when it is a real ISO code, as a CRM would send it."""
    country = lead.get("country")
    if isinstance(country, str) and country.upper() in phonenumbers.SUPPORTED_REGIONS:
        return country.upper()
    return DEFAULT_REGION


@dataclass(frozen=True, slots=True)
class Chunk:
    stored: list[Record]
    held: list[Record]


def chunk(seed: int, index: int) -> Chunk:
    """The records of chunk `index`: the same for the same seed, whatever N is."""
    records = generate(CHUNK_ENTITIES, seed=seed * 10_007 + index)
    for i, record in enumerate(records):
        record["cluster"] = f"{index}/{record['cluster']}"
        record["lead"]["external_id"] = f"seed-{index:05d}-{i:05d}"
    if index != 0:
        return Chunk(records[:CHUNK_RECORDS], [])
    seen: set[str] = set()
    held_ids: set[int] = set()
    for i, record in enumerate(records):
        if record["cluster"] in seen and len(held_ids) < HELD_OUT:
            held_ids.add(i)
        seen.add(record["cluster"])
    stored = [r for i, r in enumerate(records) if i not in held_ids][:CHUNK_RECORDS]
    clusters = {r["cluster"] for r in stored}
    held = [records[i] for i in sorted(held_ids) if records[i]["cluster"] in clusters]
    return Chunk(stored, held)


def requests(seed: int, n: int, duplicate_share: float, start: int = 0) -> list[Record]:
    """`n` leads to send: `duplicate_share` of them copies of stored records held back from
    the index (repeated when more are asked than were held back), the rest leads of worlds
    never stored; shuffled, the same for the same seed and start.

    `start` says where in the endless run of never-stored worlds the new leads begin: calls
    whose ranges [start, start + n) do not overlap share no new lead, so a benchmark can
    give each route leads the server has not met."""
    duplicates = chunk(seed, 0).held
    n_dup = round(n * duplicate_share)
    fresh: list[Record] = []
    while len(fresh) < n - n_dup:
        fresh += generate(CHUNK_ENTITIES, seed=seed + FRESH_SEED_OFFSET + start + len(fresh))
    picked = [duplicates[(start + i) % len(duplicates)] for i in range(n_dup)]
    picked += fresh[: n - n_dup]
    Random(seed + start).shuffle(picked)
    return picked


@dataclass(frozen=True, slots=True)
class Job:
    dsn: str
    tenant_id: str
    seed: int
    index: int
    size: int


@dataclass(frozen=True, slots=True)
class Rows:
    leads: list[tuple[Any, ...]]
    keys: list[tuple[str, str, str]]
    issues: list[tuple[str, ...]]
    groups: list[tuple[str, str, int]]


def _rows(job: Job) -> Rows:
    """Lead, key, issue and group rows of one chunk, through the same validation and
    normalization as a check: the first copy of each entity founds its group, later copies
    join it (a chunk's groups are its own)."""
    rows: list[tuple[Any, ...]] = []
    keys: list[tuple[str, str, str]] = []
    issues: list[tuple[str, ...]] = []
    groups: dict[str, str] = {}
    sizes: dict[str, int] = {}
    start = datetime.now(UTC)
    for i, record in enumerate(chunk(job.seed, job.index).stored[: job.size]):
        body = Lead.model_validate(record["lead"])
        prepared = flows.normalize_only(body.to_domain(), region_of(record["lead"]), DEFAULT_POLICY)
        lead_id = time_ordered_id()
        group_id = groups.setdefault(record["cluster"], lead_id)
        sizes[group_id] = sizes.get(group_id, 0) + 1
        normalized = normalized_to_dict(prepared.lead)
        kept = leads.report_columns(normalized)
        at = start + timedelta(microseconds=i)
        rows.append(
            (
                lead_id,
                job.tenant_id,
                normalized.get("external_id"),
                normalized.get("entity", "lead"),
                group_id,
                orjson.dumps(body.to_json()).decode(),
                orjson.dumps(normalized).decode(),
                at,
                at,
                prepared.valid,
                kept["present"],
                kept["source"],
            )
        )
        keys.extend((job.tenant_id, key, lead_id) for key in dict.fromkeys(prepared.keys))
        found = lead_issues.rows(job.tenant_id, lead_id, prepared.issues)
        issues.extend(tuple(row[c] for c in ISSUE_COLUMNS) for row in found)
    groups_kept = [(job.tenant_id, group_id, kept) for group_id, kept in sizes.items()]
    return Rows(rows, keys, issues, groups_kept)


async def _write(job: Job) -> int:
    rows = _rows(job)
    conn = await asyncpg.connect(job.dsn)
    try:
        async with conn.transaction():
            await conn.copy_records_to_table("lead", records=rows.leads, columns=LEAD_COLUMNS)
            await conn.copy_records_to_table("lead_key", records=rows.keys, columns=KEY_COLUMNS)
            await conn.copy_records_to_table(
                "lead_issue", records=rows.issues, columns=ISSUE_COLUMNS
            )
            await conn.copy_records_to_table(
                "lead_group", records=rows.groups, columns=GROUP_COLUMNS
            )
    finally:
        await conn.close()
    return len(rows.leads)


def run_job(job: Job) -> int:
    """One chunk in a worker process: its own event loop and connection."""
    return asyncio.run(_write(job))


def jobs(dsn: str, tenant_id: str, seed: int, n: int) -> Iterator[Job]:
    for index in range((n + CHUNK_RECORDS - 1) // CHUNK_RECORDS):
        yield Job(dsn, tenant_id, seed, index, min(CHUNK_RECORDS, n - index * CHUNK_RECORDS))


def asyncpg_dsn(url: str) -> str:
    """The plain libpq form of a SQLAlchemy URL (postgresql+asyncpg://… → postgresql://…)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _admin(dsn: str, *sql: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        for statement in sql:
            await conn.execute(statement)
    finally:
        await conn.close()


async def ensure_database(url: str) -> None:
    """Create the database when it does not exist yet (connecting to `postgres`)."""
    parsed = make_url(url)
    admin = asyncpg_dsn(url).rsplit("/", 1)[0] + "/postgres"
    conn = await asyncpg.connect(admin)
    try:
        exists = await conn.fetchval(
            "SELECT 1 FROM pg_database WHERE datname = $1", parsed.database
        )
        if not exists:
            await conn.execute(f'CREATE DATABASE "{parsed.database}"')
    finally:
        await conn.close()


async def seeded(url: str, tenant_id: str) -> int:
    """How many seeded leads the tenant holds."""
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        count: int = await conn.fetchval(
            "SELECT count(*) FROM lead WHERE tenant_id = $1 AND external_id LIKE 'seed-%'",
            tenant_id,
        )
        return count
    finally:
        await conn.close()


BENCH_PREFIX = "leadgate_bench"

# The index's own indexes and constraints, made after the COPY instead of kept up during it:
# sorting 6 million keys once is much faster than inserting them one by one into B-trees.
_DEFERRED = """
SELECT format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass, conname,
              pg_get_constraintdef(oid)),
       format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass, conname)
FROM pg_constraint WHERE conrelid = 'lead_key'::regclass
UNION ALL
SELECT indexdef, format('DROP INDEX %I', indexname)
FROM pg_indexes
WHERE tablename IN ('lead', 'lead_key')
  AND indexname NOT IN (SELECT conname FROM pg_constraint)
"""


async def _defer_indexes(dsn: str) -> list[str]:
    """Drop the key index's constraints and the secondary indexes; returns what remakes them."""
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(_DEFERRED)
        for row in rows:
            await conn.execute(row[1])
        return [row[0] for row in sorted(rows, key=lambda r: "FOREIGN KEY" in r[0])]
    finally:
        await conn.close()


async def _recreate(url: str) -> None:
    """A bench database is made anew (so an interrupted seed leaves nothing half-built);
    any other database is only emptied."""
    parsed = make_url(url)
    admin = asyncpg_dsn(url).rsplit("/", 1)[0] + "/postgres"
    if not str(parsed.database).startswith(BENCH_PREFIX):
        await ensure_database(url)
        return
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{parsed.database}"')
    finally:
        await conn.close()


def seed(
    url: str,
    n: int,
    *,
    tenant_id: str = DEFAULT_TENANT_ID,
    seed_value: int = DEFAULT_SEED,
    workers: int = 2,
) -> float:
    """Empty the index and fill it with `n` leads; returns the seconds it took.

    A database named leadgate_bench* is dropped and made anew, and its key index built
    after the leads are in; any other database is emptied and filled with its indexes up.
    """
    if make_url(url).get_backend_name() != "postgresql":
        raise SystemExit("seed writes with COPY: give a postgresql+asyncpg:// URL")
    start = time.perf_counter()
    asyncio.run(_recreate(url))
    upgrade(url)
    dsn = asyncpg_dsn(url)
    emptied = "lead, lead_key, lead_group, audit_event, touchpoint, review, distinct_pair"
    asyncio.run(_admin(dsn, f"TRUNCATE {emptied} CASCADE"))
    fresh = str(make_url(url).database).startswith(BENCH_PREFIX)
    remake = asyncio.run(_defer_indexes(dsn)) if fresh else []
    done = 0
    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        for written in pool.imap_unordered(run_job, jobs(dsn, tenant_id, seed_value, n)):
            done += written
            rate = done / (time.perf_counter() - start)
            print(f"\r  seeded {done}/{n} leads ({rate:.0f}/s)", end="", file=sys.stderr)
    print(file=sys.stderr)
    asyncio.run(_admin(dsn, "SET maintenance_work_mem = '512MB'", *remake))
    asyncio.run(
        _admin(
            dsn, *(f"VACUUM ANALYZE {t}" for t in ("lead", "lead_key", "lead_issue", "lead_group"))
        )
    )
    return time.perf_counter() - start


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m load_tests.seed", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--url", required=True, help="postgresql+asyncpg:// URL (created if new)")
    parser.add_argument("-n", type=int, default=10_000, help="leads to store")
    parser.add_argument("--tenant", default=DEFAULT_TENANT_ID, help="tenant id (must exist)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--workers", type=int, default=2, help="processes normalizing leads")
    args = parser.parse_args(argv)
    seconds = seed(
        args.url, args.n, tenant_id=args.tenant, seed_value=args.seed, workers=args.workers
    )
    print(f"seeded {args.n} leads in {seconds:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
