"""The report's recent checks: what every check answered, counted per tenant and window."""

from __future__ import annotations

from collections import Counter

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from app.api.tally import CheckTally
from app.store import check_tally
from app.store.engine import create_engine, transaction
from app.store.tables import DEFAULT_TENANT_ID
from tests.api.test_tenancy import make_tenant
from tests.conftest import ClientFactory

UNREACHABLE = "postgresql+asyncpg://nobody@127.0.0.1:1/none"
LEADS = [
    {"name": "王伟", "phone": "13957204816", "company": "北京星河科技有限公司"},
    {"name": "王伟", "phone": "+86 139 5720 4816", "company": "星河科技"},
    {"name": "赵敏", "phone": "13524681357", "company": "上海云帆信息技术有限公司"},
    {"name": "赵敏", "email": "zhao.min@yunfan.cn", "company": "上海云帆信息技术有限公司"},
    {"name": "测试", "phone": "13800138000"},
]


async def test_the_report_counts_what_the_checks_answered(client: httpx.AsyncClient) -> None:
    answers = []
    for n, lead in enumerate(LEADS):
        response = await client.post("/v1/check", json={"lead": lead, "register": n % 2 == 0})
        assert response.status_code == 200, response.text
        answers.append(response.json())
    batch = await client.post("/v1/check/batch", json={"leads": LEADS[:2]})
    assert batch.status_code == 200, batch.text
    answers += batch.json()["results"]

    checks = (await client.get("/v1/report")).json()["checks"]
    assert checks["checks"] == len(answers) == 7
    assert checks["registered"] == sum(a["id"] is not None for a in answers) == 3
    decisions = Counter(a["decision"] for a in answers)
    actions = Counter(a["action"] for a in answers)
    assert {k: v for k, v in checks["by_decision"].items() if v} == dict(decisions)
    assert {k: v for k, v in checks["by_action"].items() if v} == dict(actions)
    assert set(checks["by_action"]) == {"allow", "block", "review", "merge"}


async def test_another_tenant_sees_none_of_the_checks(auth_client: ClientFactory) -> None:
    first, second = await make_tenant(auth_client, "one"), await make_tenant(auth_client, "two")
    async with auth_client(first) as client:
        await client.post("/v1/check", json={"lead": LEADS[0]})
        assert (await client.get("/v1/report")).json()["checks"]["checks"] == 1
    async with auth_client(second) as client:
        assert (await client.get("/v1/report")).json()["checks"]["checks"] == 0


async def test_counts_the_database_cannot_take_wait_for_the_next_flush(
    engine: AsyncEngine,
) -> None:
    tally = CheckTally()
    tally.count(DEFAULT_TENANT_ID, "duplicate", "block", registered=False)
    tally.count(DEFAULT_TENANT_ID, "duplicate", "block", registered=True)
    down = create_engine(UNREACHABLE, timeout=1)
    try:
        await tally.flush(down)
    finally:
        await down.dispose()
    tally.count(DEFAULT_TENANT_ID, "unique", "allow", registered=True)
    await tally.flush(engine)
    async with transaction(engine) as conn:
        found = await check_tally.window(conn, DEFAULT_TENANT_ID, 0)
    assert [(t.decision, t.action, t.checks, t.registered) for t in found] == [
        ("duplicate", "block", 2, 1),
        ("unique", "allow", 1, 1),
    ]
