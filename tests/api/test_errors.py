"""Every failure answers in the one error shape, with the contract's status."""

from __future__ import annotations

import httpx
import pytest

from app.api.limits import MAX_BODY_BYTES


def assert_error_shape(response: httpx.Response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "field"}
    assert body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    return body["error"]


async def test_malformed_json_is_400(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/check", content=b'{"lead": {', headers={"content-type": "application/json"}
    )
    assert_error_shape(response, 400, "malformed_body")


async def test_invalid_utf8_is_400(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/check",
        content=b'{"lead": {"name": "\xff\xfe"}}',
        headers={"content-type": "application/json"},
    )
    assert_error_shape(response, 400)


async def test_nul_character_is_400_and_stores_nothing(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/leads", json={"lead": {"name": "a\u0000b"}})
    assert_error_shape(response, 400, "nul_byte")
    response = await client.post(
        "/v1/leads", json={"lead": {"external_id": "n", "attributes": {"k": "a\u0000"}}}
    )
    assert_error_shape(response, 400, "nul_byte")
    assert (await client.get("/v1/leads", params={"external_id": "n"})).json()["leads"] == []


async def test_deeply_nested_json_is_400_not_a_crash(client: httpx.AsyncClient) -> None:
    body = b'{"lead": {"attributes": {"a": ' + b"[" * 10_000 + b"]" * 10_000 + b"}}}"
    response = await client.post(
        "/v1/check", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code in (400, 422)
    assert_error_shape(response, response.status_code)


async def test_body_over_one_mebibyte_is_413_before_parsing(client: httpx.AsyncClient) -> None:
    body = b'{"lead": {"name": "' + b"x" * MAX_BODY_BYTES + b'"}}'
    response = await client.post(
        "/v1/leads", content=body, headers={"content-type": "application/json"}
    )
    assert_error_shape(response, 413, "body_too_large")


async def test_chunked_body_over_the_limit_is_413(client: httpx.AsyncClient) -> None:
    async def chunks():  # type: ignore[no-untyped-def]
        yield b'{"lead": {"name": "'
        for _ in range(20):
            yield b"x" * 65536
        yield b'"}}'

    response = await client.post(
        "/v1/leads", content=chunks(), headers={"content-type": "application/json"}
    )
    assert_error_shape(response, 413)


@pytest.mark.parametrize(
    ("lead", "field"),
    [
        ({"phone": 13800138000}, "lead.phone"),
        ({"entity": "customer"}, "lead.entity"),
        ({"email": ["a@b.com"] * 21}, "lead.email"),
        ({"name": "x" * 2001}, "lead.name"),
        ({"attributes": {"a": {"b": {"c": {"d": {"e": {"f": 1}}}}}}}, "lead.attributes"),
        ({"attributes": {str(i): i for i in range(201)}}, "lead.attributes"),
    ],
)
async def test_bad_fields_are_422_naming_the_field(
    client: httpx.AsyncClient, lead: dict[str, object], field: str
) -> None:
    response = await client.post("/v1/check", json={"lead": lead, "register": True})
    error = assert_error_shape(response, 422)
    assert error["field"].startswith(field)


async def test_missing_body_is_422(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/check", json={})
    error = assert_error_shape(response, 422, "missing_field")
    assert error["field"] == "lead"


async def test_unknown_route_and_method_use_the_shape(client: httpx.AsyncClient) -> None:
    assert_error_shape(await client.get("/v1/nope"), 404)
    assert_error_shape(await client.get("/v1/check"), 405)


async def test_bad_region_is_422(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/check", json={"lead": {}, "region": "China"})
    assert assert_error_shape(response, 422)["field"] == "region"
