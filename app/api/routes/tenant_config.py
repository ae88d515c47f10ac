"""GET /v1/config and PUT /v1/config: the tenant's match rules, model, attributes and blocklists."""

from __future__ import annotations

from fastapi import APIRouter, Request

from app.api import flows
from app.api.deps import EngineDep, PolicyDep, TenantDep
from app.api.schemas.config import ConfigResult
from app.api.schemas.error import responses
from app.domain.policy import Policy

router = APIRouter(prefix="/v1", tags=["config"])


@router.get(
    "/config",
    name="get_config",
    summary="The tenant's policy: match rules, model, attributes, blocklists",
    responses=responses(401, 422, 503, 429),
)
async def get_config(tenant: TenantDep, engine: EngineDep) -> ConfigResult:
    policy = await flows.load_policy(engine, tenant.id)
    return ConfigResult(version=await flows.policy_version(engine, tenant.id), policy=policy)


@router.put(
    "/config",
    name="put_config",
    summary="Replace the tenant's policy (fields left out take the defaults)",
    responses=responses(400, 401, 413, 422, 503, 429),
)
async def put_config(
    *,
    request: Request,
    body: Policy,
    tenant: TenantDep,
    current: PolicyDep,
    engine: EngineDep,
    dry_run: bool = False,
) -> ConfigResult:
    if dry_run:
        changes = await flows.dry_run(engine, tenant.id, current, body)
        version = await flows.policy_version(engine, tenant.id)
        return ConfigResult(version=version, policy=body, dry_run=True, changes=changes)
    version = await flows.save_policy(engine, tenant.id, body)
    request.app.state.policy_cache.forget(tenant.id)
    return ConfigResult(version=version, policy=body)
