"""The review console over HTTP (no browser): sign-in, sessions, CSRF, decisions, tenancy.

Every test drives the real app through httpx like a browser without script:
GET a page, read its form, POST it back. Decisions are checked through the
API, since the console must run the same code.
"""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from app.config import Settings
from app.console import session
from app.store import tables
from app.store.engine import create_engine
from tests.api.test_health import UNREACHABLE
from tests.api.test_tenancy import make_tenant
from tests.conftest import ADMIN_KEY, ClientFactory, app_client
from tests.console.helpers import csrf_of, register_pair, sign_in

SECRET = "s" * 40
Console = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def console(db_url: str, engine: AsyncEngine) -> Console:
    """Clients of the app with a known secret key; auth on or off, a bearer key, a base URL."""

    def make(
        *, auth: str = "off", key: str | None = None, base_url: str = "http://leadgate.test"
    ) -> AbstractAsyncContextManager[httpx.AsyncClient]:
        settings = Settings(database_url=db_url, auth=auth, admin_key=ADMIN_KEY, secret_key=SECRET)
        headers = {"authorization": f"Bearer {key}"} if key else {}
        return _client(settings, engine, base_url, headers)

    return make


@asynccontextmanager
async def _client(
    settings: Settings, engine: AsyncEngine, base_url: str, headers: dict[str, str]
) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(settings, engine, **headers) as client:
        client.base_url = httpx.URL(base_url)
        yield client


async def _open_review_ids(client: httpx.AsyncClient) -> list[str]:
    return [r["id"] for r in (await client.get("/v1/reviews")).json()["reviews"]]


def _cards(html: str) -> list[str]:
    return re.findall(r'data-review="([^"]+)"', html)


async def test_every_page_asks_to_sign_in_first(console: Console) -> None:
    async with console() as client:
        for method, path in [
            ("GET", "/console/reviews?source=crm"),
            ("GET", "/console/report"),
            ("GET", "/console/leads/some-id"),
            ("GET", "/console/groups/some-id"),
            ("GET", "/console/find?q=x"),
            ("POST", "/console/reviews/some-id"),
            ("POST", "/console/leads/some-id/unmerge"),
        ]:
            response = await client.request(method, path)
            assert response.status_code == 303, (method, path)
            location = response.headers["location"]
            assert location.startswith("/console/signin?next=%2Fconsole%2F"), location
            assert "expired" not in location
        assert (await client.get("/console")).headers["location"] == "/console/reviews"


@pytest.mark.parametrize(
    ("base_url", "secure"), [("http://leadgate.test", False), ("https://leadgate.test", True)]
)
async def test_the_session_cookie_is_http_only_same_site_and_secure_over_https(
    console: Console, base_url: str, secure: bool
) -> None:
    async with console(base_url=base_url) as client:
        form = await client.get("/console/signin")
        done = await client.post(
            "/console/signin", data={"csrf": csrf_of(form.text), "name": "Ana"}
        )
        cookie = done.headers["set-cookie"]
    assert cookie.startswith(f"{session.COOKIE}=")
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "path", "max-age", "samesite"} <= attributes
    assert "samesite=lax" in cookie.lower() and "path=/console" in cookie.lower()
    assert ("secure" in attributes) is secure
    assert "api_key" not in cookie


async def test_pages_carry_security_headers(console: Console) -> None:
    async with console() as client:
        await sign_in(client)
        page = await client.get("/console/reviews")
    assert page.headers["content-type"].startswith("text/html")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-store"


