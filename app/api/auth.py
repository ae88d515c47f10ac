"""Bearer key to tenant, and the admin key check."""

from __future__ import annotations

import hmac

from sqlalchemy.ext.asyncio import AsyncEngine

from app.api.errors import Unauthorized
from app.store import tenants
from app.store.engine import transaction
from app.store.tables import DEFAULT_TENANT_ID
from app.store.tenants import Tenant

DEFAULT_TENANT = Tenant(id=DEFAULT_TENANT_ID, name="default")


def _present(key: str | None) -> str:
    if not key:
        raise Unauthorized("missing Authorization: Bearer <key> header")
    return key


async def tenant_for(engine: AsyncEngine, key: str | None) -> Tenant:
    key = _present(key)
    async with transaction(engine) as conn:
        tenant = await tenants.tenant_for_key(conn, tenants.hash_key(key))
    if tenant is None:
        raise Unauthorized("unknown or expired API key")
    return tenant


def check_admin(admin_key: str | None, key: str | None) -> None:
    """Constant-time comparison with LEADGATE_ADMIN_KEY; unset means no admin at all."""
    key = _present(key)
    if admin_key is None or not hmac.compare_digest(key.encode(), admin_key.encode()):
        raise Unauthorized("this route needs the admin key")
