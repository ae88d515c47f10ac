"""What this replica's checks answered, counted in memory and added to the shared table.

A write per check would put a statement on the read-only check path; instead each
replica keeps its counts and adds them (`app.store.check_tally`) every FLUSH_SECONDS,
from a task of its own after a check, and at shutdown. A replica that dies loses at
most those seconds of counts; the report reads the sum over every replica.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from app.store import check_tally
from app.store.check_tally import HOUR, Bucket
from app.store.engine import transaction
from app.store.errors import StoreError

FLUSH_SECONDS = 5.0


class CheckTally:
    def __init__(
        self, flush_seconds: float = FLUSH_SECONDS, clock: Callable[[], float] = time.time
    ) -> None:
        self.flush_seconds = flush_seconds
        self.clock = clock
        self._counts: dict[Bucket, list[int]] = {}
        self._flushed_at = clock()
        self._flushing: asyncio.Task[None] | None = None

    def count(self, tenant_id: str, decision: str, action: str, *, registered: bool) -> None:
        bucket = Bucket(tenant_id, int(self.clock()) // HOUR, decision, action)
        counts = self._counts.setdefault(bucket, [0, 0])
        counts[0] += 1
        counts[1] += registered

    def flush_soon(self, engine: AsyncEngine) -> None:
        """Start adding the counts to the table when the last flush is FLUSH_SECONDS old."""
        due = self.clock() - self._flushed_at >= self.flush_seconds
        if due and self._counts and self._flushing is None:
            self._flushing = asyncio.create_task(self._flush_in_background(engine))

    async def _flush_in_background(self, engine: AsyncEngine) -> None:
        try:
            await self.flush(engine)
        finally:
            self._flushing = None

    async def flush(self, engine: AsyncEngine) -> None:
        """Add the counts now; if the database cannot take them, they wait for the next."""
        counts, self._counts = self._counts, {}
        self._flushed_at = self.clock()
        try:
            async with transaction(engine) as conn:
                await check_tally.add(conn, [(b, c, r) for b, (c, r) in counts.items()])
        except StoreError:
            for bucket, (checks, registered) in counts.items():
                kept = self._counts.setdefault(bucket, [0, 0])
                kept[0] += checks
                kept[1] += registered

    async def settled(self, engine: AsyncEngine) -> None:
        """Every count in the table: the flush under way, then the rest (reports, shutdown)."""
        if self._flushing is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._flushing
        await self.flush(engine)
