"""The per-process count of a tenant's live records: counted once per TTL, plus its own."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from app.store import leads
from app.store.engine import is_sqlite, transaction
from app.store.live_counts import LiveCounts
from tests.store.statements import recorded
from tests.store.test_index import T, store


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_counts_once_per_ttl_and_adds_its_own_registrations(engine: AsyncEngine) -> None:
    clock = Clock()
    live = LiveCounts(ttl=60, clock=clock)
    await store(engine, "a", ["phone:1"])
    async with transaction(engine) as conn:
        assert await live.live(conn, T) == 1
    await store(engine, "b", ["phone:2"])
    live.added(T, 1)
    await store(engine, "c", ["phone:3"])  # another replica's: not seen until the TTL ends
    async with transaction(engine) as conn, recorded(conn) as statements:
        assert await live.live(conn, T) == 2
    assert statements == [], "no count inside the TTL"
    clock.now = 61
    async with transaction(engine) as conn:
        expired = await live.live(conn, T)
    if is_sqlite(engine):
        assert expired == 3, "SQLite counts in line"
    else:
        assert expired == 2, "PostgreSQL counts in the background; the old count serves"
        await live.settled()
    live.added(T, 1)  # one more of its own, after the new count
    async with transaction(engine) as conn, recorded(conn) as statements:
        assert await live.live(conn, T) == 4
    assert statements == []


async def test_registrations_before_the_first_count_are_in_it(engine: AsyncEngine) -> None:
    live = LiveCounts()
    live.added(T, 5)
    await store(engine, "a", ["phone:1"])
    async with transaction(engine) as conn:
        assert await live.live(conn, T) == 1


async def test_checks_arriving_together_wait_for_one_count(engine: AsyncEngine) -> None:
    await store(engine, "a", ["phone:1"])
    live = LiveCounts()
    together = 1 if is_sqlite(engine) else 4  # SQLite: one writer, one transaction at a time
    async with AsyncExitStack() as stack:
        conns = [await stack.enter_async_context(transaction(engine)) for _ in range(together)]
        logs = [await stack.enter_async_context(recorded(c)) for c in conns]
        assert await asyncio.gather(*(live.live(c, T) for c in conns)) == [1] * len(conns)
    counts = [s for log in logs for s in log if "count(" in s.lower()]
    assert len(counts) == 1


async def test_a_count_past_the_timeout_falls_back_to_the_planner_s_estimate(
    engine: AsyncEngine,
) -> None:
    if is_sqlite(engine):
        return  # SQLite counts in line and has no statement timeout
    await store(engine, "a", ["phone:1"])
    live = LiveCounts()
    async with engine.connect() as locker, transaction(engine) as conn:
        await locker.execute(text("LOCK TABLE lead IN ACCESS EXCLUSIVE MODE"))
        await conn.execute(text("SET LOCAL statement_timeout = '300ms'"))
        found = await live.live(conn, T)  # the count waits for the lock, then times out
        estimate = await leads.estimate_rows(conn)
        await locker.rollback()
    assert found == estimate
    async with transaction(engine) as conn:
        assert await live.live(conn, T) == estimate, "the estimate serves until counted anew"
    await live.settled()
    async with transaction(engine) as conn:
        assert await live.live(conn, T) == 1


async def test_without_a_connection_only_a_count_opens_one(engine: AsyncEngine) -> None:
    """The hot-read path holds no connection: inside the TTL the count it gets is the kept
    one; past it, SQLite counts in line and PostgreSQL in the background."""
    clock = Clock()
    live = LiveCounts(ttl=60, clock=clock)
    await store(engine, "a", ["phone:1"])
    assert await live.live_on(engine, T) == 1
    await store(engine, "b", ["phone:2"])  # another replica's
    assert await live.live_on(engine, T) == 1, "no count inside the TTL"
    clock.now = 61
    if is_sqlite(engine):
        assert await live.live_on(engine, T) == 2
    else:
        assert await live.live_on(engine, T) == 1
        await live.settled()
        assert await live.live_on(engine, T) == 2
