"""What `/v1/check` answered, counted per tenant, hour, decision and action, for the report.

Checks without `register` store nothing else, so the report could not say how many
submissions were blocked, sent to review or merged. Each replica counts in memory and
adds its counts here every few seconds (`app.api.tally`): one upsert per bucket instead
of a write per check. Rows are hours, so a year is a few tens of thousands of rows per
tenant; rows older than KEEP_DAYS go at each flush.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from app.store.tables import check_tally

KEEP_DAYS = 400
HOUR = 3600


@dataclass(frozen=True, slots=True)
class Bucket:
    tenant_id: str
    hour: int
    """Unix time // 3600."""
    decision: str
    action: str


@dataclass(frozen=True, slots=True)
class Tally:
    decision: str
    action: str
    checks: int
    registered: int


async def add(conn: AsyncConnection, counts: Sequence[tuple[Bucket, int, int]]) -> None:
    """Add (bucket, checks, registered) counts; each bucket's row is made or grown."""
    if not counts:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    for bucket, checks, registered in counts:
        statement = dialect.insert(check_tally).values(
            tenant_id=bucket.tenant_id,
            hour=bucket.hour,
            decision=bucket.decision,
            action=bucket.action,
            checks=checks,
            registered=registered,
        )
        await conn.execute(
            statement.on_conflict_do_update(
                index_elements=[
                    check_tally.c.tenant_id,
                    check_tally.c.hour,
                    check_tally.c.decision,
                    check_tally.c.action,
                ],
                set_={
                    "checks": check_tally.c.checks + checks,
                    "registered": check_tally.c.registered + registered,
                },
            )
        )
    oldest = max(b.hour for b, _, _ in counts) - KEEP_DAYS * 24
    await conn.execute(delete(check_tally).where(check_tally.c.hour < oldest))


async def window(conn: AsyncConnection, tenant_id: str, since_hour: int) -> list[Tally]:
    """The tenant's checks from this hour on, per decision and action."""
    rows = await conn.execute(
        select(
            check_tally.c.decision,
            check_tally.c.action,
            func.sum(check_tally.c.checks),
            func.sum(check_tally.c.registered),
        )
        .where(check_tally.c.tenant_id == tenant_id, check_tally.c.hour >= since_hour)
        .group_by(check_tally.c.decision, check_tally.c.action)
        .order_by(check_tally.c.decision, check_tally.c.action)
    )
    return [Tally(d, a, int(c), int(r)) for d, a, c, r in rows]
