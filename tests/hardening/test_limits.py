"""Every limit answers in the error shape with its status, and a refused request stores nothing."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.api.limits import MAX_BATCH, MAX_BODY_BYTES, MAX_JSON_DEPTH
from app.store import tables

JSON = {"content-type": "application/json"}
MARK = "limit-probe"


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def lead_body(lead: dict[str, object], *, register: bool = True) -> bytes:
    return json.dumps({"lead": {"external_id": MARK, **lead}, "register": register}).encode()


# (case, method, path, body, status, code, field)
CASES = [
    (
        "body over 1 MiB",
        "POST",
        "/v1/leads",
        lead_body({"name": "x" * MAX_BODY_BYTES}),
        413,
        "body_too_large",
        None,
    ),
    (
        "batch over 1000",
        "POST",
        "/v1/check/batch",
        json.dumps({"leads": [{"external_id": MARK}] * (MAX_BATCH + 1), "register": True}).encode(),
        413,
        "too_large",
        None,
    ),
    ("long name", "POST", "/v1/check", lead_body({"name": "名" * 2001}), 422, None, "lead.name"),
    (
        "long external id",
        "POST",
        "/v1/leads",
        json.dumps({"lead": {"external_id": "e" * 201}}).encode(),
        422,
        None,
        "lead.external_id",
    ),
    (
        "long phone in a list",
        "POST",
        "/v1/check",
        lead_body({"phone": ["1" * 2001]}),
        422,
        None,
        "lead.phone",
    ),
    (
        "long attribute value",
        "POST",
        "/v1/check",
        lead_body({"attributes": {"note": "x" * 2001}}),
        422,
        None,
        "lead.attributes",
    ),
    (
        "attributes too deep",
        "POST",
        "/v1/check",
        lead_body({"attributes": {"a": {"b": {"c": {"d": {"e": {"f": 1}}}}}}}),
        422,
        None,
        "lead.attributes",
    ),
    (
        "attributes too large",
        "POST",
        "/v1/check",
        lead_body({"attributes": {f"k{i}": i for i in range(201)}}),
        422,
        None,
        "lead.attributes",
    ),
    (
        "too many phones",
        "POST",
        "/v1/check",
        lead_body({"phone": [f"1390000{i:04d}" for i in range(21)]}),
        422,
        None,
        "lead.phone",
    ),
    (
        "too many emails",
        "POST",
        "/v1/leads",
        lead_body({"email": [f"u{i}@corp.cn" for i in range(21)]}),
        422,
        None,
        "lead.email",
    ),
    (
        "NUL in a name",
        "POST",
        "/v1/check",
        lead_body({"name": "a\u0000b"}),
        400,
        "nul_byte",
        "lead.name",
    ),
    (
        "NUL in an attribute",
        "POST",
        "/v1/leads",
        lead_body({"attributes": {"k": ["ok", "a\u0000"]}}),
        400,
        "nul_byte",
        None,
    ),
    (
        "NUL in an attribute's name",
        "POST",
        "/v1/check",
        lead_body({"attributes": {"k\u0000": 1}}),
        400,
        "nul_byte",
        "lead.attributes",
    ),
    (
        "NUL in a policy",
        "PUT",
        "/v1/config",
        json.dumps({"blocklist": {"words": ["ok", "a\u0000"]}}).encode(),
        400,
        "nul_byte",
        "blocklist.words.1",
    ),
    (
        "invalid UTF-8",
        "POST",
        "/v1/check",
        b'{"lead": {"external_id": "limit-probe", "name": "\xff\xfe"}, "register": true}',
        400,
        "invalid_utf8",
        None,
    ),
    (
        "a lone surrogate",
        "POST",
        "/v1/check",
        b'{"lead": {"external_id": "limit-probe", "name": "\\ud800"}, "register": true}',
        400,
        "invalid_utf8",
        None,
    ),
    (
        "JSON 10,000 deep in attributes",
        "POST",
        "/v1/check",
        b'{"lead": {"attributes": {"a": ' + nested(10_000) + b'}}, "register": true}',
        400,
        "too_deep",
        None,
    ),
    ("JSON 10,000 deep at the top", "POST", "/v1/check", nested(10_000), 400, "too_deep", None),
    (
        "JSON past the depth limit, under the parser's",
        "POST",
        "/v1/leads",
        b'{"lead": {"name": ' + nested(MAX_JSON_DEPTH + 1) + b"}}",
        400,
        "too_deep",
        None,
    ),
    (
        "JSON 10,000 deep in a policy",
        "PUT",
        "/v1/config",
        b'{"rules": ' + nested(10_000) + b"}",
        400,
        "too_deep",
        None,
    ),
    ("malformed JSON", "POST", "/v1/check", b'{"lead": {"name": ', 400, "malformed_body", None),
    ("NUL in a query", "GET", "/v1/leads?external_id=a%00b", b"", 422, None, "external_id"),
    ("NUL in a path", "GET", "/v1/leads/a%00b/history", b"", 404, "not_found", None),
]


async def stored(engine: AsyncEngine) -> dict[str, int]:
    """Rows in every table that a request could write, besides the tenant itself."""
    counts = {}
    async with engine.connect() as conn:
        for table in tables.metadata.sorted_tables:
            if table.name not in ("tenant", "alembic_version"):
                counts[table.name] = (
                    await conn.execute(select(func.count()).select_from(table))
                ).scalar_one()
    return counts


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code", "field"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
async def test_limit_answers_its_status_and_stores_nothing(
    client: httpx.AsyncClient,
    engine: AsyncEngine,
    method: str,
    path: str,
    body: bytes,
    status: int,
    code: str | None,
    field: str | None,
) -> None:
    before = await stored(engine)
    response = await client.request(method, path, content=body or None, headers=JSON)
    assert response.status_code == status, response.text[:500]
    error = response.json()["error"]
    assert set(error) == {"code", "message", "field"} and error["message"]
    if code:
        assert error["code"] == code
    if field:
        assert (error["field"] or "").startswith(field), error
    assert await stored(engine) == before, "a refused request stored something"
    assert (await client.get("/v1/leads", params={"external_id": MARK})).json() == {"leads": []}


async def _chunks(total: int, size: int = 65536) -> AsyncIterator[bytes]:
    yield b'{"lead": {"external_id": "limit-probe", "name": "'
    for _ in range(total // size):
        yield b"x" * size
    yield b'"}}'


async def test_streamed_chunked_body_is_held_to_the_same_limit(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    before = await stored(engine)
    response = await client.post("/v1/leads", content=_chunks(MAX_BODY_BYTES + 65536), headers=JSON)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"
    assert "content-length" not in response.request.headers, "the body really was chunked"
    assert await stored(engine) == before


async def test_streamed_body_under_the_limit_arrives_whole(client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"lead": {"external_id": "limit-probe", '
        yield b'"name": "' + "名".encode() * 600 + b'"}}'

    response = await client.post("/v1/leads", content=chunks(), headers=JSON)
    assert response.status_code == 201, response.text
    assert response.json()["lead"]["name"] == "名" * 600


async def test_depth_under_the_limit_and_a_bom_are_fine(client: httpx.AsyncClient) -> None:
    body = b'\xef\xbb\xbf{"lead": {"attributes": {"a": {"b": [1, 2]}}}}'
    response = await client.post("/v1/normalize", content=body, headers=JSON)
    assert response.status_code == 200, response.text
    policy = {
        "rules": [
            {
                "name": "r",
                "when": {"phone": ["exact_mobile"]},
                "decision": "duplicate",
                "action": "block",
            }
        ]
    }
    assert (await client.put("/v1/config?dry_run=true", json=policy)).status_code == 200
