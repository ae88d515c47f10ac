"""Merge and unmerge over HTTP: survivorship, exact undo, history, checks, errors, tenancy."""

from __future__ import annotations

import httpx

from tests.api.test_tenancy import make_tenant
from tests.conftest import ClientFactory

OLD = {
    "external_id": "crm-1",
    "name": "张三",
    "phone": "139 7182 4503",
    "company": "北京字节跳动科技有限公司",
    "title": "采购经理",
}
NEW = {
    "external_id": "crm-2",
    "name": "张三",
    "phone": ["139 0013 9000"],
    "email": "zhang.san@bytedance-corp.cn",
    "city": "北京",
}


async def create(client: httpx.AsyncClient, lead: dict[str, object]) -> dict:
    response = await client.post("/v1/leads", json={"lead": lead})
    assert response.status_code == 201, response.text
    return response.json()


async def get(client: httpx.AsyncClient, lead_id: str) -> dict:
    response = await client.get(f"/v1/leads/{lead_id}")
    assert response.status_code == 200, response.text
    return response.json()


async def merge(client: httpx.AsyncClient, lead_id: str, into: str) -> httpx.Response:
    return await client.post(f"/v1/leads/{lead_id}/merge", json={"into": into})


async def test_merge_applies_survivorship_then_unmerge_restores_exactly(
    client: httpx.AsyncClient,
) -> None:
    survivor = await create(client, OLD)
    away = await create(client, NEW)
    before = (await get(client, away["id"]), await get(client, survivor["id"]))

    response = await merge(client, away["id"], survivor["id"])
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["lead"] == await get(client, away["id"])
    assert body["into"] == await get(client, survivor["id"])
    assert body["lead"]["merged_into"] == survivor["id"]
    assert body["lead"]["group_id"] == survivor["group_id"]
    into = body["into"]
    assert into["merged_into"] is None and into["external_id"] == "crm-1"
    assert into["normalized"]["phone"] == ["+8613900139000", "+8613971824503"]
    assert into["normalized"]["email"] == ["zhang.san@bytedance-corp.cn"]
    assert into["normalized"]["title"] == "采购经理"
    assert into["normalized"]["city"] == "北京市"
    assert into["lead"]["phone"] == ["139 0013 9000", "139 7182 4503"]

    undone = await client.post(f"/v1/leads/{away['id']}/unmerge")
    assert undone.status_code == 200, undone.text
    after = (await get(client, away["id"]), await get(client, survivor["id"]))
    assert after == before
    assert undone.json() == {"lead": before[0], "into": before[1]}

    for lead_id in (away["id"], survivor["id"]):
        history = (await client.get(f"/v1/leads/{lead_id}/history")).json()
        assert [e["action"] for e in history["events"]] == ["created", "merged", "unmerged"]
    merged_row = (await client.get(f"/v1/leads/{away['id']}/history")).json()["events"][1]
    assert merged_row["data"]["into"] == survivor["id"]
    assert merged_row["data"]["before"]["raw"] == NEW
    assert merged_row["data"]["before"]["keys"]


async def test_keys_follow_the_merge_and_come_back_on_unmerge(client: httpx.AsyncClient) -> None:
    survivor = await create(client, OLD)
    away = await create(client, NEW)

    async def matched(probe: dict[str, object]) -> list[str]:
        result = (await client.post("/v1/check", json={"lead": probe})).json()
        return [m["id"] for m in result["matches"]]

    assert await matched({"phone": "13900139000"}) == [away["id"]]
    assert (await merge(client, away["id"], survivor["id"])).status_code == 200
    assert await matched({"phone": "13900139000"}) == [survivor["id"]]
    assert await matched({"email": "zhang.san@bytedance-corp.cn"}) == [survivor["id"]]
    assert await matched({"phone": "13971824503"}) == [survivor["id"]]

    assert (await client.post(f"/v1/leads/{away['id']}/unmerge")).status_code == 200
    assert await matched({"phone": "13900139000"}) == [away["id"]]
    assert await matched({"phone": "13971824503"}) == [survivor["id"]]


async def test_merge_conflicts(client: httpx.AsyncClient) -> None:
    a = await create(client, OLD)
    b = await create(client, NEW)
    c = await create(client, {"email": "c@c-corp.cn"})

    itself = await merge(client, a["id"], a["id"])
    assert itself.status_code == 409
    assert itself.json()["error"]["code"] == "conflict"
    assert "itself" in itself.json()["error"]["message"]

    assert (await merge(client, b["id"], a["id"])).status_code == 200
    assert (await merge(client, b["id"], c["id"])).status_code == 409, "already merged away"
    assert (await merge(client, c["id"], b["id"])).status_code == 409, "into a merged-away one"

    assert (await client.delete(f"/v1/leads/{c['id']}")).status_code == 204
    assert (await merge(client, a["id"], c["id"])).status_code == 409, "into a deleted one"

    assert (await merge(client, a["id"], "no-such-id")).status_code == 404
    assert (await merge(client, "no-such-id", a["id"])).status_code == 404
    assert (await client.post(f"/v1/leads/{a['id']}/unmerge")).status_code == 409, "not merged"
    assert (await client.post("/v1/leads/no-such-id/unmerge")).status_code == 404


async def test_unmerge_refuses_after_a_later_change(client: httpx.AsyncClient) -> None:
    a = await create(client, OLD)
    b = await create(client, NEW)
    assert (await merge(client, b["id"], a["id"])).status_code == 200
    assert (await client.put(f"/v1/leads/{a['id']}", json={"lead": OLD})).status_code == 200
    refused = await client.post(f"/v1/leads/{b['id']}/unmerge")
    assert refused.status_code == 409
    assert "changed after the merge" in refused.json()["error"]["message"]
    assert (await get(client, b["id"]))["merged_into"] == a["id"], "nothing half-done"


async def test_merge_body_is_strict(client: httpx.AsyncClient) -> None:
    a = await create(client, OLD)
    response = await client.post(f"/v1/leads/{a['id']}/merge", json={"into": "x", "why": 1})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "why"
    missing = await client.post(f"/v1/leads/{a['id']}/merge", json={})
    assert missing.status_code == 422 and missing.json()["error"]["field"] == "into"


async def test_tenant_b_cannot_merge_tenant_a_records(auth_client: ClientFactory) -> None:
    key_a = await make_tenant(auth_client, "tenant-a")
    key_b = await make_tenant(auth_client, "tenant-b")
    async with auth_client(key_a) as a, auth_client(key_b) as b:
        one = await create(a, OLD)
        two = await create(a, NEW)
        mine = await create(b, {"email": "b@b-corp.cn"})
        assert (await merge(b, one["id"], two["id"])).status_code == 404
        assert (await merge(b, mine["id"], one["id"])).status_code == 404
        assert (await merge(b, one["id"], mine["id"])).status_code == 404
        assert (await merge(b, one["id"], one["id"])).status_code == 404, "never reveal existence"
        assert (await merge(a, two["id"], one["id"])).status_code == 200
        assert (await b.post(f"/v1/leads/{two['id']}/unmerge")).status_code == 404
        assert (await get(a, two["id"]))["merged_into"] == one["id"]
