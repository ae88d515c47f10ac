"""Signing in to the console and reading its forms, as a browser would, over httpx."""

from __future__ import annotations

import re

import httpx

POSSIBLE_DUPLICATE = (
    {
        "name": "王伟",
        "company": "北京字节跳动科技有限公司",
        "phone": "13971824503",
        "source": "crm",
    },
    {"name": "王伟", "company": "字节跳动", "phone": "13511112222", "source": "web_form"},
)
"""Two leads the default rules call a possible duplicate (`name_and_company`)."""

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "the page has a form with a CSRF token"
    return found.group(1)


async def sign_in(client: httpx.AsyncClient, name: str = "Ana", api_key: str | None = None) -> str:
    """Sign in through the form; returns the session's CSRF token."""
    form = await client.get("/console/signin")
    assert form.status_code == 200, form.text
    data = {"csrf": csrf_of(form.text), "name": name, "next": "/console/reviews"}
    if api_key is not None:
        data["api_key"] = api_key
    done = await client.post("/console/signin", data=data)
    assert done.status_code == 303, done.text
    queue = await client.get("/console/reviews")
    assert queue.status_code == 200, queue.text
    return csrf_of(queue.text)


async def register_pair(client: httpx.AsyncClient) -> tuple[dict, dict]:
    """Register the pair over the API; returns (stored record, the later possible duplicate)."""
    stored, checked = [
        (await client.post("/v1/check", json={"lead": lead, "register": True})).json()
        for lead in POSSIBLE_DUPLICATE
    ]
    assert checked["decision"] == "possible_duplicate", checked
    return stored, checked
