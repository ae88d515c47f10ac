"""Bodies of POST /v1/score."""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from app.api.schemas.lead import Lead, Region
from app.domain.score import MAX_EVENT_COUNT
from app.domain.score import Event as DomainEvent
from app.domain.score import Score as DomainScore

MAX_EVENTS = 200


class EventIn(BaseModel):
    """Something the lead did, `count` times, last at `at`."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {"type": "visit_pricing", "at": "2026-11-20T10:00:00Z", "count": 3}
        },
    )

    type: str = Field(
        min_length=1, max_length=64, description="Event type the scoring model knows."
    )
    at: AwareDatetime = Field(description="When it happened, with a time zone.")
    count: int = Field(default=1, ge=1, le=MAX_EVENT_COUNT)

    def to_domain(self) -> DomainEvent:
        return DomainEvent(type=self.type, at=self.at, count=self.count)


class ScoreRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lead: Lead
    events: list[EventIn] = Field(default_factory=list, max_length=MAX_EVENTS)
    now: AwareDatetime | None = Field(
        default=None, description="Score as of this time (decay is measured to it); default now."
    )
    region: str | None = Region


class Reason(BaseModel):
    factor: str = Field(description="The fit rule, `event:<type>` or `clamp`.")
    points: int
    detail: str


class ScoreResult(BaseModel):
    score: int = Field(ge=0, le=100, description="The sum of the reasons' points.")
    grade: str = Field(description="From the scoring model's bands, e.g. A to D.")
    pool: str = Field(description="Where the lead goes next: sales, nurture, sdr_cleanup, ...")
    tags: list[str]
    reasons: list[Reason]

    @classmethod
    def from_domain(cls, score: DomainScore) -> ScoreResult:
        return cls(
            score=score.score,
            grade=score.grade,
            pool=score.pool,
            tags=list(score.tags),
            reasons=[
                Reason(factor=r.factor, points=r.points, detail=r.detail) for r in score.reasons
            ],
        )
