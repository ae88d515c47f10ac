"""GET/PUT /v1/config: a tenant's rules, model, attributes and blocklists, validated and scoped."""

from __future__ import annotations

import httpx

ZHANG = {"name": "张三", "phone": "13800138001"}


async def test_defaults_until_a_tenant_sets_its_own(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/config")).json()
    assert body["version"] == 0
    names = [r["name"] for r in body["policy"]["rules"]]
    assert names[:5] == [
        "same_account_id",
        "same_account_name",
        "same_account_phone",
        "account_name_only",
        "existing_account",
    ]
    assert body["policy"]["hot_key_cap"] == 200


async def test_a_partial_policy_takes_defaults_for_the_rest(client: httpx.AsyncClient) -> None:
    attributes = {
        "dob": {"type": "date", "key": None, "identity": False},
        "soc_sec_id": {"type": "id", "key": None, "identity": True},
    }
    response = await client.put("/v1/config", json={"attributes": attributes})
    assert response.status_code == 200, response.text
    assert response.json()["version"] == 1
    stored = (await client.get("/v1/config")).json()
    assert stored["version"] == 1
    assert stored["policy"]["attributes"] == attributes
    assert stored["policy"]["rules"]


async def test_a_bad_rule_is_a_422_naming_it_and_the_old_policy_stays(
    client: httpx.AsyncClient,
) -> None:
    await client.put("/v1/config", json={"hot_key_cap": 50})
    bad = {
        "rules": [
            {
                "name": "phone_only",
                "when": {"phone": ["bogus"]},
                "decision": "duplicate",
                "action": "block",
            }
        ]
    }
    response = await client.put("/v1/config", json=bad)
    assert response.status_code == 422
    assert "phone_only" in response.json()["error"]["message"]
    assert "bogus" in response.json()["error"]["message"]
    stored = (await client.get("/v1/config")).json()
    assert (stored["version"], stored["policy"]["hot_key_cap"]) == (1, 50)


async def test_blocklist_from_the_config_blocks_at_check(client: httpx.AsyncClient) -> None:
    await client.put("/v1/config", json={"blocklist": {"phones": ["13800138001"]}})
    result = (await client.post("/v1/check", json={"lead": ZHANG})).json()
    assert result["valid"] is False
    assert any(i["code"] == "blocked" for i in result["issues"])


async def test_rules_of_the_tenant_decide(client: httpx.AsyncClient) -> None:
    await client.post("/v1/check", json={"lead": ZHANG, "register": True})
    only_review = {
        "rules": [
            {
                "name": "phone_is_review",
                "when": {"phone": ["exact_mobile"]},
                "decision": "possible_duplicate",
                "action": "review",
            }
        ]
    }
    await client.put("/v1/config", json=only_review)
    result = (await client.post("/v1/check", json={"lead": ZHANG})).json()
    assert (result["decision"], result["action"]) == ("possible_duplicate", "review")
    assert result["matches"][0]["rule"] == "phone_is_review"


async def test_dry_run_reports_changes_and_saves_nothing(client: httpx.AsyncClient) -> None:
    await client.post("/v1/check", json={"lead": ZHANG, "register": True})
    await client.post("/v1/check", json={"lead": {"phone": "13800138001"}, "register": True})
    strict = {
        "rules": [
            {
                "name": "never",
                "when": {"email": ["exact"]},
                "decision": "duplicate",
                "action": "block",
            }
        ]
    }
    response = await client.put("/v1/config?dry_run=true", json=strict)
    assert response.status_code == 200
    body = response.json()
    assert body["dry_run"] is True
    assert body["changes"] == {"duplicate->unique": 2}
    assert (await client.get("/v1/config")).json()["version"] == 0


async def test_the_tenant_region_reads_numbers_without_country_code(
    client: httpx.AsyncClient,
) -> None:
    await client.put("/v1/config", json={"region": "US"})
    lead = {"lead": {"phone": "(415) 555-2671"}}
    assert (await client.post("/v1/normalize", json=lead)).json()["lead"]["phone"] == [
        "+14155552671"
    ]
    explicit = {**lead, "region": "CN"}
    assert (
        "+14155552671"
        not in (await client.post("/v1/normalize", json=explicit)).json()["lead"]["phone"]
    )


async def test_normalize_applies_the_blocklist_like_check(client: httpx.AsyncClient) -> None:
    await client.put("/v1/config", json={"blocklist": {"phones": ["13800138001"]}})
    body = (await client.post("/v1/normalize", json={"lead": ZHANG})).json()
    assert any(i["code"] == "blocked" for i in body["issues"])


async def test_stored_leads_get_the_tenants_attribute_keys(client: httpx.AsyncClient) -> None:
    await client.put(
        "/v1/config", json={"attributes": {"unionid": {"type": "id", "identity": True}}}
    )
    stored = await client.post(
        "/v1/leads", json={"lead": {"name": "张伟", "attributes": {"unionid": "o6_bm"}}}
    )
    assert stored.status_code == 201
    probe = {"lead": {"name": "Zhang Xiaoming", "attributes": {"unionid": "o6_bm"}}}
    result = (await client.post("/v1/check", json=probe)).json()
    assert result["decision"] == "duplicate"
    assert result["matches"][0]["id"] == stored.json()["id"]
    assert result["matches"][0]["rule"] == "same_identity"
