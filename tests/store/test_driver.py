"""Writes sent past SQLAlchemy (`execute_built`, `together`) on real databases: the same
rows, the same transaction, the same errors as `conn.execute`."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import event, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.domain.types import NormalizedLead, normalized_to_dict
from app.store import audit, index, leads, tables
from app.store.driver import execute_built, together
from app.store.engine import transaction
from app.store.errors import Conflict
from tests.store.statements import recorded
from tests.store.test_index import T, store


class Undo(Exception):
    """Raised inside a transaction to roll it back."""


async def _audit_rows(engine: AsyncEngine) -> int:
    async with transaction(engine) as conn:
        counted = await conn.execute(select(func.count()).select_from(tables.audit_event))
        return int(counted.scalar_one())


async def _keys_of(engine: AsyncEngine, lead_id: str) -> list[str]:
    async with transaction(engine) as conn:
        found = await conn.execute(
            select(tables.lead_key.c.key).where(tables.lead_key.c.lead_id == lead_id)
        )
        return sorted(found.scalars())


async def test_a_write_after_the_first_statement_reads_back_as_sent(engine: AsyncEngine) -> None:
    await store(engine, "a", [])
    at = datetime(2026, 12, 3, 9, 30, 15, 123456, tzinfo=UTC)
    data = {"after": {"name": "张伟", "phone": ["+8613800138001"], "n": 3, "none": None}}
    async with transaction(engine) as conn:
        await leads.get_lead(conn, T, "a")  # SQLAlchemy sends BEGIN with this one
        await execute_built(
            conn,
            audit._INSERT,
            {"tenant_id": T, "lead_id": "a", "action": "created", "at": at, "data": data},
        )
    async with transaction(engine) as conn:
        entries = await audit.history(conn, T, "a")
    assert [(e.action, e.at, e.data) for e in entries] == [("created", at, data)]


async def test_many_rows_are_written_in_one_call(engine: AsyncEngine) -> None:
    await store(engine, "a", [])
    async with transaction(engine) as conn:
        await leads.get_lead(conn, T, "a")
        await index.add_keys(conn, T, "a", ["phone:1", "email:x@y.cn", "phone:1", "name:张伟"])
    assert await _keys_of(engine, "a") == sorted(["phone:1", "email:x@y.cn", "name:张伟"])


@pytest.mark.parametrize("first", [True, False], ids=["first statement", "after a read"])
async def test_a_transaction_that_fails_keeps_none_of_its_writes(
    engine: AsyncEngine, first: bool
) -> None:
    await store(engine, "a", [])
    row = {"tenant_id": T, "lead_id": "a", "action": "x", "at": datetime.now(UTC), "data": {}}
    with pytest.raises(Undo):
        async with transaction(engine) as conn:
            if not first:
                await leads.get_lead(conn, T, "a")
            await execute_built(conn, audit._INSERT, row)
            await execute_built(conn, audit._INSERT, row)
            raise Undo
    assert await _audit_rows(engine) == 0


async def test_a_refused_write_is_a_conflict_and_leaves_nothing(engine: AsyncEngine) -> None:
    await store(engine, "a", ["phone:1"])
    with pytest.raises(Conflict):
        async with transaction(engine) as conn:
            await leads.get_lead(conn, T, "a")
            await execute_built(
                conn,
                audit._INSERT,
                {
                    "tenant_id": T,
                    "lead_id": "a",
                    "action": "x",
                    "at": datetime.now(UTC),
                    "data": {},
                },
            )
            await index.add_keys(conn, T, "a", ["phone:1"])  # the key is indexed already
    assert await _audit_rows(engine) == 0


async def test_postgresql_sends_a_write_inside_a_begun_transaction_to_the_driver(
    engine: AsyncEngine,
) -> None:
    """The point of `execute_built`: SQLAlchemy's per-statement work is not paid for it."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite writes through SQLAlchemy")
    await store(engine, "a", [])
    through_sqlalchemy: list[str] = []

    def note(*args: object) -> None:
        through_sqlalchemy.append(str(args[2]))

    async with transaction(engine) as conn:
        await leads.get_lead(conn, T, "a")
        assert conn.sync_connection is not None
        async with recorded(conn) as sent:
            event.listen(conn.sync_connection, "before_cursor_execute", note)
            await index.add_keys(conn, T, "a", ["phone:1", "phone:2"])
            event.remove(conn.sync_connection, "before_cursor_execute", note)
    assert [s.split("(")[0].strip() for s in sent] == ["INSERT INTO lead_key"]
    assert through_sqlalchemy == []


