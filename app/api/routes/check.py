"""POST /v1/check and POST /v1/check/batch."""

from __future__ import annotations

from fastapi import APIRouter, Request

from app.api import convert, flows
from app.api.deps import CallerDep
from app.api.limits import MAX_BATCH, BodyTooLarge
from app.api.schemas.check import CheckBatchRequest, CheckBatchResult, CheckRequest, CheckResult
from app.api.schemas.error import responses

router = APIRouter(prefix="/v1", tags=["check"])


@router.post(
    "/check",
    name="check_lead",
    summary="Validate a lead and find the stored records it duplicates",
    responses=responses(400, 401, 413, 422, 503, 429),
)
async def check_lead(
    *,
    request: Request,
    body: CheckRequest,
    caller: CallerDep,
) -> CheckResult:
    incoming = flows.Incoming(body.lead.to_domain(), body.lead.to_json())
    policy = caller.policy
    outcome = await flows.check(
        caller.engine,
        caller.tenant.id,
        policy,
        incoming,
        caller.region(body.region),
        register=body.register_,
        live=request.app.state.live_counts,
    )
    request.app.state.metrics.skipped(outcome.skipped_keys)
    return convert.check_result(outcome, policy.scoring if policy.score_in_check else None)


@router.post(
    "/check/batch",
    name="check_batch",
    summary="Check up to 1000 leads in input order",
    responses=responses(400, 401, 413, 422, 503, 429),
)
async def check_batch(
    *,
    request: Request,
    body: CheckBatchRequest,
    caller: CallerDep,
) -> CheckBatchResult:
    if len(body.leads) > MAX_BATCH:
        raise BodyTooLarge(f"a batch holds at most {MAX_BATCH} leads, got {len(body.leads)}")
    batch = [flows.Incoming(lead.to_domain(), lead.to_json()) for lead in body.leads]
    policy = caller.policy
    outcomes = await flows.check_batch(
        caller.engine,
        caller.tenant.id,
        policy,
        batch,
        caller.region(body.region),
        register=body.register_,
        live=request.app.state.live_counts,
    )
    for outcome in outcomes:
        request.app.state.metrics.skipped(outcome.skipped_keys)
    scoring = policy.scoring if policy.score_in_check else None
    return CheckBatchResult(results=[convert.check_result(o, scoring) for o in outcomes])
