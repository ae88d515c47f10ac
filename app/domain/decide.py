"""The tenant's rules tried in order against each candidate: the first that fires decides.

A candidate no rule accepts is no match; a rule deciding `unique` reports a
related record (a customer account) without making the lead a duplicate. Of
the matches, a sure duplicate outranks a possible one, then the higher
probability wins; every match keeps the levels, similarities and weights
behind it so it can explain itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from app.domain.compare import MISSING, Level
from app.domain.per_policy import once_per_policy
from app.domain.policy import Action, MatchRule, Policy


@dataclass(frozen=True, slots=True)
class Scored:
    """A candidate compared: its levels, their weights and the match probability."""

    candidate_id: str
    candidate_entity: str
    levels: Mapping[str, Level]
    weights: Mapping[str, float]
    probability: float
    adjustments: Mapping[str, float] = dataclasses.field(default_factory=dict)
    """The term-frequency part of each adjusted field's weight."""


@dataclass(frozen=True, slots=True)
class RuleMatch:
    candidate_id: str
    rule: str
    decision: str
    action: Action
    score: float
    levels: Mapping[str, Level]
    weights: Mapping[str, float]
    tags: tuple[str, ...]
    update: bool
    adjustments: Mapping[str, float] = dataclasses.field(default_factory=dict)

    @property
    def fields(self) -> dict[str, float]:
        return {name: round(level.similarity, 4) for name, level in self.levels.items()}


@dataclass(frozen=True, slots=True)
class Decision:
    decision: str
    action: Action
    matches: tuple[RuleMatch, ...]

    @property
    def tags(self) -> tuple[str, ...]:
        return tags_of(self)


UNIQUE = Decision(decision="unique", action="allow", matches=())
_SEVERITY = {"duplicate": 0, "possible_duplicate": 1, "unique": 2}


def fires(rule: MatchRule, lead_entity: str, item: Scored) -> bool:
    if rule.min_probability is not None and item.probability < rule.min_probability:
        return False
    return _levels_allow(rule, lead_entity, item.candidate_entity, item.levels)


def first_rule(policy: Policy, lead_entity: str, item: Scored) -> MatchRule | None:
    """Which rule fires depends only on the entities, the levels of the fields the rules
    name and which probability bounds are reached: a check tries every rule on each of
    its candidates, and most candidates repeat a signature seen before, so the answer is
    kept per signature."""
    memo = once_per_policy(policy, _new_memo)
    levels = item.levels
    signature = (
        lead_entity,
        item.candidate_entity,
        tuple(levels[f].level if f in levels else MISSING for f in memo.fields),
        tuple(item.probability >= bound for bound in memo.bounds),
    )
    if signature in memo.first:
        return memo.first[signature]
    found = next((rule for rule in policy.rules if fires(rule, lead_entity, item)), None)
    if len(memo.first) < RULE_SIGNATURES_KEPT:
        memo.first[signature] = found
    return found


def may_fire(
    policy: Policy,
    lead_entity: str,
    candidate_entity: str,
    levels: Mapping[str, Level],
    unknown: frozenset[str] = frozenset(),
) -> bool:
    """Whether some rule could fire on these levels at some probability, a field in `unknown`
    (not compared yet) at any level. A candidate no rule accepts needs no weighing, nor its
    other fields compared: most candidates a common key brings are colleagues with another
    name, which no rule accepts. Kept per signature, as `first_rule`'s answer."""
    memo = once_per_policy(policy, _new_memo)
    signature = (
        lead_entity,
        candidate_entity,
        tuple(
            _UNKNOWN if f in unknown else levels[f].level if f in levels else MISSING
            for f in memo.fields
        )
        if unknown
        else tuple(levels[f].level if f in levels else MISSING for f in memo.fields),
    )
    found = memo.possible.get(signature)
    if found is None:
        found = any(
            _levels_allow(rule, lead_entity, candidate_entity, levels, unknown)
            for rule in policy.rules
        )
        if len(memo.possible) < RULE_SIGNATURES_KEPT:
            memo.possible[signature] = found
    return found


_UNKNOWN = "?"
"""A field's place in a signature while it is not compared yet."""


def _levels_allow(
    rule: MatchRule,
    lead_entity: str,
    candidate_entity: str,
    levels: Mapping[str, Level],
    unknown: frozenset[str] = frozenset(),
) -> bool:
    """`fires` without the probability bound, a field in `unknown` allowing any level.

    Plain loops, not `all()` over a generator: every candidate that matches nothing tries
    every rule (when its signature is new)."""
    if lead_entity not in rule.lead_entities or candidate_entity not in rule.candidate_entities:
        return False
    for field, allowed in rule.when.items():
        if field in unknown:
            continue
        level = levels.get(field)
        if (MISSING if level is None else level.level) not in allowed:
            return False
    return True


RULE_SIGNATURES_KEPT = 4096


@dataclass(frozen=True, slots=True)
class _RuleMemo:
    fields: tuple[str, ...]
    bounds: tuple[float, ...]
    first: dict[tuple[object, ...], MatchRule | None]
    possible: dict[tuple[object, ...], bool]


def _new_memo(policy: Policy) -> _RuleMemo:
    return _RuleMemo(
        fields=tuple(dict.fromkeys(f for rule in policy.rules for f in rule.when)),
        bounds=tuple(
            sorted({r.min_probability for r in policy.rules if r.min_probability is not None})
        ),
        first={},
        possible={},
    )


def decide(lead_entity: str, scored: Iterable[Scored], policy: Policy) -> Decision:
    matches: list[RuleMatch] = []
    for item in scored:
        rule = first_rule(policy, lead_entity, item)
        if rule is not None:
            matches.append(
                RuleMatch(
                    candidate_id=item.candidate_id,
                    rule=rule.name,
                    decision=rule.decision,
                    action=rule.action,
                    score=item.probability,
                    levels=item.levels,
                    weights=item.weights,
                    tags=rule.tags,
                    update=rule.update,
                    adjustments=item.adjustments,
                )
            )
    if not matches:
        return UNIQUE
    matches.sort(key=lambda m: (_SEVERITY[m.decision], -m.score))
    best = matches[0]
    return Decision(decision=best.decision, action=best.action, matches=tuple(matches))


def tags_of(decision: Decision) -> tuple[str, ...]:
    """The best match's tags, and the tags of related records (an existing customer) beside."""
    found = [tag for m in decision.matches[:1] for tag in m.tags]
    found += [tag for m in decision.matches[1:] if m.decision == "unique" for tag in m.tags]
    return tuple(dict.fromkeys(found))
