"""The blocking-key index on real databases: one query for many keys, tenant and liveness scope."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from app.domain.types import NormalizedLead, normalized_to_dict
from app.store import index, leads, tables, tenants
from app.store.engine import transaction
from app.store.errors import NotFound
from app.store.ids import time_ordered_id
from tests.store.statements import recorded

T = tables.DEFAULT_TENANT_ID


async def store(engine: AsyncEngine, lead_id: str, keys: list[str], tenant: str = T) -> None:
    normalized = normalized_to_dict(NormalizedLead(external_id=lead_id))
    async with transaction(engine) as conn:
        await leads.insert_lead(
            conn,
            lead_id=lead_id,
            tenant_id=tenant,
            group_id=lead_id,
            raw={},
            normalized=normalized,
            valid=True,
        )
        await index.write_keys(conn, tenant, lead_id, keys)


async def candidates(
    engine: AsyncEngine, keys: list[str], tenant: str = T, limit: int = 50, cap: int = 200
) -> list[tuple[str, int]]:
    async with transaction(engine) as conn:
        found = await index.find_candidates(conn, tenant, keys, limit=limit, hot_key_cap=cap)
    return [(c.id, c.shared_keys) for c in found.candidates]


async def test_many_keys_take_one_statement_ranked_by_shared_keys(engine: AsyncEngine) -> None:
    await store(engine, "a", ["phone:1", "email:x"])
    await store(engine, "b", ["phone:1", "email:y", "co:z"])
    await store(engine, "c", ["phone:2"])
    async with transaction(engine) as conn, recorded(conn) as statements:
        search = await index.find_candidates(
            conn, T, ["phone:1", "email:y", "co:z", "nothing:here"]
        )
    assert [(c.id, c.shared_keys) for c in search.candidates] == [("b", 3), ("a", 1)]
    assert len([s for s in statements if "lead_key" in s]) == 1, "cap and fetch in one statement"


async def test_a_key_over_the_cap_is_skipped_and_reported(engine: AsyncEngine) -> None:
    for i in range(4):
        await store(engine, f"s{i}", ["phone:switchboard"] + (["email:own"] if i == 2 else []))
    async with transaction(engine) as conn:
        search = await index.find_candidates(
            conn, T, ["phone:switchboard", "email:own"], hot_key_cap=3
        )
    assert [c.id for c in search.candidates] == ["s2"]
    assert search.skipped == ("phone:switchboard",)
    assert sorted(await candidates(engine, ["phone:switchboard"], cap=4)) == [
        (f"s{i}", 1) for i in range(4)
    ]


async def test_every_key_comes_back_with_its_count_bounded_by_the_cap(
    engine: AsyncEngine,
) -> None:
    """Term-frequency adjustment reads these: how many records hold each of the lead's keys."""
    for i in range(5):
        await store(engine, f"s{i}", ["name:wang wei"] + (["name:rare"] if i == 0 else []))
    await store(engine, "gone", ["name:rare"])
    async with transaction(engine) as conn:
        await leads.soft_delete(conn, T, "gone", purge=False)
    keys = ["name:wang wei", "name:rare", "name:nobody", "name:wang wei"]
    async with transaction(engine) as conn:
        capped = await index.find_candidates(conn, T, keys, hot_key_cap=3)
        wide = await index.find_candidates(conn, T, keys, hot_key_cap=10)
        many = await index.find_candidates_many(conn, T, [keys, ["name:rare"]], hot_key_cap=3)
    assert capped.counts == {"name:wang wei": 4, "name:rare": 1, "name:nobody": 0}
    assert wide.counts == {"name:wang wei": 5, "name:rare": 1, "name:nobody": 0}
    assert [m.counts for m in many] == [capped.counts, {"name:rare": 1}]
    assert capped.skipped == ("name:wang wei", "name:wang wei")


async def test_limit_keeps_the_best_candidates(engine: AsyncEngine) -> None:
    for i in range(5):
        await store(engine, f"l{i}", ["shared:k"] + ([f"extra:{i}"] if i == 3 else []))
    found = await candidates(engine, ["shared:k", "extra:3"], limit=2)
    assert found[0] == ("l3", 2)
    assert len(found) == 2


async def test_of_candidates_sharing_as_many_keys_the_rarer_key_wins_the_limit(
    engine: AsyncEngine,
) -> None:
    """A company a dozen records hold is weaker evidence than a phone two hold: when the
    limit cuts, the record sharing the phone is kept, however old the others are."""
    for i in range(12):
        await store(engine, f"co{i:02d}", ["co:acme"])
    await store(engine, "phone", ["phone:1"])
    await store(engine, "phone2", ["phone:1"])
    found = await candidates(engine, ["co:acme", "phone:1"], limit=2)
    assert found == [("phone", 1), ("phone2", 1)]


