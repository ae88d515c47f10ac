"""The review queue as a person works it: open pairs most likely first, filtered.

`reviews.list_reviews` pages the open reviews oldest first for the API; a
person settling duplicates wants the likeliest pairs first and to narrow the
queue by the source the checked record came from, the rule that asked for
review, or the review's age. This module only picks and orders review ids
(with what the survivorship preview needs to know); the reviews themselves
are read with `reviews.get_review`, so the console shows exactly what
`GET /v1/reviews` shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Select

from app.store.records import as_utc
from app.store.tables import lead, review

checked = lead.alias("checked")
candidate = lead.alias("candidate")


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """Narrow the queue; None means any. Ages count from `now`, which the caller passes."""

    source: str | None = None
    rule: str | None = None
    older_than: timedelta | None = None
    newer_than: timedelta | None = None


@dataclass(frozen=True, slots=True)
class QueueItem:
    review_id: str
    lead_updated_at: datetime
    candidate_updated_at: datetime


@dataclass(frozen=True, slots=True)
class QueuePage:
    items: list[QueueItem]
    total: int
    """Open reviews matching the filter, over all pages."""


def _source_of(table: Any) -> ColumnElement[str]:
    """The `source` the record came with (in its normalized JSON), on SQLite and PostgreSQL."""
    return table.c.normalized["source"].as_string()  # type: ignore[no-any-return]


def _open_live(tenant_id: str, *columns: Any) -> Select[Any]:
    """Open reviews of this tenant whose two records both still exist (as the API lists them)."""
    return (
        select(*columns)
        .select_from(review)
        .join(checked, and_(checked.c.id == review.c.lead_id, checked.c.tenant_id == tenant_id))
        .join(
            candidate,
            and_(candidate.c.id == review.c.candidate_id, candidate.c.tenant_id == tenant_id),
        )
        .where(
            review.c.tenant_id == tenant_id,
            review.c.status == "open",
            checked.c.deleted_at.is_(None),
            candidate.c.deleted_at.is_(None),
        )
    )


def _filtered(query: Select[Any], wanted: QueueFilter, now: datetime) -> Select[Any]:
    if wanted.source is not None:
        query = query.where(_source_of(checked) == wanted.source)
    if wanted.rule is not None:
        query = query.where(review.c.rule == wanted.rule)
    if wanted.older_than is not None:
        query = query.where(review.c.created_at <= now - wanted.older_than)
    if wanted.newer_than is not None:
        query = query.where(review.c.created_at > now - wanted.newer_than)
    return query


async def open_queue(
    conn: AsyncConnection,
    tenant_id: str,
    wanted: QueueFilter,
    now: datetime,
    *,
    limit: int,
    offset: int = 0,
) -> QueuePage:
    """One page of open reviews, highest match probability first, oldest first on a tie."""
    rows = await conn.execute(
        _filtered(
            _open_live(
                tenant_id, review.c.id, checked.c.updated_at, candidate.c.updated_at.label("cu")
            ),
            wanted,
            now,
        )
        .order_by(review.c.score.desc(), review.c.created_at, review.c.id)
        .limit(max(0, limit))
        .offset(max(0, offset))
    )
    items = [QueueItem(r.id, as_utc(r.updated_at), as_utc(r.cu)) for r in rows]
    total = (
        await conn.execute(_filtered(_open_live(tenant_id, func.count()), wanted, now))
    ).scalar_one()
    return QueuePage(items, int(total))


@dataclass(frozen=True, slots=True)
class Facets:
    """What the queue can be filtered by: the rules and sources its open reviews have."""

    rules: list[str]
    sources: list[str]


async def facets(conn: AsyncConnection, tenant_id: str) -> Facets:
    rules = await conn.execute(
        _open_live(tenant_id, review.c.rule).distinct().order_by(review.c.rule)
    )
    source = _source_of(checked).label("source")
    sources = await conn.execute(
        _open_live(tenant_id, source).where(source.is_not(None)).distinct().order_by(source)
    )
    return Facets([r.rule for r in rules], [s.source for s in sources if s.source])


async def reviews_of(conn: AsyncConnection, tenant_id: str, lead_id: str) -> list[str]:
    """Ids of every review this record took part in, either side, newest first."""
    rows = await conn.execute(
        select(review.c.id)
        .where(
            review.c.tenant_id == tenant_id,
            or_(review.c.lead_id == lead_id, review.c.candidate_id == lead_id),
        )
        .order_by(review.c.created_at.desc(), review.c.id)
    )
    return [r.id for r in rows]
