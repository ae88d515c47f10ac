"""Merges on real databases: key moves, purge and chains, refusal without half-writes."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.domain.types import NormalizedLead, normalized_to_dict
from app.store import audit, index, leads, merges, tables
from app.store.engine import transaction
from app.store.errors import Conflict

T = tables.DEFAULT_TENANT_ID


async def store(engine: AsyncEngine, lead_id: str, keys: list[str], email: str) -> None:
    normalized = normalized_to_dict(NormalizedLead(email=(email,)))
    async with transaction(engine) as conn:
        await leads.insert_lead(
            conn,
            lead_id=lead_id,
            tenant_id=T,
            group_id=lead_id,
            raw={"email": email},
            normalized=normalized,
            valid=True,
        )
        await index.write_keys(conn, T, lead_id, keys)


async def keys_of(engine: AsyncEngine) -> dict[str, list[str]]:
    async with transaction(engine) as conn:
        rows = await conn.execute(
            select(tables.lead_key.c.lead_id, tables.lead_key.c.key).order_by(
                tables.lead_key.c.lead_id, tables.lead_key.c.key
            )
        )
        found: dict[str, list[str]] = {}
        for r in rows:
            found.setdefault(r.lead_id, []).append(r.key)
        return found


async def test_keys_move_to_the_survivor_and_back(engine: AsyncEngine) -> None:
    await store(engine, "a", ["email:a", "shared:1"], "a@x.example")
    await store(engine, "b", ["email:b", "shared:1"], "b@x.example")
    async with transaction(engine) as conn:
        done = await merges.merge(conn, T, "b", "a")
    assert done.into.normalized["email"] == ["b@x.example", "a@x.example"]
    assert await keys_of(engine) == {"a": ["email:a", "email:b", "shared:1"]}
    async with transaction(engine) as conn:
        await merges.unmerge(conn, T, "b")
    assert await keys_of(engine) == {
        "a": ["email:a", "shared:1"],
        "b": ["email:b", "shared:1"],
    }


async def test_each_trail_holds_only_its_own_record(engine: AsyncEngine) -> None:
    await store(engine, "a", ["email:a"], "a@x.example")
    await store(engine, "b", ["email:b"], "b@x.example")
    async with transaction(engine) as conn:
        await merges.merge(conn, T, "b", "a")
        trail_b = await audit.history(conn, T, "b")
    assert "a@x.example" not in str(trail_b)


async def test_a_chain_unwinds_only_from_the_last_merge(engine: AsyncEngine) -> None:
    for name in ("a", "b", "c"):
        await store(engine, name, [f"email:{name}"], f"{name}@x.example")
    async with transaction(engine) as conn:
        await merges.merge(conn, T, "c", "b")
        await merges.merge(conn, T, "b", "a")
    with pytest.raises(Conflict, match="changed after the merge"):
        async with transaction(engine) as conn:
            await merges.unmerge(conn, T, "c")
    async with transaction(engine) as conn:
        await merges.unmerge(conn, T, "b")
        await merges.unmerge(conn, T, "c")
        restored = [await leads.get_lead(conn, T, x) for x in ("a", "b", "c")]
    assert [r.merged_into for r in restored] == [None, None, None]
    assert [r.normalized["email"] for r in restored] == [
        ["a@x.example"],
        ["b@x.example"],
        ["c@x.example"],
    ]


async def test_purged_survivor_cannot_be_unmerged(engine: AsyncEngine) -> None:
    await store(engine, "a", ["email:a"], "a@x.example")
    await store(engine, "b", ["email:b"], "b@x.example")
    async with transaction(engine) as conn:
        await merges.merge(conn, T, "b", "a")
        await leads.soft_delete(conn, T, "a", purge=True)
        await audit.erase_personal_data(conn, T, "a")
    with pytest.raises(Conflict):
        async with transaction(engine) as conn:
            await merges.unmerge(conn, T, "b")
    async with transaction(engine) as conn:
        assert (await leads.get_lead(conn, T, "b")).merged_into == "a"
