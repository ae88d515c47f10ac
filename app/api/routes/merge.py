"""POST /v1/leads/{id}/merge and /unmerge: fold one record into another, and undo it."""

from __future__ import annotations

from fastapi import APIRouter

from app.api import records_convert, records_flows
from app.api.deps import EngineDep, TenantDep
from app.api.schemas.error import responses
from app.api.schemas.records import MergeRequest, MergeResult

router = APIRouter(prefix="/v1/leads", tags=["leads"])


@router.post(
    "/{lead_id}/merge",
    name="merge_lead",
    summary="Fold one record into another, keeping the history",
    description="The record `into` survives and takes the values the survivorship policy "
    "picks (non-empty first, then the most recent; phones and emails unioned); this record "
    "gets `merged_into` and leaves duplicate checks. 409 when merging a record into itself, "
    "or when either record is deleted or already merged away.",
    responses=responses(400, 401, 404, 409, 413, 422, 503, 429),
)
async def merge_lead(
    lead_id: str, body: MergeRequest, tenant: TenantDep, engine: EngineDep
) -> MergeResult:
    merged = await records_flows.merge(engine, tenant.id, lead_id, body.into)
    return records_convert.merge_result(merged)


@router.post(
    "/{lead_id}/unmerge",
    name="unmerge_lead",
    summary="Undo a merge: both records back exactly as they were",
    description="409 when the record is not merged, or when either record changed after the merge.",
    responses=responses(401, 404, 409, 422, 503, 429),
)
async def unmerge_lead(lead_id: str, tenant: TenantDep, engine: EngineDep) -> MergeResult:
    restored = await records_flows.unmerge(engine, tenant.id, lead_id)
    return records_convert.merge_result(restored)
