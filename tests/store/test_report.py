"""The report's stored columns agree with what the records say, whatever path wrote them.

`lead.valid`, `lead.present`, `lead.source` and the group sizes in `lead_group` are
written with each record (migration 0006 fills them for older ones); the reference
here derives every figure from scratch the way the report did before they existed:
the errors in lead_issue, the fields in the normalized JSON, the records of each
group, the issues of the live records. Real databases, the real app over ASGI.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import import_module
from pathlib import Path
from typing import Any

import httpx
import pytest
from alembic import command
from sqlalchemy import ColumnElement, and_, exists, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.api.clean_flows import IndexRegistrar
from app.cleaning.mapping import raw_lead
from app.domain.completeness import FIELDS
from app.domain.policy import DEFAULT_POLICY
from app.store import report as figures
from app.store.engine import create_engine
from app.store.migrate import alembic_config, upgrade
from app.store.records import as_utc
from app.store.tables import DEFAULT_TENANT_ID, lead, lead_issue
from tests.api.test_report import LEADS
from tests.conftest import ADMIN_KEY, Settings, _pg_admin, _pg_dsn, app_client

T = DEFAULT_TENANT_ID
SINCE = datetime(2000, 1, 1, tzinfo=UTC)


def _has(field: str) -> ColumnElement[bool]:
    value = lead.c.normalized[field].as_string()
    return and_(value.is_not(None), value.not_in(("", "[]", "{}")))


_VALID = ~exists().where(lead_issue.c.lead_id == lead.c.id, lead_issue.c.severity == "error")


@dataclass(frozen=True)
class Figures:
    counts: figures.Counts
    duplicates: int
    issues: dict[tuple[str, str], int]
    by_day: list[figures.DayCount]


async def _from_scratch(engine: AsyncEngine) -> Figures:
    """The figures from the issues and the JSON alone, as the report derived them before."""
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                select(
                    lead.c.group_id,
                    lead.c.deleted_at,
                    lead.c.merged_into,
                    lead.c.created_at,
                    lead.c.normalized["source"].as_string().label("source"),
                    _VALID.label("valid"),
                    *(_has(f).label(f"has_{f}") for f in FIELDS),
                ).where(lead.c.tenant_id == T)
            )
        ).all()
        stored_issues = (
            await conn.execute(
                select(lead.c.id, lead_issue.c.code, lead_issue.c.severity)
                .join(lead, lead.c.id == lead_issue.c.lead_id)
                .where(lead_issue.c.tenant_id == T, lead.c.deleted_at.is_(None))
                .where(lead.c.merged_into.is_(None))
            )
        ).all()
    with_issue: dict[tuple[str, str], set[str]] = {}
    for lead_id, code, severity in stored_issues:
        with_issue.setdefault((code, severity), set()).add(lead_id)
    kept = [r for r in rows if r.deleted_at is None]
    live = [r for r in kept if r.merged_into is None]
    sizes: dict[str, int] = {}
    for r in kept:
        sizes[r.group_id] = sizes.get(r.group_id, 0) + 1
    days: dict[tuple[str, str | None], list[int]] = {}
    for r in rows:
        day = days.setdefault((as_utc(r.created_at).date().isoformat(), r.source), [0, 0])
        day[0] += 1
        day[1] += bool(r.valid)
    counts = figures.Counts(
        records=len(rows),
        live=len(live),
        deleted=len(rows) - len(kept),
        merged=len(kept) - len(live),
        valid=sum(bool(r.valid) for r in live),
        complete={f: sum(bool(r._mapping[f"has_{f}"]) for r in live) for f in FIELDS},
    )
    by_day = [
        figures.DayCount(day, source, n, valid)
        for (day, source), (n, valid) in sorted(
            days.items(), key=lambda d: (d[0][0], d[0][1] or "")
        )
    ]
    issues = {key: len(ids) for key, ids in with_issue.items()}
    return Figures(counts, sum(n for n in sizes.values() if n > 1), issues, by_day)


async def _reported(engine: AsyncEngine) -> Figures:
    async with engine.connect() as conn:
        report = await figures.report(conn, T, SINCE)
    by_day = sorted(report.by_day, key=lambda d: (d.day, d.source or ""))
    records = [i.records for i in report.issues]
    assert records == sorted(records, reverse=True), "most frequent first"
    issues = {(i.code, i.severity): i.records for i in report.issues}
    return Figures(report.counts, report.duplicates, issues, by_day)


async def _agree(engine: AsyncEngine) -> figures.Counts:
    reported = await _reported(engine)
    assert reported == await _from_scratch(engine)
    return reported.counts


async def _check(client: httpx.AsyncClient, one: dict[str, Any]) -> dict[str, Any]:
    response = await client.post("/v1/check", json={"lead": one, "register": True})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code < 300, response.text
    return response.json() if response.content else {}


async def test_every_write_path_leaves_the_figures_derived_from_scratch(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    a = (await _check(client, LEADS["A"]))["id"]
    b = (await _check(client, LEADS["B"]))["id"]
    counts = await _agree(engine)
    assert (counts.live, counts.valid, counts.complete["title"]) == (2, 1, 1)
    assert (await _reported(engine)).issues[("invalid_phone", "error")] == 1

    batch = await _ok(
        await client.post(
            "/v1/check/batch", json={"leads": [LEADS["C"], LEADS["D"]], "register": True}
        )
    )
    d = batch["results"][1]["id"]
    assert batch["results"][1]["decision"] == "duplicate"
    assert (await _agree(engine)).live == 4

    e = (await _ok(await client.post("/v1/leads", json={"lead": {"phone": "13766554433"}})))["id"]
    assert (await _agree(engine)).complete["name"] == 2
    await _ok(await client.put(f"/v1/leads/{e}", json={"lead": LEADS["H"]}))
    assert (await _agree(engine)).complete["name"] == 3

    await _ok(await client.post(f"/v1/leads/{e}/merge", json={"into": a}))
    counts = await _agree(engine)
    assert (counts.live, counts.merged, counts.complete["name"]) == (4, 1, 2)
    await _ok(await client.post(f"/v1/leads/{e}/unmerge"))
    assert (await _agree(engine)).merged == 0

    await _check(client, LEADS["F"])
    await _check(client, LEADS["G"])
    [waiting] = (await _ok(await client.get("/v1/reviews")))["reviews"]
    await _ok(await client.post(f"/v1/reviews/{waiting['id']}", json={"verdict": "same"}))
    counts = await _agree(engine)
    assert (counts.live, counts.merged) == (6, 1)

    await _ok(await client.delete(f"/v1/leads/{d}"))
    await _ok(await client.delete(f"/v1/leads/{b}?purge=true"))
    counts = await _agree(engine)
    assert (counts.records, counts.live, counts.deleted, counts.valid) == (7, 4, 2, 4)
    assert ("invalid_phone", "error") not in (await _reported(engine)).issues  # B's, purged

    registrar = IndexRegistrar(engine, T, DEFAULT_POLICY, "CN", raw_lead)
    await registrar.register({"name": "刘洋", "phone": "13681937265", "source": "referral"})
    assert (await _agree(engine)).live == 5

    long_source = "展会" * 300  # too long for ix_lead_intake's entries: read off the table
    long_lead = {"name": "周杰", "phone": "13812345678", "source": long_source}
    await _ok(await client.post("/v1/leads", json={"lead": long_lead}))
    assert (await _agree(engine)).live == 6
    assert long_source in {d.source for d in (await _reported(engine)).by_day}


@pytest.fixture(params=["sqlite", "postgresql"])
async def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A database of its own, migrated to head: this test moves its schema."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'backfill.db'}"
    else:
        request.getfixturevalue("postgresql_url")  # skips (or fails under CI) with no server
        name = f"leadgate_test_{uuid.uuid4().hex[:12]}"
        await _pg_admin(f'CREATE DATABASE "{name}"')
        url = _pg_dsn(name).replace("postgresql://", "postgresql+asyncpg://")
    await asyncio.to_thread(upgrade, url)
    yield url
    if request.param == "postgresql":
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _migrate(url: str, step: Callable[..., None], revision: str) -> None:
    await asyncio.to_thread(step, alembic_config(url), revision)


async def test_the_migration_fills_the_columns_of_existing_records(fresh_url: str) -> None:
    engine = create_engine(fresh_url)
    try:
        settings = Settings(database_url=fresh_url, auth="off", admin_key=ADMIN_KEY)
        async with app_client(settings, engine) as client:
            ids = {name: (await _check(client, one))["id"] for name, one in LEADS.items()}
            await _ok(await client.post(f"/v1/leads/{ids['H']}/merge", json={"into": ids["A"]}))
            await _ok(await client.delete(f"/v1/leads/{ids['E']}?purge=true"))
            await _ok(await client.delete(f"/v1/leads/{ids['C']}"))
        before = await _agree(engine)
        await engine.dispose()

        await _migrate(fresh_url, command.downgrade, "0005")
        await _migrate(fresh_url, command.upgrade, "head")

        assert await _agree(engine) == before
        assert (before.live, before.valid, before.merged, before.deleted) == (5, 4, 1, 2)
    finally:
        await engine.dispose()


def test_the_migration_keeps_the_fields_in_their_bits() -> None:
    """Masks are stored: FIELDS only grows, and the migration's copy is its prefix."""
    migration = import_module("app.store.migrations.versions.0006_report_columns")
    assert FIELDS[: len(migration.FIELDS)] == migration.FIELDS