async def test_same_merges_with_the_reviewers_name_and_undo_restores(console: Console) -> None:
    async with console() as client:
        stored, checked = await register_pair(client)
        csrf = await sign_in(client, "Ana Li")
        [review_id] = _cards((await client.get("/console/reviews")).text)

        decided = await client.post(
            f"/console/reviews/{review_id}",
            data={"csrf": csrf, "verdict": "same", "back": "/console/reviews?rule=x"},
        )
        assert decided.status_code == 303
        assert decided.headers["location"].startswith(f"/console/reviews?rule=x&done={review_id}")

        merged = (await client.get(f"/v1/leads/{checked['id']}")).json()
        assert merged["merged_into"] == stored["id"]
        assert merged["group_id"] == stored["group_id"], "the API shows one group"
        [resolved] = (await client.get("/v1/reviews", params={"status": "same"})).json()["reviews"]
        assert (resolved["id"], resolved["reviewer"]) == (review_id, "Ana Li")

        note = await client.get(f"/console/reviews?done={review_id}")
        assert 'data-done="same"' in note.text and 'data-action="undo"' in note.text
        assert _cards(note.text) == []

        undone = await client.post(
            f"/console/leads/{checked['id']}/unmerge",
            data={"csrf": csrf, "back": f"/console/reviews?done={review_id}"},
        )
        assert undone.status_code == 303
        assert undone.headers["location"] == f"/console/reviews?undone={checked['id']}"
        restored = (await client.get(f"/v1/leads/{checked['id']}")).json()
        assert restored["merged_into"] is None and restored["group_id"] == checked["group_id"]
        again = await client.get(f"/console/reviews?done={review_id}")
        assert 'data-done="same"' in again.text and 'data-action="undo"' not in again.text


async def test_different_closes_the_pair_for_good(console: Console) -> None:
    async with console() as client:
        _stored, checked = await register_pair(client)
        csrf = await sign_in(client, "Bo")
        [review_id] = await _open_review_ids(client)
        page = await client.get("/console/reviews?undone=x&rule=name_and_company&done=y")
        assert _cards(page.text) == [review_id]
        assert 'name="back" value="/console/reviews?rule=name_and_company"' in page.text
        decided = await client.post(
            f"/console/reviews/{review_id}", data={"csrf": csrf, "verdict": "different"}
        )
        assert decided.status_code == 303
        assert _cards((await client.get("/console/reviews")).text) == []
        assert await _open_review_ids(client) == []
        [closed] = (await client.get("/v1/reviews", params={"status": "different"})).json()[
            "reviews"
        ]
        assert (closed["reviewer"], closed["lead_id"]) == ("Bo", checked["id"])
        assert (await client.get(f"/v1/leads/{checked['id']}")).json()["merged_into"] is None

        twice = await client.post(
            f"/console/reviews/{review_id}", data={"csrf": csrf, "verdict": "same"}
        )
        assert twice.status_code == 409 and "already resolved" in twice.text
        assert (await client.get(f"/v1/leads/{checked['id']}")).json()["merged_into"] is None


async def test_forms_without_the_sessions_csrf_token_are_refused(console: Console) -> None:
    async with console() as client, console() as other:
        _stored, checked = await register_pair(client)
        csrf = await sign_in(client)
        foreign = await sign_in(other, "Mallory")
        [review_id] = await _open_review_ids(client)
        forms = [
            (f"/console/reviews/{review_id}", {"verdict": "same"}),
            (f"/console/leads/{checked['id']}/unmerge", {}),
            ("/console/signout", {}),
            ("/console/signin", {"name": "Eve"}),
        ]
        for path, data in forms:
            for token in (None, "", "not-the-token", foreign, csrf + "x"):
                sent = data if token is None else {**data, "csrf": token}
                response = await client.post(path, data=sent)
                assert response.status_code == 403, (path, token)
                assert response.headers["content-type"].startswith("text/html")
            as_json = await client.post(path, json={**data, "csrf": csrf})
            assert as_json.status_code == 403, "only a form post carries the token"

        assert await _open_review_ids(client) == [review_id], "nothing was decided"
        page = await client.get("/console/reviews")
        assert page.status_code == 200 and ">Ana<" in page.text, "still signed in as Ana"


