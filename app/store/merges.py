"""Merge one record into another, and undo it exactly.

`merge(lead, into)` folds `lead` into `into`: the survivor (`into`) takes the
values the survivorship policy picks (app.domain.survivorship) in both its raw
and normalized JSON, and the union of both records' blocking keys; the
merged-away record gets `merged_into` and the survivor's group, and its keys
move to the survivor (so it leaves candidate search and no key counts twice
towards the hot-key cap). Each record gets a "merged" audit row holding its own exact
before- and after-image (raw, normalized, group, merged_into, keys,
updated_at), so purging one record never leaves its data in the other's trail.

`unmerge(lead)` puts both records and both key sets back as the images say and
writes "unmerged" on both. It refuses (Conflict) when either record changed
after the merge, since restoring then would silently drop the later change.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain import survivorship
from app.store import audit, group_sizes, index, leads
from app.store.errors import Conflict, NotFound
from app.store.records import StoredLead
from app.store.tables import audit_event, lead, lead_key

MERGED = "merged"
UNMERGED = "unmerged"


@dataclass(frozen=True, slots=True)
class Merged:
    """Both records after a merge or an unmerge."""

    lead: StoredLead
    into: StoredLead


@dataclass(frozen=True, slots=True)
class _Current:
    stored: StoredLead
    deleted: bool
    keys: list[str]


_COLUMNS = (*leads.COLUMNS, lead.c.deleted_at)


async def _lock(
    conn: AsyncConnection, tenant_id: str, ids: Sequence[str], *, for_update: bool = True
) -> dict[str, _Current]:
    """The records, deleted ones included, locked in id order; NotFound for any other id.

    Locking in id order means two merges of the same pair never deadlock
    (PostgreSQL; SQLite transactions begin IMMEDIATE and never interleave).
    """
    query = (
        select(*_COLUMNS)
        .where(lead.c.tenant_id == tenant_id, lead.c.id.in_(set(ids)))
        .order_by(lead.c.id)
    )
    rows = (await conn.execute(query.with_for_update() if for_update else query)).all()
    found = {r.id: r for r in rows}
    for lead_id in ids:
        if lead_id not in found:
            raise NotFound(f"no lead {lead_id}")
    keys = await _keys(conn, tenant_id, list(found))
    return {
        i: _Current(leads.stored_from_row(r), r.deleted_at is not None, keys.get(i, []))
        for i, r in found.items()
    }


async def _keys(conn: AsyncConnection, tenant_id: str, ids: Sequence[str]) -> dict[str, list[str]]:
    rows = await conn.execute(
        select(lead_key.c.lead_id, lead_key.c.key)
        .where(lead_key.c.tenant_id == tenant_id, lead_key.c.lead_id.in_(ids))
        .order_by(lead_key.c.key)
    )
    keys: dict[str, list[str]] = {}
    for r in rows:
        keys.setdefault(r.lead_id, []).append(r.key)
    return keys


def _image(stored: StoredLead, keys: Sequence[str]) -> dict[str, Any]:
    return {
        "external_id": stored.external_id,
        "entity": stored.entity,
        "group_id": stored.group_id,
        "merged_into": stored.merged_into,
        "raw": stored.raw,
        "normalized": stored.normalized,
        "keys": sorted(set(keys)),
        "updated_at": stored.updated_at.isoformat(),
    }


async def _write(
    conn: AsyncConnection, tenant_id: str, current: _Current, image: dict[str, Any]
) -> StoredLead:
    """The record as the image says; both records of a merge or unmerge are not deleted."""
    lead_id = current.stored.id
    row = (
        await conn.execute(
            update(lead)
            .where(lead.c.id == lead_id, lead.c.tenant_id == tenant_id)
            .values(
                external_id=image["external_id"],
                entity=image["entity"],
                group_id=image["group_id"],
                merged_into=image["merged_into"],
                raw=image["raw"],
                normalized=image["normalized"],
                **leads.report_columns(image["normalized"]),
                updated_at=datetime.fromisoformat(image["updated_at"]),
            )
            .returning(*_COLUMNS)
        )
    ).one()
    await index.write_keys(conn, tenant_id, lead_id, image["keys"])
    await group_sizes.move(conn, tenant_id, current.stored.group_id, image["group_id"])
    return leads.stored_from_row(row)


def _refuse(current: _Current, role: str) -> None:
    if current.deleted:
        raise Conflict(f"lead {current.stored.id} is deleted")
    if current.stored.merged_into is not None:
        raise Conflict(
            f"lead {current.stored.id} is already merged into {current.stored.merged_into}"
            + ("; merge into that record instead" if role == "into" else "")
        )


async def merge(
    conn: AsyncConnection, tenant_id: str, lead_id: str, into_id: str, *, by: str | None = None
) -> Merged:
    """Fold `lead_id` into `into_id`; NotFound for an id of no record of this tenant."""
    current = await _lock(conn, tenant_id, [lead_id, into_id])
    if lead_id == into_id:
        raise Conflict("a lead cannot be merged into itself")
    away, into = current[lead_id], current[into_id]
    _refuse(away, "lead")
    _refuse(into, "into")

    newer = away.stored.updated_at > into.stored.updated_at
    now = datetime.now(UTC).isoformat()
    into_before = _image(into.stored, into.keys)
    away_before = _image(away.stored, away.keys)
    into_after = {
        **into_before,
        "raw": survivorship.survive(into.stored.raw, away.stored.raw, other_is_newer=newer),
        "normalized": survivorship.survive(
            into.stored.normalized, away.stored.normalized, other_is_newer=newer
        ),
        "keys": sorted({*into.keys, *away.keys}),
        "updated_at": now,
    }
    away_after = {
        **away_before,
        "group_id": into.stored.group_id,
        "merged_into": into_id,
        "keys": [],
        "updated_at": now,
    }
    merged_into = await _write(conn, tenant_id, into, into_after)
    merged_away = await _write(conn, tenant_id, away, away_after)

    merge_id = str(uuid.uuid4())
    common = {"merge_id": merge_id, "lead": lead_id, "into": into_id, "by": by}
    await audit.record(
        conn,
        tenant_id,
        lead_id,
        MERGED,
        {**common, "role": "merged", "before": away_before, "after": away_after},
    )
    await audit.record(
        conn,
        tenant_id,
        into_id,
        MERGED,
        {**common, "role": "survivor", "before": into_before, "after": into_after},
    )
    return Merged(lead=merged_away, into=merged_into)


async def _merge_rows(conn: AsyncConnection, tenant_id: str, lead_id: str) -> list[dict[str, Any]]:
    rows = await conn.execute(
        select(audit_event.c.data)
        .where(
            audit_event.c.tenant_id == tenant_id,
            audit_event.c.lead_id == lead_id,
            audit_event.c.action == MERGED,
        )
        .order_by(audit_event.c.id.desc())
    )
    return [dict(r.data) for r in rows]


def _unchanged(current: _Current, after: dict[str, Any]) -> bool:
    now = _image(current.stored, current.keys)
    return (
        not current.deleted
        and {k: v for k, v in now.items() if k != "updated_at"}
        == {k: v for k, v in after.items() if k != "updated_at"}
        and datetime.fromisoformat(now["updated_at"]) == datetime.fromisoformat(after["updated_at"])
    )


async def unmerge(
    conn: AsyncConnection, tenant_id: str, lead_id: str, *, by: str | None = None
) -> Merged:
    """Undo the merge of `lead_id` into its survivor: both records back exactly as they were."""
    first = (await _lock(conn, tenant_id, [lead_id], for_update=False))[lead_id]
    into_id = first.stored.merged_into
    if into_id is None:
        raise Conflict(f"lead {lead_id} is not merged into another record")
    current = await _lock(conn, tenant_id, [lead_id, into_id])
    away, into = current[lead_id], current[into_id]
    if away.deleted:
        raise Conflict(f"lead {lead_id} is deleted")
    if away.stored.merged_into != into_id:
        raise Conflict(f"lead {lead_id} changed while it was being unmerged; try again")

    mine = next(
        (d for d in await _merge_rows(conn, tenant_id, lead_id) if d.get("role") == "merged"),
        None,
    )
    if mine is None or mine.get("into") != into_id:
        raise Conflict(f"no merge of lead {lead_id} to undo (its trail was purged)")
    theirs = next(
        (
            d
            for d in await _merge_rows(conn, tenant_id, into_id)
            if d.get("merge_id") == mine["merge_id"]
        ),
        None,
    )
    if theirs is None:
        raise Conflict(f"the merge into lead {into_id} cannot be undone (its trail was purged)")
    for state, data in ((away, mine), (into, theirs)):
        if not _unchanged(state, data["after"]):
            raise Conflict(
                f"lead {state.stored.id} changed after the merge; it cannot be undone exactly"
            )

    restored_away = await _write(conn, tenant_id, away, mine["before"])
    restored_into = await _write(conn, tenant_id, into, theirs["before"])
    common = {"merge_id": mine["merge_id"], "lead": lead_id, "into": into_id, "by": by}
    await audit.record(
        conn,
        tenant_id,
        lead_id,
        UNMERGED,
        {**common, "role": "merged", "before": mine["after"], "after": mine["before"]},
    )
    await audit.record(
        conn,
        tenant_id,
        into_id,
        UNMERGED,
        {**common, "role": "survivor", "before": theirs["after"], "after": theirs["before"]},
    )
    return Merged(lead=restored_away, into=restored_into)
