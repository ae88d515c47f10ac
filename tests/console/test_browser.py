"""The review console in a real headless Chromium (Debian's), driven by Playwright.

A live leadgate (uvicorn in a thread, on 127.0.0.1 and a free port, auth on)
gets its data over the HTTP API; a person's browser settles it in the console;
the API then says what happened. Screenshots land in artifacts/ (gitignored).

Without /usr/bin/chromium (`make browser` installs it) these tests skip, except
under CI=true, where a missing browser is a failure.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy.ext.asyncio import AsyncEngine

from app.config import Settings
from app.main import create_app
from tests.conftest import ADMIN_KEY
from tests.console.helpers import POSSIBLE_DUPLICATE

CHROMIUM = Path(os.environ.get("LEADGATE_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
IN_CI = os.environ.get("CI") == "true"
ENGLISH_PAIR = (
    {
        "name": "Robert Smith",
        "company": "Acme Ltd",
        "phone": "+44 20 7946 0018",
        "email": "bob@acme.co.uk",
        "source": "import",
    },
    {
        "name": "Bob Smith",
        "company": "ACME Limited",
        "email": "r.smith@gmail.com",
        "source": "web_form",
    },
)
SIZES = {"laptop": (1366, 768), "phone": (390, 844)}

if not CHROMIUM.exists() and not IN_CI:
    pytest.skip(f"no Chromium at {CHROMIUM} (make browser installs it)", allow_module_level=True)

from playwright.async_api import Browser, Page, async_playwright, expect  # noqa: E402


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield launched
        await launched.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Live:
    url: str
    db: str

    def api(self, key: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url, headers={"authorization": f"Bearer {key}"})

    async def tenant(self, name: str) -> str:
        async with self.api(ADMIN_KEY) as admin:
            created = await admin.post("/v1/tenants", json={"name": name})
        assert created.status_code == 201, created.text
        return str(created.json()["api_key"])


@pytest.fixture
def live(db_url: str, engine: AsyncEngine) -> Iterator[Live]:
    """leadgate serving on 127.0.0.1 with its own engine; `engine` clears the tables after."""
    settings = Settings(database_url=db_url, auth="on", admin_key=ADMIN_KEY, secret_key="b" * 40)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield Live(f"http://127.0.0.1:{port}", "postgresql" if "postgresql" in db_url else "sqlite")
    finally:
        server.should_exit = True
        thread.join(timeout=20)


async def _register(api: httpx.AsyncClient, pair: tuple[dict, dict]) -> tuple[dict, dict]:
    stored, checked = [
        (await api.post("/v1/check", json={"lead": lead, "register": True})).json() for lead in pair
    ]
    assert checked["decision"] == "possible_duplicate", checked
    return stored, checked


async def _open_page(
    browser: Browser, live: Live, key: str, name: str, *, size: str = "laptop", lang: str = "en-US"
) -> Page:
    width, height = SIZES[size]
    context = await browser.new_context(
        viewport={"width": width, "height": height},
        locale=lang,
        extra_http_headers={"Accept-Language": lang},
    )
    page = await context.new_page()
    await page.goto(f"{live.url}/console")
    await expect(page).to_have_url(re.compile(r"/console/signin\?next="))
    await page.fill("input[name=name]", name)
    await page.fill("input[name=api_key]", key)
    await page.click("button.primary")
    await expect(page).to_have_url(re.compile(r"/console/reviews$"))
    return page


async def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


async def _group_ids(api: httpx.AsyncClient, *leads: dict) -> set[str]:
    return {(await api.get(f"/v1/leads/{lead['id']}")).json()["group_id"] for lead in leads}


async def _open_pairs(api: httpx.AsyncClient) -> list[tuple[str, str]]:
    listed = (await api.get("/v1/reviews")).json()["reviews"]
    return [(r["lead_id"], r["candidate_id"]) for r in listed]


async def _json(api: httpx.AsyncClient, path: str, **params: str) -> dict:
    response = await api.get(path, params=params)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_a_reviewer_settles_the_queue_with_the_keyboard(browser: Browser, live: Live) -> None:
    key_a, key_b = await live.tenant("tenant-a"), await live.tenant("tenant-b")
    async with live.api(key_a) as api:
        stored, checked = await _register(api, POSSIBLE_DUPLICATE)
        english_stored, english_checked = await _register(api, ENGLISH_PAIR)
        page = await _open_page(browser, live, key_a, "Ana")

        cards = page.locator("[data-review]")
        await expect(cards).to_have_count(2)
        first, second = cards.nth(0), cards.nth(1)
        await expect(first).to_contain_text("北京字节跳动科技有限公司")
        await expect(first.locator("tr.differs[data-field=company]")).to_have_count(1)
        await expect(first.locator("tr[data-field=name] .level")).to_contain_text("exact")
        await expect(second).to_contain_text("Robert Smith")
        await _shot(page, f"console-queue-{live.db}")

        await expect(first).to_have_class(re.compile("focused"))
        await page.keyboard.press("j")
        await expect(second).to_have_class(re.compile("focused"))
        await page.keyboard.press("k")
        await expect(first).to_have_class(re.compile("focused"))

        await page.keyboard.press("s")  # same: the first pair is merged
        await expect(page.locator("[data-done=same]")).to_be_visible()
        merged = await _json(api, f"/v1/leads/{checked['id']}")
        assert merged["merged_into"] == stored["id"]
        assert await _group_ids(api, stored, checked) == {stored["group_id"]}, "one group"
        group = await _json(api, f"/v1/groups/{stored['group_id']}")
        assert {m["id"] for m in group["members"]} == {stored["id"], checked["id"]}

        await page.click("[data-done=same] [data-action=undo]")
        await expect(page.locator(".note")).to_contain_text("Merge undone")
        assert (await _json(api, f"/v1/leads/{checked['id']}"))["merged_into"] is None
        assert await _group_ids(api, stored, checked) == {stored["group_id"], checked["group_id"]}

        await expect(cards).to_have_count(1)
        await page.keyboard.press("d")  # different: the English pair never comes back
        await expect(page.locator("[data-done=different]")).to_be_visible()
        await page.reload()
        await expect(page.locator("[data-review]")).to_have_count(0)
        await expect(page.locator("p.empty")).to_contain_text("Nothing to review")
        assert await _open_pairs(api) == []
        [closed] = (await _json(api, "/v1/reviews", status="different"))["reviews"]
        assert (closed["lead_id"], closed["reviewer"]) == (english_checked["id"], "Ana")
        again = await api.post("/v1/check", json={"lead": ENGLISH_PAIR[1], "register": True})
        assert (english_checked["id"], english_stored["id"]) not in await _open_pairs(api)
        await page.reload()
        assert english_checked["id"] not in await page.content()
        assert again.status_code == 200, again.text

    other = await _open_page(browser, live, key_b, "Bo")
    await expect(other.locator("[data-review]")).to_have_count(0)
    await expect(other.locator(".who .tenant")).to_have_text("tenant-b")
    await other.goto(f"{live.url}/console/leads/{stored['id']}")
    await expect(other.locator("h1")).to_contain_text("Something went wrong")
    await other.goto(f"{live.url}/console/groups/{stored['group_id']}")
    await expect(other.locator("body")).to_contain_text("No such record")


async def test_undo_from_a_records_history_and_the_group_view(browser: Browser, live: Live) -> None:
    key = await live.tenant("tenant-a")
    async with live.api(key) as api:
        stored, checked = await _register(api, POSSIBLE_DUPLICATE)
        page = await _open_page(browser, live, key, "Ana")
        await page.click("[data-review] button.same")
        await expect(page.locator("[data-done=same]")).to_be_visible()

        await page.goto(f"{live.url}/console/leads/{stored['id']}")
        await expect(page.locator(".history li").first).to_have_attribute("data-action", "merged")
        await expect(page.locator(".reviews")).to_contain_text("by Ana")
        await page.click(f"[data-group='{stored['group_id']}']")
        await expect(page.locator("[data-member]")).to_have_count(2)
        await expect(page.locator(".touchpoints li")).not_to_have_count(0)

        await page.goto(f"{live.url}/console/leads/{stored['id']}")
        await page.click(".history [data-action=undo]")
        await expect(page.locator(".note")).to_contain_text("Merge undone")
        await expect(page.locator(".history li").first).to_have_attribute("data-action", "unmerged")
        await expect(page.locator(".history [data-action=undo]")).to_have_count(0)
        assert (await _json(api, f"/v1/leads/{checked['id']}"))["merged_into"] is None


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize(
    ("lang", "queue_title", "report_title"),
    [
        ("en-US", "Possible duplicates", "Data quality"),
        ("zh-CN", "疑似重复", "数据质量"),
    ],
)
async def test_queue_and_report_fit_the_screen_in_both_languages(
    browser: Browser, live: Live, size: str, lang: str, queue_title: str, report_title: str
) -> None:
    key = await live.tenant("tenant-a")
    async with live.api(key) as api:
        await _register(api, POSSIBLE_DUPLICATE)
        await _register(api, ENGLISH_PAIR)
        await api.post(
            "/v1/check", json={"lead": {"name": "测试", "phone": "123"}, "register": True}
        )
    page = await _open_page(browser, live, key, "王芳", size=size, lang=lang)
    short = lang.split("-", maxsplit=1)[0]

    await expect(page.locator("h1")).to_contain_text(queue_title)
    await _fits(page)
    same = page.locator("[data-review] button.same").first
    box = await same.bounding_box()
    assert box is not None and box["x"] + box["width"] <= SIZES[size][0], "buttons on screen"
    await _shot(page, f"console-queue-{size}-{short}-{live.db}")

    await page.click("header nav a[href='/console/report']")
    await expect(page.locator("h1")).to_contain_text(report_title)
    await expect(page.locator("figure[data-chart] > svg")).to_have_count(3)
    await expect(page.locator("figure.tile svg")).to_have_count(2)
    await _fits(page)
    await _shot(page, f"console-report-{size}-{short}-{live.db}")


async def _fits(page: Page) -> None:
    """Nothing wider than the screen: no sideways scrolling."""
    overflow = await page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page is {overflow}px wider than the screen"
