"""POST /v1/tenants and POST /v1/tenants/{id}/keys: admin key only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Depends, Request

from app.api import auth, flows
from app.api.deps import EngineDep, require_admin
from app.api.schemas.admin import KeyCreated, KeyRequest, TenantCreated, TenantRequest
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


@router.post(
    "/{tenant_id}/keys",
    name="create_tenant_key",
    status_code=201,
    summary="Issue a new API key; the tenant's other keys stop after the grace period",
    description="The new key is shown once and stored only as a hash. The tenant's keys "
    "that were live keep working for `grace_seconds`, then answer 401. 404 for an unknown "
    "tenant.",
    responses=responses(400, 401, 404, 413, 422, 503),
    dependencies=[Depends(require_admin)],
)
async def create_tenant_key(
    request: Request, tenant_id: str, body: KeyRequest, engine: EngineDep
) -> KeyCreated:
    rotated = await auth.rotate_key(
        engine, tenant_id, timedelta(seconds=body.grace_seconds), datetime.now(UTC)
    )
    request.app.state.key_cache.forget_tenant(tenant_id)
    return KeyCreated(
        tenant_id=rotated.tenant_id,
        api_key=rotated.api_key,
        previous_keys_expire_at=rotated.previous_keys_expire_at.isoformat(),
        previous_keys=rotated.previous_keys,
    )
