"""Bearer key to tenant, the admin key check, and key rotation."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from app.api.errors import Unauthorized
from app.api.key_cache import KeyCache
from app.store import tenants
from app.store.engine import transaction
from app.store.errors import NotFound
from app.store.tables import DEFAULT_TENANT_ID
from app.store.tenants import Tenant

DEFAULT_TENANT = Tenant(id=DEFAULT_TENANT_ID, name="default")


def _present(key: str | None) -> str:
    if not key:
        raise Unauthorized("missing Authorization: Bearer <key> header")
    return key


async def tenant_for(engine: AsyncEngine, key: str | None, cache: KeyCache) -> Tenant:
    key = _present(key)

    async def lookup(key_hash: str) -> tenants.LiveKey | None:
        async with transaction(engine) as conn:
            return await tenants.live_key(conn, key_hash)

    tenant = await cache.tenant(tenants.hash_key(key), lookup)
    if tenant is None:
        raise Unauthorized("unknown or expired API key")
    return tenant


def check_admin(admin_key: str | None, key: str | None) -> None:
    """Constant-time comparison with LEADGATE_ADMIN_KEY; unset means no admin at all."""
    key = _present(key)
    if admin_key is None or not hmac.compare_digest(key.encode(), admin_key.encode()):
        raise Unauthorized("this route needs the admin key")


@dataclass(frozen=True, slots=True)
class RotatedKey:
    tenant_id: str
    api_key: str
    previous_keys_expire_at: datetime
    previous_keys: int


async def rotate_key(
    engine: AsyncEngine, tenant_id: str, grace: timedelta, now: datetime
) -> RotatedKey:
    """A new key for the tenant; its other keys keep working for `grace`, then stop.

    One transaction, so the tenant is never left without a working key. A key
    that already expires sooner keeps its earlier end.
    """
    key = tenants.new_key()
    expire_at = now + grace
    async with transaction(engine) as conn:
        if await tenants.get_tenant(conn, tenant_id) is None:
            raise NotFound(f"no tenant {tenant_id}")
        expiring = await tenants.expire_keys(conn, tenant_id, expire_at)
        await tenants.add_key(conn, tenant_id, tenants.hash_key(key))
    return RotatedKey(tenant_id, key, expire_at, expiring)
