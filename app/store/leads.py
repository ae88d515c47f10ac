"""Lead rows, always scoped by tenant: insert, read, replace, soft delete, purge, find."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, delete, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.completeness import present_mask
from app.domain.types import normalized_from_dict
from app.store import group_sizes
from app.store.driver import execute_built
from app.store.errors import NotFound
from app.store.records import Candidate, StoredLead, as_utc
from app.store.tables import lead, lead_key

COLUMNS = (
    lead.c.id,
    lead.c.tenant_id,
    lead.c.external_id,
    lead.c.entity,
    lead.c.group_id,
    lead.c.merged_into,
    lead.c.raw,
    lead.c.normalized,
    lead.c.created_at,
    lead.c.updated_at,
)
# Built once: every registration runs it. Nothing is returned: the record is what was
# written, and reading its JSON back cost as much as writing it.
_INSERT = insert(lead)


def report_columns(normalized: dict[str, Any]) -> dict[str, Any]:
    """What the report reads of the normalized JSON, kept in columns of their own."""
    return {"present": present_mask(normalized), "source": normalized.get("source")}


def stored_from_row(row: Row[*tuple[Any, ...]]) -> StoredLead:
    """A lead row selected with COLUMNS (more columns may follow) as the store's value."""
    return StoredLead(
        id=row.id,
        tenant_id=row.tenant_id,
        external_id=row.external_id,
        entity=row.entity,
        group_id=row.group_id,
        merged_into=row.merged_into,
        raw=row.raw,
        normalized=row.normalized,
        created_at=as_utc(row.created_at),
        updated_at=as_utc(row.updated_at),
    )


async def insert_lead(
    conn: AsyncConnection,
    *,
    lead_id: str,
    tenant_id: str,
    group_id: str,
    raw: dict[str, Any],
    normalized: dict[str, Any],
    valid: bool,
) -> StoredLead:
    """`valid`: no error among the issues recorded with it (app.store.lead_issues)."""
    now = datetime.now(UTC)
    values = {
        "id": lead_id,
        "tenant_id": tenant_id,
        "external_id": normalized.get("external_id"),
        "entity": normalized.get("entity", "lead"),
        "group_id": group_id,
        "raw": raw,
        "normalized": normalized,
        "created_at": now,
        "updated_at": now,
        "valid": valid,
        **report_columns(normalized),
    }
    await execute_built(conn, _INSERT, values)
    await group_sizes.join(conn, tenant_id, group_id)
    return StoredLead(
        id=lead_id,
        tenant_id=tenant_id,
        external_id=values["external_id"],
        entity=values["entity"],
        group_id=group_id,
        merged_into=None,
        raw=raw,
        normalized=normalized,
        created_at=now,
        updated_at=now,
    )


async def get_lead(
    conn: AsyncConnection, tenant_id: str, lead_id: str, *, include_deleted: bool = False
) -> StoredLead:
    """A live record of this tenant, or NotFound (also for another tenant's id)."""
    query = select(*COLUMNS).where(lead.c.id == lead_id, lead.c.tenant_id == tenant_id)
    if not include_deleted:
        query = query.where(lead.c.deleted_at.is_(None))
    row = (await conn.execute(query)).one_or_none()
    if row is None:
        raise NotFound(f"no lead {lead_id}")
    return stored_from_row(row)


async def find_by_external_id(
    conn: AsyncConnection, tenant_id: str, external_id: str
) -> list[StoredLead]:
    rows = await conn.execute(
        select(*COLUMNS)
        .where(
            lead.c.tenant_id == tenant_id,
            lead.c.external_id == external_id,
            lead.c.deleted_at.is_(None),
        )
        .order_by(lead.c.created_at, lead.c.id)
    )
    return [stored_from_row(r) for r in rows]


async def replace_lead(
    conn: AsyncConnection,
    tenant_id: str,
    lead_id: str,
    *,
    raw: dict[str, Any],
    normalized: dict[str, Any],
) -> StoredLead:
    row = (
        await conn.execute(
            update(lead)
            .where(lead.c.id == lead_id, lead.c.tenant_id == tenant_id, lead.c.deleted_at.is_(None))
            .values(
                raw=raw,
                normalized=normalized,
                **report_columns(normalized),
                external_id=normalized.get("external_id"),
                entity=normalized.get("entity", "lead"),
                updated_at=datetime.now(UTC),
            )
            .returning(*COLUMNS)
        )
    ).one_or_none()
    if row is None:
        raise NotFound(f"no lead {lead_id}")
    return stored_from_row(row)


async def soft_delete(conn: AsyncConnection, tenant_id: str, lead_id: str, *, purge: bool) -> None:
    """Take a record out of the index; with purge its personal data is erased for good."""
    values: dict[str, Any] = {"deleted_at": datetime.now(UTC)}
    if purge:
        values.update(raw={}, normalized={}, **report_columns({}), external_id=None)
    result = await conn.execute(
        update(lead)
        .where(lead.c.id == lead_id, lead.c.tenant_id == tenant_id, lead.c.deleted_at.is_(None))
        .values(**values)
        .returning(lead.c.group_id)
    )
    group_id = result.scalar_one_or_none()
    if group_id is None:
        raise NotFound(f"no lead {lead_id}")
    await group_sizes.leave(conn, tenant_id, group_id)
    await conn.execute(
        delete(lead_key).where(lead_key.c.tenant_id == tenant_id, lead_key.c.lead_id == lead_id)
    )


async def recent_live(conn: AsyncConnection, tenant_id: str, limit: int) -> list[Candidate]:
    """The tenant's newest live records, for replaying decisions under another policy."""
    rows = await conn.execute(
        select(lead.c.id, lead.c.external_id, lead.c.entity, lead.c.group_id, lead.c.normalized)
        .where(
            lead.c.tenant_id == tenant_id,
            lead.c.deleted_at.is_(None),
            lead.c.merged_into.is_(None),
        )
        .order_by(lead.c.created_at.desc(), lead.c.id)
        .limit(limit)
    )
    return [
        Candidate(r.id, r.external_id, r.entity, r.group_id, 0, normalized_from_dict(r.normalized))
        for r in rows
    ]


async def estimate_rows(conn: AsyncConnection) -> int:
    """PostgreSQL's own estimate of the lead table's rows (every tenant's), read from the
    catalog at no cost: a stand-in while an exact count cannot be had."""
    result = await conn.execute(
        text("SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = 'lead'::regclass")
    )
    return int(result.scalar_one())


async def count_live(conn: AsyncConnection, tenant_id: str) -> int:
    """How many live records the tenant has: a scan of its rows, so callers cache it."""
    result = await conn.execute(
        select(func.count())
        .select_from(lead)
        .where(
            lead.c.tenant_id == tenant_id,
            lead.c.deleted_at.is_(None),
            lead.c.merged_into.is_(None),
        )
    )
    return int(result.scalar_one())
