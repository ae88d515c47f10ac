"""/healthz, /readyz and /metrics; 503 while the database is unreachable."""

from __future__ import annotations

import httpx
import pytest

from app.config import Settings
from app.store.engine import create_engine
from tests.conftest import app_client

UNREACHABLE = {
    "sqlite": "sqlite+aiosqlite:////nonexistent-dir/leadgate/never.db",
    "postgresql": "postgresql+asyncpg://postgres@127.0.0.1:1/test",
}


async def test_healthz_and_readyz(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready"}


async def test_metrics_count_requests_by_route_template(client: httpx.AsyncClient) -> None:
    await client.get("/v1/leads/abc")
    await client.post("/v1/check", json={"lead": {}})
    text = (await client.get("/metrics")).text
    lead_404 = 'leadgate_requests_total{method="GET",route="/v1/leads/{lead_id}",status="404"}'
    assert f"{lead_404} 1.0" in text
    assert 'leadgate_requests_total{method="POST",route="/v1/check",status="200"} 1.0' in text
    assert "leadgate_request_duration_seconds_bucket" in text


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
async def test_unreachable_database_is_503_not_500(kind: str) -> None:
    url = UNREACHABLE[kind]
    engine = create_engine(url, timeout=2)
    async with app_client(Settings(database_url=url), engine) as client:
        ready = await client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["error"]["code"] == "database_unavailable"
        assert ready.headers["retry-after"]
        check = await client.post("/v1/check", json={"lead": {"phone": "13800138001"}})
        assert check.status_code == 503
        assert (await client.get("/healthz")).status_code == 200
        normalize = await client.post("/v1/normalize", json={"lead": {"phone": "13800138001"}})
        assert normalize.status_code == 503, "the tenant's config (blocklist, region) is unreadable"
    await engine.dispose()
