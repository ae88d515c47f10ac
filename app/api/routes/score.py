"""POST /v1/score."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter

from app.api import flows
from app.api.deps import CallerDep
from app.api.hot_route import HotRoute
from app.api.schemas.error import responses
from app.api.schemas.score import ScoreRequest, ScoreResult
from app.domain import score as scoring

router = APIRouter(prefix="/v1", tags=["score"], route_class=HotRoute)


@router.post(
    "/score",
    name="score_lead",
    summary="Score, grade, pool and tags of a lead, with the reasons that add up to the score",
    responses=responses(400, 401, 413, 422, 503, 429),
)
async def score_lead(body: ScoreRequest, caller: CallerDep) -> ScoreResult:
    policy = caller.policy
    normalized = flows.normalize_only(body.lead.to_domain(), caller.region(body.region), policy)
    result = scoring.score_lead(
        normalized.lead,
        normalized.issues,
        [e.to_domain() for e in body.events],
        policy.scoring,
        body.now or datetime.now(UTC),
    )
    return ScoreResult.from_domain(result)
