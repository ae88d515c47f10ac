"""Possible-duplicate pairs for a person to decide on, and the pairs declared different.

A review pairs the record that was checked (`lead_id`) with the stored record it
may duplicate (`candidate_id`). At most one review of a pair is open at a time,
whichever way round it was opened. A pair declared different is kept in
`distinct_pair` (smaller id first) so the check flow never flags it again.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Row, and_, delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Select

from app.store import index
from app.store.errors import Conflict, NotFound
from app.store.records import as_utc
from app.store.tables import distinct_pair, lead, review

Status = Literal["open", "same", "different"]
Verdict = Literal["same", "different"]
MAX_PAGE = 200
# Past any table's size: a larger offset (which SQLite and asyncpg cannot even bind) returns
# the same nothing.
MAX_OFFSET = 2**62


@dataclass(frozen=True, slots=True)
class Review:
    id: str
    lead_id: str
    candidate_id: str
    rule: str
    score: float
    explain: dict[str, Any]
    status: Status
    reviewer: str | None
    created_at: datetime
    resolved_at: datetime | None
    lead: dict[str, Any] | None
    """The checked record's normalized form; None once it is deleted."""
    candidate: dict[str, Any] | None
    """The candidate's normalized form; None once it is deleted."""


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def _same_pair(a: str, b: str) -> Any:
    return or_(
        and_(review.c.lead_id == a, review.c.candidate_id == b),
        and_(review.c.lead_id == b, review.c.candidate_id == a),
    )


async def open_review(
    conn: AsyncConnection,
    tenant_id: str,
    lead_id: str,
    candidate_id: str,
    *,
    rule: str,
    score: float,
    explain: Mapping[str, Any],
) -> str:
    """The id of the open review of this pair: the one already open, else a new one."""
    if lead_id == candidate_id:
        raise Conflict("a record cannot be reviewed against itself")
    a, b = _pair(lead_id, candidate_id)
    await index.lock_keys(conn, tenant_id, [f"review:{a}:{b}"])
    existing = (
        await conn.execute(
            select(review.c.id).where(
                review.c.tenant_id == tenant_id,
                review.c.status == "open",
                _same_pair(lead_id, candidate_id),
            )
        )
    ).first()
    if existing is not None:
        return str(existing.id)
    review_id = str(uuid.uuid4())
    await conn.execute(
        insert(review).values(
            id=review_id,
            tenant_id=tenant_id,
            lead_id=lead_id,
            candidate_id=candidate_id,
            rule=rule,
            score=float(score),
            explain=dict(explain),
            status="open",
            created_at=datetime.now(UTC),
        )
    )
    return review_id


def _select(tenant_id: str, *, live_only: bool = False) -> Select[Any]:
    checked = lead.alias("checked")
    candidate = lead.alias("candidate")
    query = (
        select(
            review,
            checked.c.normalized.label("lead_normalized"),
            checked.c.deleted_at.label("lead_deleted_at"),
            candidate.c.normalized.label("candidate_normalized"),
            candidate.c.deleted_at.label("candidate_deleted_at"),
        )
        .outerjoin(
            checked, and_(checked.c.id == review.c.lead_id, checked.c.tenant_id == tenant_id)
        )
        .outerjoin(
            candidate,
            and_(candidate.c.id == review.c.candidate_id, candidate.c.tenant_id == tenant_id),
        )
        .where(review.c.tenant_id == tenant_id)
    )
    if live_only:
        query = query.where(
            checked.c.id.is_not(None),
            checked.c.deleted_at.is_(None),
            candidate.c.id.is_not(None),
            candidate.c.deleted_at.is_(None),
        )
    return query


def _review(row: Row[Any]) -> Review:
    return Review(
        id=row.id,
        lead_id=row.lead_id,
        candidate_id=row.candidate_id,
        rule=row.rule,
        score=row.score,
        explain=row.explain,
        status=row.status,
        reviewer=row.reviewer,
        created_at=as_utc(row.created_at),
        resolved_at=None if row.resolved_at is None else as_utc(row.resolved_at),
        lead=row.lead_normalized if row.lead_deleted_at is None else None,
        candidate=row.candidate_normalized if row.candidate_deleted_at is None else None,
    )


