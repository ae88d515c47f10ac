"""A prepared row against the earlier rows the index found: decided and scored.

This is the costly half of a row (comparing it with up to `max_candidates` earlier
leads), and it needs nothing the main process is still computing: the earlier leads are
in the lead file and the candidates were chosen from keys alone. So it runs in any
process, in any order, and gives what one process would give in file order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from app.cleaning.leads import LeadReader
from app.domain import score
from app.domain.batch_index import Search, Verdict
from app.domain.decide import RuleMatch
from app.domain.match import Stored, match
from app.domain.model import Frequencies
from app.domain.policy import Policy
from app.domain.types import Issue, Severity

IssueRow = tuple[str, str, Severity, str]
"""An issue as field, code, severity, message: what crosses between processes."""


def issue_rows(issues: Sequence[Issue]) -> tuple[IssueRow, ...]:
    return tuple((i.field, i.code, i.severity, i.message) for i in issues)


class Job(NamedTuple):
    """One row to decide: where its lead and its candidates sit in the lead file.

    Named tuples, not dataclasses, cross between processes here: a frozen dataclass
    unpickles field by field and cost a tenth of a worker's time.
    """

    position: int
    issues: tuple[IssueRow, ...]
    positions: tuple[int, ...]
    """The earlier rows to compare, best first (the batch index's search)."""
    counts: dict[str, int]
    """How many earlier rows carry each of the row's keys."""
    records: int
    """How many earlier rows there are."""
    stored: tuple[Stored, ...] = ()
    stored_groups: Mapping[str, str] = {}
    stored_frequencies: Frequencies | None = None
    """The stored index's counts of the keys, added to the earlier rows' own."""

    @classmethod
    def of(
        cls,
        position: int,
        issues: tuple[IssueRow, ...],
        search: Search,
        **stored: Any,
    ) -> Job:
        return cls(
            position,
            issues,
            search.positions,
            search.counts,
            search.records,
            **stored,
        )


class Outcome(NamedTuple):
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


def judge(job: Job, leads: LeadReader, policy: Policy, now: datetime) -> Outcome:
    """Decide the row as `/v1/check` would against these candidates (weighing agreement on
    a value by how many earlier rows, and stored records, carry it), then score it."""
    lead = leads.lead(job.position)
    candidates = [*job.stored, *map(leads.candidate, job.positions)]
    frequencies = Frequencies(job.counts, job.records)
    if job.stored_frequencies is not None:
        frequencies = frequencies.plus(job.stored_frequencies)
    search = Search(job.positions, (), job.counts, job.records)
    verdict = Verdict(search, match(lead, candidates, policy, frequencies))
    decision = verdict.decision
    issues = [Issue(*row) for row in job.issues]
    scored = score.score_lead(lead, issues, [], policy.scoring, now, tags_in=decision.tags)
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
