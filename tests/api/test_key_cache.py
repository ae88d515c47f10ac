"""The per-replica key cache: one lookup per key and TTL, never past the key's own expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from app.api.key_cache import KeyCache, Lookup
from app.store import tenants
from app.store.engine import transaction
from app.store.tenants import LiveKey


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def setup(engine: AsyncEngine, expires_at: datetime | None = None) -> tuple[str, str]:
    async with transaction(engine) as conn:
        tenant = await tenants.create_tenant(conn, "acme")
        key_hash = tenants.hash_key(tenants.new_key())
        await tenants.add_key(conn, tenant.id, key_hash, expires_at)
    return tenant.id, key_hash


def counting(engine: AsyncEngine, calls: list[str]) -> Lookup:
    async def lookup(key_hash: str) -> LiveKey | None:
        calls.append(key_hash)
        async with transaction(engine) as conn:
            return await tenants.live_key(conn, key_hash)

    return lookup


async def test_a_live_key_is_read_once_per_ttl_and_a_rotation_elsewhere_shows_after_it(
    engine: AsyncEngine,
) -> None:
    tenant_id, key_hash = await setup(engine)
    clock, calls = Clock(), []
    cache = KeyCache(ttl=5, clock=clock)
    lookup = counting(engine, calls)
    for _ in range(3):
        assert (await cache.tenant(key_hash, lookup)).id == tenant_id  # type: ignore[union-attr]
    assert len(calls) == 1
    async with transaction(engine) as conn:  # another replica rotates with no grace
        await tenants.expire_keys(conn, tenant_id, datetime.now(UTC) - timedelta(seconds=1))
    assert await cache.tenant(key_hash, lookup) is not None, "this replica's copy is fresh"
    clock.now = 5.1
    assert await cache.tenant(key_hash, lookup) is None
    assert len(calls) == 2


async def test_a_cached_key_stops_at_its_stored_expiry_inside_the_ttl(engine: AsyncEngine) -> None:
    ends = datetime.now(UTC) + timedelta(hours=1)
    _, key_hash = await setup(engine, expires_at=ends)
    wall = [datetime.now(UTC)]
    calls: list[str] = []
    cache = KeyCache(ttl=3600, wall=lambda: wall[0])
    lookup = counting(engine, calls)
    assert await cache.tenant(key_hash, lookup) is not None
    wall[0] = ends + timedelta(seconds=1)
    await cache.tenant(key_hash, lookup)
    assert len(calls) == 2, "past its expiry the copy is not used: the database is asked again"


async def test_an_unknown_key_is_not_remembered(engine: AsyncEngine) -> None:
    calls: list[str] = []
    cache = KeyCache(ttl=3600)
    lookup = counting(engine, calls)
    key_hash = tenants.hash_key("lg_not-yet")
    assert await cache.tenant(key_hash, lookup) is None
    async with transaction(engine) as conn:
        tenant = await tenants.create_tenant(conn, "late")
        await tenants.add_key(conn, tenant.id, key_hash)
    assert (await cache.tenant(key_hash, lookup)).id == tenant.id  # type: ignore[union-attr]


async def test_forgetting_a_tenant_drops_only_its_keys(engine: AsyncEngine) -> None:
    tenant_id, key_hash = await setup(engine)
    async with transaction(engine) as conn:
        other = await tenants.create_tenant(conn, "other")
        other_hash = tenants.hash_key(tenants.new_key())
        await tenants.add_key(conn, other.id, other_hash)
    calls: list[str] = []
    cache = KeyCache(ttl=3600)
    lookup = counting(engine, calls)
    await cache.tenant(key_hash, lookup)
    await cache.tenant(other_hash, lookup)
    cache.forget_tenant(tenant_id)
    await cache.tenant(key_hash, lookup)
    await cache.tenant(other_hash, lookup)
    assert calls == [key_hash, other_hash, key_hash]
