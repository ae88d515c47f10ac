"""The baseline: a bare FastAPI app that validates the same request bodies and answers.

Served as leadgate is (`app.listen.serve`: workers each on a socket of their own, uvloop,
httptools, no access log), it is what the framework and the machine cost for a request of
this size with no work done. Benchmarks report leadgate's throughput as a ratio to it.

    .venv/bin/python -m load_tests.bare PORT [WORKERS]
"""

from __future__ import annotations

import sys

from fastapi import FastAPI

from app import listen

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


def main(argv: list[str]) -> int:
    return listen.serve(
        "load_tests.bare:create_app",
        factory=True,
        host="127.0.0.1",
        port=int(argv[0]),
        workers=int(argv[1]) if len(argv) > 1 else 2,
        log_level="warning",
        access_log=False,
        loop="uvloop",
        http="httptools",
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
