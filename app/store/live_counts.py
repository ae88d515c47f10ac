"""How many live records each tenant has, for term-frequency adjustment, without a count
per check.

Counting a tenant's records scans its rows (a million on a large index), so each process
counts once per LIVE_COUNT_TTL_SECONDS and adds the records it registers itself in
between. One process checking one lead after another is therefore exact; with replicas,
a count lags the others' registrations by at most the TTL, and deletes and merges (not
tracked here) by the same. A frequency count/N then moves by that small fraction of N,
which changes a weight by hundredths of a bit on a large tenant.

On PostgreSQL a count past its TTL is redone in the background, on a connection of its
own, while checks go on with the old one: on the 1M bench index the count takes 0.4 s,
which one check a minute would otherwise wait for (and on a few million, past the
serving statement timeout). Only a tenant's first count is waited for, once however many
checks arrive together. SQLite, the embedded single-writer default, counts in line.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.store import leads
from app.store.engine import is_sqlite, reading
from app.store.errors import StoreError

LIVE_COUNT_TTL_SECONDS = 60.0


@dataclass(slots=True)
class _Entry:
    expires: float
    counted: int
    added: int = 0


class LiveCounts:
    """Per tenant: the last count, when it expires, and the registrations made since."""

    def __init__(
        self, ttl: float = LIVE_COUNT_TTL_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.clock = clock
        self._entries: dict[str, _Entry] = {}
        self._refreshing: dict[str, asyncio.Task[None]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def live(self, conn: AsyncConnection, tenant_id: str) -> int:
        """The tenant's live records: counted on `conn` the first time; when the last count
        has expired, counted again (in the background on PostgreSQL)."""
        now = self.clock()
        entry = self._entries.get(tenant_id)
        if entry is None:
            entry = await self._first(conn, tenant_id)
        elif entry.expires <= now and is_sqlite(conn.engine):
            entry = _Entry(now + self.ttl, await leads.count_live(conn, tenant_id))
            self._entries[tenant_id] = entry
        else:
            self._refresh_when_expired(conn.engine, tenant_id, entry, now)
        return entry.counted + entry.added

    async def live_on(self, engine: AsyncEngine, tenant_id: str) -> int:
        """`live` for a caller holding no connection (a check on the hot-read pool): one is
        opened only for the tenant's first count, or on SQLite to count again in line."""
        now = self.clock()
        entry = self._entries.get(tenant_id)
        if entry is None or (entry.expires <= now and is_sqlite(engine)):
            async with reading(engine) as conn:
                return await self.live(conn, tenant_id)
        self._refresh_when_expired(engine, tenant_id, entry, now)
        return entry.counted + entry.added

    def _refresh_when_expired(
        self, engine: AsyncEngine, tenant_id: str, entry: _Entry, now: float
    ) -> None:
        if entry.expires <= now and tenant_id not in self._refreshing:
            task = asyncio.create_task(self._refresh(engine, tenant_id, entry.added))
            self._refreshing[tenant_id] = task

    async def _first(self, conn: AsyncConnection, tenant_id: str) -> _Entry:
        """One count per tenant however many checks arrive at once (the others wait for it).

        If it fails on PostgreSQL (past the serving statement timeout: a table of many
        millions, or one a migration left bloated), the planner's estimate of the table's
        rows serves, and expires at once so the background count takes over; a check is
        never refused for want of N.
        """
        async with self._locks.setdefault(tenant_id, asyncio.Lock()):
            entry = self._entries.get(tenant_id)
            if entry is not None:
                return entry
            now = self.clock()
            if is_sqlite(conn.engine):
                entry = _Entry(now + self.ttl, await leads.count_live(conn, tenant_id))
            else:
                try:
                    async with conn.begin_nested():
                        entry = _Entry(now + self.ttl, await leads.count_live(conn, tenant_id))
                except DBAPIError:
                    entry = _Entry(now, await leads.estimate_rows(conn))
            self._entries[tenant_id] = entry
            return entry

    async def _refresh(self, engine: AsyncEngine, tenant_id: str, added_before: int) -> None:
        """Count anew; registrations made while counting stay added (a few may be counted
        twice, a fraction of N too small to move a weight)."""
        try:
            async with reading(engine) as conn:
                counted = await leads.count_live(conn, tenant_id)
            entry = self._entries[tenant_id]
            self._entries[tenant_id] = _Entry(
                self.clock() + self.ttl, counted, entry.added - added_before
            )
        except StoreError:
            self._entries[tenant_id].expires = self.clock() + self.ttl  # try again later
        finally:
            del self._refreshing[tenant_id]

    async def settled(self) -> None:
        """Wait for the counts under way (tests, and shutdown)."""
        for task in list(self._refreshing.values()):
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def added(self, tenant_id: str, records: int) -> None:
        """Records this process registered, once their transaction committed."""
        entry = self._entries.get(tenant_id)
        if entry is not None:
            entry.added += records
