"""POST /v1/check and /v1/check/batch: exact duplicates through the index, registration."""

from __future__ import annotations

import math

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.config import Settings
from tests.conftest import app_client

ZHANG = {
    "external_id": "crm-1",
    "name": "张晓明",
    "company": "北京字节跳动科技有限公司",
    "phone": "138 0013 8001",
    "email": "Zhang.San@Acme-Widgets.cn",
}


async def check(client: httpx.AsyncClient, lead: dict[str, object], **extra: object) -> dict:
    response = await client.post("/v1/check", json={"lead": lead, **extra})
    assert response.status_code == 200, response.text
    return response.json()


async def test_first_lead_is_unique_and_normalized(client: httpx.AsyncClient) -> None:
    result = await check(client, ZHANG)
    assert result["decision"] == "unique"
    assert result["action"] == "allow"
    assert result["matches"] == []
    assert result["id"] is None
    assert result["normalized"]["phone"] == ["+8613800138001"]
    assert result["normalized"]["email"] == ["zhang.san@acme-widgets.cn"]
    assert result["valid"] is True


async def test_check_without_register_stores_nothing(client: httpx.AsyncClient) -> None:
    await check(client, ZHANG)
    again = await check(client, ZHANG)
    assert again["decision"] == "unique"


async def test_registered_lead_is_found_by_phone_written_another_way(
    client: httpx.AsyncClient,
) -> None:
    first = await check(client, ZHANG, register=True)
    assert first["id"] and first["group_id"] == first["id"]
    second = await check(
        client, {"name": "张晓明", "phone": "+86 138-0013-8001", "external_id": "crm-2"}
    )
    assert second["decision"] == "duplicate"
    assert second["action"] == "block"
    [match] = second["matches"]
    assert match["id"] == first["id"]
    assert match["external_id"] == "crm-1"
    assert match["group_id"] == first["group_id"]
    assert match["rule"] == "mobile_and_name"
    assert match["fields"]["phone"] == 1.0
    assert match["explain"]["phone"]["level"] == "exact_mobile"
    assert match["explain"]["name"]["level"] == "exact"
    assert match["explain"]["phone"]["weight"] > 0
    assert 0.97 < match["score"] <= 1
    assert "duplicate" in second["tags"]


async def test_registered_lead_is_found_by_email_in_another_case(
    client: httpx.AsyncClient,
) -> None:
    first = await check(client, ZHANG, register=True)
    second = await check(client, {"email": " ZHANG.SAN@acme-widgets.CN "})
    assert second["decision"] == "duplicate"
    assert second["matches"][0]["id"] == first["id"]
    assert second["matches"][0]["rule"] == "email_and_name"


async def test_duplicate_registered_joins_the_group_of_its_match(
    client: httpx.AsyncClient,
) -> None:
    first = await check(client, ZHANG, register=True)
    second = await check(client, {"phone": "13800138001"}, register=True)
    assert second["id"] != first["id"]
    assert second["group_id"] == first["group_id"]


async def test_different_contact_points_are_unique(client: httpx.AsyncClient) -> None:
    await check(client, ZHANG, register=True)
    other = await check(client, {"phone": "13900139002", "email": "li.si@example.com"})
    assert other["decision"] == "unique"


async def test_invalid_phone_is_reported_and_left_out(client: httpx.AsyncClient) -> None:
    result = await check(client, {"phone": ["12345", "13800138001"]})
    assert result["normalized"]["phone"] == ["+8613800138001"]
    assert any(i["code"] == "invalid_phone" and i["field"] == "phone" for i in result["issues"])
    assert result["valid"] is False


async def test_region_decides_numbers_without_country_code(client: httpx.AsyncClient) -> None:
    result = await check(client, {"phone": "(415) 555-2671"}, region="US")
    assert result["normalized"]["phone"] == ["+14155552671"]