async def list_reviews(
    conn: AsyncConnection,
    tenant_id: str,
    status: Status = "open",
    limit: int = 50,
    offset: int = 0,
) -> list[Review]:
    """The tenant's reviews with this status, oldest first; pairs with a deleted record left out."""
    limit = max(0, min(limit, MAX_PAGE))
    rows = await conn.execute(
        _select(tenant_id, live_only=True)
        .where(review.c.status == status)
        .order_by(review.c.created_at, review.c.id)
        .limit(limit)
        .offset(max(0, min(offset, MAX_OFFSET)))
    )
    return [_review(row) for row in rows]


async def get_review(conn: AsyncConnection, tenant_id: str, review_id: str) -> Review:
    row = (await conn.execute(_select(tenant_id).where(review.c.id == review_id))).one_or_none()
    if row is None:
        raise NotFound(f"no review {review_id}")
    return _review(row)


async def resolve(
    conn: AsyncConnection,
    tenant_id: str,
    review_id: str,
    verdict: Verdict,
    reviewer: str | None,
) -> Review:
    """Close an open review with the verdict; a review already resolved is a Conflict.

    Only the review changes here: the caller merges (`same`) or marks the pair
    distinct (`different`) in the same transaction.
    """
    closed = (
        await conn.execute(
            update(review)
            .where(
                review.c.id == review_id,
                review.c.tenant_id == tenant_id,
                review.c.status == "open",
            )
            .values(status=verdict, reviewer=reviewer, resolved_at=datetime.now(UTC))
            .returning(review.c.id)
        )
    ).one_or_none()
    if closed is None:
        existing = await get_review(conn, tenant_id, review_id)
        raise Conflict(f"review {review_id} is already resolved as {existing.status!r}")
    return await get_review(conn, tenant_id, review_id)


async def mark_distinct(conn: AsyncConnection, tenant_id: str, a: str, b: str) -> None:
    """Record that a and b are different people or companies (idempotent)."""
    if a == b:
        raise Conflict("a record cannot be distinct from itself")
    lead_a, lead_b = _pair(a, b)
    exists = (
        await conn.execute(
            select(distinct_pair.c.lead_a).where(
                distinct_pair.c.tenant_id == tenant_id,
                distinct_pair.c.lead_a == lead_a,
                distinct_pair.c.lead_b == lead_b,
            )
        )
    ).first()
    if exists is None:
        await conn.execute(
            insert(distinct_pair).values(
                tenant_id=tenant_id, lead_a=lead_a, lead_b=lead_b, created_at=datetime.now(UTC)
            )
        )


async def distinct_candidates(
    conn: AsyncConnection, tenant_id: str, lead_id: str | None, candidate_ids: Iterable[str]
) -> set[str]:
    """Which of these candidates were declared different from this lead (none for a new lead)."""
    ids = set(candidate_ids)
    if lead_id is None or not ids:
        return set()
    rows = await conn.execute(
        select(distinct_pair.c.lead_a, distinct_pair.c.lead_b).where(
            distinct_pair.c.tenant_id == tenant_id,
            or_(
                and_(distinct_pair.c.lead_a == lead_id, distinct_pair.c.lead_b.in_(ids)),
                and_(distinct_pair.c.lead_b == lead_id, distinct_pair.c.lead_a.in_(ids)),
            ),
        )
    )
    return {r.lead_b if r.lead_a == lead_id else r.lead_a for r in rows}


async def forget_lead(conn: AsyncConnection, tenant_id: str, lead_id: str) -> None:
    """A purge: every review and distinct pair the record is part of goes, whichever side."""
    await conn.execute(
        delete(review).where(
            review.c.tenant_id == tenant_id,
            or_(review.c.lead_id == lead_id, review.c.candidate_id == lead_id),
        )
    )
    await conn.execute(
        delete(distinct_pair).where(
            distinct_pair.c.tenant_id == tenant_id,
            or_(distinct_pair.c.lead_a == lead_id, distinct_pair.c.lead_b == lead_id),
        )
    )
