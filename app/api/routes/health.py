"""/healthz, /readyz and /metrics: for load balancers and Prometheus, no auth."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel

from app.api.deps import EngineDep
from app.api.schemas.error import responses
from app.store.engine import ping

router = APIRouter(tags=["health"])


class Status(BaseModel):
    status: str


@router.get("/healthz", name="healthz", summary="Liveness: the process answers")
async def healthz() -> Status:
    return Status(status="ok")


@router.get(
    "/readyz",
    name="readyz",
    summary="Readiness: the database answers",
    responses=responses(503),
)
async def readyz(engine: EngineDep) -> Status:
    await ping(engine)
    return Status(status="ready")


@router.get(
    "/metrics",
    name="metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {"schema": {"type": "string"}}}}},
)
async def metrics(request: Request) -> Response:
    body = generate_latest(request.app.state.metrics.registry)
    return Response(content=body, media_type=CONTENT_TYPE_LATEST)
