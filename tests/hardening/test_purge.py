"""Purge (`DELETE /v1/leads/{id}?purge=true`, `leadgate purge`): no personal data is left.

Every table of the schema is read back whole, so a table added later is
searched too; what remains of the record is its id, its timestamps and audit
rows that say what happened and when.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.api import flows
from app.api.schemas.lead import Lead
from app.cli import main
from app.domain.policy import DEFAULT_POLICY
from app.store import tables
from app.store.engine import create_engine
from app.store.live_counts import LiveCounts
from app.store.migrate import upgrade
from tests.hardening import seed

# What only the purged record held: the other records of the same person share
# its name and phone, and those are theirs to keep.
ITS_OWN = (
    seed.EMAIL,
    "jiafang-secret",
    seed.EXTERNAL_ID,
    "wx-secret-ouyang",
    "秘密路",
    "secret_campaign",
    "采购总监",
)


async def every_row(engine: AsyncEngine) -> dict[str, list[str]]:
    """Each table's rows as text, all columns."""
    rows: dict[str, list[str]] = {}
    async with engine.connect() as conn:
        for table in tables.metadata.sorted_tables:
            found = await conn.execute(select(table))
            rows[table.name] = [repr(tuple(r)) for r in found]
    return rows


def holding(rows: dict[str, list[str]], needles: tuple[str, ...]) -> dict[str, list[str]]:
    return {
        name: [n for n in needles if any(n in row for row in table_rows)]
        for name, table_rows in rows.items()
        if any(n in row for row in table_rows for n in needles)
    }


async def test_purge_leaves_no_personal_data_in_any_table(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    seeded = await seed.seed(client)
    outcome = {"outcome": "converted", "at": "2026-12-01T10:00:00+08:00"}
    assert (await client.post(f"/v1/leads/{seeded.lead_id}/outcome", json=outcome)).is_success
    before = await every_row(engine)
    assert set(holding(before, ITS_OWN)) >= {"lead", "lead_key", "audit_event", "touchpoint"}
    assert any(seeded.lead_id in row for row in before["review"])

    purged = await client.delete(f"/v1/leads/{seeded.lead_id}", params={"purge": "true"})
    assert purged.status_code == 204, purged.text

    after = await every_row(engine)
    assert holding(after, ITS_OWN) == {}, "personal data survived the purge"
    assert await _referring(engine, seeded.lead_id) == {}, "review items or keys survived"
    trail = await _trail(engine, seeded.lead_id)
    assert trail[-1] == ("purged", {}) and all(data == {} for _, data in trail)
    assert [row for row in after["lead"] if seeded.lead_id in row], "the id itself remains"


async def test_a_purged_lead_cannot_be_found_by_any_key(client: httpx.AsyncClient) -> None:
    seeded = await seed.seed(client)
    purged = await client.delete(f"/v1/leads/{seeded.lead_id}", params={"purge": "true"})
    assert purged.status_code == 204

    assert (await client.get(f"/v1/leads/{seeded.lead_id}")).status_code == 404
    found = await client.get("/v1/leads", params={"external_id": seed.EXTERNAL_ID})
    assert found.json() == {"leads": []}
    for probe in (
        {"email": seed.EMAIL},
        {"phone": seed.PHONE},
        {"name": seed.NAME, "company": seed.COMPANY},
        {"attributes": {"wechat": "wx-secret-ouyang"}},
        seed.LEAD,
    ):
        result = (await client.post("/v1/check", json={"lead": probe})).json()
        assert seeded.lead_id not in [m["id"] for m in result["matches"]], probe
    reviews = (await client.get("/v1/reviews")).json()["reviews"]
    assert not [r for r in reviews if seeded.lead_id in (r["lead_id"], r["candidate_id"])]
    history = await client.get(f"/v1/leads/{seeded.lead_id}/history")
    assert history.status_code == 200
    assert not [s for s in ITS_OWN if s in history.text]
    again = await client.delete(f"/v1/leads/{seeded.lead_id}", params={"purge": "true"})
    assert again.status_code == 404


async def _referring(engine: AsyncEngine, lead_id: str) -> dict[str, int]:
    """Rows that name the record as theirs (a group keeps its id: other records share it)."""
    t = tables
    columns = [
        t.review.c.lead_id,
        t.review.c.candidate_id,
        t.distinct_pair.c.lead_a,
        t.distinct_pair.c.lead_b,
        t.touchpoint.c.lead_id,
        t.lead_key.c.lead_id,
    ]
    found: dict[str, int] = {}
    async with engine.connect() as conn:
        for column in columns:
            rows = (await conn.execute(select(column).where(column == lead_id))).all()
            if rows:
                found[f"{column.table.name}.{column.name}"] = len(rows)
    return found


async def _trail(engine: AsyncEngine, lead_id: str) -> list[tuple[str, Any]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(tables.audit_event.c.action, tables.audit_event.c.data)
            .where(tables.audit_event.c.lead_id == lead_id)
            .order_by(tables.audit_event.c.id)
        )
        return [(r.action, r.data) for r in rows]


def test_cli_purges_a_batch_by_external_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'purge.db'}"
    monkeypatch.setenv("LEADGATE_DATABASE_URL", url)
    upgrade(url)
    people = {f"gone-{i}": f"gone{i}@erase-me.cn" for i in range(3)} | {"kept": "kept@stay.cn"}

    async def store() -> None:
        engine = create_engine(url)
        for external_id, email in people.items():
            lead = Lead(external_id=external_id, email=email)
            incoming = flows.Incoming(lead.to_domain(), lead.to_json())
            await flows.create(
                engine, tables.DEFAULT_TENANT_ID, DEFAULT_POLICY, incoming, "CN", live=LiveCounts()
            )
        await engine.dispose()

    async def remaining() -> dict[str, list[str]]:
        engine = create_engine(url)
        try:
            return await every_row(engine)
        finally:
            await engine.dispose()

    asyncio.run(store())
    listed = tmp_path / "erase.txt"
    listed.write_text("gone-1\n\ngone-2\nnot-stored\n", encoding="utf-8")
    assert main(["purge", "--external-id", "gone-0", "--file", str(listed)]) == 0
    assert "purged 3 records for 4 external ids" in capsys.readouterr().out
    rows = asyncio.run(remaining())
    assert holding(rows, tuple(e for k, e in people.items() if k != "kept")) == {}
    assert holding(rows, ("kept@stay.cn",)), "only the listed records are purged"
