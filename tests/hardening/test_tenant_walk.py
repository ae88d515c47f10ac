"""Tenant B walks every route of the app with tenant A's ids and gets 404, never 403, and no data.

The routes are enumerated from the app itself, so a route added later is
walked too: its path parameters must be one of the known kinds of id (else
this test fails and asks for one), its body comes from the table below or
from its model's example. Console pages are walked signed in as B.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncEngine

from app.api.deps import require_admin
from app.config import Settings
from app.main import create_app
from app.store import tenants
from app.store.engine import transaction
from tests.api.test_tenancy import make_tenant
from tests.conftest import ClientFactory, app_client
from tests.hardening import seed

# Routes that hold no tenant's data and take no id: nothing to walk.
NO_TENANT_DATA = frozenset(
    {"/healthz", "/readyz", "/metrics", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
)
ID_KINDS = ("lead_id", "group_id", "review_id", "tenant_id")
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def path_values(param: str, a: seed.Seeded, tenant_a: str) -> list[str]:
    """Tenant A's ids of the kind a path parameter names."""
    values = {
        "lead_id": [a.lead_id, a.merged_id, a.similar_id],
        "group_id": [a.group_id],
        "review_id": [a.review_id],
        "tenant_id": [tenant_a],
    }
    assert param in values, f"path parameter {param!r}: add tenant A's ids of that kind"
    return values[param]


def query_values(param: str, a: seed.Seeded) -> list[str] | None:
    """Tenant A's values for query parameters that look records up; None: leave the default."""
    return {"external_id": [a.external_id], "q": [a.external_id, a.lead_id]}.get(param)


def bodies(name: str, a: seed.Seeded) -> list[Any] | None:
    """Bodies that carry tenant A's data or ids, per route name; None: use the model's example;
    none at all: the route takes no id and shows no record (signing in and out)."""
    probe = {"external_id": seed.EXTERNAL_ID, "phone": seed.PHONE, "email": seed.EMAIL}
    table: dict[str, list[Any]] = {
        "normalize_lead": [{"lead": probe}],
        "check_lead": [{"lead": probe}, {"lead": probe, "register": True}],
        "check_batch": [{"leads": [probe, probe], "register": True}],
        "score_lead": [{"lead": probe}],
        "create_lead": [{"lead": probe}],
        "replace_lead": [{"lead": {"name": "tenant B was here"}}],
        "merge_lead": [{"into": a.lead_id}, {"into": a.similar_id}],
        "resolve_review": [{"verdict": "same"}, {"verdict": "different"}],
        "create_tenant": [{"name": "walked-in"}],
        "create_tenant_key": [{"grace_seconds": 0}],
        "put_config": [{}],
        "console_resolve": [{"verdict": "same"}],
        "console_sign_in": [],
        "console_sign_out": [],
    }
    return table.get(name)


@dataclass(frozen=True)
class Probe:
    route: str
    method: str
    url: str
    body: Any
    has_id: bool
    admin: bool
    console: bool

    @property
    def sent(self) -> str:
        return f"{self.url} {self.body!r}"


def _example(route: APIRoute) -> Any:
    """The route's body model example (or an empty object when no field is required)."""
    params = route.dependant.body_params
    if not params:
        return None
    model = params[0].field_info.annotation
    assert isinstance(model, type) and issubclass(model, BaseModel), route.name
    schema = model.model_json_schema()
    if "example" in schema:
        return schema["example"]
    assert not schema.get("required"), f"{route.name}: add a body for it to the table"
    return {}


def _is_admin(route: APIRoute) -> bool:
    return any(d.call is require_admin for d in route.dependant.dependencies)


def probes(app: FastAPI, a: seed.Seeded, tenant_a: str) -> Iterator[Probe]:
    """Every route and method, with every kind of tenant A's ids, external ids and targets."""
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        path = context.path or ""
        if path in NO_TENANT_DATA or path.startswith("/console/static"):
            continue
        assert path.startswith(("/v1/", "/console")), f"{path}: walk it or list it as no data"
        assert isinstance(route, APIRoute), path
        console = path.startswith("/console")
        params = [p.name for p in route.dependant.path_params]
        queries = [p.name for p in route.dependant.query_params]
        choices = [path_values(p, a, tenant_a) for p in params]
        wanted = bodies(route.name, a)
        if wanted is None:
            wanted = [_example(route)]
        if not wanted:
            continue
        for method, values in itertools.product(sorted(route.methods), itertools.product(*choices)):
            url = path.format(**dict(zip(params, values, strict=True)))
            query_sets = [[(q, v)] for q in queries for v in (query_values(q, a) or [])] or [[]]
            for query, body in itertools.product(query_sets, wanted):
                full = str(httpx.URL(url, params=query)) if query else url
                yield Probe(
                    route.name,
                    method,
                    full,
                    body,
                    has_id=any(p in ID_KINDS for p in params),
                    admin=_is_admin(route),
                    console=console,
                )


