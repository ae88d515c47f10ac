"""How many live records each tenant has, for term-frequency adjustment, without a count
per check.

Counting a tenant's records scans its rows (a million on a large index), so each process
counts once per LIVE_COUNT_TTL_SECONDS and adds the records it registers itself in
between. One process checking one lead after another is therefore exact; with replicas,
a count lags the others' registrations by at most the TTL, and deletes and merges (not
tracked here) by the same. A frequency count/N then moves by that small fraction of N,
which changes a weight by hundredths of a bit on a large tenant.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from app.store import leads

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

    async def live(self, conn: AsyncConnection, tenant_id: str) -> int:
        """The tenant's live records: counted on `conn` when the last count has expired."""
        now = self.clock()
        entry = self._entries.get(tenant_id)
        if entry is None or entry.expires <= now:
            entry = _Entry(now + self.ttl, await leads.count_live(conn, tenant_id))
            self._entries[tenant_id] = entry
        return entry.counted + entry.added

    def added(self, tenant_id: str, records: int) -> None:
        """Records this process registered, once their transaction committed."""
        entry = self._entries.get(tenant_id)
        if entry is not None:
            entry.added += records
