"""Groups (one real person or company, OneID): their member records and touchpoints."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from app.store import leads
from app.store.driver import execute_built
from app.store.records import StoredLead, as_utc
from app.store.tables import lead, touchpoint

_INSERT = insert(touchpoint)


@dataclass(frozen=True, slots=True)
class Touchpoint:
    id: str
    group_id: str
    lead_id: str | None
    source: str | None
    external_id: str | None
    at: datetime


async def add_touchpoint(
    conn: AsyncConnection,
    tenant_id: str,
    group_id: str,
    *,
    lead_id: str | None = None,
    source: str | None = None,
    external_id: str | None = None,
    at: datetime | None = None,
) -> str:
    """Log a contact of the group (`at` defaults to now); returns the touchpoint's id."""
    touchpoint_id = str(uuid.uuid4())
    await execute_built(
        conn,
        _INSERT,
        {
            "id": touchpoint_id,
            "tenant_id": tenant_id,
            "group_id": group_id,
            "lead_id": lead_id,
            "source": source,
            "external_id": external_id,
            "at": at or datetime.now(UTC),
        },
    )
    return touchpoint_id


async def group_members(conn: AsyncConnection, tenant_id: str, group_id: str) -> list[StoredLead]:
    """The group's live records (merged-away ones included), oldest first."""
    rows = await conn.execute(
        select(*leads.COLUMNS)
        .where(
            lead.c.tenant_id == tenant_id,
            lead.c.group_id == group_id,
            lead.c.deleted_at.is_(None),
        )
        .order_by(lead.c.created_at, lead.c.id)
    )
    return [leads.stored_from_row(r) for r in rows]


async def group_touchpoints(
    conn: AsyncConnection, tenant_id: str, group_id: str
) -> list[Touchpoint]:
    """The group's touchpoints in time order."""
    rows = await conn.execute(
        select(touchpoint)
        .where(touchpoint.c.tenant_id == tenant_id, touchpoint.c.group_id == group_id)
        .order_by(touchpoint.c.at, touchpoint.c.id)
    )
    return [
        Touchpoint(
            id=r.id,
            group_id=r.group_id,
            lead_id=r.lead_id,
            source=r.source,
            external_id=r.external_id,
            at=as_utc(r.at),
        )
        for r in rows
    ]


async def forget_lead(conn: AsyncConnection, tenant_id: str, lead_id: str) -> None:
    """A purge: the record's touchpoints go, since they name its source and external id."""
    await conn.execute(
        delete(touchpoint).where(
            touchpoint.c.tenant_id == tenant_id, touchpoint.c.lead_id == lead_id
        )
    )
