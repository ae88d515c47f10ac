"""A file and the service agree; --against finds stored records; --register stores the survivors.

Real databases (SQLite and PostgreSQL), the real app over ASGI.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.api.clean_flows import IndexAgainst, IndexRegistrar
from app.cleaning.mapping import raw_lead
from app.domain.policy import DEFAULT_POLICY, Policy
from app.store.tables import DEFAULT_TENANT_ID, lead
from tests.cleaning.helpers import as_row, clean, generated, read_csv, write_csv
from tests.cleaning.test_clean import SMALL_COLUMNS, small_rows

SCORING_POLICY = Policy(score_in_check=True)


async def test_a_file_and_http_give_the_same_verdicts(
    tmp_path: Path, client: httpx.AsyncClient
) -> None:
    """Each lead sent to /v1/check (registering it) in file order, as the file is read."""
    leads = generated(60, seed=9)
    assert (await client.put("/v1/config", json={"score_in_check": True})).status_code == 200
    over_http = []
    http_groups = []
    for one in leads:
        body = (await client.post("/v1/check", json={"lead": one, "register": True})).json()
        best = body["matches"][0]["rule"] if body["matches"] else ""
        score = body["score"]
        over_http.append((body["decision"], best, score["score"], score["grade"], score["pool"]))
        http_groups.append(body["group_id"])

    path = write_csv(tmp_path / "leads.csv", [as_row(one) for one in leads])
    rows = read_csv((await clean(path, tmp_path / "out", policy=SCORING_POLICY)).cleaned)
    in_file = [(r["decision"], r["rule"], int(r["score"]), r["grade"], r["pool"]) for r in rows]
    assert in_file == over_http
    assert {d for d, *_ in in_file} >= {"unique", "duplicate"}
    assert partition(r["group_id"] for r in rows) == partition(http_groups)


def partition(group_ids: Iterable[str]) -> set[frozenset[int]]:
    """The rows grouped together, whatever the groups are called."""
    groups: dict[str, set[int]] = {}
    for row, group in enumerate(group_ids):
        groups.setdefault(group, set()).add(row)
    return {frozenset(rows) for rows in groups.values()}


async def _stored(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        query = select(func.count()).select_from(lead).where(lead.c.tenant_id == DEFAULT_TENANT_ID)
        return int((await conn.execute(query)).scalar_one())


async def test_against_the_index_and_register_the_survivors(
    tmp_path: Path, client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    known = {"name": "李娜", "phone": "+86 137 6058 2914", "company": "上海优贸智能科技有限公司"}
    stored = (await client.post("/v1/check", json={"lead": known, "register": True})).json()
    path = write_csv(tmp_path / "leads.csv", small_rows())
    against = IndexAgainst(engine, DEFAULT_TENANT_ID, DEFAULT_POLICY, "test-index")
    registrar = IndexRegistrar(engine, DEFAULT_TENANT_ID, DEFAULT_POLICY, "CN", raw_lead)
    outputs = await clean(path, tmp_path / "out", against=against, registrar=registrar)

    rows = {r["客户编号"]: r for r in read_csv(outputs.cleaned)}
    assert (rows["c3"]["decision"], rows["c3"]["match_id"]) == ("duplicate", stored["id"])
    assert rows["c3"]["group_id"] == rows["c5"]["group_id"] == stored["group_id"]
    assert rows["c1"]["match_id"] == ""
    assert rows["c5"]["match_id"] == stored["id"]
    assert outputs.report["against_index"] == {"duplicate": 2}
    # one stored record before, and one per group of the file after (4 groups)
    assert await _stored(engine) == 1 + 4
    again = {"name": "Li Na", "phone": "13760582914"}
    check = (await client.post("/v1/check", json={"lead": again})).json()
    assert check["decision"] == "duplicate"
    assert {m["group_id"] for m in check["matches"]} == {stored["group_id"]}
    assert list(rows["c1"])[: len(SMALL_COLUMNS)] == list(SMALL_COLUMNS)
