"""A request that fails stores nothing: the database itself refuses the second write of a batch."""

from __future__ import annotations

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

PG_TRIGGER = [
    """CREATE FUNCTION refuse_poison() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'poison record refused'; END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER refuse_poison BEFORE INSERT ON lead FOR EACH ROW
       WHEN (NEW.external_id = 'poison') EXECUTE FUNCTION refuse_poison()""",
]
PG_DROP = ["DROP TRIGGER refuse_poison ON lead", "DROP FUNCTION refuse_poison()"]
SQLITE_TRIGGER = [
    """CREATE TRIGGER refuse_poison BEFORE INSERT ON lead
       WHEN NEW.external_id = 'poison' BEGIN SELECT RAISE(ABORT, 'poison record refused'); END""",
]
SQLITE_DROP = ["DROP TRIGGER refuse_poison"]


async def _run(engine: AsyncEngine, statements: list[str]) -> None:
    async with engine.begin() as conn:
        for sql in statements:
            await conn.execute(text(sql))


async def test_batch_failing_midway_leaves_nothing(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    pg = engine.dialect.name == "postgresql"
    await _run(engine, PG_TRIGGER if pg else SQLITE_TRIGGER)
    try:
        leads = [
            {"external_id": "good", "phone": "13800138222"},
            {"external_id": "poison", "phone": "13800138333"},
        ]
        response = await client.post("/v1/check/batch", json={"leads": leads, "register": True})
        assert response.status_code in (409, 503), response.text
        assert set(response.json()["error"]) == {"code", "message", "field"}
    finally:
        await _run(engine, PG_DROP if pg else SQLITE_DROP)
    found = await client.get("/v1/leads", params={"external_id": "good"})
    assert found.json() == {"leads": []}
    probe = await client.post("/v1/check", json={"lead": {"phone": "13800138222"}})
    assert probe.json()["decision"] == "unique"
