"""Reviews: opened by the store (as the check flow does), listed and resolved over HTTP."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.store import reviews, tables
from app.store.engine import transaction
from tests.api.test_tenancy import make_tenant
from tests.conftest import ClientFactory

EXPLAIN = {"fields": {"name": 0.91, "company": 0.88}}


async def create(client: httpx.AsyncClient, lead: dict[str, object]) -> dict:
    response = await client.post("/v1/leads", json={"lead": lead})
    assert response.status_code == 201, response.text
    return response.json()


async def open_review(
    engine: AsyncEngine, lead_id: str, candidate_id: str, tenant: str = tables.DEFAULT_TENANT_ID
) -> str:
    async with transaction(engine) as conn:
        return await reviews.open_review(
            conn, tenant, lead_id, candidate_id, rule="name_and_company", score=0.9, explain=EXPLAIN
        )


async def pair(client: httpx.AsyncClient) -> tuple[dict, dict]:
    lead = await create(
        client, {"name": "王伟", "company": "上海某某科技有限公司", "phone": "13800138001"}
    )
    candidate = await create(
        client, {"name": "王 伟", "company": "上海某某科技", "email": "w@x.example"}
    )
    return lead, candidate


async def test_open_review_is_listed_with_both_records(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    lead, candidate = await pair(client)
    review_id = await open_review(engine, lead["id"], candidate["id"])
    assert await open_review(engine, lead["id"], candidate["id"]) == review_id, "idempotent"
    assert await open_review(engine, candidate["id"], lead["id"]) == review_id, "either way round"

    listed = await client.get("/v1/reviews")
    assert listed.status_code == 200, listed.text
    [item] = listed.json()["reviews"]
    assert item["id"] == review_id and item["status"] == "open"
    assert (item["lead_id"], item["candidate_id"]) == (lead["id"], candidate["id"])
    assert item["lead"] == lead["normalized"]
    assert item["candidate"] == candidate["normalized"]
    assert (item["rule"], item["score"], item["explain"]) == ("name_and_company", 0.9, EXPLAIN)
    assert item["created_at"] and item["reviewer"] is None and item["resolved_at"] is None
    assert (await client.get("/v1/reviews", params={"status": "same"})).json() == {"reviews": []}


async def test_resolve_same_merges_the_lead_into_the_candidate(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    lead, candidate = await pair(client)
    review_id = await open_review(engine, lead["id"], candidate["id"])
    response = await client.post(
        f"/v1/reviews/{review_id}", json={"verdict": "same", "reviewer": "ana"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "same" and body["reviewer"] == "ana" and body["resolved_at"]
    merged = (await client.get(f"/v1/leads/{lead['id']}")).json()
    assert merged["merged_into"] == candidate["id"]
    survivor = (await client.get(f"/v1/leads/{candidate['id']}")).json()
    assert survivor["normalized"]["phone"] == ["+8613800138001"]
    assert (await client.get("/v1/reviews")).json() == {"reviews": []}
    [done] = (await client.get("/v1/reviews", params={"status": "same"})).json()["reviews"]
    assert done["id"] == review_id

    again = await client.post(f"/v1/reviews/{review_id}", json={"verdict": "different"})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"


async def test_resolve_different_stores_the_distinct_pair(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    lead, candidate = await pair(client)
    other = await create(client, {"email": "someone@else.example"})
    review_id = await open_review(engine, lead["id"], candidate["id"])
    response = await client.post(f"/v1/reviews/{review_id}", json={"verdict": "different"})
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "different"
    assert (await client.get(f"/v1/leads/{lead['id']}")).json()["merged_into"] is None

    async with transaction(engine) as conn:
        ids = [candidate["id"], other["id"]]
        assert await reviews.distinct_candidates(conn, "default", lead["id"], ids) == {
            candidate["id"]
        }
        assert await reviews.distinct_candidates(
            conn, "default", candidate["id"], [lead["id"]]
        ) == {lead["id"]}
        assert await reviews.distinct_candidates(conn, "default", None, ids) == set()
        assert await reviews.distinct_candidates(conn, "other", lead["id"], ids) == set()
        await reviews.mark_distinct(conn, "default", candidate["id"], lead["id"])  # idempotent

    twice = await client.post(f"/v1/reviews/{review_id}", json={"verdict": "different"})
    assert twice.status_code == 409
    reopened = await open_review(engine, lead["id"], candidate["id"])
    assert reopened != review_id, "a resolved review does not block a new one"


async def test_resolve_errors(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    assert (
        await client.post("/v1/reviews/no-such-review", json={"verdict": "same"})
    ).status_code == 404
    lead, candidate = await pair(client)
    review_id = await open_review(engine, lead["id"], candidate["id"])
    bad = await client.post(f"/v1/reviews/{review_id}", json={"verdict": "maybe"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "verdict"
    extra = await client.post(f"/v1/reviews/{review_id}", json={"verdict": "same", "x": 1})
    assert extra.status_code == 422 and extra.json()["error"]["field"] == "x"
    assert (await client.get("/v1/reviews", params={"limit": 201})).status_code == 422
    assert (await client.get("/v1/reviews", params={"status": "closed"})).status_code == 422

    # a failed merge leaves the review open: nothing half-stored
    assert (await client.delete(f"/v1/leads/{candidate['id']}")).status_code == 204
    failed = await client.post(f"/v1/reviews/{review_id}", json={"verdict": "same"})
    assert failed.status_code == 409
    async with transaction(engine) as conn:
        assert (await reviews.get_review(conn, "default", review_id)).status == "open"


async def test_list_pages(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    base = await create(client, {"email": "base@x.example"})
    ids = []
    for i in range(3):
        other = await create(client, {"email": f"o{i}@x.example"})
        ids.append(await open_review(engine, other["id"], base["id"]))
    page = (await client.get("/v1/reviews", params={"limit": 2})).json()["reviews"]
    rest = (await client.get("/v1/reviews", params={"limit": 2, "offset": 2})).json()["reviews"]
    assert [r["id"] for r in page + rest] == ids


async def test_another_tenant_cannot_see_or_resolve(
    auth_client: ClientFactory, engine: AsyncEngine
) -> None:
    key_a = await make_tenant(auth_client, "tenant-a")
    key_b = await make_tenant(auth_client, "tenant-b")
    async with auth_client(key_a) as a, auth_client(key_b) as b:
        lead, candidate = await pair(a)
        async with transaction(engine) as conn:
            query = select(tables.tenant.c.id).where(tables.tenant.c.name == "tenant-a")
            tenant_id = (await conn.execute(query)).scalar_one()
        review_id = await open_review(engine, lead["id"], candidate["id"], tenant_id)
        assert len((await a.get("/v1/reviews")).json()["reviews"]) == 1
        assert (await b.get("/v1/reviews")).json() == {"reviews": []}
        resolved = await b.post(f"/v1/reviews/{review_id}", json={"verdict": "same"})
        assert resolved.status_code == 404
        assert (
            await a.post(f"/v1/reviews/{review_id}", json={"verdict": "same"})
        ).status_code == 200


async def test_a_registered_possible_duplicate_opens_a_review(client: httpx.AsyncClient) -> None:
    company = "北京字节跳动科技有限公司"
    first = await client.post(
        "/v1/check",
        json={
            "lead": {"name": "王伟", "company": company, "phone": "13971824503"},
            "register": True,
        },
    )
    second = await client.post(
        "/v1/check",
        json={
            "lead": {"name": "王伟", "company": "字节跳动", "phone": "13511112222"},
            "register": True,
        },
    )
    assert second.json()["decision"] == "possible_duplicate"
    assert second.json()["group_id"] != first.json()["group_id"], "only a sure match joins"
    listed = (await client.get("/v1/reviews")).json()
    pairs = [(r["lead_id"], r["candidate_id"]) for r in listed["reviews"]]
    assert pairs == [(second.json()["id"], first.json()["id"])]


async def test_the_reviewer_is_in_the_merge_audit_rows(client: httpx.AsyncClient) -> None:
    company = "北京字节跳动科技有限公司"
    await client.post(
        "/v1/check",
        json={
            "lead": {"name": "王伟", "company": company, "phone": "13971824503"},
            "register": True,
        },
    )
    second = await client.post(
        "/v1/check",
        json={
            "lead": {"name": "王伟", "company": "字节跳动", "phone": "13511112222"},
            "register": True,
        },
    )
    [review] = (await client.get("/v1/reviews")).json()["reviews"]
    resolved = await client.post(
        f"/v1/reviews/{review['id']}", json={"verdict": "same", "reviewer": "李经理"}
    )
    assert resolved.status_code == 200
    history = (await client.get(f"/v1/leads/{second.json()['id']}/history")).json()
    merged = [e for e in history["events"] if e["action"] == "merged"]
    assert merged and merged[0]["data"]["by"] == "李经理"
