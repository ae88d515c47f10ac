"""The console's queue: open reviews most likely first, filtered by source, rule and age."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from app.store import review_queue, reviews, tables
from app.store.engine import transaction
from app.store.review_queue import QueueFilter

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
TENANT = tables.DEFAULT_TENANT_ID
# name: (source of the checked record, rule, score, age in days)
REVIEWS = {
    "a": ("web_form", "only_phone", 0.70, 0.1),
    "b": ("web_form", "name_and_company", 0.95, 3),
    "c": ("import", "name_and_company", 0.80, 10),
    "d": (None, "model_likely", 0.95, 40),
}


async def _lead(client: httpx.AsyncClient, source: str | None) -> str:
    response = await client.post("/v1/leads", json={"lead": {"name": "x", "source": source}})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


@pytest.fixture
async def queue(client: httpx.AsyncClient, engine: AsyncEngine) -> dict[str, str]:
    """The reviews above, each between its own checked record and one shared candidate."""
    candidate = await _lead(client, "crm")
    ids = {}
    for name, (source, rule, score, age) in REVIEWS.items():
        checked = await _lead(client, source)
        async with transaction(engine) as conn:
            review_id = await reviews.open_review(
                conn, TENANT, checked, candidate, rule=rule, score=score, explain={}
            )
            await conn.execute(
                update(tables.review)
                .where(tables.review.c.id == review_id)
                .values(created_at=NOW - timedelta(days=age))
            )
        ids[review_id] = name
    return ids


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        (QueueFilter(), "dbca"),
        (QueueFilter(source="web_form"), "ba"),
        (QueueFilter(source="import"), "c"),
        (QueueFilter(source="nowhere"), ""),
        (QueueFilter(rule="name_and_company"), "bc"),
        (QueueFilter(newer_than=timedelta(days=1)), "a"),
        (QueueFilter(newer_than=timedelta(days=7)), "ba"),
        (QueueFilter(older_than=timedelta(days=7)), "dc"),
        (QueueFilter(older_than=timedelta(days=30)), "d"),
        (QueueFilter(source="web_form", rule="only_phone"), "a"),
    ],
)
async def test_most_likely_first_and_filtered(
    queue: dict[str, str], engine: AsyncEngine, wanted: QueueFilter, expected: str
) -> None:
    async with transaction(engine) as conn:
        page = await review_queue.open_queue(conn, TENANT, wanted, NOW, limit=10)
    assert "".join(queue[item.review_id] for item in page.items) == expected
    assert page.total == len(expected)


async def test_pages_facets_and_what_leaves_the_queue(
    queue: dict[str, str], engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    by_name = {name: review_id for review_id, name in queue.items()}
    async with transaction(engine) as conn:
        first = await review_queue.open_queue(conn, TENANT, QueueFilter(), NOW, limit=3)
        rest = await review_queue.open_queue(conn, TENANT, QueueFilter(), NOW, limit=3, offset=3)
        found = await review_queue.facets(conn, TENANT)
        other = await review_queue.open_queue(conn, "another-tenant", QueueFilter(), NOW, limit=9)
    assert [queue[i.review_id] for i in first.items + rest.items] == list("dbca")
    assert first.total == rest.total == 4
    assert found.rules == ["model_likely", "name_and_company", "only_phone"]
    assert found.sources == ["import", "web_form"]
    assert other.items == [] and other.total == 0

    resolved = await client.post(f"/v1/reviews/{by_name['d']}", json={"verdict": "different"})
    assert resolved.status_code == 200
    async with transaction(engine) as conn:
        checked_c = (await reviews.get_review(conn, TENANT, by_name["c"])).lead_id
    assert (await client.delete(f"/v1/leads/{checked_c}")).status_code == 204
    async with transaction(engine) as conn:
        left = await review_queue.open_queue(conn, TENANT, QueueFilter(), NOW, limit=10)
        involved = await review_queue.reviews_of(
            conn, TENANT, (await reviews.get_review(conn, TENANT, by_name["a"])).candidate_id
        )
    assert [queue[i.review_id] for i in left.items] == ["b", "a"], "resolved and deleted leave"
    assert sorted(queue[i] for i in involved) == ["a", "b", "c", "d"]
