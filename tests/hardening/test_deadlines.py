"""Every request has a deadline: a slow statement is cancelled and answered 503 with Retry-After.

The statement timeout here is half a second (LEADGATE_DB_STATEMENT_TIMEOUT,
2 s by default); the slow work injected would take 30 s, so an answer within
a few seconds can only mean it was cancelled, and the next request shows
that the connection it ran on was not left broken.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from app.api import flows
from app.api.schemas.lead import Lead
from app.config import Settings
from app.domain.policy import DEFAULT_POLICY
from app.store import index, tables
from app.store.engine import create_engine, transaction
from app.store.errors import StoreUnavailable
from tests.conftest import app_client, clear

TIMEOUT = 0.5
SLOW = 30
# Answered within this many seconds: the timeout plus a generous margin, far below SLOW.
ANSWERED_WITHIN = 5.0
SLOW_TRIGGER = [
    f"""CREATE FUNCTION slow_insert() RETURNS trigger AS $$
       BEGIN PERFORM pg_sleep({SLOW}); RETURN NEW; END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER slow_insert BEFORE INSERT ON lead FOR EACH ROW
       WHEN (NEW.external_id = 'slow') EXECUTE FUNCTION slow_insert()""",
]
DROP = ["DROP TRIGGER IF EXISTS slow_insert ON lead", "DROP FUNCTION IF EXISTS slow_insert()"]
LEAD = {"name": "林晓峰", "phone": "15902178436", "email": "lin.xf@deadline-corp.cn"}


@pytest.fixture
async def pg(postgresql_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(postgresql_url, statement_timeout=TIMEOUT)
    yield engine
    await clear(engine)
    await engine.dispose()


async def _run(engine: AsyncEngine, statements: list[str]) -> None:
    async with engine.begin() as conn:
        for sql in statements:
            await conn.execute(text(sql))


def assert_503(response: httpx.Response, started: float) -> None:
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "database_unavailable"
    assert int(response.headers["retry-after"]) >= 1
    assert time.monotonic() - started < ANSWERED_WITHIN, "the slow statement was not cancelled"


async def test_slow_statement_is_cancelled_and_answered_503(
    pg: AsyncEngine, postgresql_url: str
) -> None:
    await _run(pg, SLOW_TRIGGER)
    try:
        async with app_client(Settings(database_url=postgresql_url), pg) as client:
            started = time.monotonic()
            slow = {"lead": {**LEAD, "external_id": "slow"}, "register": True}
            assert_503(await client.post("/v1/check", json=slow), started)
            fast = {"lead": {**LEAD, "external_id": "fast"}, "register": True}
            assert (await client.post("/v1/check", json=fast)).status_code == 200
            found = await client.get("/v1/leads", params={"external_id": "slow"})
            assert found.json() == {"leads": []}, "the cancelled registration left nothing"
    finally:
        await _run(pg, DROP)


async def test_a_test_only_slow_statement_on_the_same_engine_is_cancelled(
    pg: AsyncEngine,
) -> None:
    started = time.monotonic()
    with pytest.raises(StoreUnavailable):
        async with transaction(pg) as conn:
            await conn.execute(text(f"SELECT pg_sleep({SLOW})"))
    assert time.monotonic() - started < ANSWERED_WITHIN
    async with transaction(pg) as conn:
        assert (await conn.execute(text("SELECT 1"))).scalar_one() == 1


async def test_waiting_on_a_stuck_registrations_lock_is_bounded(
    pg: AsyncEngine, postgresql_url: str
) -> None:
    """A registration that holds its keys' locks and hangs: the next one with a shared key
    gives up at the statement timeout instead of queueing behind it."""
    keys = flows.normalize_only(Lead.model_validate(LEAD).to_domain(), "CN", DEFAULT_POLICY).keys
    async with pg.connect() as holder:
        await holder.begin()
        await index.lock_keys(holder, tables.DEFAULT_TENANT_ID, keys)
        async with app_client(Settings(database_url=postgresql_url), pg) as client:
            started = time.monotonic()
            waiting = await client.post("/v1/check", json={"lead": LEAD, "register": True})
            assert_503(waiting, started)
        await holder.rollback()
    async with app_client(Settings(database_url=postgresql_url), pg) as client:
        again = await client.post("/v1/check", json={"lead": LEAD, "register": True})
        assert again.status_code == 200 and again.json()["decision"] == "unique"


async def test_sqlite_writer_waits_for_the_lock_at_most_the_timeout(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url, statement_timeout=TIMEOUT)
    holder_engine = create_engine(sqlite_url)
    try:
        async with holder_engine.begin() as holder:  # BEGIN IMMEDIATE: holds the write lock
            await holder.execute(text("SELECT 1"))
            async with app_client(Settings(database_url=sqlite_url), engine) as client:
                started = time.monotonic()
                blocked = {"lead": {**LEAD, "external_id": "blocked"}, "register": True}
                assert_503(await client.post("/v1/check", json=blocked), started)
        async with app_client(Settings(database_url=sqlite_url), engine) as client:
            assert (await client.post("/v1/check", json=blocked)).status_code == 200
    finally:
        await clear(engine)
        await engine.dispose()
        await holder_engine.dispose()


def _batch(*leads: dict[str, str]) -> dict[str, object]:
    return {"leads": list(leads), "register": True}


async def test_registering_batches_sent_at_once_wait_for_each_other_and_both_answer(
    pg: AsyncEngine, postgresql_url: str
) -> None:
    """Two batches whose leads share keys in opposite orders: each takes all its locks at
    its start, so one waits for the other instead of both deadlocking half way."""
    first = _batch(
        {"name": "甲一", "phone": "13911110001", "email": "x@batch-a.cn"},
        {"name": "甲二", "phone": "13911110001", "email": "y@batch-b.cn"},
    )
    second = _batch(
        {"name": "乙一", "phone": "13922220002", "email": "y@batch-b.cn"},
        {"name": "乙二", "phone": "13922220002", "email": "x@batch-a.cn"},
    )
    async with app_client(Settings(database_url=postgresql_url), pg) as client:
        answers = await asyncio.gather(
            client.post("/v1/check/batch", json=first),
            client.post("/v1/check/batch", json=second),
        )
        assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
        stored = [r["id"] for a in answers for r in a.json()["results"]]
        assert len(set(stored)) == 4 and None not in stored


async def test_a_registering_batch_waits_for_locks_up_to_its_own_bound(
    pg: AsyncEngine, postgresql_url: str
) -> None:
    """A batch waits for another registration's locks past the statement timeout (it may
    be behind a whole batch), up to LEADGATE_BATCH_LOCK_TIMEOUT, and then answers 503."""
    keys = flows.normalize_only(Lead.model_validate(LEAD).to_domain(), "CN", DEFAULT_POLICY).keys
    settings = Settings(database_url=postgresql_url, batch_lock_timeout=TIMEOUT * 4)
    async with pg.connect() as holder, app_client(settings, pg) as client:
        await holder.begin()
        await index.lock_keys(holder, tables.DEFAULT_TENANT_ID, keys)
        started = time.monotonic()
        given_up = await client.post("/v1/check/batch", json=_batch(LEAD))
        assert time.monotonic() - started >= TIMEOUT * 4
        assert_503(given_up, started)

        async def release_later() -> None:
            await asyncio.sleep(TIMEOUT * 2)
            await holder.rollback()

        waited, _ = await asyncio.gather(
            client.post("/v1/check/batch", json=_batch(LEAD)), release_later()
        )
        assert waited.status_code == 200, waited.text
    [result] = waited.json()["results"]
    assert result["decision"] == "unique" and result["id"]


async def test_after_a_batch_took_its_locks_its_statements_have_the_usual_deadline(
    pg: AsyncEngine,
) -> None:
    started = time.monotonic()
    with pytest.raises(StoreUnavailable):
        async with transaction(pg) as conn:
            await index.lock_keys(conn, tables.DEFAULT_TENANT_ID, ["phone:1"], wait=SLOW)
            assert (await conn.exec_driver_sql("SHOW statement_timeout")).scalar_one() == "500ms"
            await conn.execute(text(f"SELECT pg_sleep({SLOW})"))
    assert time.monotonic() - started < ANSWERED_WITHIN
