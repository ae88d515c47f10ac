"""How many records not deleted each group holds, kept as records join, move and leave.

The report's duplicate figure (records not deleted whose group holds another) grouped
every record of the tenant, a third of a second on a million leads; the sizes kept
here let it read only the groups of more than one. Every store path that inserts a
record, changes its group or deletes it calls `join`, `move` or `leave` in the same
transaction.
"""

from __future__ import annotations

from sqlalchemy import Insert, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from app.store.driver import execute_built
from app.store.tables import lead_group


def _upsert(dialect_insert: type[postgresql.Insert] | type[sqlite.Insert]) -> Insert:
    """Built once per dialect: every registration joins a group."""
    return dialect_insert(lead_group).on_conflict_do_update(
        index_elements=[lead_group.c.tenant_id, lead_group.c.group_id],
        set_={"kept": lead_group.c.kept + 1},
    )


_JOIN = {"postgresql": _upsert(postgresql.Insert), "sqlite": _upsert(sqlite.Insert)}


async def join(conn: AsyncConnection, tenant_id: str, group_id: str) -> None:
    """A record not deleted entered the group (a new group starts at one)."""
    await execute_built(
        conn, _JOIN[conn.dialect.name], {"tenant_id": tenant_id, "group_id": group_id, "kept": 1}
    )


async def leave(conn: AsyncConnection, tenant_id: str, group_id: str) -> None:
    """A record of the group was deleted or moved to another."""
    await conn.execute(
        update(lead_group)
        .where(lead_group.c.tenant_id == tenant_id, lead_group.c.group_id == group_id)
        .values(kept=lead_group.c.kept - 1)
    )


async def move(conn: AsyncConnection, tenant_id: str, before: str, after: str) -> None:
    """A record not deleted changed group; the two rows are updated in id order, so two
    moves between the same groups in opposite directions never deadlock."""
    if before == after:
        return
    for group_id in sorted((before, after)):
        if group_id == before:
            await leave(conn, tenant_id, before)
        else:
            await join(conn, tenant_id, after)


async def shared_records(conn: AsyncConnection, tenant_id: str) -> int:
    """Records not deleted whose group holds another (off ix_lead_group_shared)."""
    total = await conn.execute(
        select(func.coalesce(func.sum(lead_group.c.kept), 0)).where(
            lead_group.c.tenant_id == tenant_id, lead_group.c.kept > 1
        )
    )
    return int(total.scalar_one())
