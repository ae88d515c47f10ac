"""POST /v1/normalize."""

from __future__ import annotations

from fastapi import APIRouter

from app.api import convert, flows
from app.api.deps import CallerDep
from app.api.hot_route import HotRoute
from app.api.schemas.check import NormalizeRequest, NormalizeResult
from app.api.schemas.error import responses

router = APIRouter(prefix="/v1", tags=["normalize"], route_class=HotRoute)


@router.post(
    "/normalize",
    name="normalize_lead",
    summary="The lead in canonical form, its issues and its blocking keys",
    responses=responses(400, 401, 413, 422, 503, 429),
)
async def normalize_lead(body: NormalizeRequest, caller: CallerDep) -> NormalizeResult:
    result = flows.normalize_only(body.lead.to_domain(), caller.region(body.region), caller.policy)
    if caller.mx is not None:
        result = result.with_issues(await caller.mx.issues(result.lead.email))
    return convert.normalize_result(result)
