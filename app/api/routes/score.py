"""POST /v1/score."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter

from app.api import flows
from app.api.deps import PolicyDep, SettingsDep, TenantDep, region_of
from app.api.schemas.error import responses
from app.api.schemas.score import ScoreRequest, ScoreResult
from app.domain import score as scoring

router = APIRouter(prefix="/v1", tags=["score"])


@router.post(
    "/score",
    name="score_lead",
    summary="Score, grade, pool and tags of a lead, with the reasons that add up to the score",
    responses=responses(400, 401, 413, 422, 503, 429),
)
async def score_lead(
    body: ScoreRequest, _tenant: TenantDep, policy: PolicyDep, settings: SettingsDep
) -> ScoreResult:
    region = region_of(body.region, settings, policy)
    normalized = flows.normalize_only(body.lead.to_domain(), region, policy)
    result = scoring.score_lead(
        normalized.lead,
        normalized.issues,
        [e.to_domain() for e in body.events],
        policy.scoring,
        body.now or datetime.now(UTC),
    )
    return ScoreResult.from_domain(result)
