"""/v1/reviews: possible-duplicate pairs for a person to decide on."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from app.api import records_convert, records_flows
from app.api.deps import EngineDep, TenantDep
from app.api.schemas.error import responses
from app.api.schemas.records import ResolveRequest, Review, ReviewList
from app.store.reviews import MAX_PAGE

router = APIRouter(prefix="/v1/reviews", tags=["reviews"])


@router.get(
    "",
    name="list_reviews",
    summary="Possible-duplicate pairs, oldest first",
    responses=responses(401, 422, 503, 429),
)
async def list_reviews(
    tenant: TenantDep,
    engine: EngineDep,
    status: Annotated[
        Literal["open", "same", "different"], Query(description="Which reviews to list.")
    ] = "open",
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ReviewList:
    found = await records_flows.list_reviews(engine, tenant.id, status, limit, offset)
    return ReviewList(reviews=[records_convert.review(r) for r in found])


@router.post(
    "/{review_id}",
    name="resolve_review",
    summary="Resolve a review: `same` merges the pair, `different` never flags it again",
    description="409 when the review is already resolved, or when `same` cannot merge "
    "(a record deleted or already merged away).",
    responses=responses(400, 401, 404, 409, 413, 422, 503, 429),
)
async def resolve_review(
    review_id: str, body: ResolveRequest, tenant: TenantDep, engine: EngineDep
) -> Review:
    resolved = await records_flows.resolve_review(
        engine, tenant.id, review_id, body.verdict, body.reviewer
    )
    return records_convert.review(resolved)
