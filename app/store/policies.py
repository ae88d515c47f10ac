"""A tenant's policy JSON: read it, replace it, with a version that counts the changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from app.store.tables import tenant_policy


@dataclass(frozen=True, slots=True)
class StoredPolicy:
    version: int
    policy: dict[str, Any]
    updated_at: datetime | None


async def get_policy(conn: AsyncConnection, tenant_id: str) -> StoredPolicy | None:
    row = (
        await conn.execute(select(tenant_policy).where(tenant_policy.c.tenant_id == tenant_id))
    ).first()
    if row is None:
        return None
    return StoredPolicy(row.version, dict(row.policy), row.updated_at)


async def put_policy(conn: AsyncConnection, tenant_id: str, policy: dict[str, Any]) -> StoredPolicy:
    """Replace the tenant's policy; the first one stored is version 1."""
    now = datetime.now(UTC)
    current = await get_policy(conn, tenant_id)
    if current is None:
        await conn.execute(
            insert(tenant_policy).values(
                tenant_id=tenant_id, version=1, policy=policy, updated_at=now
            )
        )
        return StoredPolicy(1, policy, now)
    version = current.version + 1
    await conn.execute(
        update(tenant_policy)
        .where(tenant_policy.c.tenant_id == tenant_id)
        .values(version=version, policy=policy, updated_at=now)
    )
    return StoredPolicy(version, policy, now)