@asynccontextmanager
async def console_as(
    settings: Settings, engine: AsyncEngine, key: str
) -> AsyncIterator[httpx.AsyncClient]:
    """A browser signed in to the console with this key."""
    async with app_client(settings, engine) as browser:
        form = await browser.get("/console/signin")
        token = CSRF.search(form.text)
        assert token, form.text
        signed = await browser.post(
            "/console/signin",
            data={"csrf": token.group(1), "name": "reviewer b", "api_key": key},
        )
        assert signed.status_code == 303, signed.text
        yield browser


async def _csrf(browser: httpx.AsyncClient) -> str:
    page = await browser.get("/console/reviews")
    token = CSRF.search(page.text)
    assert token, page.text
    return token.group(1)


async def send(
    probe: Probe, api: httpx.AsyncClient, settings: Settings, engine: AsyncEngine, key: str
) -> httpx.Response:
    if not probe.console:
        return await api.request(probe.method, probe.url, json=probe.body)
    async with console_as(settings, engine, key) as browser:
        if probe.method == "GET":
            return await browser.get(probe.url)
        form = {"csrf": await _csrf(browser), **(probe.body or {})}
        return await browser.post(probe.url, data=form)


def leaked(response: httpx.Response, probe: Probe, a: seed.Seeded) -> list[str]:
    """Tenant A's ids and personal data in the answer that B did not send itself."""
    text = response.text
    return [s for s in (*a.ids, *seed.PRIVATE) if s in text and s not in probe.sent]


async def test_tenant_b_gets_404_and_no_data_on_every_route(
    auth_client: ClientFactory, auth_settings: Settings, engine: AsyncEngine
) -> None:
    key_a = await make_tenant(auth_client, "tenant-a")
    key_b = await make_tenant(auth_client, "tenant-b")
    async with transaction(engine) as conn:
        tenant_a = await tenants.tenant_for_key(conn, tenants.hash_key(key_a))
    assert tenant_a is not None
    async with auth_client(key_a) as a_client, auth_client(key_b) as b_client:
        a = await seed.seed(a_client)
        lead_ids = sorted({a.lead_id, a.similar_id, a.duplicate_id, a.merged_id})
        before = [(await a_client.get(f"/v1/leads/{i}")).json() for i in lead_ids]
        own = (await b_client.post("/v1/leads", json={"lead": {"name": "B's own"}})).json()

        walked: set[str] = set()
        problems: list[str] = []
        app = create_app(auth_settings, engine=engine)
        for probe in probes(app, a, tenant_a.id):
            walked.add(probe.route)
            response = await send(probe, b_client, auth_settings, engine, key_b)
            problems += judge(probe, response, a)

        # tenant B's own record merged into tenant A's: the target is not found either
        merge = await b_client.post(f"/v1/leads/{own['id']}/merge", json={"into": a.lead_id})
        assert merge.status_code == 404, merge.text
        assert (await b_client.get(f"/v1/leads/{own['id']}")).json()["merged_into"] is None

        assert not problems, "\n".join(problems)
        assert {"get_lead", "merge_lead", "resolve_review", "get_group", "console_lead"} <= walked
        after = [(await a_client.get(f"/v1/leads/{i}")).json() for i in lead_ids]
        assert after == before, "tenant B changed tenant A's records"
        open_reviews = (await a_client.get("/v1/reviews")).json()["reviews"]
        assert a.review_id in [r["id"] for r in open_reviews], "tenant B resolved A's review"
        assert (await a_client.get("/v1/config")).status_code == 200, "A's key still works"


def judge(probe: Probe, response: httpx.Response, a: seed.Seeded) -> list[str]:
    """What is wrong with B's answer: a 403, a status other than 404 (401 for admin routes)
    for A's ids, an error where B asked about its own data, or any of A's data."""
    status = response.status_code
    expected = 401 if probe.admin else 404 if probe.has_id else None
    problems = []
    if status == 403 or (expected is not None and status != expected):
        problems.append(f"{probe.method} {probe.url}: {status}, expected {expected}")
    elif expected is None and status >= 400:
        problems.append(f"{probe.method} {probe.url}: {status} {response.text[:200]}")
    if found := leaked(response, probe, a):
        problems.append(f"{probe.method} {probe.url} shows tenant A's {found}")
    if probe.route in ("check_lead", "check_batch") and status == 200:
        results = response.json().get("results", [response.json()])
        if any(m["id"] in a.ids for r in results for m in r["matches"]):
            problems.append(f"{probe.method} {probe.url} matched tenant A's records")
    return problems
