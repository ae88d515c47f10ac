"""Tenants and their API keys; a key is stored only as its SHA-256 hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from app.store.errors import Conflict
from app.store.tables import api_key, tenant

KEY_PREFIX = "lg_"


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    """Keys are 256 random bits, so one SHA-256 is hash enough; a key is never stored plain."""
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Tenant:
    id: str
    name: str


async def create_tenant(conn: AsyncConnection, name: str) -> Tenant:
    taken = await conn.execute(select(tenant.c.id).where(tenant.c.name == name))
    if taken.first() is not None:
        raise Conflict(f"a tenant named {name!r} exists")
    created = Tenant(id=str(uuid.uuid4()), name=name)
    await conn.execute(
        insert(tenant).values(id=created.id, name=created.name, created_at=datetime.now(UTC))
    )
    return created


async def add_key(
    conn: AsyncConnection, tenant_id: str, key_hash: str, expires_at: datetime | None = None
) -> None:
    await conn.execute(
        insert(api_key).values(
            key_hash=key_hash,
            tenant_id=tenant_id,
            created_at=datetime.now(UTC),
            expires_at=expires_at,
        )
    )


async def expire_keys(conn: AsyncConnection, tenant_id: str, at: datetime) -> int:
    """Every key of the tenant that would outlive `at` now expires at `at`; how many did."""
    result = await conn.execute(
        update(api_key)
        .where(
            api_key.c.tenant_id == tenant_id,
            or_(api_key.c.expires_at.is_(None), api_key.c.expires_at > at),
        )
        .values(expires_at=at)
    )
    return result.rowcount


@dataclass(frozen=True, slots=True)
class LiveKey:
    """A key that works now, its tenant, and when it stops (None: never)."""

    tenant: Tenant
    expires_at: datetime | None


async def live_key(conn: AsyncConnection, key_hash: str) -> LiveKey | None:
    """The live key with this hash; the hash is compared in constant time as well."""
    row = (
        await conn.execute(
            select(api_key.c.key_hash, api_key.c.expires_at, tenant.c.id, tenant.c.name)
            .join(tenant, tenant.c.id == api_key.c.tenant_id)
            .where(
                api_key.c.key_hash == key_hash,
                or_(api_key.c.expires_at.is_(None), api_key.c.expires_at > datetime.now(UTC)),
            )
        )
    ).one_or_none()
    if row is None or not hmac.compare_digest(row.key_hash, key_hash):
        return None
    expires_at = row.expires_at
    if expires_at is not None and expires_at.tzinfo is None:
        expires_at = expires_at.replace(tzinfo=UTC)
    return LiveKey(Tenant(id=row.id, name=row.name), expires_at)


async def tenant_for_key(conn: AsyncConnection, key_hash: str) -> Tenant | None:
    """The tenant a live key belongs to."""
    key = await live_key(conn, key_hash)
    return None if key is None else key.tenant


async def get_tenant(conn: AsyncConnection, tenant_id: str) -> Tenant | None:
    row = (
        await conn.execute(select(tenant.c.id, tenant.c.name).where(tenant.c.id == tenant_id))
    ).one_or_none()
    return None if row is None else Tenant(id=row.id, name=row.name)
