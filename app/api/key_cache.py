"""Each replica remembers a live API key's tenant for a few seconds instead of reading it
on every request: the key lookup was a transaction of its own, three round trips per call.

A key still stops exactly when its stored expiry says; a rotation made through another
replica (which moves the old keys' expiry) is seen here within KEY_TTL_SECONDS, and the
replica that rotates drops its copies at once. Unknown keys are not remembered, so a key
issued a moment ago works at once.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from app.store.tenants import LiveKey, Tenant

KEY_TTL_SECONDS = 5.0
MAX_KEYS = 10_000

Lookup = Callable[[str], Awaitable[LiveKey | None]]


class KeyCache:
    def __init__(
        self,
        ttl: float = KEY_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.ttl = ttl
        self._clock = clock
        self._wall = wall
        self._entries: dict[str, tuple[float, LiveKey]] = {}

    async def tenant(self, key_hash: str, lookup: Lookup) -> Tenant | None:
        """The key's tenant, from the copy while it is fresh and the key has not expired."""
        entry = self._entries.get(key_hash)
        if entry is not None and entry[0] > self._clock() and self._live(entry[1]):
            return entry[1].tenant
        key = await lookup(key_hash)
        if key is None:
            self._entries.pop(key_hash, None)
            return None
        if len(self._entries) >= MAX_KEYS:
            self._entries.clear()
        self._entries[key_hash] = (self._clock() + self.ttl, key)
        return key.tenant

    def forget_tenant(self, tenant_id: str) -> None:
        for key_hash, (_, key) in list(self._entries.items()):
            if key.tenant.id == tenant_id:
                del self._entries[key_hash]

    def _live(self, key: LiveKey) -> bool:
        return key.expires_at is None or key.expires_at > self._wall()
