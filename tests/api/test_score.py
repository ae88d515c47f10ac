"""POST /v1/score: the contract's shape, reasons that add up, and 422s naming the bad field."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

LEAD = {
    "name": "李伟",
    "company": "北京字节跳动科技有限公司",
    "phone": "139 1234 7788",
    "email": "Li.Wei@bytedance.com",
    "title": "销售总监",
    "address": "北京市海淀区知春路 1 号",
    "source": "web_form",
}
NOW = "2026-12-01T12:00:00Z"


async def score(client: httpx.AsyncClient, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post("/v1/score", json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    assert set(result) == {"score", "grade", "pool", "tags", "reasons"}
    assert all(set(r) == {"factor", "points", "detail"} for r in result["reasons"])
    assert sum(r["points"] for r in result["reasons"]) == result["score"]
    assert 0 <= result["score"] <= 100
    return result


async def test_score_with_events(client: httpx.AsyncClient) -> None:
    result = await score(
        client,
        {
            "lead": LEAD,
            "events": [
                {"type": "demo_request", "at": "2026-11-30T09:00:00+08:00"},
                {"type": "visit_pricing", "at": "2026-10-20T10:00:00Z", "count": 3},
            ],
            "now": NOW,
        },
    )
    reasons = {r["factor"]: r for r in result["reasons"]}
    assert reasons["title_executive"]["points"] == 20
    assert reasons["email_corporate"]["detail"] == "corporate email domain bytedance.com"
    assert reasons["event:demo_request"]["points"] == 30
    assert reasons["event:visit_pricing"] == {
        "factor": "event:visit_pricing",
        "points": 21,
        "detail": "3 × 10, decayed to 21.0",
    }
    assert (result["grade"], result["pool"]) == ("A", "sales")
    assert {"hot", "decision_maker", "demo_requested"} <= set(result["tags"])


async def test_score_without_events_or_now(client: httpx.AsyncClient) -> None:
    result = await score(client, {"lead": {"email": "wangfang1988@qq.com"}})
    assert result["pool"] == "nurture"
    assert result["grade"] == "D"


async def test_junk_lead_is_discarded(client: httpx.AsyncClient) -> None:
    result = await score(
        client, {"lead": {"name": "测试", "phone": "13800138000", "email": "test@example.com"}}
    )
    assert result["pool"] == "discard"
    assert result["score"] == 0
    assert result["reasons"][-1]["factor"] == "clamp"


@pytest.mark.parametrize(
    ("events", "field", "code"),
    [
        ([{"type": "visit_pricing", "at": "2026-11-20T10:00:00"}], "events.0.at", "invalid_field"),
        ([{"type": "visit_pricing"}], "events.0.at", "missing_field"),
        ([{"type": "", "at": NOW}], "events.0.type", "invalid_field"),
        ([{"type": "x", "at": NOW, "count": 0}], "events.0.count", "invalid_field"),
        ([{"type": "x", "at": NOW, "count": 10_001}], "events.0.count", "invalid_field"),
        ([{"type": "x", "at": NOW, "colour": "red"}], "events.0.colour", "unknown_field"),
        ([{"type": "x", "at": NOW}] * 201, "events", "invalid_field"),
    ],
)
async def test_bad_event_is_named(
    client: httpx.AsyncClient, events: list[dict[str, Any]], field: str, code: str
) -> None:
    response = await client.post("/v1/score", json={"lead": LEAD, "events": events})
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert (error["field"], error["code"]) == (field, code)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"lead": LEAD, "now": "2026-12-01T12:00:00"}, "now"),
        ({"lead": LEAD, "region": "CHN"}, "region"),
        ({"lead": LEAD, "tags": ["x"]}, "tags"),
        ({"lead": {"colour": "red"}}, "lead.colour"),
        ({}, "lead"),
    ],
)
async def test_bad_request_is_named(
    client: httpx.AsyncClient, body: dict[str, Any], field: str
) -> None:
    response = await client.post("/v1/score", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field
