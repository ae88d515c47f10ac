"""Bodies of POST /v1/leads/{id}/outcome and GET /v1/report."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Annotated, Literal, get_args

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from app.domain.policy import Action, Decision
from app.store import outcomes
from app.store import report as figures
from app.store.check_tally import Tally

RATE_DIGITS = 4
DECISIONS: tuple[str, ...] = get_args(Decision)
ACTIONS: tuple[str, ...] = get_args(Action)


def _in_utc(value: datetime) -> datetime:
    """Outcomes are kept in UTC; a time that has no UTC form (year 0 or 10000) is refused."""
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("the time lies outside the years 1 to 9999 in UTC") from exc


class OutcomeRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": {"outcome": "converted", "at": "2026-12-01T10:00:00+08:00"}},
    )

    outcome: Literal["converted", "lost", "no_response"] = Field(
        description="What became of the lead in the CRM."
    )
    at: Annotated[AwareDatetime, AfterValidator(_in_utc)] = Field(
        description="When it happened, with a time zone."
    )


class ScorePart(BaseModel):
    factor: str
    points: int


class OutcomeResult(BaseModel):
    """The outcome as stored, with the fit score the lead had when it arrived."""

    lead_id: str
    outcome: Literal["converted", "lost", "no_response"]
    at: str = Field(description="When it happened, in UTC.")
    recorded_at: str
    score: int = Field(description="The lead's fit score under the tenant's model at the time.")
    grade: str
    pool: str
    reasons: list[ScorePart] = Field(description="The score's factors; they add up to it.")

    @classmethod
    def from_store(cls, saved: outcomes.Outcome) -> OutcomeResult:
        return cls(
            lead_id=saved.lead_id,
            outcome=saved.outcome,
            at=saved.at.isoformat(),
            recorded_at=saved.recorded_at.isoformat(),
            score=saved.score,
            grade=saved.grade,
            pool=saved.pool,
            reasons=[ScorePart(**r) for r in saved.reasons],
        )


class IssueFigure(BaseModel):
    code: str
    severity: str = Field(description="error, warning or info.")
    records: int = Field(description="Live records with the issue.")


class DayFigure(BaseModel):
    day: date = Field(description="The UTC day the records were created.")
    source: str | None = Field(description="The records' normalized source; null: none given.")
    records: int
    valid: int = Field(description="Of those, records without an error.")


class ConversionFigure(BaseModel):
    value: str | None = Field(description="The grade, pool or source; null: no source given.")
    leads: int = Field(description="Leads with an outcome.")
    converted: int
    lost: int
    no_response: int
    rate: float = Field(description="converted / leads: the follow-up conversion rate.")


class Conversion(BaseModel):
    """Each lead (deleted ones too) counts once: latest outcome, grade and pool it had then."""

    by_grade: list[ConversionFigure]
    by_pool: list[ConversionFigure]
    by_source: list[ConversionFigure]


class CheckFigures(BaseModel):
    """What `POST /v1/check` and each lead of `/v1/check/batch` answered from `since` on."""

    checks: int
    registered: int = Field(description="Of those, leads stored (`register: true`).")
    by_decision: dict[str, int] = Field(
        description="Per decision (unique, duplicate, possible_duplicate): checks."
    )
    by_action: dict[str, int] = Field(
        description="Per action (allow, block, review, merge): how many submissions were let "
        "through, blocked, sent to review, merged."
    )

    @classmethod
    def from_store(cls, tallies: Sequence[Tally]) -> CheckFigures:
        by_decision: dict[str, int] = dict.fromkeys(DECISIONS, 0)
        by_action: dict[str, int] = dict.fromkeys(ACTIONS, 0)
        for t in tallies:
            by_decision[t.decision] = by_decision.get(t.decision, 0) + t.checks
            by_action[t.action] = by_action.get(t.action, 0) + t.checks
        return cls(
            checks=sum(t.checks for t in tallies),
            registered=sum(t.registered for t in tallies),
            by_decision=by_decision,
            by_action=by_action,
        )


class ReportResult(BaseModel):
    """The tenant's data-quality and conversion figures. A rate over no records is null."""

    records: int = Field(description="Every record the tenant stored: live + merged + deleted.")
    live: int = Field(description="Records neither deleted nor merged into another.")
    merged: int = Field(description="Records folded into another (and not deleted).")
    deleted: int
    valid: int = Field(description="Live records without an error.")
    valid_rate: float | None = Field(description="valid / live.")
    duplicates: int = Field(
        description="Records not deleted whose group (real person or company) holds another."
    )
    duplicate_rate: float | None = Field(description="duplicates / (live + merged).")
    completeness: dict[str, float | None] = Field(
        description="Per lead field: the share of live records that have it."
    )
    issues: list[IssueFigure] = Field(
        description="Live records per issue code, most frequent first (issues as stored)."
    )
    since: date = Field(description="The first UTC day `by_source_per_day` covers.")
    by_source_per_day: list[DayFigure] = Field(
        description="Records created per UTC day and source, from `since` on."
    )
    open_reviews: int = Field(description="Possible duplicates waiting for a person.")
    checks: CheckFigures = Field(
        description="What the checks answered from `since` on, counted by every replica "
        "(each adds its counts every few seconds)."
    )
    outcomes: int = Field(description="Leads with an outcome.")
    conversion: Conversion

    @classmethod
    def from_store(
        cls, report: figures.Report, since: date, checks: Sequence[Tally]
    ) -> ReportResult:
        counts = report.counts
        not_deleted = counts.live + counts.merged
        conversion = report.conversion
        return cls(
            records=counts.records,
            live=counts.live,
            merged=counts.merged,
            deleted=counts.deleted,
            valid=counts.valid,
            valid_rate=_rate(counts.valid, counts.live),
            duplicates=report.duplicates,
            duplicate_rate=_rate(report.duplicates, not_deleted),
            completeness={f: _rate(n, counts.live) for f, n in counts.complete.items()},
            issues=[
                IssueFigure(code=i.code, severity=i.severity, records=i.records)
                for i in report.issues
            ],
            since=since,
            by_source_per_day=[
                DayFigure(
                    day=date.fromisoformat(d.day), source=d.source, records=d.records, valid=d.valid
                )
                for d in report.by_day
            ],
            open_reviews=report.open_reviews,
            checks=CheckFigures.from_store(checks),
            outcomes=sum(c.leads for c in conversion),
            conversion=Conversion(
                by_grade=_conversion(conversion, lambda c: c.grade),
                by_pool=_conversion(conversion, lambda c: c.pool),
                by_source=_conversion(conversion, lambda c: c.source),
            ),
        )


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, RATE_DIGITS) if whole else None


def _conversion(
    counts: Sequence[figures.ConversionCount],
    key: Callable[[figures.ConversionCount], str | None],
) -> list[ConversionFigure]:
    """Outcome counts rolled up by one dimension; most leads first, then by value."""
    tally: dict[str | None, dict[str, int]] = {}
    for count in counts:
        per = tally.setdefault(key(count), {"converted": 0, "lost": 0, "no_response": 0})
        per[count.outcome] += count.leads
    rows = [
        ConversionFigure(
            value=value,
            leads=sum(per.values()),
            converted=per["converted"],
            lost=per["lost"],
            no_response=per["no_response"],
            rate=round(per["converted"] / sum(per.values()), RATE_DIGITS),
        )
        for value, per in tally.items()
    ]
    return sorted(rows, key=lambda r: (-r.leads, r.value is None, r.value or ""))
