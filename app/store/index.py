"""The blocking-key index: candidates for many keys in one query, and safe registration.

A check looks up all of a lead's keys in one statement that also fetches the
candidate records, so its cost is one round trip whatever the number of keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import String, bindparam, delete, func, insert, literal, select, text, union_all
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.types import normalized_from_dict
from app.store.records import Candidate
from app.store.tables import lead, lead_key

DEFAULT_CANDIDATE_LIMIT = 50
DEFAULT_HOT_KEY_CAP = 200


@dataclass(frozen=True, slots=True)
class CandidateSearch:
    candidates: list[Candidate]
    skipped: tuple[str, ...]


async def find_candidates(
    conn: AsyncConnection,
    tenant_id: str,
    keys: Sequence[str],
    *,
    limit: int = DEFAULT_CANDIDATE_LIMIT,
    hot_key_cap: int = DEFAULT_HOT_KEY_CAP,
    exclude: str | None = None,
) -> CandidateSearch:
    """Live records of the tenant sharing any key, most shared keys first.

    Two round trips: one counts each key's records, stopping at the cap, so a
    switchboard number or a free-mail domain costs at most `hot_key_cap` index
    entries; the other fetches the candidates through the keys under the cap.
    """
    if not keys:
        return CandidateSearch([], ())
    counts = await _bounded_counts(conn, tenant_id, keys, hot_key_cap)
    skipped = tuple(k for k in keys if counts.get(k, 0) > hot_key_cap)
    usable = [k for k in keys if 0 < counts.get(k, 0) <= hot_key_cap]
    if not usable:
        return CandidateSearch([], skipped)
    return CandidateSearch(await _fetch(conn, tenant_id, usable, limit, exclude), skipped)


async def _bounded_counts(
    conn: AsyncConnection, tenant_id: str, keys: Sequence[str], cap: int
) -> dict[str, int]:
    per_key = [
        select(
            literal(key, String()).label("key"),
            select(func.count())
            .select_from(
                select(lead_key.c.lead_id)
                .where(lead_key.c.tenant_id == tenant_id, lead_key.c.key == key)
                .limit(cap + 1)
                .subquery()
            )
            .scalar_subquery()
            .label("n"),
        )
        for key in dict.fromkeys(keys)
    ]
    rows = await conn.execute(union_all(*per_key) if len(per_key) > 1 else per_key[0])
    return {row.key: row.n for row in rows}


async def _fetch(
    conn: AsyncConnection, tenant_id: str, keys: Sequence[str], limit: int, exclude: str | None
) -> list[Candidate]:
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
