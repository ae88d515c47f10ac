"""Each replica keeps a tenant's policy for a few seconds instead of reading it on every check.

A change made through one replica reaches the others within POLICY_TTL_SECONDS;
the replica that took the change drops its copy at once. While the database is
unreachable an expired copy keeps serving, so normalizing does not stop with it.
"""

from __future__ import annotations

import time

from sqlalchemy.ext.asyncio import AsyncEngine

from app.api import flows
from app.domain.policy import Policy
from app.store.errors import StoreUnavailable

POLICY_TTL_SECONDS = 5.0


class PolicyCache:
    def __init__(self, ttl: float = POLICY_TTL_SECONDS) -> None:
        self.ttl = ttl
        self._entries: dict[str, tuple[float, Policy]] = {}

    async def get(self, engine: AsyncEngine, tenant_id: str) -> Policy:
        now = time.monotonic()
        entry = self._entries.get(tenant_id)
        if entry is not None and entry[0] > now:
            return entry[1]
        try:
            policy = await flows.load_policy(engine, tenant_id)
        except StoreUnavailable:
            if entry is None:
                raise
            return entry[1]
        self._entries[tenant_id] = (now + self.ttl, policy)
        return policy

    def forget(self, tenant_id: str) -> None:
        self._entries.pop(tenant_id, None)
