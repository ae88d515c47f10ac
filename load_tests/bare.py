"""The baseline: a bare FastAPI app that validates the same request bodies and answers.

Served with the same uvicorn settings as leadgate (workers, uvloop, httptools, no access
log), it is what the framework and the machine cost for a request of this size with no
work done. Benchmarks report leadgate's throughput as a ratio to it.

    .venv/bin/uvicorn load_tests.bare:create_app --factory --workers 2 \\
        --loop uvloop --http httptools --no-access-log
"""

from __future__ import annotations

from fastapi import FastAPI

from app.api.schemas.check import CheckBatchRequest, CheckRequest, NormalizeRequest
from app.api.schemas.score import ScoreRequest


def create_app() -> FastAPI:
    app = FastAPI(title="bare")

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/v1/normalize")
    async def normalize(body: NormalizeRequest) -> dict[str, bool]:
        return {"valid": body.lead is not None}

    @app.post("/v1/check")
    async def check(body: CheckRequest) -> dict[str, bool]:
        return {"valid": body.lead is not None}

    @app.post("/v1/check/batch")
    async def check_batch(body: CheckBatchRequest) -> dict[str, int]:
        return {"leads": len(body.leads)}

    @app.post("/v1/score")
    async def score(body: ScoreRequest) -> dict[str, bool]:
        return {"valid": body.lead is not None}

    return app
