"""/v1/leads: create, read, replace, delete (and purge), find by external id, history."""

from __future__ import annotations

import httpx

LEAD = {
    "external_id": "crm-7",
    "name": "Jane Smith",
    "email": "jane@acme-corp.cn",
    "phone": "+1 415 555 2671",
    "company": "Acme Inc.",
}


async def create(client: httpx.AsyncClient, lead: dict[str, object] = LEAD) -> dict:
    response = await client.post("/v1/leads", json={"lead": lead})
    assert response.status_code == 201, response.text
    return response.json()


async def test_create_then_get(client: httpx.AsyncClient) -> None:
    created = await create(client)
    assert created["external_id"] == "crm-7"
    assert created["group_id"] == created["id"]
    assert created["lead"] == LEAD
    assert created["normalized"]["email"] == ["jane@acme-corp.cn"]
    fetched = await client.get(f"/v1/leads/{created['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == created


async def test_created_lead_is_matched_by_check(client: httpx.AsyncClient) -> None:
    created = await create(client)
    result = (await client.post("/v1/check", json={"lead": {"email": "JANE@acme-corp.cn"}})).json()
    assert result["matches"][0]["id"] == created["id"]


async def test_find_by_external_id(client: httpx.AsyncClient) -> None:
    created = await create(client)
    await create(client, {"external_id": "crm-8", "email": "x@acme-corp.cn"})
    found = await client.get("/v1/leads", params={"external_id": "crm-7"})
    assert found.status_code == 200
    assert [lead["id"] for lead in found.json()["leads"]] == [created["id"]]
    none = await client.get("/v1/leads", params={"external_id": "nope"})
    assert none.json() == {"leads": []}


async def test_find_needs_external_id(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/leads")
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "external_id"


async def test_replace_updates_record_and_its_keys(client: httpx.AsyncClient) -> None:
    created = await create(client)
    replaced = await client.put(
        f"/v1/leads/{created['id']}", json={"lead": {"email": "new@acme-corp.cn"}}
    )
    assert replaced.status_code == 200
    body = replaced.json()
    assert body["normalized"]["email"] == ["new@acme-corp.cn"]
    assert body["id"] == created["id"]
    old = (await client.post("/v1/check", json={"lead": {"email": "jane@acme-corp.cn"}})).json()
    assert old["decision"] == "unique"
    new = (await client.post("/v1/check", json={"lead": {"email": "new@acme-corp.cn"}})).json()
    assert new["matches"][0]["id"] == created["id"]


async def test_delete_removes_from_index_and_reads(client: httpx.AsyncClient) -> None:
    created = await create(client)
    assert (await client.delete(f"/v1/leads/{created['id']}")).status_code == 204
    assert (await client.get(f"/v1/leads/{created['id']}")).status_code == 404
    again = await client.delete(f"/v1/leads/{created['id']}")
    assert again.status_code == 404
    probe = (await client.post("/v1/check", json={"lead": {"email": "jane@acme-corp.cn"}})).json()
    assert probe["decision"] == "unique"


async def test_history_records_create_update_delete(client: httpx.AsyncClient) -> None:
    created = await create(client)
    await client.put(f"/v1/leads/{created['id']}", json={"lead": {"name": "Jane S."}})
    await client.delete(f"/v1/leads/{created['id']}")
    history = await client.get(f"/v1/leads/{created['id']}/history")
    assert history.status_code == 200
    events = history.json()["events"]
    assert [e["action"] for e in events] == ["created", "updated", "deleted"]
    assert events[1]["data"]["before"]["raw"] == LEAD


async def test_purge_erases_personal_data_everywhere(client: httpx.AsyncClient) -> None:
    created = await create(client)
    response = await client.delete(f"/v1/leads/{created['id']}", params={"purge": "true"})
    assert response.status_code == 204
    history = (await client.get(f"/v1/leads/{created['id']}/history")).json()
    assert [e["action"] for e in history["events"]] == ["created", "purged"]
    assert "jane" not in str(history).lower()
    assert (await client.get("/v1/leads", params={"external_id": "crm-7"})).json()["leads"] == []


async def test_unknown_id_is_404_in_error_shape(client: httpx.AsyncClient) -> None:
    for method in ("GET", "DELETE"):
        response = await client.request(method, "/v1/leads/does-not-exist")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    put = await client.put("/v1/leads/does-not-exist", json={"lead": {}})
    assert put.status_code == 404
    history = await client.get("/v1/leads/does-not-exist/history")
    assert history.status_code == 404


async def test_wrong_type_is_422_naming_the_field(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/leads", json={"lead": {"name": 42}})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "lead.name"
