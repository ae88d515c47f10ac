"""POST /v1/tenants: admin key only."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from app.api import flows
from app.api.deps import EngineDep, require_admin
from app.api.schemas.admin import TenantCreated, TenantRequest
from app.api.schemas.error import responses

router = APIRouter(prefix="/v1/tenants", tags=["tenants"])


@router.post(
    "",
    name="create_tenant",
    status_code=201,
    summary="Create a tenant and its first API key (shown once)",
    responses=responses(400, 401, 409, 413, 422, 503),
    dependencies=[Depends(require_admin)],
)
async def create_tenant(body: TenantRequest, engine: EngineDep) -> TenantCreated:
    created = await flows.create_tenant(engine, body.name)
    return TenantCreated(id=created.tenant.id, name=created.tenant.name, api_key=created.api_key)