async def test_a_changed_record_is_read_anew_not_from_the_decoded_cache(
    engine: AsyncEngine,
) -> None:
    await store(engine, "r", ["phone:1"])
    async with transaction(engine) as conn:
        first = await index.find_candidates(conn, T, ["phone:1"])
        changed = normalized_to_dict(NormalizedLead(external_id="r", name="Changed"))
        await conn.execute(
            update(tables.lead).where(tables.lead.c.id == "r").values(normalized=changed)
        )
        second = await index.find_candidates(conn, T, ["phone:1"])
    assert first.candidates[0].lead.name is None
    assert second.candidates[0].lead.name == "Changed"


async def test_no_keys_no_query(engine: AsyncEngine) -> None:
    assert await candidates(engine, []) == []


async def test_other_tenants_keys_are_invisible(engine: AsyncEngine) -> None:
    async with transaction(engine) as conn:
        other = await tenants.create_tenant(conn, "other")
    await store(engine, "theirs", ["phone:1"], tenant=other.id)
    assert await candidates(engine, ["phone:1"]) == []
    assert await candidates(engine, ["phone:1"], tenant=other.id) == [("theirs", 1)]


async def test_deleted_and_merged_records_are_not_candidates(engine: AsyncEngine) -> None:
    await store(engine, "gone", ["phone:1"])
    await store(engine, "folded", ["phone:1"])
    await store(engine, "live", ["phone:1"])
    async with transaction(engine) as conn:
        await leads.soft_delete(conn, T, "gone", purge=False)
        await conn.execute(
            update(tables.lead).where(tables.lead.c.id == "folded").values(merged_into="live")
        )
    assert await candidates(engine, ["phone:1"]) == [("live", 1)]


async def test_write_keys_replaces_the_old_ones(engine: AsyncEngine) -> None:
    await store(engine, "a", ["phone:1"])
    async with transaction(engine) as conn:
        await index.write_keys(conn, T, "a", ["phone:2", "phone:2"])
    assert await candidates(engine, ["phone:1"]) == []
    assert await candidates(engine, ["phone:2"]) == [("a", 1)]


async def test_lock_keys_runs_on_every_dialect(engine: AsyncEngine) -> None:
    async with transaction(engine) as conn:
        await index.lock_keys(conn, T, ["phone:1", "email:x", "phone:1"])
        await index.lock_keys(conn, T, [])


async def test_a_failing_transaction_leaves_nothing(engine: AsyncEngine) -> None:
    with pytest.raises(RuntimeError):
        async with transaction(engine) as conn:
            await leads.insert_lead(
                conn,
                lead_id="half",
                tenant_id=T,
                group_id="half",
                raw={},
                normalized={},
                valid=True,
            )
            await index.write_keys(conn, T, "half", ["phone:9"])
            raise RuntimeError("fails after the writes")
    assert await candidates(engine, ["phone:9"]) == []
    async with transaction(engine) as conn:
        with pytest.raises(NotFound):
            await leads.get_lead(conn, T, "half")


async def test_many_leads_in_one_statement_answer_as_each_would_alone(engine: AsyncEngine) -> None:
    await store(engine, "a", ["phone:1", "email:x"])
    await store(engine, "b", ["phone:1", "co:z"])
    await store(engine, "c", ["co:z"])
    for i in range(4):
        await store(engine, f"s{i}", ["phone:hot"])
    keysets = [
        ["phone:1", "co:z"],
        ["email:x"],
        [],
        ["phone:hot", "co:z", "phone:hot"],
        ["nothing:here"],
        ["phone:1", "co:z"],
    ]
    async with transaction(engine) as conn, recorded(conn) as statements:
        many = await index.find_candidates_many(conn, T, keysets, limit=2, hot_key_cap=3)
    assert len([s for s in statements if "lead_key" in s]) == 1
    async with transaction(engine) as conn:
        alone = [
            await index.find_candidates(conn, T, keys, limit=2, hot_key_cap=3) for keys in keysets
        ]
    assert many == alone
    assert [[c.id for c in s.candidates] for s in many] == [
        ["b", "a"],
        ["a"],
        [],
        ["b", "c"],
        [],
        ["b", "a"],
    ]
    assert [s.skipped for s in many] == [(), (), (), ("phone:hot", "phone:hot"), (), ()]


async def test_exclude_leaves_one_record_out(engine: AsyncEngine) -> None:
    await store(engine, "a", ["phone:1"])
    await store(engine, "b", ["phone:1"])
    async with transaction(engine) as conn:
        found = await index.find_candidates(conn, T, ["phone:1"], exclude="a")
    assert [c.id for c in found.candidates] == ["b"]


async def test_equally_good_candidates_come_oldest_first(engine: AsyncEngine) -> None:
    older = time_ordered_id()
    await asyncio.sleep(0.002)
    newer = time_ordered_id()
    await store(engine, newer, ["co:z"])
    await store(engine, older, ["co:z"])
    assert await candidates(engine, ["co:z"], limit=1) == [(older, 1)]
    assert await candidates(engine, ["co:z"]) == [(older, 1), (newer, 1)]
