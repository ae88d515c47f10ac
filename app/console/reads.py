"""What the console's pages read that no API flow reads already: the queue and a record's reviews.

Decisions, merges, undos, histories and groups go through app.api.flows and
app.api.records_flows, the code the API runs; here only the queue's order and
filters, and the reviews a record took part in. No FastAPI, like the flows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from app.store import review_queue, reviews
from app.store.engine import transaction
from app.store.errors import NotFound


@dataclass(frozen=True, slots=True)
class QueueEntry:
    review: reviews.Review
    lead_is_newer: bool
    """Whether the checked record changed last: it decides the survivorship preview."""


@dataclass(frozen=True, slots=True)
class Queue:
    entries: list[QueueEntry]
    total: int
    facets: review_queue.Facets


async def queue(
    engine: AsyncEngine,
    tenant_id: str,
    wanted: review_queue.QueueFilter,
    now: datetime,
    *,
    limit: int,
    offset: int,
) -> Queue:
    """One page of the queue, read in one transaction so the page and its count agree."""
    async with transaction(engine) as conn:
        page = await review_queue.open_queue(
            conn, tenant_id, wanted, now, limit=limit, offset=offset
        )
        entries = [
            QueueEntry(
                await reviews.get_review(conn, tenant_id, item.review_id),
                item.lead_updated_at > item.candidate_updated_at,
            )
            for item in page.items
        ]
        found = await review_queue.facets(conn, tenant_id)
    return Queue(entries, page.total, found)


async def review(engine: AsyncEngine, tenant_id: str, review_id: str) -> reviews.Review | None:
    """One review of this tenant, or None (another tenant's id is None too)."""
    async with transaction(engine) as conn:
        try:
            return await reviews.get_review(conn, tenant_id, review_id)
        except NotFound:
            return None


async def reviews_of(engine: AsyncEngine, tenant_id: str, lead_id: str) -> list[reviews.Review]:
    """Every review the record took part in, with its verdict and reviewer, newest first."""
    async with transaction(engine) as conn:
        ids = await review_queue.reviews_of(conn, tenant_id, lead_id)
        return [await reviews.get_review(conn, tenant_id, i) for i in ids]