async def _register(conn: AsyncConnection, lead_id: str, keys: list[str]) -> None:
    """What a registration writes, bar the touchpoint: the lead, its group, keys and audit."""
    await leads.insert_lead(
        conn,
        lead_id=lead_id,
        tenant_id=T,
        group_id=lead_id,
        raw={"name": "张伟"},
        normalized=normalized_to_dict(NormalizedLead(external_id=lead_id, name="张伟")),
        valid=True,
    )
    await index.add_keys(conn, T, lead_id, keys)
    await audit.record(conn, T, lead_id, "created", {"after": {"id": lead_id}})


async def test_writes_held_together_are_all_stored(engine: AsyncEngine) -> None:
    await store(engine, "a", [])
    async with transaction(engine) as conn:
        await leads.get_lead(conn, T, "a")
        async with together(conn):
            await _register(conn, "b", ["phone:1", "name:张伟"])
    async with transaction(engine) as conn:
        stored = await leads.get_lead(conn, T, "b")
        history = await audit.history(conn, T, "b")
    assert (stored.raw, stored.normalized["name"], stored.group_id) == (
        {"name": "张伟"},
        "张伟",
        "b",
    )
    assert [e.data for e in history] == [{"after": {"id": "b"}}]
    assert await _keys_of(engine, "b") == ["name:张伟", "phone:1"]


async def test_postgresql_sends_the_held_writes_as_one_statement(engine: AsyncEngine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite writes through SQLAlchemy")
    await store(engine, "a", [])
    async with transaction(engine) as conn:
        await leads.get_lead(conn, T, "a")
        async with recorded(conn) as sent, together(conn):
            await _register(conn, "b", ["phone:1", "phone:2", "name:张伟"])
    assert len(sent) == 1
    assert sent[0].startswith("WITH w0 AS (INSERT INTO lead ")


async def test_a_held_write_refused_is_a_conflict_and_the_block_leaves_nothing(
    engine: AsyncEngine,
) -> None:
    await store(engine, "a", [])
    with pytest.raises(Conflict):
        async with transaction(engine) as conn:
            await leads.get_lead(conn, T, "a")
            async with together(conn):
                await _register(conn, "a", ["phone:1"])  # "a" is stored already
    async with transaction(engine) as conn:
        assert await leads.count_live(conn, T) == 1
    assert await _audit_rows(engine) == 0


async def test_an_error_in_the_block_stores_none_of_its_writes(engine: AsyncEngine) -> None:
    await store(engine, "a", [])
    with pytest.raises(Undo):
        async with transaction(engine) as conn:
            await leads.get_lead(conn, T, "a")
            async with together(conn):
                await _register(conn, "b", ["phone:1"])
                raise Undo
    async with transaction(engine) as conn:
        assert await leads.count_live(conn, T) == 1
    assert await _keys_of(engine, "b") == []


async def test_a_write_sqlalchemy_sends_goes_after_the_ones_held_before_it(
    engine: AsyncEngine,
) -> None:
    """Rows of different columns go through SQLAlchemy: what the block held goes first, so
    they may refer to it (an outcome's lead must exist)."""
    await store(engine, "a", [])
    now = datetime.now(UTC)
    outcome = {
        "tenant_id": T,
        "lead_id": "b",
        "outcome": "converted",
        "at": now,
        "recorded_at": now,
        "score": 80,
        "grade": "A",
        "pool": "sales",
        "reasons": [],
    }
    async with transaction(engine) as conn:
        await leads.get_lead(conn, T, "a")
        async with together(conn):
            await _register(conn, "b", ["phone:1"])
            await execute_built(conn, insert(tables.lead_outcome), [outcome, {"id": 99, **outcome}])
    async with transaction(engine) as conn:
        counted = await conn.execute(
            select(func.count()).where(tables.lead_outcome.c.lead_id == "b")
        )
        assert counted.scalar_one() == 2
