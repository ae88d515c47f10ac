"""Schemathesis against the committed openapi/openapi.json and the app in process.

Every operation is fuzzed with schema-valid and schema-violating data, with a
valid key (the admin key for admin routes) and with a key that names no
tenant, on SQLite and PostgreSQL; operations that take an id are fuzzed once
more with real ids of fresh records, so the handlers reach the database with
strange data. Every answer must be no server error and conform to the spec:
a documented status, the documented content type, headers and body schema.

The run in `make test` is short (LEADGATE_FUZZ_EXAMPLES=4 per operation and
mode, derandomized so CI is repeatable); `make fuzz` runs many more, random.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis.errors import Unsatisfiable
from schemathesis import checks as core_checks
from schemathesis.generation import GenerationMode
from schemathesis.python import asgi
from schemathesis.specs.openapi import checks as openapi_checks
from sqlalchemy.ext.asyncio import AsyncEngine

from app.config import Settings
from app.main import create_app
from tests.conftest import ADMIN_KEY
from tests.hardening import seed

SPEC = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"
EXAMPLES = int(os.environ.get("LEADGATE_FUZZ_EXAMPLES", "4"))
LONG_RUN = "LEADGATE_FUZZ_EXAMPLES" in os.environ
CHECKS = [
    core_checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.response_schema_conformance,
]
UNKNOWN_KEY = "lg_no-tenant-has-this-key"


@dataclass
class Tally:
    cases: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Run:
    """One fuzzing pass over one operation."""

    operation: Any
    mode: GenerationMode
    headers: dict[str, str]
    path_parameters: dict[str, str] | None = None

    @property
    def label(self) -> str:
        ids = " (real ids)" if self.path_parameters else ""
        return f"{self.operation.label} {self.mode.value}{ids}"


def _settings() -> hypothesis.settings:
    return hypothesis.settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=not LONG_RUN,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        report_multiple_bugs=False,
    )


def fuzz(run: Run, tally: Tally) -> None:
    """Generate cases for one operation and mode; record the first failure it finds."""

    @_settings()
    @hypothesis.given(
        case=run.operation.as_strategy(
            generation_mode=run.mode, path_parameters=run.path_parameters
        )
    )
    def one(case: Any) -> None:
        tally.cases += 1
        response = case.call(headers=run.headers)
        tally.statuses[response.status_code] = tally.statuses.get(response.status_code, 0) + 1
        case.validate_response(response, checks=CHECKS, headers=run.headers)

    try:
        one()
    except Unsatisfiable:
        return  # nothing in the operation can be made schema-violating (no parameters, no body)
    except Exception as exc:
        tally.failures.append(f"{run.label}: {exc}"[:4000])


def _auth(path: str, key: str) -> dict[str, str]:
    """The admin key where only it is accepted, the tenant's key elsewhere."""
    admin = path.startswith("/v1/tenants")
    return {"Authorization": f"Bearer {ADMIN_KEY if admin and key != UNKNOWN_KEY else key}"}


def _post(client: requests.Session, path: str, key: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(path, json=body, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code in (200, 201), response.text
    result: dict[str, Any] = response.json()
    return result


def real_ids(client: requests.Session, key: str) -> dict[str, str]:
    """Fresh records of every kind the API hands out ids for: a lead, a group, a review.

    The default policy comes back first: fuzzing PUT /v1/config saves strange ones.
    """
    auth = {"Authorization": f"Bearer {key}"}
    assert client.put("/v1/config", json={}, headers=auth).status_code == 200
    first = _post(client, "/v1/check", key, {"lead": seed.LEAD, "register": True})
    similar = _post(client, "/v1/check", key, {"lead": seed.SIMILAR, "register": True})
    return {
        "lead_id": similar["id"],
        "group_id": first["group_id"],
        "review_id": _review_of(client, auth, similar["id"]),
    }


def _review_of(client: requests.Session, auth: dict[str, str], lead_id: str) -> str:
    offset = 0
    while True:
        page = client.get("/v1/reviews", params={"limit": 200, "offset": offset}, headers=auth)
        reviews = page.json()["reviews"]
        assert reviews, f"no review was opened for {lead_id}"
        found = [r["id"] for r in reviews if r["lead_id"] == lead_id]
        if found:
            return str(found[0])
        offset += len(reviews)


def runs(schema: Any, key: str, client: requests.Session, tenant_id: str) -> Iterator[Run]:
    for result in schema.get_all_operations():
        operation = result.ok()
        headers = _auth(operation.path, key)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            yield Run(operation, mode, headers)
        params = {p.name for p in operation.path_parameters}
        if params and key != UNKNOWN_KEY:
            ids = {**real_ids(client, key), "tenant_id": tenant_id}
            yield Run(operation, GenerationMode.POSITIVE, headers, {p: ids[p] for p in params})


@pytest.fixture
def fuzz_app(db_url: str, engine: AsyncEngine) -> Iterator[Any]:
    """The app with auth on, owning its engine (it runs on schemathesis' own event loop)."""
    del engine  # requested so the tables are cleared after the run
    app = create_app(Settings(database_url=db_url, auth="on", admin_key=ADMIN_KEY))
    yield app
    asgi.shutdown_lifespans()


@pytest.mark.parametrize("auth", ["valid key", "unknown key"])
def test_no_server_error_and_every_answer_conforms(
    fuzz_app: Any, auth: str, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = schemathesis.openapi.from_path(SPEC)
    schema.app = fuzz_app
    with asgi.get_client(fuzz_app) as client:
        admin = {"Authorization": f"Bearer {ADMIN_KEY}"}
        created = client.post("/v1/tenants", json={"name": "fuzz"}, headers=admin).json()
        # key rotation is fuzzed on another tenant, so the fuzzing key itself never expires
        rotated = client.post("/v1/tenants", json={"name": "fuzz-keys"}, headers=admin).json()
        key = created["api_key"] if auth == "valid key" else UNKNOWN_KEY
        tally = Tally()
        for run in runs(schema, key, client, rotated["id"]):
            fuzz(run, tally)
    with capsys.disabled():
        statuses = ", ".join(f"{s}: {n}" for s, n in sorted(tally.statuses.items()))
        database = db_url.split("+", maxsplit=1)[0]
        print(f"\nschemathesis [{database}, {auth}]: {tally.cases} cases ({statuses})")
    assert not tally.failures, "\n\n".join(tally.failures)
    assert tally.cases > 0
    if auth == "unknown key":
        assert set(tally.statuses) - {200, 400, 401, 404, 405, 413, 422} == set()
