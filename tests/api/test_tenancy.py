"""Auth and tenant isolation: tenant B never reads, finds, matches or deletes tenant A's data."""

from __future__ import annotations

import httpx

from tests.conftest import ADMIN_KEY, ClientFactory

LEAD = {"external_id": "a-1", "email": "owner@tenant-a-corp.cn", "phone": "13800138111"}


async def make_tenant(auth_client: ClientFactory, name: str) -> str:
    async with auth_client(ADMIN_KEY) as admin:
        response = await admin.post("/v1/tenants", json={"name": name})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["name"] == name and body["api_key"].startswith("lg_")
    return str(body["api_key"])


async def test_routes_need_a_valid_key(auth_client: ClientFactory) -> None:
    for key in (None, "lg_not-a-real-key"):
        async with auth_client(key) as client:
            for method, path, body in [
                ("POST", "/v1/check", {"lead": {}}),
                ("POST", "/v1/normalize", {"lead": {}}),
                ("POST", "/v1/leads", {"lead": {}}),
                ("GET", "/v1/leads/x", None),
                ("GET", "/v1/leads?external_id=x", None),
            ]:
                response = await client.request(method, path, json=body)
                assert response.status_code == 401, (method, path)
                assert response.json()["error"]["code"] == "unauthorized"
                assert response.headers["www-authenticate"] == "Bearer"


async def test_only_the_admin_key_creates_tenants(auth_client: ClientFactory) -> None:
    tenant_key = await make_tenant(auth_client, "acme")
    for key in (None, tenant_key, "wrong"):
        async with auth_client(key) as client:
            response = await client.post("/v1/tenants", json={"name": "other"})
            assert response.status_code == 401


async def test_tenant_name_taken_is_409(auth_client: ClientFactory) -> None:
    await make_tenant(auth_client, "acme")
    async with auth_client(ADMIN_KEY) as admin:
        response = await admin.post("/v1/tenants", json={"name": "acme"})
    assert response.status_code == 409


async def test_tenant_b_cannot_reach_tenant_a(auth_client: ClientFactory) -> None:
    key_a = await make_tenant(auth_client, "tenant-a")
    key_b = await make_tenant(auth_client, "tenant-b")
    async with auth_client(key_a) as a, auth_client(key_b) as b:
        created = (await a.post("/v1/leads", json={"lead": LEAD})).json()
        lead_id = created["id"]
        registered = (
            await a.post("/v1/check", json={"lead": {"phone": "13900139111"}, "register": True})
        ).json()

        assert (await b.get(f"/v1/leads/{lead_id}")).status_code == 404
        assert (await b.get(f"/v1/leads/{lead_id}/history")).status_code == 404
        assert (await b.put(f"/v1/leads/{lead_id}", json={"lead": {}})).status_code == 404
        assert (await b.delete(f"/v1/leads/{lead_id}")).status_code == 404
        assert (await b.delete(f"/v1/leads/{registered['id']}?purge=true")).status_code == 404
        found = await b.get("/v1/leads", params={"external_id": "a-1"})
        assert found.json() == {"leads": []}
        for probe in ({"email": LEAD["email"]}, {"phone": "13900139111"}):
            result = (await b.post("/v1/check", json={"lead": probe})).json()
            assert result["decision"] == "unique" and result["matches"] == []
        batch = (await b.post("/v1/check/batch", json={"leads": [LEAD], "register": True})).json()
        assert batch["results"][0]["decision"] == "unique"
        assert batch["results"][0]["group_id"] != created["group_id"]

        still = await a.get(f"/v1/leads/{lead_id}")
        assert still.status_code == 200 and still.json() == created
        own = (await a.post("/v1/check", json={"lead": {"email": LEAD["email"]}})).json()
        assert [m["id"] for m in own["matches"]] == [lead_id]


async def test_auth_off_serves_the_default_tenant(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/leads", json={"lead": {"name": "x"}})
    assert response.status_code == 201
