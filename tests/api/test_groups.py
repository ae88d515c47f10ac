"""GET /v1/groups/{id}: a group's member records and touchpoints in time order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from app.store import touchpoints
from app.store.engine import transaction
from app.store.tables import DEFAULT_TENANT_ID
from tests.api.test_tenancy import make_tenant
from tests.conftest import ClientFactory

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


async def create(client: httpx.AsyncClient, lead: dict[str, object]) -> dict:
    response = await client.post("/v1/leads", json={"lead": lead})
    assert response.status_code == 201, response.text
    return response.json()


async def test_group_members_and_touchpoints_in_time_order(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    first = await create(client, {"external_id": "e-1", "email": "li@acme.example"})
    second = await create(client, {"external_id": "e-2", "phone": "13800138002"})
    stranger = await create(client, {"email": "other@else.example"})
    merged = await client.post(f"/v1/leads/{second['id']}/merge", json={"into": first["id"]})
    assert merged.status_code == 200, merged.text
    group_id = first["group_id"]

    async with transaction(engine) as conn:
        for minutes, source, external_id, lead_id in [
            (30, "web_form", "e-2", second["id"]),
            (0, "import", "e-1", first["id"]),
            (10, "event", None, None),
        ]:
            await touchpoints.add_touchpoint(
                conn,
                DEFAULT_TENANT_ID,
                group_id,
                lead_id=lead_id,
                source=source,
                external_id=external_id,
                at=T0 + timedelta(minutes=minutes),
            )
        await touchpoints.add_touchpoint(conn, DEFAULT_TENANT_ID, stranger["group_id"])

    response = await client.get(f"/v1/groups/{group_id}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == group_id
    members = body["members"]
    assert [m["id"] for m in members] == [first["id"], second["id"]]
    assert members[0] == (await client.get(f"/v1/leads/{first['id']}")).json()
    assert members[1]["merged_into"] == first["id"]
    assert [(t["source"], t["external_id"], t["lead_id"]) for t in body["touchpoints"]] == [
        ("import", "e-1", first["id"]),
        ("event", None, None),
        ("web_form", "e-2", second["id"]),
    ]
    assert [datetime.fromisoformat(t["at"]) for t in body["touchpoints"]] == [
        T0,
        T0 + timedelta(minutes=10),
        T0 + timedelta(minutes=30),
    ]


async def test_unmerge_takes_the_record_back_out_of_the_group(client: httpx.AsyncClient) -> None:
    first = await create(client, {"email": "li@acme.example"})
    second = await create(client, {"phone": "13800138002"})
    await client.post(f"/v1/leads/{second['id']}/merge", json={"into": first["id"]})
    await client.post(f"/v1/leads/{second['id']}/unmerge")
    body = (await client.get(f"/v1/groups/{first['group_id']}")).json()
    assert [m["id"] for m in body["members"]] == [first["id"]]
    assert body["touchpoints"] == []


async def test_unknown_or_emptied_group_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/groups/no-such-group")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    lead = await create(client, {"email": "gone@acme.example"})
    await client.delete(f"/v1/leads/{lead['id']}")
    assert (await client.get(f"/v1/groups/{lead['group_id']}")).status_code == 404


async def test_another_tenants_group_is_404(auth_client: ClientFactory) -> None:
    key_a = await make_tenant(auth_client, "tenant-a")
    key_b = await make_tenant(auth_client, "tenant-b")
    async with auth_client(key_a) as a, auth_client(key_b) as b:
        lead = await create(a, {"email": "li@acme.example"})
        assert (await a.get(f"/v1/groups/{lead['group_id']}")).status_code == 200
        assert (await b.get(f"/v1/groups/{lead['group_id']}")).status_code == 404


async def test_a_long_source_is_logged_whole(client: httpx.AsyncClient) -> None:
    source = "campaign/" + "spring-expo-landing-page-" * 70  # well past 200, under the API's cap
    lead = {"name": "周杰", "phone": "13912345678", "source": source}
    response = await client.post("/v1/check", json={"lead": lead, "register": True})
    assert response.status_code == 200, response.text
    group_id = response.json()["group_id"]
    touchpoints = (await client.get(f"/v1/groups/{group_id}")).json()["touchpoints"]
    assert [t["source"] for t in touchpoints] == [source.strip()]
