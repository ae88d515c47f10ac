"""The hot routes answer as FastAPI's own handler would, including where they hand over to it."""

from __future__ import annotations

import httpx
import pytest
from fastapi import APIRouter

from app.api.deps import CallerDep
from app.api.hot_route import HotRoute
from app.api.schemas.check import NormalizeRequest, NormalizeResult
from tests.conftest import ClientFactory


async def test_an_integer_past_64_bits_comes_back_whole(client: httpx.AsyncClient) -> None:
    numbers = {"big": 2**70 + 1, "small": -(2**64) - 1}  # neither is exact as a float
    response = await client.post("/v1/normalize", json={"lead": {"attributes": numbers}})
    assert response.status_code == 200, response.text
    assert response.json()["lead"]["attributes"] == numbers


async def test_a_body_that_is_not_an_object_is_422(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/check", json=[])
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_field"


@pytest.mark.parametrize("path", ["/v1/check", "/v1/normalize", "/v1/score"])
async def test_no_key_is_401_before_a_bad_body_is_422(
    auth_client: ClientFactory, path: str
) -> None:
    async with auth_client() as client:
        response = await client.post(path, json={"lead": {"name": 5}})
    assert response.status_code == 401


def test_a_hot_route_with_a_query_parameter_is_refused() -> None:
    router = APIRouter(route_class=HotRoute)

    async def normalize(body: NormalizeRequest, caller: CallerDep, q: str) -> NormalizeResult:
        raise NotImplementedError

    with pytest.raises(TypeError, match="a hot route takes"):
        router.post("/x")(normalize)