def _forged(secret: str, age_seconds: float = 0.0) -> tuple[str, str]:
    """A signed-in session cookie issued `age_seconds` ago under `secret`, and its CSRF token."""
    made = session.signed_in(time.time() - age_seconds, "default", "Ana")
    return session.encode(made, secret.encode()), made.csrf


EXPIRED = session.LIFETIME.total_seconds() + 5


@pytest.mark.parametrize(
    "cookie",
    [
        pytest.param(lambda: _forged(SECRET, EXPIRED), id="expired"),
        pytest.param(lambda: _forged("another-secret-" * 3), id="signed-with-another-key"),
        pytest.param(lambda: ("x" + _forged(SECRET)[0], _forged(SECRET)[1]), id="tampered"),
        pytest.param(lambda: ("not a session", "x"), id="garbage"),
    ],
)
async def test_an_expired_or_forged_session_is_signed_out(
    console: Console, cookie: Callable[[], tuple[str, str]]
) -> None:
    async with console() as client:
        await register_pair(client)
        [review_id] = await _open_review_ids(client)
        value, csrf = cookie()
        client.cookies.set(session.COOKIE, value, path="/console")
        page = await client.get("/console/reviews")
        assert page.status_code == 303
        assert page.headers["location"] == "/console/signin?next=%2Fconsole%2Freviews&expired=1"
        decided = await client.post(
            f"/console/reviews/{review_id}", data={"csrf": csrf, "verdict": "same"}
        )
        assert decided.status_code == 303 and "/console/signin" in decided.headers["location"]
        assert await _open_review_ids(client) == [review_id], "nothing was decided"
        assert "session ended" in (await client.get(page.headers["location"])).text


async def test_a_fresh_session_within_its_lifetime_is_accepted(console: Console) -> None:
    async with console() as client:
        client.cookies.set(session.COOKIE, _forged(SECRET, 60)[0], path="/console")
        assert (await client.get("/console/reviews")).status_code == 200


async def test_sign_in_returns_only_to_console_pages(console: Console) -> None:
    cases = [
        ("/console/report", "/console/report"),
        ("https://evil.example/console", "/console/reviews"),
        ("//evil.example/console", "/console/reviews"),
        ("/v1/leads", "/console/reviews"),
        ("/console\\@evil.example", "/console/reviews"),
        ("", "/console/reviews"),
    ]
    for target, expected in cases:
        async with console() as client:
            form = await client.get("/console/signin")
            done = await client.post(
                "/console/signin",
                data={"csrf": csrf_of(form.text), "name": "Ana", "next": target},
            )
            assert done.headers["location"] == expected, target


@pytest.mark.parametrize("name", ["", "   ", "x" * 201, "Ana\x07"])
async def test_a_reviewer_must_give_a_name(console: Console, name: str) -> None:
    async with console() as client:
        form = await client.get("/console/signin")
        done = await client.post("/console/signin", data={"csrf": csrf_of(form.text), "name": name})
        assert done.status_code == 401 and "Give your name" in done.text
        assert (await client.get("/console/reviews")).status_code == 303


