"""/v1/leads: store, read, replace, delete, find by external id, history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.api import convert, flows
from app.api.deps import EngineDep, PolicyDep, SettingsDep, TenantDep, region_of
from app.api.schemas.error import responses
from app.api.schemas.lead import History, LeadList, LeadRequest, StoredLead

router = APIRouter(prefix="/v1/leads", tags=["leads"])


@router.post(
    "",
    name="create_lead",
    status_code=201,
    summary="Store a lead in the index without checking it",
    responses=responses(400, 401, 413, 422, 503, 429),
)
async def create_lead(
    *,
    request: Request,
    body: LeadRequest,
    tenant: TenantDep,
    policy: PolicyDep,
    engine: EngineDep,
    settings: SettingsDep,
) -> StoredLead:
    incoming = flows.Incoming(body.lead.to_domain(), body.lead.to_json())
    stored = await flows.create(
        engine,
        tenant.id,
        policy,
        incoming,
        region_of(None, settings, policy),
        live=request.app.state.live_counts,
    )
    return convert.stored_lead(stored)


@router.get(
    "",
    name="find_leads",
    summary="Find indexed records by the caller's id",
    responses=responses(401, 422, 503, 429),
)
async def find_leads(
    external_id: Annotated[str, Query(min_length=1, max_length=200)],
    tenant: TenantDep,
    engine: EngineDep,
) -> LeadList:
    found = await flows.find(engine, tenant.id, external_id)
    return LeadList(leads=[convert.stored_lead(s) for s in found])


@router.get(
    "/{lead_id}",
    name="get_lead",
    summary="Read one indexed record",
    responses=responses(401, 404, 422, 503, 429),
)
async def get_lead(lead_id: str, tenant: TenantDep, engine: EngineDep) -> StoredLead:
    return convert.stored_lead(await flows.get(engine, tenant.id, lead_id))


@router.put(
    "/{lead_id}",
    name="replace_lead",
    summary="Replace one indexed record",
    responses=responses(400, 401, 404, 413, 422, 503, 429),
)
async def replace_lead(
    *,
    lead_id: str,
    body: LeadRequest,
    tenant: TenantDep,
    policy: PolicyDep,
    engine: EngineDep,
    settings: SettingsDep,
) -> StoredLead:
    incoming = flows.Incoming(body.lead.to_domain(), body.lead.to_json())
    region = region_of(None, settings, policy)
    stored = await flows.replace(engine, tenant.id, lead_id, incoming, policy=policy, region=region)
    return convert.stored_lead(stored)


@router.delete(
    "/{lead_id}",
    name="delete_lead",
    status_code=204,
    summary="Remove one record from the index; purge=true erases its personal data for good",
    responses=responses(401, 404, 422, 503, 429),
)
async def delete_lead(
    lead_id: str,
    tenant: TenantDep,
    engine: EngineDep,
    purge: Annotated[bool, Query(description="Erase personal data and keys for good.")] = False,
) -> Response:
    await flows.delete(engine, tenant.id, lead_id, purge=purge)
    return Response(status_code=204)


@router.get(
    "/{lead_id}/history",
    name="lead_history",
    summary="The record's audit trail",
    responses=responses(401, 404, 422, 503, 429),
)
async def lead_history(lead_id: str, tenant: TenantDep, engine: EngineDep) -> History:
    return convert.history(lead_id, await flows.history(engine, tenant.id, lead_id))
