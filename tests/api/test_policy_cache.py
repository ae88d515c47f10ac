"""The per-replica policy cache: fresh within its TTL, stale only while the database is down."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.api.policy_cache import PolicyCache
from app.domain.policy import DEFAULT_POLICY
from app.store.engine import create_engine
from app.store.errors import StoreUnavailable
from app.store.tables import DEFAULT_TENANT_ID

UNREACHABLE = "sqlite+aiosqlite:////nonexistent-dir/leadgate.db"


async def test_an_expired_copy_serves_while_the_database_is_down(engine: AsyncEngine) -> None:
    cache = PolicyCache(ttl=0)
    assert await cache.get(engine, DEFAULT_TENANT_ID) == DEFAULT_POLICY
    down = create_engine(UNREACHABLE, timeout=1)
    try:
        assert await cache.get(down, DEFAULT_TENANT_ID) == DEFAULT_POLICY
        with pytest.raises(StoreUnavailable):
            await cache.get(down, "never-loaded")
    finally:
        await down.dispose()
