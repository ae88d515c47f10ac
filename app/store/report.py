"""A tenant's data-quality and conversion figures, each an SQL aggregate over its records.

Record states partition the tenant's records: `deleted` (removed, purged or not),
`merged` (folded into another record, not deleted) and `live` (neither).
Quality figures (valid, issues, completeness) describe the live records; the
duplicate figure counts records not deleted that share their group (one real
person or company) with another; intake per day counts every record created.
A lead's issues are those it had when it was stored (`lead_issue`).

Nothing is derived from a record's JSON or its issues at read time (that took 6.5 s
on a million leads): each record keeps what the report needs when it is written
(`lead.valid`, `lead.present`, `lead.source`; group sizes in `lead_group`), and each
query reads an index of its own (migration 0006), not the records, so the report
costs about a third of a second on a million live leads. The figures are the same as
those derived from scratch (tests/store/test_report.py checks every write path).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Select, and_, func, literal_column, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from app.domain import completeness
from app.store import group_sizes
from app.store.outcomes import latest_outcomes
from app.store.tables import SHORT_SOURCE, lead, lead_issue, review


@dataclass(frozen=True, slots=True)
class Counts:
    records: int
    live: int
    deleted: int
    merged: int
    valid: int
    """Live records without an error."""
    complete: dict[str, int]
    """Per field: live records that have it."""


@dataclass(frozen=True, slots=True)
class IssueCount:
    code: str
    severity: str
    records: int


@dataclass(frozen=True, slots=True)
class DayCount:
    day: str
    source: str | None
    records: int
    valid: int


@dataclass(frozen=True, slots=True)
class ConversionCount:
    grade: str
    pool: str
    source: str | None
    outcome: str
    leads: int


@dataclass(frozen=True, slots=True)
class Report:
    counts: Counts
    duplicates: int
    """Records not deleted whose group holds another record not deleted."""
    issues: list[IssueCount]
    by_day: list[DayCount]
    open_reviews: int
    conversion: list[ConversionCount]


class UtcDay(FunctionElement[date]):
    """The UTC calendar day of a timestamp, on either database."""

    type = Date()
    inherit_cache = True


@compiles(UtcDay)
def _utc_day_sqlite(element: UtcDay, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite keeps timestamps as UTC text, so the date is their first ten characters.
    return f"date({compiler.process(element.clauses, **kw)})"


@compiles(UtcDay, "postgresql")
def _utc_day_postgresql(element: UtcDay, compiler: SQLCompiler, **kw: Any) -> str:
    # A date, not its text: formatting each of a million timestamps costs about 0.2 s.
    arg = compiler.process(element.clauses, **kw)
    return f"CAST(({arg}) AT TIME ZONE 'UTC' AS DATE)"


# The three states; each has a partial index of the same condition (migration 0006).
_LIVE = and_(lead.c.deleted_at.is_(None), lead.c.merged_into.is_(None))
_DELETED = lead.c.deleted_at.is_not(None)
_MERGED = and_(lead.c.deleted_at.is_(None), lead.c.merged_into.is_not(None))
# Literal, as ix_lead_intake's condition is: PostgreSQL matches a partial index to a
# query only when the query's condition proves the index's.
_SHORT_SOURCE = func.coalesce(func.length(lead.c.source), 0) <= literal_column(str(SHORT_SOURCE))


async def report(conn: AsyncConnection, tenant_id: str, since: datetime) -> Report:
    """Every figure of the tenant; intake per day from `since` on."""
    return Report(
        counts=await _counts(conn, tenant_id),
        duplicates=await group_sizes.shared_records(conn, tenant_id),
        issues=await _issues(conn, tenant_id),
        by_day=await _by_day(conn, tenant_id, since),
        open_reviews=await _open_reviews(conn, tenant_id),
        conversion=await _conversion(conn, tenant_id),
    )


async def _counts(conn: AsyncConnection, tenant_id: str) -> Counts:
    """Live records per stored field mask and validity (a few hundred rows, read off
    ix_lead_live_figures), summed here; deleted and merged ones off their partial indexes."""
    count = func.count()
    live = await conn.execute(
        select(lead.c.present, lead.c.valid, count.label("records"))
        .where(lead.c.tenant_id == tenant_id, _LIVE)
        .group_by(lead.c.present, lead.c.valid)
    )
    masks = [(r.present, r.valid, int(r.records)) for r in live]
    others = (
        await conn.execute(
            select(
                select(count).where(lead.c.tenant_id == tenant_id, _DELETED).scalar_subquery(),
                select(count).where(lead.c.tenant_id == tenant_id, _MERGED).scalar_subquery(),
            )
        )
    ).one()
    deleted, merged = int(others[0]), int(others[1])
    live_records = sum(n for _, _, n in masks)
    return Counts(
        records=live_records + deleted + merged,
        live=live_records,
        deleted=deleted,
        merged=merged,
        valid=sum(n for _, valid, n in masks if valid),
        complete=completeness.field_counts((mask, n) for mask, _, n in masks),
    )


async def _issues(conn: AsyncConnection, tenant_id: str) -> list[IssueCount]:
    """Records with each issue, less those no longer live: issues never change once
    stored, and few records leave, so neither side reads the live records."""
    stored = _with_issue(select().where(lead_issue.c.tenant_id == tenant_id), 1)
    gone = _with_issue(
        select()
        .join_from(lead_issue, lead, lead.c.id == lead_issue.c.lead_id)
        .where(lead.c.tenant_id == tenant_id, or_(_DELETED, _MERGED)),
        -1,
    )
    both = union_all(stored, gone).subquery("both")
    records = func.sum(both.c.records)
    rows = await conn.execute(
        select(both.c.code, both.c.severity, records.label("records"))
        .group_by(both.c.code, both.c.severity)
        .having(records > 0)
        .order_by(records.desc(), both.c.code, both.c.severity)
    )
    return [IssueCount(r.code, r.severity, int(r.records)) for r in rows]


def _with_issue(issues: Select[tuple[()]], sign: int) -> Select[Any]:
    """Records per code and severity among `issues`, times `sign`. A record counts once
    (one code can be stored for two of its fields): grouped by record first, which reads
    ix_lead_issue_figures in order where count(DISTINCT) would sort each code's records."""
    pairs = (
        issues.add_columns(lead_issue.c.code, lead_issue.c.severity, lead_issue.c.lead_id)
        .group_by(lead_issue.c.code, lead_issue.c.severity, lead_issue.c.lead_id)
        .subquery()
    )
    records = (func.count() * sign).label("records")
    return select(pairs.c.code, pairs.c.severity, records).group_by(pairs.c.code, pairs.c.severity)


