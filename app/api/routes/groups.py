"""GET /v1/groups/{id}: one real person or company, its records and touchpoints."""

from __future__ import annotations

from fastapi import APIRouter

from app.api import records_convert, records_flows
from app.api.deps import EngineDep, TenantDep
from app.api.schemas.error import responses
from app.api.schemas.records import Group

router = APIRouter(prefix="/v1/groups", tags=["groups"])


@router.get(
    "/{group_id}",
    name="get_group",
    summary="One real person or company: its member records and touchpoints in time order",
    responses=responses(401, 404, 422, 503, 429),
)
async def get_group(group_id: str, tenant: TenantDep, engine: EngineDep) -> Group:
    return records_convert.group(await records_flows.group(engine, tenant.id, group_id))