async def test_with_auth_on_each_tenant_sees_only_its_own(
    console: Console, auth_client: ClientFactory
) -> None:
    key_a = await make_tenant(auth_client, "tenant-a")
    key_b = await make_tenant(auth_client, "tenant-b")
    async with console(auth="on", key=key_a) as a, console(auth="on", key=key_b) as b:
        stored, checked = await register_pair(a)
        [review_id] = await _open_review_ids(a)

        form = await b.get("/console/signin")
        assert 'name="api_key"' in form.text
        refused = await b.post(
            "/console/signin",
            data={"csrf": csrf_of(form.text), "name": "Bo", "api_key": "lg_wrong"},
        )
        assert refused.status_code == 401 and "names no tenant" in refused.text
        admin = await b.post(
            "/console/signin",
            data={"csrf": csrf_of(form.text), "name": "Bo", "api_key": ADMIN_KEY},
        )
        assert admin.status_code == 401, "the admin key is no tenant's key"

        await sign_in(a, "Ana", key_a)
        csrf_b = await sign_in(b, "Bo", key_b)
        assert _cards((await a.get("/console/reviews")).text) == [review_id]
        queue_b = await b.get("/console/reviews")
        assert _cards(queue_b.text) == [] and "tenant-b" in queue_b.text

        for path in (
            f"/console/leads/{checked['id']}",
            f"/console/groups/{stored['group_id']}",
        ):
            assert (await b.get(path)).status_code == 404, path
        found = await b.get("/console/find", params={"q": stored["id"]})
        assert f"/console/leads/{stored['id']}" not in found.text and "No record" in found.text
        for path, data in [
            (f"/console/reviews/{review_id}", {"verdict": "same"}),
            (f"/console/leads/{checked['id']}/unmerge", {}),
        ]:
            response = await b.post(path, data={**data, "csrf": csrf_b})
            assert response.status_code == 404, path
        noted = await b.get(f"/console/reviews?done={review_id}")
        assert "data-done" not in noted.text, "no word about another tenant's review"
        assert await _open_review_ids(a) == [review_id]


async def test_the_key_is_checked_on_every_request(
    console: Console, auth_client: ClientFactory, engine: AsyncEngine
) -> None:
    key = await make_tenant(auth_client, "tenant-a")
    async with console(auth="on", key=key) as client:
        await sign_in(client, "Ana", key)
        assert (await client.get("/console/reviews")).status_code == 200
        async with engine.begin() as conn:
            await conn.execute(delete(tables.api_key))
        page = await client.get("/console/reviews")
        assert page.status_code == 303 and page.headers["location"].endswith("&expired=1")


@pytest.mark.parametrize(
    ("accept_language", "heading"),
    [
        ("zh-CN,zh;q=0.9,en;q=0.8", "疑似重复"),
        ("en-US,en;q=0.9", "Possible duplicates"),
        ("fr-FR, zh-TW;q=0.5, en;q=0.4", "疑似重复"),
        ("fr-FR", "Possible duplicates"),
        ("zh;q=0, en", "Possible duplicates"),
        (None, "Possible duplicates"),
    ],
)
async def test_the_language_follows_accept_language(
    console: Console, accept_language: str | None, heading: str
) -> None:
    async with console() as client:
        await sign_in(client)
        headers = {"accept-language": accept_language} if accept_language else {}
        page = await client.get("/console/reviews", headers=headers)
    assert f"{heading} <span" in page.text


async def test_errors_are_pages_not_json(console: Console) -> None:
    async with console() as client:
        csrf = await sign_in(client)
        missing = await client.get("/console/leads/no-such-lead")
        assert missing.status_code == 404 and missing.headers["content-type"].startswith(
            "text/html"
        )
        _stored, checked = await register_pair(client)
        [review_id] = await _open_review_ids(client)
        bad = await client.post(
            f"/console/reviews/{review_id}", data={"csrf": csrf, "verdict": "maybe"}
        )
        assert bad.status_code == 400 and bad.headers["content-type"].startswith("text/html")
        not_merged = await client.post(
            f"/console/leads/{checked['id']}/unmerge", data={"csrf": csrf}
        )
        assert not_merged.status_code == 409 and "not merged" in not_merged.text
        assert (await client.get("/console/reviews?page=-1&age=bogus")).status_code == 200


