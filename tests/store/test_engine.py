"""Writes sent past SQLAlchemy (`execute_built`) on real databases: the same rows, the same
transaction, the same errors as `conn.execute`."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.store import audit, index, leads, tables
from app.store.engine import execute_built, transaction
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
