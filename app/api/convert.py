"""From flow results to the contract's response bodies."""

from __future__ import annotations

from datetime import UTC, datetime

from app.api.flows import CheckOutcome, Normalized
from app.api.schemas.check import CheckResult, FieldExplain, Match, NormalizeResult
from app.api.schemas.lead import History, HistoryEntry, Issue, NormalizedLead, StoredLead
from app.api.schemas.score import ScoreResult
from app.domain import match, score
from app.domain.score_model import ScoringModel
from app.domain.types import normalized_from_dict
from app.store import records


def normalize_result(result: Normalized) -> NormalizeResult:
    return NormalizeResult(
        lead=NormalizedLead.from_domain(result.lead),
        valid=result.valid,
        issues=[Issue.from_domain(i) for i in result.issues],
        keys=list(result.keys),
    )


def check_result(outcome: CheckOutcome, scoring: ScoringModel | None = None) -> CheckResult:
    """`scoring` given: the result carries the score block, with the decision's tags passed in."""
    matches = []
    for m in outcome.decision.matches:
        candidate = outcome.candidates[m.candidate_id]
        matches.append(
            Match(
                id=candidate.id,
                external_id=candidate.external_id,
                entity=candidate.entity,
                group_id=candidate.group_id,
                score=round(m.score, 4),
                rule=m.rule,
                decision=m.decision,
                fields=m.fields,
                explain={
                    name: FieldExplain(**detail)
                    for name, detail in match.explain(m.levels, m.weights, m.adjustments).items()
                },
            )
        )
    norm = outcome.normalized
    stored = outcome.stored
    return CheckResult(
        decision=outcome.decision.decision,
        action=outcome.decision.action,
        valid=norm.valid,
        issues=[Issue.from_domain(i) for i in norm.issues],
        matches=matches,
        tags=list(outcome.decision.tags),
        patch=outcome.patch,
        id=stored.id if stored else None,
        group_id=stored.group_id if stored else None,
        normalized=NormalizedLead.from_domain(norm.lead),
        score=None if scoring is None else _score(outcome, scoring),
    )


def _score(outcome: CheckOutcome, scoring: ScoringModel) -> ScoreResult:
    norm = outcome.normalized
    result = score.score_lead(
        norm.lead, norm.issues, [], scoring, datetime.now(UTC), tags_in=outcome.decision.tags
    )
    return ScoreResult.from_domain(result)


def stored_lead(stored: records.StoredLead) -> StoredLead:
    return StoredLead(
        id=stored.id,
        external_id=stored.external_id,
        entity=stored.entity,
        group_id=stored.group_id,
        merged_into=stored.merged_into,
        lead=stored.raw,
        normalized=NormalizedLead.from_domain(normalized_from_dict(stored.normalized)),
        created_at=stored.created_at.isoformat(),
        updated_at=stored.updated_at.isoformat(),
    )


def history(lead_id: str, entries: list[records.AuditEntry]) -> History:
    return History(
        id=lead_id,
        events=[HistoryEntry(action=e.action, at=e.at.isoformat(), data=e.data) for e in entries],
    )
