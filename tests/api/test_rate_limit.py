"""Per-tenant rate limit (LEADGATE_RATE_LIMIT): 429 with Retry-After, one bucket per tenant."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.api.limits import RateLimited, RateLimiter
from app.config import Settings
from tests.api.test_tenancy import make_tenant
from tests.conftest import ClientFactory, app_client

LEAD = {"lead": {"phone": "15902178436"}}


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("rate", "calls_at", "admitted", "retry_after"),
    [
        (5.0, [0.0] * 6, 5, 1),  # a burst of one second's worth, then refused
        (5.0, [0.0] * 5 + [0.2], 6, None),  # one token back after 1/5 s
        (0.5, [0.0, 0.0], 1, 2),  # under one a second: a burst of one, back in 2 s
        (2.0, [0.0, 0.0, 0.0, 10.0, 10.0, 10.0], 4, 1),  # tokens never pile past the burst
    ],
)
def test_token_bucket(
    rate: float, calls_at: list[float], admitted: int, retry_after: int | None
) -> None:
    clock = Clock()
    limiter = RateLimiter(rate, clock)
    passed, refused = 0, []
    for at in calls_at:
        clock.now = at
        try:
            limiter.take("acme")
            passed += 1
        except RateLimited as exc:
            refused.append(exc.retry_after)
    assert passed == admitted
    assert (refused[-1] if refused else None) == retry_after
    limiter.take("other-tenant")


async def test_over_the_rate_is_429_per_tenant_with_retry_after(
    auth_client: ClientFactory, auth_settings: Settings, engine: AsyncEngine
) -> None:
    key_a = await make_tenant(auth_client, "tenant-a")
    key_b = await make_tenant(auth_client, "tenant-b")
    limited = auth_settings.model_copy(update={"rate_limit": 2.0})
    async with (
        app_client(limited, engine, authorization=f"Bearer {key_a}") as a,
        app_client(limited, engine, authorization=f"Bearer {key_b}") as b,
    ):
        statuses: list[int] = []
        while 429 not in statuses and len(statuses) < 12:
            statuses.append((await a.post("/v1/check", json=LEAD)).status_code)
        assert statuses[:2] == [200, 200] and statuses[-1] == 429, statuses
        refused = await a.post("/v1/check", json=LEAD)
        if refused.status_code == 200:  # a new second began: spend it
            while refused.status_code == 200:
                refused = await a.post("/v1/check", json=LEAD)
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "rate_limited"
        assert set(refused.json()["error"]) == {"code", "message", "field"}
        wait = int(refused.headers["retry-after"])
        assert wait == 1, "at 2 a second a token is back within a second"
        assert (await b.post("/v1/check", json=LEAD)).status_code == 200, "B has its own bucket"
        await asyncio.sleep(wait)
        assert (await a.post("/v1/check", json=LEAD)).status_code == 200


async def test_unlimited_by_default(auth_client: ClientFactory) -> None:
    key = await make_tenant(auth_client, "acme")
    async with auth_client(key) as client:
        statuses = {(await client.post("/v1/normalize", json=LEAD)).status_code for _ in range(30)}
    assert statuses == {200}


async def test_replicas_on_postgresql_share_one_count(postgresql_url: str) -> None:
    """Three apps on one PostgreSQL stand for three replicas: together they admit the rate."""
    settings = Settings(database_url=postgresql_url, rate_limit=5)
    statuses: list[int] = []
    async with (
        app_client(settings) as first,
        app_client(settings) as second,
        app_client(settings) as third,
    ):
        replicas = (first, second, third)
        for i in range(30):
            answer = await replicas[i % 3].post("/v1/normalize", json=LEAD)
            statuses.append(answer.status_code)
    admitted = statuses.count(200)
    assert set(statuses) <= {200, 429}
    assert 5 <= admitted <= 10, "at most two seconds' worth, not three replicas' worth (15)"
