"""GET /v1/report: the figures of a small known data set, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

SCORING = {
    "scoring": {
        "fit": [
            {"name": "titled", "field": "title", "exists": True, "points": 60},
            {"name": "phoned", "field": "phone", "exists": True, "points": 20},
        ],
        "pools": [{"name": "sales", "pool": "sales", "grade": "A"}],
    }
}

# Registered through /v1/check, in this order. D is a sure duplicate of A (same mobile),
# G a possible duplicate of F (a review stays open); E is purged, I is merged into H.
LEADS = {
    "A": {
        "name": "王伟",
        "phone": "13957204816",
        "email": "wang.wei@xinghe-tech.cn",
        "company": "北京星河科技有限公司",
        "title": "采购经理",
        "source": "web_form",
    },
    "B": {"phone": "12345", "source": "web_form"},
    "C": {"name": "陈洁", "email": "chen.jie@mailinator.com", "source": "ads"},
    "D": {"phone": "+86 139 5720 4816", "source": "ads"},
    "E": {"name": "刘洋", "phone": "13681937265", "email": "liu.yang@qq.com", "source": "referral"},
    "F": {
        "name": "赵敏",
        "phone": "13524681357",
        "company": "上海云帆信息技术有限公司",
        "title": "经理",
        "source": "web_form",
    },
    "G": {
        "name": "赵敏",
        "email": "zhao.min@yunfan.cn",
        "company": "上海云帆信息技术有限公司",
        "source": "referral",
    },
    "H": {"name": "孙丽", "phone": "13766554433", "source": "referral"},
}
MERGED_AWAY = {"name": "孙丽", "phone": "13766554433", "source": "referral"}

# (lead, outcome, at) in the order the CRM sends them; A's late "no_response" is older
# than its "converted", so A counts as converted.
OUTCOMES = [
    ("A", "lost", "2026-11-20T10:00:00Z"),
    ("A", "converted", "2026-11-25T10:00:00Z"),
    ("A", "no_response", "2026-11-10T10:00:00Z"),
    ("C", "lost", "2026-11-21T10:00:00Z"),
    ("D", "no_response", "2026-11-22T10:00:00Z"),
    ("F", "converted", "2026-11-23T10:00:00+08:00"),
    ("H", "lost", "2026-11-24T10:00:00Z"),
]


async def _load(client: httpx.AsyncClient) -> dict[str, str]:
    assert (await client.put("/v1/config", json=SCORING)).status_code == 200
    ids: dict[str, str] = {}
    for name, lead in LEADS.items():
        result = (await client.post("/v1/check", json={"lead": lead, "register": True})).json()
        ids[name] = result["id"]
    created = await client.post("/v1/leads", json={"lead": MERGED_AWAY})
    ids["I"] = created.json()["id"]
    merged = await client.post(f"/v1/leads/{ids['I']}/merge", json={"into": ids["H"]})
    assert merged.status_code == 200, merged.text
    assert (await client.delete(f"/v1/leads/{ids['E']}?purge=true")).status_code == 204
    for name, outcome, at in OUTCOMES:
        sent = await client.post(
            f"/v1/leads/{ids[name]}/outcome", json={"outcome": outcome, "at": at}
        )
        assert sent.status_code == 201, sent.text
    return ids


def _figure(
    value: str, leads: int, converted: int, lost: int, no_response: int
) -> dict[str, object]:
    return {
        "value": value,
        "leads": leads,
        "converted": converted,
        "lost": lost,
        "no_response": no_response,
        "rate": round(converted / leads, 4),
    }


async def test_report_of_a_known_data_set(client: httpx.AsyncClient) -> None:
    before = datetime.now(UTC).date()
    await _load(client)

    response = await client.get("/v1/report")

    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["records"], report["live"], report["merged"], report["deleted"]) == (9, 7, 1, 1)
    # live: A B C D F G H; B has the only errors
    assert (report["valid"], report["valid_rate"]) == (6, round(6 / 7, 4))
    # groups {A, D} and {H, I}; 8 records not deleted
    assert (report["duplicates"], report["duplicate_rate"]) == (4, 0.5)
    shares = {"name": 5, "company": 3, "phone": 4, "email": 3, "title": 2, "source": 7, "uscc": 0}
    for field, count in shares.items():
        assert report["completeness"][field] == round(count / 7, 4), field
    assert report["issues"] == [
        {"code": "disposable_email", "severity": "warning", "records": 1},
        {"code": "invalid_phone", "severity": "error", "records": 1},
        {"code": "missing_contact", "severity": "error", "records": 1},
    ]
    days = {d["day"] for d in report["by_source_per_day"]}
    assert len(days) == 1 and days <= {before.isoformat(), datetime.now(UTC).date().isoformat()}
    per_source = {d["source"]: (d["records"], d["valid"]) for d in report["by_source_per_day"]}
    assert per_source == {None: (1, 1), "ads": (2, 2), "referral": (3, 3), "web_form": (3, 2)}
    assert report["open_reviews"] == 1
    assert report["outcomes"] == 5
    # A and F have a title and a phone: 80 points, grade A, pool sales; C, D, H grade D
    assert report["conversion"] == {
        "by_grade": [_figure("D", 3, 0, 2, 1), _figure("A", 2, 2, 0, 0)],
        "by_pool": [_figure("nurture", 3, 0, 2, 1), _figure("sales", 2, 2, 0, 0)],
        "by_source": [
            _figure("ads", 2, 0, 1, 1),
            _figure("web_form", 2, 2, 0, 0),
            _figure("referral", 1, 0, 1, 0),
        ],
    }


async def test_report_of_an_empty_tenant_has_no_rates(client: httpx.AsyncClient) -> None:
    report = (await client.get("/v1/report")).json()

    assert report["records"] == report["live"] == report["outcomes"] == 0
    assert report["valid_rate"] is None and report["duplicate_rate"] is None
    assert set(report["completeness"].values()) == {None}
    assert report["issues"] == report["by_source_per_day"] == []
    assert report["conversion"] == {"by_grade": [], "by_pool": [], "by_source": []}


@pytest.mark.parametrize(("days", "status"), [(1, 200), (366, 200), (0, 422), (367, 422)])
async def test_report_days_bound_the_series(
    client: httpx.AsyncClient, days: int, status: int
) -> None:
    await client.post("/v1/check", json={"lead": LEADS["A"], "register": True})

    response = await client.get("/v1/report", params={"days": days})

    assert response.status_code == status
    if status == 200:
        today = datetime.now(UTC).date()
        since = response.json()["since"]
        assert since in {(today - timedelta(days=days - 1 + k)).isoformat() for k in (0, 1)}
        assert [d["records"] for d in response.json()["by_source_per_day"]] == [1]
    else:
        assert response.json()["error"]["field"] == "days"
