"""The blocking-key index: candidates for many keys in one query, and safe registration.

A check looks up all of a lead's keys in one statement that also fetches the
candidate records, so its cost is one round trip whatever the number of keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import String, bindparam, delete, func, insert, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.types import normalized_from_dict
from app.store.records import Candidate
from app.store.tables import lead, lead_key

DEFAULT_CANDIDATE_LIMIT = 50


async def find_candidates(
    conn: AsyncConnection,
    tenant_id: str,
    keys: Sequence[str],
    *,
    limit: int = DEFAULT_CANDIDATE_LIMIT,
    exclude: str | None = None,
) -> list[Candidate]:
    """Live records of the tenant sharing any key, most shared keys first."""
    if not keys:
        return []
    shared = (
        select(lead_key.c.lead_id, func.count().label("shared"))
        .where(lead_key.c.tenant_id == tenant_id, lead_key.c.key.in_(keys))
        .group_by(lead_key.c.lead_id)
        .subquery()
    )
    query = (
        select(
            lead.c.id,
            lead.c.external_id,
            lead.c.entity,
            lead.c.group_id,
            lead.c.normalized,
            shared.c.shared,
        )
        .join(shared, shared.c.lead_id == lead.c.id)
        .where(
            lead.c.tenant_id == tenant_id,
            lead.c.deleted_at.is_(None),
            lead.c.merged_into.is_(None),
        )
        .order_by(shared.c.shared.desc(), lead.c.created_at, lead.c.id)
        .limit(limit)
    )
    if exclude is not None:
        query = query.where(lead.c.id != exclude)
    rows = await conn.execute(query)
    return [
        Candidate(
            id=r.id,
            external_id=r.external_id,
            entity=r.entity,
            group_id=r.group_id,
            shared_keys=r.shared,
            lead=normalized_from_dict(r.normalized),
        )
        for r in rows
    ]


async def write_keys(
    conn: AsyncConnection, tenant_id: str, lead_id: str, keys: Iterable[str]
) -> None:
    """Replace a record's keys with these."""
    await conn.execute(
        delete(lead_key).where(lead_key.c.tenant_id == tenant_id, lead_key.c.lead_id == lead_id)
    )
    rows = [{"tenant_id": tenant_id, "key": k, "lead_id": lead_id} for k in dict.fromkeys(keys)]
    if rows:
        await conn.execute(insert(lead_key), rows)


_PG_LOCK = text(
    "SELECT count(pg_advisory_xact_lock(hashtextextended(k, 0))) "
    "FROM unnest(CAST(:keys AS text[])) WITH ORDINALITY AS t(k, n)"
).bindparams(bindparam("keys", type_=ARRAY(String())))


async def lock_keys(conn: AsyncConnection, tenant_id: str, keys: Sequence[str]) -> None:
    """Serialise registrations that share a key, until the transaction ends.

    On PostgreSQL two replicas registering the same lead would otherwise both
    see no candidate and both store it as unique: each takes transaction-scoped
    advisory locks on the lead's keys, in sorted order so two leads never
    deadlock. SQLite needs nothing here: every transaction begins IMMEDIATE,
    so writers are serialised already.
    """
    if conn.dialect.name != "postgresql" or not keys:
        return
    scoped = sorted({f"{tenant_id}/{k}" for k in keys})
    await conn.execute(_PG_LOCK, {"keys": scoped})
