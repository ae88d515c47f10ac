"""Check counts per tenant and hour: added up per bucket, read per window, kept a while."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from app.store import check_tally
from app.store.check_tally import KEEP_DAYS, Bucket
from app.store.engine import transaction
from app.store.tables import DEFAULT_TENANT_ID as T

NOW = 490_000  # an hour number (Unix time // 3600), late 2025


async def test_buckets_add_up_and_a_window_starts_at_its_hour(engine: AsyncEngine) -> None:
    async with transaction(engine) as conn:
        await check_tally.add(conn, [(Bucket(T, NOW - 2, "unique", "allow"), 5, 5)])
        await check_tally.add(conn, [(Bucket(T, NOW, "unique", "allow"), 2, 1)])
        await check_tally.add(
            conn,
            [
                (Bucket(T, NOW, "unique", "allow"), 3, 0),
                (Bucket(T, NOW, "duplicate", "block"), 1, 0),
            ],
        )
        await check_tally.add(conn, [(Bucket("other", NOW, "unique", "allow"), 7, 7)])
        recent = await check_tally.window(conn, T, NOW - 1)
        everything = await check_tally.window(conn, T, 0)
    assert [(t.decision, t.action, t.checks, t.registered) for t in recent] == [
        ("duplicate", "block", 1, 0),
        ("unique", "allow", 5, 1),
    ]
    assert sum(t.checks for t in everything) == 11


async def test_hours_past_the_kept_days_are_dropped(engine: AsyncEngine) -> None:
    old = NOW - KEEP_DAYS * 24 - 1
    async with transaction(engine) as conn:
        await check_tally.add(conn, [(Bucket(T, old, "unique", "allow"), 1, 0)])
        assert sum(t.checks for t in await check_tally.window(conn, T, 0)) == 1
        await check_tally.add(conn, [(Bucket(T, NOW, "unique", "allow"), 1, 0)])
        assert sum(t.checks for t in await check_tally.window(conn, T, 0)) == 1
