"""POST /v1/check and POST /v1/check/batch."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, Request
from sqlalchemy.ext.asyncio import AsyncEngine

from app.api import convert, flows
from app.api.deps import CallerDep
from app.api.hot_route import HotRoute
from app.api.limits import MAX_BATCH, BodyTooLarge
from app.api.schemas.check import CheckBatchRequest, CheckBatchResult, CheckRequest, CheckResult
from app.api.schemas.error import responses
from app.api.tally import CheckTally

router = APIRouter(prefix="/v1", tags=["check"], route_class=HotRoute)


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
        reads=request.app.state.hot_reads,
    )
    request.app.state.metrics.skipped(outcome.skipped_keys)
    _tally(request, caller.tenant.id, [outcome], caller.engine)
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
        lock_wait=caller.settings.batch_lock_timeout,
    )
    for outcome in outcomes:
        request.app.state.metrics.skipped(outcome.skipped_keys)
    _tally(request, caller.tenant.id, outcomes, caller.engine)
    scoring = policy.scoring if policy.score_in_check else None
    return CheckBatchResult(results=[convert.check_result(o, scoring) for o in outcomes])


def _tally(
    request: Request, tenant_id: str, outcomes: Sequence[flows.CheckOutcome], engine: AsyncEngine
) -> None:
    """Count what the checks answered, for the report's recent-checks figures."""
    tally: CheckTally = request.app.state.check_tally
    for outcome in outcomes:
        decision = outcome.decision
        tally.count(
            tenant_id, decision.decision, decision.action, registered=outcome.stored is not None
        )
    tally.flush_soon(engine)
