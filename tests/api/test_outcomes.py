"""POST /v1/leads/{id}/outcome: stored with the score the lead had, audited, tenant-scoped."""

from __future__ import annotations

import httpx
import pytest

from tests.api.test_tenancy import make_tenant
from tests.conftest import ClientFactory

LEAD = {
    "name": "王伟",
    "phone": "13957204816",
    "email": "wang.wei@xinghe-tech.cn",
    "company": "北京星河科技有限公司",
    "title": "销售总监",
    "source": "referral",
}


async def _store(client: httpx.AsyncClient, lead: dict[str, object]) -> str:
    response = await client.post("/v1/leads", json={"lead": lead})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def test_outcome_is_stored_with_the_score_the_lead_had(client: httpx.AsyncClient) -> None:
    lead_id = await _store(client, LEAD)
    at = "2026-11-20T18:30:00+08:00"

    response = await client.post(
        f"/v1/leads/{lead_id}/outcome", json={"outcome": "converted", "at": at}
    )

    assert response.status_code == 201, response.text
    body = response.json()
    scored = (await client.post("/v1/score", json={"lead": LEAD, "now": at})).json()
    assert body["lead_id"] == lead_id and body["outcome"] == "converted"
    assert body["at"] == "2026-11-20T10:30:00+00:00"
    assert (body["score"], body["grade"], body["pool"]) == (
        scored["score"],
        scored["grade"],
        scored["pool"],
    )
    assert body["reasons"] == [
        {"factor": r["factor"], "points": r["points"]} for r in scored["reasons"]
    ]
    assert sum(r["points"] for r in body["reasons"]) == body["score"]


async def test_outcome_is_in_the_lead_history(client: httpx.AsyncClient) -> None:
    lead_id = await _store(client, LEAD)
    sent = {"outcome": "lost", "at": "2026-11-21T09:00:00Z"}
    recorded = (await client.post(f"/v1/leads/{lead_id}/outcome", json=sent)).json()

    events = (await client.get(f"/v1/leads/{lead_id}/history")).json()["events"]

    assert [e["action"] for e in events] == ["created", "outcome"]
    assert events[1]["data"] == {
        "outcome": "lost",
        "at": "2026-11-21T09:00:00+00:00",
        "score": recorded["score"],
        "grade": recorded["grade"],
        "pool": recorded["pool"],
    }


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"outcome": "won", "at": "2026-11-21T09:00:00Z"}, "invalid_field", "outcome"),
        ({"outcome": "lost", "at": "2026-11-21T09:00:00"}, "invalid_field", "at"),
        ({"outcome": "lost", "at": "yesterday"}, "invalid_field", "at"),
        ({"outcome": "lost", "at": "9999-12-31T23:59:59-12:00"}, "invalid_field", "at"),
        ({"outcome": "lost", "at": "0001-01-01T00:00:00+14:00"}, "invalid_field", "at"),
        ({"outcome": "lost"}, "missing_field", "at"),
        ({"at": "2026-11-21T09:00:00Z"}, "missing_field", "outcome"),
        ({"outcome": "lost", "at": "2026-11-21T09:00:00Z", "why": "x"}, "unknown_field", "why"),
        ({"outcome": ["lost"], "at": "2026-11-21T09:00:00Z"}, "invalid_field", "outcome"),
    ],
)
async def test_a_bad_outcome_is_a_422_naming_the_field(
    client: httpx.AsyncClient, body: dict[str, object], code: str, field: str
) -> None:
    lead_id = await _store(client, LEAD)

    response = await client.post(f"/v1/leads/{lead_id}/outcome", json=body)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["field"] == field
    events = (await client.get(f"/v1/leads/{lead_id}/history")).json()["events"]
    assert [e["action"] for e in events] == ["created"]


@pytest.mark.parametrize("purge", [False, True])
async def test_no_outcome_for_an_unknown_or_deleted_lead(
    client: httpx.AsyncClient, purge: bool
) -> None:
    lead_id = await _store(client, LEAD)
    await client.delete(f"/v1/leads/{lead_id}", params={"purge": purge})
    body = {"outcome": "converted", "at": "2026-11-21T09:00:00Z"}

    for target in (lead_id, "no-such-lead", "x" * 500):
        response = await client.post(f"/v1/leads/{target}/outcome", json=body)
        assert response.status_code == 404, target
        assert response.json()["error"]["code"] == "not_found"


async def test_tenant_b_cannot_record_outcomes_of_tenant_a(auth_client: ClientFactory) -> None:
    key_a = await make_tenant(auth_client, "tenant-a")
    key_b = await make_tenant(auth_client, "tenant-b")
    body = {"outcome": "converted", "at": "2026-11-21T09:00:00Z"}
    async with auth_client(key_a) as a, auth_client(key_b) as b, auth_client() as anonymous:
        lead_id = await _store(a, LEAD)

        refused = await b.post(f"/v1/leads/{lead_id}/outcome", json=body)
        unauthenticated = await anonymous.post(f"/v1/leads/{lead_id}/outcome", json=body)

        assert refused.status_code == 404
        assert unauthenticated.status_code == 401
        assert (await b.get("/v1/report")).json()["outcomes"] == 0
        assert (await a.get("/v1/report")).json()["outcomes"] == 0
        assert (await a.post(f"/v1/leads/{lead_id}/outcome", json=body)).status_code == 201
        assert (await a.get("/v1/report")).json()["outcomes"] == 1
        assert (await b.get("/v1/report")).json()["outcomes"] == 0


async def test_outcome_uses_the_tenants_own_model(auth_client: ClientFactory) -> None:
    key_a = await make_tenant(auth_client, "tenant-a")
    key_b = await make_tenant(auth_client, "tenant-b")
    generous = {
        "scoring": {"fit": [{"name": "has_title", "field": "title", "exists": True, "points": 90}]}
    }
    body = {"outcome": "converted", "at": "2026-11-21T09:00:00Z"}
    async with auth_client(key_a) as a, auth_client(key_b) as b:
        assert (await a.put("/v1/config", json=generous)).status_code == 200
        scored_a = (await a.post(f"/v1/leads/{await _store(a, LEAD)}/outcome", json=body)).json()
        scored_b = (await b.post(f"/v1/leads/{await _store(b, LEAD)}/outcome", json=body)).json()

    assert scored_a["reasons"] == [{"factor": "has_title", "points": 90}]
    assert (scored_a["score"], scored_a["grade"]) == (90, "A")
    assert "has_title" not in {r["factor"] for r in scored_b["reasons"]}
