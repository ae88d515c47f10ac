"""The record use cases, wired: merge, unmerge, groups and reviews, one transaction each.

No FastAPI here (like app.api.flows), so the CLI can reuse them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from app.store import merges, reviews, touchpoints
from app.store.engine import transaction
from app.store.errors import NotFound
from app.store.records import StoredLead


@dataclass(frozen=True, slots=True)
class Group:
    id: str
    members: list[StoredLead]
    touchpoints: list[touchpoints.Touchpoint]


async def merge(
    engine: AsyncEngine, tenant_id: str, lead_id: str, into_id: str, *, by: str | None = None
) -> merges.Merged:
    """`by` names the person (a reviewer in the console) for the audit trail."""
    async with transaction(engine) as conn:
        return await merges.merge(conn, tenant_id, lead_id, into_id, by=by)


async def unmerge(
    engine: AsyncEngine, tenant_id: str, lead_id: str, *, by: str | None = None
) -> merges.Merged:
    async with transaction(engine) as conn:
        return await merges.unmerge(conn, tenant_id, lead_id, by=by)


async def group(engine: AsyncEngine, tenant_id: str, group_id: str) -> Group:
    """A group with at least one live member of this tenant, else NotFound."""
    async with transaction(engine) as conn:
        members = await touchpoints.group_members(conn, tenant_id, group_id)
        if not members:
            raise NotFound(f"no group {group_id}")
        points = await touchpoints.group_touchpoints(conn, tenant_id, group_id)
    return Group(group_id, members, points)


async def list_reviews(
    engine: AsyncEngine, tenant_id: str, status: reviews.Status, limit: int, offset: int
) -> list[reviews.Review]:
    async with transaction(engine) as conn:
        return await reviews.list_reviews(conn, tenant_id, status, limit, offset)


async def resolve_review(
    engine: AsyncEngine,
    tenant_id: str,
    review_id: str,
    verdict: reviews.Verdict,
    reviewer: str | None,
) -> reviews.Review:
    """Close the review and act on it in one transaction: merge, or never flag the pair again."""
    async with transaction(engine) as conn:
        resolved = await reviews.resolve(conn, tenant_id, review_id, verdict, reviewer)
        if verdict == "same":
            await merges.merge(
                conn, tenant_id, resolved.lead_id, resolved.candidate_id, by=reviewer
            )
        else:
            await reviews.mark_distinct(conn, tenant_id, resolved.lead_id, resolved.candidate_id)
        return await reviews.get_review(conn, tenant_id, review_id)