async def _by_day(conn: AsyncConnection, tenant_id: str, since: datetime) -> list[DayCount]:
    """Read off ix_lead_intake alone; the few records whose source is too long for its
    entries come off ix_lead_intake_long and the table."""
    # Grouped over a subquery: PostgreSQL would not match a UTC day in the select list to
    # the same expression in the GROUP BY, each bound on its own.
    counts = [
        select(
            created.c.day,
            created.c.source,
            func.count().label("records"),
            func.count().filter(created.c.valid).label("valid"),
        ).group_by(created.c.day, created.c.source)
        for created in (
            select(UtcDay(lead.c.created_at).label("day"), lead.c.source, lead.c.valid)
            .where(lead.c.tenant_id == tenant_id, lead.c.created_at >= since, length)
            .subquery()
            for length in (_SHORT_SOURCE, ~_SHORT_SOURCE)
        )
    ]
    both = union_all(*counts).subquery("created")
    rows = await conn.execute(select(both).order_by(both.c.day, both.c.source))
    return [DayCount(r.day.isoformat(), r.source, r.records, r.valid) for r in rows]


async def _open_reviews(conn: AsyncConnection, tenant_id: str) -> int:
    total = await conn.execute(
        select(func.count()).where(review.c.tenant_id == tenant_id, review.c.status == "open")
    )
    return int(total.scalar_one())


async def _conversion(conn: AsyncConnection, tenant_id: str) -> list[ConversionCount]:
    latest = latest_outcomes(tenant_id).subquery("latest")
    known = (
        select(latest.c.grade, latest.c.pool, lead.c.source, latest.c.outcome)
        .join(lead, lead.c.id == latest.c.lead_id)
        .where(lead.c.tenant_id == tenant_id)
        .subquery("known")
    )
    rows = await conn.execute(
        select(known, func.count().label("leads")).group_by(
            known.c.grade, known.c.pool, known.c.source, known.c.outcome
        )
    )
    return [ConversionCount(r.grade, r.pool, r.source, r.outcome, r.leads) for r in rows]