async def test_record_and_group_pages_show_history_members_and_touchpoints(
    console: Console,
) -> None:
    async with console() as client:
        stored, checked = await register_pair(client)
        csrf = await sign_in(client)
        [review_id] = await _open_review_ids(client)
        await client.post(f"/console/reviews/{review_id}", data={"csrf": csrf, "verdict": "same"})

        record = await client.get(f"/console/leads/{stored['id']}")
        assert record.status_code == 200
        actions = re.findall(r'<li data-action="(\w+)"', record.text)
        assert actions == ["merged", "created"], "newest first"
        assert f'action="/console/leads/{checked["id"]}/unmerge"' in record.text
        assert 'data-review-status="same"' in record.text and "by Ana" in record.text

        group = await client.get(f"/console/groups/{stored['group_id']}")
        members = re.findall(r'data-member="([^"]+)"', group.text)
        assert members == [stored["id"], checked["id"]]
        api_group = (await client.get(f"/v1/groups/{stored['group_id']}")).json()
        sources = re.findall(r'<span class="source">([^<]+)</span>', group.text)
        assert sources == [t["source"] for t in api_group["touchpoints"]] and "crm" in sources

        undo = await client.post(
            f"/console/leads/{checked['id']}/unmerge",
            data={"csrf": csrf, "back": f"/console/leads/{stored['id']}"},
        )
        assert undo.headers["location"] == f"/console/leads/{stored['id']}?undone={checked['id']}"
        after = await client.get(undo.headers["location"])
        assert re.findall(r'<li data-action="(\w+)"', after.text) == [
            "unmerged",
            "merged",
            "created",
        ]
        assert "/unmerge" not in after.text, "an undone merge offers no undo"

        found = await client.get("/console/find", params={"q": checked["id"]})
        assert found.headers["location"] == f"/console/leads/{checked['id']}"


async def test_the_report_page_draws_the_figures_of_the_api(console: Console) -> None:
    async with console() as client:
        await register_pair(client)
        await client.post(
            "/v1/check", json={"lead": {"name": "测试", "phone": "123"}, "register": True}
        )
        await sign_in(client)
        page = await client.get("/console/report")
        figures = (await client.get("/v1/report")).json()
    assert page.status_code == 200
    rates = re.findall(r'data-rate="([^"]*)"', page.text)
    assert [float(r) for r in rates] == [figures["valid_rate"], figures["duplicate_rate"]]
    for issue in figures["issues"]:
        assert f'data-label="{issue["code"]}" data-value="{issue["records"]}"' in page.text
    for field, rate in figures["completeness"].items():
        assert f'data-value="{rate * 100:.0f}%"' in page.text, field
    totals = {int(n) for n in re.findall(r'data-total="(\d+)"', page.text)}
    assert sum(d["records"] for d in figures["by_source_per_day"]) in totals
    assert "<svg" in page.text and "<script" not in page.text.split("</head>")[1]


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
async def test_an_unreachable_database_is_a_503_page(kind: str) -> None:
    url = UNREACHABLE[kind]
    engine = create_engine(url, timeout=2)
    settings = Settings(database_url=url, secret_key=SECRET)
    async with app_client(settings, engine) as client:
        csrf_form = await client.get("/console/signin")
        await client.post("/console/signin", data={"csrf": csrf_of(csrf_form.text), "name": "A"})
        for method, path in [
            ("GET", "/console/reviews"),
            ("GET", "/console/report"),
            ("GET", "/console/leads/x"),
            ("POST", "/console/reviews/x"),
        ]:
            response = await client.request(method, path, data={"csrf": "x"})
            expected = 403 if method == "POST" else 503
            assert response.status_code == expected, (method, path)
            assert response.headers["content-type"].startswith("text/html")
        page = await client.get("/console/reviews")
        assert page.headers["retry-after"] and "database is unreachable" in page.text
    await engine.dispose()


async def test_without_a_secret_key_sessions_stay_with_their_process(
    db_url: str, engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(database_url=db_url)
    async with app_client(settings, engine) as first, app_client(settings, engine) as second:
        await sign_in(first)
        assert "LEADGATE_SECRET_KEY is not set" in caplog.text
        assert (await first.get("/console/reviews")).status_code == 200
        second.cookies = first.cookies
        moved = await second.get("/console/reviews")
        assert moved.status_code == 303, "another replica (or a restart) cannot read it"
