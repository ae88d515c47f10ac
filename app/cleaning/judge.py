"""A prepared row against the earlier rows the index found: decided and scored.

This is the costly half of a row (comparing it with up to `max_candidates` earlier
leads), and it needs nothing the main process is still computing: the earlier leads are
in the lead file and the candidates were chosen from keys alone. So it runs in any
process, in any order, and gives what one process would give in file order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.cleaning.leads import LeadReader, Span
from app.domain import score
from app.domain.batch_index import Search, Verdict
from app.domain.decide import RuleMatch
from app.domain.match import Stored, match
from app.domain.model import Frequencies
from app.domain.policy import Policy
from app.domain.types import Issue


@dataclass(frozen=True, slots=True)
class Job:
    """One row to decide: where its lead and its candidates sit in the lead file."""

    position: int
    span: Span
    issues: tuple[Issue, ...]
    search: Search
    spans: tuple[Span, ...]
    """The span of each of `search.positions`, in the same order."""
    stored: tuple[Stored, ...] = ()
    stored_groups: Mapping[str, str] = field(default_factory=dict)
    stored_frequencies: Frequencies | None = None
    """The stored index's counts of the keys, added to the earlier rows' own."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """A row's verdict and score, as the work file records them."""

    decision: str
    action: str
    rule: str | None
    probability: float | None
    match_row: int | None
    match_id: str | None
    stored_group: str | None
    dups: tuple[int, ...]
    score: int
    grade: str
    pool: str
    tags: tuple[str, ...]

    def as_record(self) -> dict[str, Any]:
        return {
            "decision": self.decision,
            "action": self.action,
            "rule": self.rule,
            "probability": self.probability,
            "match_row": self.match_row,
            "match_id": self.match_id,
            "stored_group": self.stored_group,
            "dups": list(self.dups),
            "score": self.score,
            "grade": self.grade,
            "pool": self.pool,
            "tags": list(self.tags),
        }


def judge(job: Job, leads: LeadReader, policy: Policy, now: datetime) -> Outcome:
    """Decide the row as `/v1/check` would against these candidates (weighing agreement on
    a value by how many earlier rows, and stored records, carry it), then score it."""
    lead = leads.lead(job.position, job.span)
    candidates = list(job.stored)
    for position, span in zip(job.search.positions, job.spans, strict=True):
        earlier = leads.lead(position, span)
        candidates.append(Stored(str(position), earlier.entity, earlier))
    frequencies = job.search.frequencies
    if job.stored_frequencies is not None:
        frequencies = frequencies.plus(job.stored_frequencies)
    verdict = Verdict(job.search, match(lead, candidates, policy, frequencies))
    decision = verdict.decision
    scored = score.score_lead(lead, job.issues, [], policy.scoring, now, tags_in=decision.tags)
    best = decision.matches[0] if decision.matches else None
    match_row, match_id, stored_group = _best(best, job.stored_groups)
    return Outcome(
        decision=decision.decision,
        action=decision.action,
        rule=best.rule if best else None,
        probability=round(best.score, 4) if best else None,
        match_row=match_row,
        match_id=match_id,
        stored_group=stored_group,
        dups=verdict.duplicates,
        score=scored.score,
        grade=scored.grade,
        pool=scored.pool,
        tags=scored.tags,
    )


def judge_all(
    jobs: Sequence[Job], leads: LeadReader, policy: Policy, now: datetime
) -> list[Outcome]:
    return [judge(job, leads, policy, now) for job in jobs]


def _best(
    best: RuleMatch | None, stored_groups: Mapping[str, str]
) -> tuple[int | None, str | None, str | None]:
    """The best match as a row of the file, or as a stored record (and its group if sure)."""
    if best is None:
        return None, None, None
    if best.candidate_id in stored_groups:
        sure = best.decision == "duplicate"
        return None, best.candidate_id, stored_groups[best.candidate_id] if sure else None
    return int(best.candidate_id) + 1, None, None
