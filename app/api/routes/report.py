"""POST /v1/leads/{id}/outcome and GET /v1/report: what became of leads, and the figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request

from app.api import report_flows
from app.api.deps import (
    EngineDep,
    PolicyDep,
    ReportEngineDep,
    SettingsDep,
    TenantDep,
    region_of,
)
from app.api.schemas.error import responses
from app.api.schemas.report import OutcomeRequest, OutcomeResult, ReportResult

router = APIRouter(prefix="/v1")

MAX_REPORT_DAYS = 366


@router.post(
    "/leads/{lead_id}/outcome",
    name="record_outcome",
    status_code=201,
    tags=["leads"],
    summary="Record what became of a lead, with the score it had, for reports and model fitting",
    responses=responses(400, 401, 404, 413, 422, 503, 429),
)
async def record_outcome(
    *,
    lead_id: str,
    body: OutcomeRequest,
    tenant: TenantDep,
    policy: PolicyDep,
    engine: EngineDep,
    settings: SettingsDep,
) -> OutcomeResult:
    saved = await report_flows.record_outcome(
        engine,
        tenant.id,
        policy,
        lead_id,
        outcome=body.outcome,
        at=body.at,
        region=region_of(None, settings, policy),
    )
    return OutcomeResult.from_store(saved)


@router.get(
    "/report",
    name="get_report",
    tags=["report"],
    summary="The tenant's data-quality figures and conversion by grade, pool and source",
    responses=responses(401, 422, 503, 429),
)
async def get_report(
    request: Request,
    tenant: TenantDep,
    engine: ReportEngineDep,
    days: Annotated[
        int,
        Query(
            ge=1,
            le=MAX_REPORT_DAYS,
            description="How many UTC days, today included, `by_source_per_day` and `checks` "
            "cover.",
        ),
    ] = 30,
) -> ReportResult:
    since = datetime.now(UTC).date() - timedelta(days=days - 1)
    start = datetime(since.year, since.month, since.day, tzinfo=UTC)
    await request.app.state.check_tally.settled(engine)  # this replica's latest checks too
    figures = await report_flows.report(engine, tenant.id, start)
    checks = await report_flows.checks(engine, tenant.id, start)
    return ReportResult.from_store(figures, since, checks)
