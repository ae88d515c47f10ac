"""Stored records on real databases: what counts as a tenant's live record."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from app.store import leads, tables, tenants
from app.store.engine import transaction
from tests.store.test_index import T, store


async def test_count_live_leaves_out_deleted_merged_and_other_tenants(
    engine: AsyncEngine,
) -> None:
    async with transaction(engine) as conn:
        other = await tenants.create_tenant(conn, "other")
    for name in ("a", "b", "c", "d"):
        await store(engine, name, [f"phone:{name}"])
    await store(engine, "theirs", ["phone:a"], tenant=other.id)
    async with transaction(engine) as conn:
        await leads.soft_delete(conn, T, "c", purge=False)
        await conn.execute(
            update(tables.lead).where(tables.lead.c.id == "d").values(merged_into="a")
        )
    async with transaction(engine) as conn:
        assert await leads.count_live(conn, T) == 2
        assert await leads.count_live(conn, other.id) == 1
