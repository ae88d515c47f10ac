"""The hot-read pool: the candidate lookup of a check that registers nothing, on asyncpg
directly; its failures are the store's errors and a failed connection is never lent again."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from app.store import index
from app.store.engine import create_engine, transaction
from app.store.errors import StoreFailed, StoreUnavailable
from app.store.hot_reads import HotReads
from tests.conftest import clear
from tests.store.test_index import T, store


@pytest.fixture
async def pg(postgresql_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(postgresql_url, generic_plans=True)
    yield engine
    await clear(engine)
    await engine.dispose()


@pytest.fixture
async def reads(pg: AsyncEngine) -> AsyncIterator[HotReads]:
    pool = HotReads.of(pg, size=2, timeout=2.0, statement_timeout=0.5)
    assert pool is not None
    yield pool
    await pool.close()


def test_sqlite_and_a_size_of_zero_have_no_pool(sqlite_url: str, postgresql_url: str) -> None:
    for engine, size in ((create_engine(sqlite_url), 4), (create_engine(postgresql_url), 0)):
        assert HotReads.of(engine, size=size, timeout=1.0, statement_timeout=None) is None


async def test_the_lookup_finds_what_the_engine_finds(pg: AsyncEngine, reads: HotReads) -> None:
    await store(pg, "a", ["phone:1", "name:x"])
    await store(pg, "b", ["phone:1"])
    await store(pg, "c", ["email:z"])
    keys = ["phone:1", "name:x", "email:none"]
    async with transaction(pg) as conn:
        expected = await index.find_candidates(conn, T, keys)
    found = await index.find_candidates_read(reads, T, keys)
    assert [c.id for c in found.candidates] == [c.id for c in expected.candidates] == ["a", "b"]
    assert found.counts == expected.counts == {"phone:1": 2, "name:x": 1, "email:none": 0}


async def test_a_refused_statement_is_store_failed_and_the_pool_goes_on(
    reads: HotReads,
) -> None:
    with pytest.raises(StoreFailed):
        await reads.fetch("SELECT * FROM no_such_table")
    assert await reads.fetch("SELECT 1 AS one") == [(1,)]


async def test_a_slow_statement_is_cancelled_at_the_timeout(reads: HotReads) -> None:
    started = time.monotonic()
    with pytest.raises(StoreUnavailable):
        await reads.fetch("SELECT pg_sleep(30)")
    assert time.monotonic() - started < 5
    assert await reads.fetch("SELECT 1 AS one") == [(1,)]


async def test_a_connection_the_server_ended_is_replaced(pg: AsyncEngine, reads: HotReads) -> None:
    """The ended connection either fails its next statement as StoreUnavailable (503) or,
    when asyncpg saw it close first, is replaced before use: never any other error."""
    pid = (await reads.fetch("SELECT pg_backend_pid()"))[0][0]
    async with transaction(pg) as conn:
        await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    pids = []
    for _ in range(3):
        try:
            pids.append((await reads.fetch("SELECT pg_backend_pid()"))[0][0])
        except StoreUnavailable:
            continue
    assert pids and pid not in pids


async def test_an_unreachable_server_is_unavailable_at_once() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket closes
    pool = HotReads(
        f"postgresql://postgres@127.0.0.1:{port}/test", size=1, timeout=1.0, statement_timeout=1
    )
    started = time.monotonic()
    with pytest.raises(StoreUnavailable):
        await pool.fetch("SELECT 1")
    assert time.monotonic() - started < 3
    await pool.close()


async def test_connections_are_kept_and_lent_again(reads: HotReads) -> None:
    pids = {(await reads.fetch("SELECT pg_backend_pid()"))[0][0] for _ in range(5)}
    assert len(pids) == 1


async def test_a_borrower_waits_for_a_connection_given_back(pg: AsyncEngine) -> None:
    pool = HotReads.of(pg, size=1, timeout=3.0, statement_timeout=2.0)
    assert pool is not None
    started = time.monotonic()
    both = await asyncio.gather(*(pool.fetch("SELECT pg_sleep(0.2), 1 AS one") for _ in range(2)))
    assert [rows[0][1] for rows in both] == [1, 1]
    assert time.monotonic() - started >= 0.4  # one after the other, on the one connection
    await pool.close()


async def test_no_connection_free_in_time_is_unavailable(pg: AsyncEngine) -> None:
    pool = HotReads.of(pg, size=1, timeout=0.3, statement_timeout=5.0)
    assert pool is not None
    holder = asyncio.create_task(pool.fetch("SELECT pg_sleep(1.5)"))
    await asyncio.sleep(0.1)
    with pytest.raises(StoreUnavailable, match="free in time"):
        await pool.fetch("SELECT 1")
    await holder
    assert await pool.fetch("SELECT 1 AS one") == [(1,)]
    await pool.close()


async def test_a_lookup_cancelled_part_way_frees_its_place(pg: AsyncEngine) -> None:
    """A cancelled statement leaves its connection in an unknown state: it is closed, and
    the pool opens another rather than waiting for one that never comes back."""
    pool = HotReads.of(pg, size=1, timeout=1.0, statement_timeout=5.0)
    assert pool is not None
    slow = asyncio.create_task(pool.fetch("SELECT pg_sleep(3)"))
    await asyncio.sleep(0.2)
    slow.cancel()
    with pytest.raises(asyncio.CancelledError):
        await slow
    started = time.monotonic()
    assert await pool.fetch("SELECT 1 AS one") == [(1,)]
    assert time.monotonic() - started < 1.0
    await pool.close()
