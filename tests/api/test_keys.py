"""Key rotation: a new key at once, the old ones for the grace period the call sets, then 401."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.store import tables
from tests.api.test_tenancy import make_tenant
from tests.conftest import ADMIN_KEY, ClientFactory


async def rotate(auth_client: ClientFactory, tenant_id: str, grace: int) -> dict:
    async with auth_client(ADMIN_KEY) as admin:
        response = await admin.post(f"/v1/tenants/{tenant_id}/keys", json={"grace_seconds": grace})
    assert response.status_code == 201, response.text
    return response.json()


async def status_with(auth_client: ClientFactory, key: str) -> int:
    async with auth_client(key) as client:
        return (await client.get("/v1/config")).status_code


@pytest.fixture
async def acme(auth_client: ClientFactory, engine: AsyncEngine) -> tuple[str, str]:
    """Tenant acme's id and its first key."""
    key = await make_tenant(auth_client, "acme")
    async with engine.connect() as conn:
        tenant_id = (
            await conn.execute(select(tables.tenant.c.id).where(tables.tenant.c.name == "acme"))
        ).scalar_one()
    return tenant_id, key


async def test_old_key_works_for_the_grace_period_then_stops(
    auth_client: ClientFactory, acme: tuple[str, str]
) -> None:
    tenant_id, old = acme
    rotated = await rotate(auth_client, tenant_id, grace=2)
    new = rotated["api_key"]
    assert new != old and new.startswith("lg_")
    assert rotated["tenant_id"] == tenant_id and rotated["previous_keys"] == 1
    expires = datetime.fromisoformat(rotated["previous_keys_expire_at"])
    assert 0 < (expires - datetime.now(UTC)).total_seconds() <= 2
    assert await status_with(auth_client, old) == 200, "inside the grace period"
    assert await status_with(auth_client, new) == 200
    await asyncio.sleep(max(0.0, (expires - datetime.now(UTC)).total_seconds()) + 0.2)
    assert await status_with(auth_client, old) == 401, "after the grace period"
    assert await status_with(auth_client, new) == 200


async def test_zero_grace_stops_the_old_key_at_once_and_a_shorter_end_is_kept(
    auth_client: ClientFactory, acme: tuple[str, str]
) -> None:
    tenant_id, first = acme
    second = (await rotate(auth_client, tenant_id, grace=3600))["api_key"]
    third = await rotate(auth_client, tenant_id, grace=0)
    assert third["previous_keys"] == 2, "the first key's hour is cut short too"
    assert [await status_with(auth_client, k) for k in (first, second)] == [401, 401]
    assert await status_with(auth_client, third["api_key"]) == 200


async def test_keys_are_stored_hashed(
    auth_client: ClientFactory, acme: tuple[str, str], engine: AsyncEngine
) -> None:
    tenant_id, first = acme
    second = (await rotate(auth_client, tenant_id, grace=60))["api_key"]
    async with engine.connect() as conn:
        stored = set((await conn.execute(select(tables.api_key.c.key_hash))).scalars())
    assert {hashlib.sha256(k.encode()).hexdigest() for k in (first, second)} <= stored
    assert not {first, second} & stored


@pytest.mark.parametrize(
    ("key", "tenant", "body", "status"),
    [
        (None, "acme", {"grace_seconds": 0}, 401),
        ("tenant", "acme", {"grace_seconds": 0}, 401),
        (ADMIN_KEY, "no-such-tenant", {"grace_seconds": 0}, 404),
        (ADMIN_KEY, "acme", {"grace_seconds": -1}, 422),
        (ADMIN_KEY, "acme", {"grace_seconds": 10**9}, 422),
        (ADMIN_KEY, "acme", {"grace": 5}, 422),
    ],
)
async def test_rotation_refusals_change_nothing(
    auth_client: ClientFactory,
    acme: tuple[str, str],
    key: str | None,
    tenant: str,
    body: dict[str, int],
    status: int,
) -> None:
    tenant_id, tenant_key = acme
    caller = tenant_key if key == "tenant" else key
    target = tenant_id if tenant == "acme" else tenant
    async with auth_client(caller) as client:
        response = await client.post(f"/v1/tenants/{target}/keys", json=body)
    assert response.status_code == status, response.text
    assert set(response.json()["error"]) == {"code", "message", "field"}
    assert await status_with(auth_client, tenant_key) == 200


async def test_default_grace_keeps_the_old_key(
    auth_client: ClientFactory, acme: tuple[str, str]
) -> None:
    tenant_id, old = acme
    async with auth_client(ADMIN_KEY) as admin:
        response = await admin.post(f"/v1/tenants/{tenant_id}/keys", json={})
    assert response.status_code == 201
    expires = datetime.fromisoformat(response.json()["previous_keys_expire_at"])
    assert (expires - datetime.now(UTC)).total_seconds() > 86000
    assert await status_with(auth_client, old) == 200
