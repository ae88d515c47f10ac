"""FastAPI dependencies: settings, engine, the calling tenant and its policy."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncEngine

from app.api import auth, flows
from app.api.deliverability import MxChecker
from app.api.limits import RateLimited, RateLimiter
from app.api.policy_cache import PolicyCache
from app.config import Settings
from app.domain.policy import Policy
from app.store.tenants import Tenant


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_engine(request: Request) -> AsyncEngine:
    engine: AsyncEngine = request.app.state.engine
    return engine


async def get_report_engine(request: Request) -> AsyncEngine:
    """The engine for the report's long reads (its own pool and statement timeout)."""
    engine: AsyncEngine = request.app.state.report_engine
    return engine


SettingsDep = Annotated[Settings, Depends(get_settings)]
ReportEngineDep = Annotated[AsyncEngine, Depends(get_report_engine)]
EngineDep = Annotated[AsyncEngine, Depends(get_engine)]
_bearer = HTTPBearer(auto_error=False, description="The tenant's API key (or the admin key).")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def _key(credentials: HTTPAuthorizationCredentials | None) -> str | None:
    return None if credentials is None else credentials.credentials


async def get_tenant(request: Request, credentials: Credentials) -> Tenant:
    """The calling tenant, after its rate limit (LEADGATE_RATE_LIMIT) has admitted the call.

    It reads the settings and the engine off the app instead of depending on them:
    FastAPI solves every dependency's own dependencies again wherever it appears, and on
    the hot path that cost more than the tenant lookup itself.
    """
    settings: Settings = request.app.state.settings
    engine: AsyncEngine = request.app.state.engine
    if settings.auth == "off":
        tenant = auth.DEFAULT_TENANT
    else:
        tenant = await auth.tenant_for(engine, _key(credentials), request.app.state.key_cache)
    if settings.rate_limit > 0:
        await _admit(request, engine, settings.rate_limit, tenant.id)
    return tenant


async def _admit(request: Request, engine: AsyncEngine, rate: float, tenant_id: str) -> None:
    """On PostgreSQL the replicas share one count per tenant and second; SQLite has one process.

    A shared count costs one round trip per request, which is why the limit is off by default.
    """
    if engine.dialect.name != "postgresql":
        _rate_limiter(request, rate).take(tenant_id)
        return
    if await flows.count_request(engine, tenant_id, int(time.time())) > max(1, int(rate)):
        raise RateLimited(1)


def _rate_limiter(request: Request, rate: float) -> RateLimiter:
    """The app's limiter, made on first use: create_app need not know about it."""
    state = request.app.state
    limiter: RateLimiter | None = getattr(state, "rate_limiter", None)
    if limiter is None:
        limiter = state.rate_limiter = RateLimiter(rate, time.monotonic)
    return limiter


TenantDep = Annotated[Tenant, Depends(get_tenant)]


async def get_policy(request: Request, tenant: TenantDep) -> Policy:
    cache: PolicyCache = request.app.state.policy_cache
    return await cache.get(request.app.state.engine, tenant.id)


@dataclass(frozen=True, slots=True)
class Caller:
    """What a lead route needs about its call, solved as one dependency: the hot routes
    (normalize, check, score) pay for each dependency FastAPI solves."""

    settings: Settings
    engine: AsyncEngine
    tenant: Tenant
    policy: Policy
    mx: MxChecker | None

    def region(self, requested: str | None) -> str:
        return region_of(requested, self.settings, self.policy)


async def get_caller(request: Request, credentials: Credentials) -> Caller:
    state = request.app.state
    tenant = await get_tenant(request, credentials)
    policy = await get_policy(request, tenant)
    return Caller(state.settings, state.engine, tenant, policy, state.mx)


CallerDep = Annotated[Caller, Depends(get_caller)]


async def caller_of(request: Request) -> Caller:
    """get_caller for the hot routes, which skip FastAPI's solving. The key is read as FastAPI
    would, and only when auth is on: get_tenant ignores it otherwise, and reading it cost
    about 5 us a request."""
    settings: Settings = request.app.state.settings
    credentials = None if settings.auth == "off" else await _bearer(request)
    return await get_caller(request, credentials)


async def require_admin(settings: SettingsDep, credentials: Credentials) -> None:
    auth.check_admin(settings.admin_key, _key(credentials))


PolicyDep = Annotated[Policy, Depends(get_policy)]


async def get_mx(request: Request) -> MxChecker | None:
    """The deliverability checker when LEADGATE_EMAIL_MX_CHECK is on, else None."""
    checker: MxChecker | None = request.app.state.mx
    return checker


MxDep = Annotated[MxChecker | None, Depends(get_mx)]


def region_of(requested: str | None, settings: Settings, policy: Policy) -> str:
    """The request's region, else the tenant's (its config), else the service's."""
    return (requested or policy.region or settings.region).upper()
