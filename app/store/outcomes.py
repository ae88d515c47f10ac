"""Outcomes of leads: what the CRM reports became of them, and the score they had then.

Rows are only ever added: a lead's outcome is its row with the latest `at` (of
equal times, the one recorded last), so a CRM that corrects an outcome sends the
new one and the trail keeps both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Select, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from app.store.tables import lead, lead_outcome

OutcomeKind = Literal["converted", "lost", "no_response"]


@dataclass(frozen=True, slots=True)
class Outcome:
    lead_id: str
    outcome: OutcomeKind
    at: datetime
    recorded_at: datetime
    score: int
    grade: str
    pool: str
    reasons: list[dict[str, Any]]
    """The score's reasons as `{"factor", "points"}`: no detail, so no personal data."""


@dataclass(frozen=True, slots=True)
class TrainingRow:
    """A live lead's raw record and its latest outcome."""

    lead_id: str
    raw: dict[str, Any]
    outcome: OutcomeKind


async def add_outcome(
    conn: AsyncConnection,
    tenant_id: str,
    lead_id: str,
    outcome: OutcomeKind,
    at: datetime,
    *,
    score: int,
    grade: str,
    pool: str,
    reasons: list[dict[str, Any]],
) -> Outcome:
    """Store one outcome, its time in UTC (SQLite would drop the offset)."""
    saved = Outcome(
        lead_id=lead_id,
        outcome=outcome,
        at=at.astimezone(UTC),
        recorded_at=datetime.now(UTC),
        score=score,
        grade=grade,
        pool=pool,
        reasons=reasons,
    )
    await conn.execute(
        insert(lead_outcome).values(
            tenant_id=tenant_id,
            lead_id=saved.lead_id,
            outcome=saved.outcome,
            at=saved.at,
            recorded_at=saved.recorded_at,
            score=saved.score,
            grade=saved.grade,
            pool=saved.pool,
            reasons=saved.reasons,
        )
    )
    return saved


def latest_outcomes(tenant_id: str) -> Select[Any]:
    """Each of the tenant's leads with an outcome, once, with its latest outcome row."""
    ranked = (
        select(
            lead_outcome.c.lead_id,
            lead_outcome.c.outcome,
            lead_outcome.c.grade,
            lead_outcome.c.pool,
            func.row_number()
            .over(
                partition_by=lead_outcome.c.lead_id,
                order_by=(lead_outcome.c.at.desc(), lead_outcome.c.id.desc()),
            )
            .label("rank"),
        )
        .where(lead_outcome.c.tenant_id == tenant_id)
        .subquery("ranked")
    )
    return select(ranked.c.lead_id, ranked.c.outcome, ranked.c.grade, ranked.c.pool).where(
        ranked.c.rank == 1
    )


async def training_rows(conn: AsyncConnection, tenant_id: str) -> list[TrainingRow]:
    """Leads not deleted, each with its latest outcome, oldest lead first.

    A deleted record no longer informs the model: its data was taken back.
    """
    latest = latest_outcomes(tenant_id).subquery("latest")
    rows = await conn.execute(
        select(lead.c.id, lead.c.raw, latest.c.outcome)
        .join(latest, latest.c.lead_id == lead.c.id)
        .where(lead.c.tenant_id == tenant_id, lead.c.deleted_at.is_(None))
        .order_by(lead.c.created_at, lead.c.id)
    )
    return [TrainingRow(r.id, dict(r.raw), r.outcome) for r in rows]
