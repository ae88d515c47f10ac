"""The tenant's rules tried in order: the first that fires decides, and says why."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from app.domain.compare import FieldScores
from app.domain.policy import Action, MatchRule, Policy


@dataclass(frozen=True, slots=True)
class Scored:
    """A candidate's id with its field similarities; the caller keeps the rest."""

    candidate_id: str
    fields: FieldScores


@dataclass(frozen=True, slots=True)
class RuleMatch:
    candidate_id: str
    rule: str
    decision: str
    action: Action
    score: float
    fields: Mapping[str, float]


@dataclass(frozen=True, slots=True)
class Decision:
    decision: str
    action: Action
    matches: tuple[RuleMatch, ...]


UNIQUE = Decision(decision="unique", action="allow", matches=())
_SEVERITY = {"duplicate": 0, "possible_duplicate": 1}


def _fires(rule: MatchRule, fields: FieldScores) -> bool:
    return all(fields.get(name, 0.0) >= minimum for name, minimum in rule.fields.items())


def _first_rule(policy: Policy, fields: FieldScores) -> MatchRule | None:
    return next((rule for rule in policy.rules if _fires(rule, fields)), None)


def decide(scored: Iterable[Scored], policy: Policy) -> Decision:
    matches: list[RuleMatch] = []
    for item in scored:
        rule = _first_rule(policy, item.fields)
        if rule is None:
            continue
        score = sum(item.fields.values()) / len(item.fields)
        matches.append(
            RuleMatch(item.candidate_id, rule.name, rule.decision, rule.action, score, item.fields)
        )
    if not matches:
        return UNIQUE
    matches.sort(key=lambda m: (_SEVERITY[m.decision], -m.score))
    best = matches[0]
    return Decision(decision=best.decision, action=best.action, matches=tuple(matches))