async def test_batch_matches_earlier_leads_of_the_same_batch(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/check/batch",
        json={
            "leads": [ZHANG, {"phone": "+86 13800138001"}, {"email": "other@example.org"}],
            "register": True,
        },
    )
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["decision"] for r in results] == ["unique", "duplicate", "unique"]
    assert results[1]["matches"][0]["id"] == results[0]["id"]
    assert results[1]["group_id"] == results[0]["group_id"]


async def test_batch_answers_as_the_same_leads_checked_one_at_a_time(
    client: httpx.AsyncClient,
) -> None:
    """Leads that share no key with earlier ones are looked up together; the answers
    must not show it: each lead still meets every lead registered before it."""
    leads = [
        ZHANG,
        {"phone": "+86 13900139002", "name": "李娜"},
        {"phone": "+86 13800138001"},
        {"phone": "139 0013 9002"},
        {"email": "wang.fang@example-corp.cn", "name": "王芳"},
        ZHANG,
    ]
    response = await client.post("/v1/check/batch", json={"leads": leads, "register": True})
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    ids = [r["id"] for r in results]
    assert [r["decision"] for r in results] == [
        "unique",
        "unique",
        "duplicate",
        "duplicate",
        "unique",
        "duplicate",
    ]
    assert [[m["id"] for m in r["matches"]][:1] for r in results] == [
        [],
        [],
        [ids[0]],
        [ids[1]],
        [],
        [ids[0]],
    ]
    again = await client.post("/v1/check/batch", json={"leads": leads})
    singles = [await check(client, lead) for lead in leads]
    assert again.json()["results"] == singles


async def test_a_long_batch_meets_earlier_leads_across_its_lookups(
    client: httpx.AsyncClient,
) -> None:
    leads: list[dict[str, object]] = [{"phone": f"+86 1380013{i:04d}"} for i in range(150)]
    leads[50] = dict(leads[10])
    leads[149] = dict(leads[3])
    response = await client.post("/v1/check/batch", json={"leads": leads, "register": True})
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    duplicates = {i: r["matches"][0]["id"] for i, r in enumerate(results) if r["matches"]}
    assert duplicates == {50: results[10]["id"], 149: results[3]["id"]}


async def test_the_explanation_shows_a_common_name_weighing_less_than_a_rare_one(
    client: httpx.AsyncClient,
) -> None:
    """Term-frequency adjustment: the name's weight reflects how many stored records hold it."""
    for i in range(12):
        await check(client, {"name": "王伟", "phone": f"+86 1390013{i:04d}"}, register=True)
    await check(client, {"name": "欧阳娜娜", "phone": "+86 13700137000"}, register=True)
    common = (await check(client, {"name": "王伟", "phone": "139 0013 0003"}))["matches"][0]
    rare = (await check(client, {"name": "欧阳娜娜", "phone": "137 0013 7000"}))["matches"][0]
    plain = math.log2(0.8 / 0.002)  # the shipped name `exact` level, unadjusted
    for found in (common, rare):
        name = found["explain"]["name"]
        assert name["level"] == "exact"
        assert name["weight"] == pytest.approx(plain + name["tf_adjustment"], abs=0.002)
        assert found["explain"]["phone"]["tf_adjustment"] is None
    assert (
        common["explain"]["name"]["tf_adjustment"] < 0 <= rare["explain"]["name"]["tf_adjustment"]
    )
    assert common["score"] < rare["score"]


async def test_a_long_batch_without_register_answers_each_lead_in_its_place(
    client: httpx.AsyncClient,
) -> None:
    """A batch that registers nothing looks its runs up while it matches the run before:
    every lead of every run still gets its own candidates, in input order."""
    stored = [{"phone": f"+86 1370013{i:04d}", "name": "李娜"} for i in range(250)]
    registered = await client.post("/v1/check/batch", json={"leads": stored, "register": True})
    ids = [r["id"] for r in registered.json()["results"]]
    again = [{"phone": f"137 0013 {i:04d}"} for i in range(250)]
    again[120] = {"email": "nobody@example-corp.cn"}
    response = await client.post("/v1/check/batch", json={"leads": again})
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["matches"][0]["id"] if r["matches"] else None for r in results] == [
        None if i == 120 else ids[i] for i in range(250)
    ]
    for i in (0, 99, 100, 120, 249):
        assert results[i] == await check(client, again[i])


