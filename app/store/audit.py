"""The audit trail: one row per create, update, merge and delete of a lead."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from app.store import reviews, touchpoints
from app.store.driver import execute_built
from app.store.records import AuditEntry, as_utc
from app.store.tables import audit_event

# Built once: a statement built per call costs its construction and cache key on every
# registration (statements here and in leads, group_sizes, touchpoints alike).
_INSERT = insert(audit_event)


async def record(
    conn: AsyncConnection, tenant_id: str, lead_id: str, action: str, data: dict[str, Any]
) -> None:
    await execute_built(
        conn,
        _INSERT,
        {
            "tenant_id": tenant_id,
            "lead_id": lead_id,
            "action": action,
            "at": datetime.now(UTC),
            "data": data,
        },
    )


async def history(conn: AsyncConnection, tenant_id: str, lead_id: str) -> list[AuditEntry]:
    rows = await conn.execute(
        select(
            audit_event.c.id,
            audit_event.c.lead_id,
            audit_event.c.action,
            audit_event.c.at,
            audit_event.c.data,
        )
        .where(audit_event.c.tenant_id == tenant_id, audit_event.c.lead_id == lead_id)
        .order_by(audit_event.c.id)
    )
    return [AuditEntry(r.id, r.lead_id, r.action, as_utc(r.at), r.data) for r in rows]


async def erase_personal_data(conn: AsyncConnection, tenant_id: str, lead_id: str) -> None:
    """Purge: the trail keeps what happened and when, never what the record held.

    The record's review items and touchpoints go too: they are what else the
    store keeps of it (a touchpoint names its source and external id). This is
    the one call a purge makes besides erasing the lead row and its keys.
    """
    await reviews.forget_lead(conn, tenant_id, lead_id)
    await touchpoints.forget_lead(conn, tenant_id, lead_id)
    await conn.execute(
        update(audit_event)
        .where(audit_event.c.tenant_id == tenant_id, audit_event.c.lead_id == lead_id)
        .values(data={})
    )