async def test_an_empty_batch_answers_no_results(client: httpx.AsyncClient) -> None:
    for register in (False, True):
        response = await client.post("/v1/check/batch", json={"leads": [], "register": register})
        assert response.status_code == 200, response.text
        assert response.json() == {"results": []}


async def test_batch_without_register_does_not_match_within_itself(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/v1/check/batch", json={"leads": [ZHANG, ZHANG]})
    assert [r["decision"] for r in response.json()["results"]] == ["unique", "unique"]


async def test_batch_over_the_limit_is_413_and_stores_nothing(client: httpx.AsyncClient) -> None:
    leads = [{"phone": f"1380013{i:04d}"} for i in range(1001)]
    response = await client.post("/v1/check/batch", json={"leads": leads, "register": True})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    probe = await check(client, {"phone": "13800130000"})
    assert probe["decision"] == "unique"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"lead": {"nickname": "x"}}, "lead.nickname"),
        ({"lead": {}, "extra": 1}, "extra"),
    ],
)
async def test_unknown_key_is_422_naming_it(
    client: httpx.AsyncClient, body: dict[str, object], field: str
) -> None:
    response = await client.post("/v1/check", json=body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "unknown_field"
    assert error["field"] == field


async def test_normalize_returns_lead_issues_and_keys(client: httpx.AsyncClient) -> None:
    lead = {"name": "测试", "phone": "+86 138-0013-8001", "email": "x@mailinator.com"}
    response = await client.post("/v1/normalize", json={"lead": lead})
    assert response.status_code == 200
    body = response.json()
    assert body["lead"]["phone"] == ["+8613800138001"]
    assert {"junk_name", "disposable_email"} <= {i["code"] for i in body["issues"]}
    assert body["valid"] is True
    assert "phone:+8613800138001" in body["keys"]


async def test_check_reports_the_same_issues_as_normalize(client: httpx.AsyncClient) -> None:
    lead = {"phone": "12345", "email": "sales@acme-widgets.com", "uscc": "1234"}
    normalized = (await client.post("/v1/normalize", json={"lead": lead})).json()
    checked = (await client.post("/v1/check", json={"lead": lead})).json()
    assert checked["issues"] == normalized["issues"]
    assert checked["valid"] is normalized["valid"] is False
    assert {"invalid_phone", "role_email", "invalid_uscc"} <= {i["code"] for i in checked["issues"]}


async def test_a_check_answers_the_same_with_the_hot_read_pool_and_without(
    client: httpx.AsyncClient, settings: Settings, engine: AsyncEngine
) -> None:
    """On PostgreSQL a check that registers nothing looks up on a pool of its own
    (LEADGATE_DB_READ_POOL_SIZE); with it off, through the main pool: same answers."""
    stored = [ZHANG, {"phone": "+86 13900139002", "name": "李娜"}, {"name": "王芳"}]
    for lead in stored:
        await check(client, lead, register=True)
    asked = [*stored, {"phone": "139 0013 9002"}, {"email": "zhang.san@acme-widgets.cn"}]
    with_pool = [await check(client, lead) for lead in asked]
    async with app_client(settings.model_copy(update={"db_read_pool_size": 0}), engine) as off:
        assert [await check(off, lead) for lead in asked] == with_pool
    assert [r["decision"] for r in with_pool] == [
        "duplicate",
        "duplicate",
        "possible_duplicate",  # a name alone
        "duplicate",
        "duplicate",
    ]
