"""Score, grade, pool and tags of a lead under a scoring model, with the reasons behind the score.

Pure: the caller passes the normalized lead, its issues, the behaviour events
and `now`. The reasons always add up to the score exactly:

1. Each fit rule that holds adds its points as a reason (of the rules in one
   `group` only the first that holds).
2. Each event type adds one reason: per event `points × count`, decayed by the
   event's age (from `at` to `now`; an event in the future counts as now), summed
   over the type, capped by the type's `cap`, then rounded to a whole number
   (halves away from zero). A type the model does not know adds 0 points.
3. If the total falls outside 0..100, a `clamp` reason brings it back.

The grade is the first band whose minimum the score reaches; the pool the first
pool rule that holds (else the default pool); the tags the input tags followed
by those of every tag rule that holds, without repeats.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.domain.score_model import (
    Check,
    EventPlan,
    FitPlan,
    HalfLifeDecay,
    NoDecay,
    Plan,
    RoutePlan,
    RuleChecks,
    ScoringModel,
    StepDecay,
    as_number,
    value_keys,
)
from app.domain.types import Issue, NormalizedLead

MIN_SCORE = 0
MAX_SCORE = 100
MAX_EVENT_COUNT = 10_000
"""An event's count is read as at most this (the API refuses more)."""
_SECONDS_PER_DAY = 86_400.0
_SCALARS = frozenset({str, int, float})
"""What a text condition reads: not a boolean, a list or a mapping."""
_MAX_DETAIL_VALUE = 80


@dataclass(frozen=True, slots=True)
class Event:
    """Something the lead did: `count` times `type`, last at `at` (time-zone aware)."""

    type: str
    at: datetime
    count: int = 1

    def __post_init__(self) -> None:
        if self.at.utcoffset() is None:
            raise ValueError(f"event {self.type!r}: `at` needs a time zone")


@dataclass(frozen=True, slots=True)
class Reason:
    factor: str
    points: int
    detail: str


@dataclass(frozen=True, slots=True)
class Score:
    score: int
    grade: str
    pool: str
    tags: tuple[str, ...]
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class _Facts:
    lead: NormalizedLead
    issues: Mapping[str, Issue]  # first issue of each code
    valid: bool
    found: dict[tuple[str, ...], list[Any]] = field(default_factory=dict)
    """The values at each field path asked for so far: a dozen rules read a few paths."""

    def values(self, path: tuple[str, ...]) -> list[Any]:
        known = self.found.get(path)
        if known is None:
            known = self.found[path] = _values(self.lead, path)
        return known


@dataclass(frozen=True, slots=True)
class _Outcome:
    score: int
    grade: str
    fired: frozenset[str]
    events: frozenset[str]
    tags_in: frozenset[str]


def score_lead(
    lead: NormalizedLead,
    issues: Sequence[Issue],
    events: Sequence[Event],
    model: ScoringModel,
    now: datetime,
    *,
    tags_in: Sequence[str] = (),
) -> Score:
    if now.utcoffset() is None:
        raise ValueError("`now` needs a time zone")
    plan = model.plan
    by_code: dict[str, Issue] = {}
    for issue in issues:
        by_code.setdefault(issue.code, issue)
    facts = _Facts(lead, by_code, valid=not any(i.severity == "error" for i in issues))

    reasons, fired = _fit(plan.fit, facts)
    event_reasons, seen = _events(events, plan, now)
    reasons += event_reasons
    total = sum(r.points for r in reasons)
    score = min(max(total, MIN_SCORE), MAX_SCORE)
    if score != total:
        bound = "at most" if total > score else "at least"
        reasons.append(Reason("clamp", score - total, f"{total} brought to {bound} {score}"))

    grade = next(grade for grade, low in plan.grades if score >= low)
    outcome = _Outcome(score, grade, frozenset(fired), seen, frozenset(tags_in))
    pool = next((r.target for r in plan.pools if _routes(r, facts, outcome)), plan.default_pool)
    tags = dict.fromkeys(tags_in)
    tags.update(dict.fromkeys(r.target for r in plan.tags if _routes(r, facts, outcome)))
    return Score(score, grade, pool, tuple(tags), tuple(reasons))


# --- fit -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Witness:
    """What made a condition hold: the value that matched and a sentence saying so."""

    value: str
    text: str


_TRUE = _Witness("", "")


def _fit(rules: Sequence[FitPlan], facts: _Facts) -> tuple[list[Reason], set[str]]:
    reasons: list[Reason] = []
    fired: set[str] = set()
    groups: set[str] = set()
    for rule in rules:
        if rule.group is not None and rule.group in groups:
            continue
        witness = _rule_holds(rule.checks, facts)
        if witness is None:
            continue
        fired.add(rule.name)
        if rule.group is not None:
            groups.add(rule.group)
        detail = (
            witness.text if rule.detail is None else rule.detail.replace("{value}", witness.value)
        )
        reasons.append(Reason(rule.name, rule.points, detail))
    return reasons, fired


def _rule_holds(checks: RuleChecks, facts: _Facts) -> _Witness | None:
    witness = _holds(checks.check, facts)
    if witness is None:
        return None
    if checks.also and not all(_holds(c, facts) for c in checks.also):
        return None
    if checks.unless and any(_holds(c, facts) for c in checks.unless):
        return None
    return witness


def _holds(check: Check, facts: _Facts) -> _Witness | None:
    """Plain loops, not generators: a lead meets a dozen issue conditions and has no issue
    or one."""
    subject = check.subject
    if subject == "issue":
        issues = facts.issues
        if issues:
            for code in check.codes:
                issue = issues.get(code)
                if issue is not None:
                    return _Witness(issue.code, issue.message)
        return None
    if subject == "field":
        return _field_holds(check, facts.values(check.path))
    if subject == "valid":
        if facts.valid != check.valid:
            return None
        return _Witness("", "no errors" if facts.valid else "has errors")
    return _TRUE


def _field_holds(check: Check, values: list[Any]) -> _Witness | None:
    if check.op == "exists":
        if bool(values) != check.exists:
            return None
        if values:
            return _Witness(_show(values[0]), f"{check.field} given")
        return _Witness("", f"no {check.field}")
    for value in values:
        witness = _value_holds(check, value)
        if witness is not None:
            return witness
    return None


def _value_holds(check: Check, value: Any) -> _Witness | None:
    op, field = check.op, check.field
    if op in ("equals", "in"):
        if not any(k in check.members for k in value_keys(value)):
            return None
        shown = _show(value)
        return _Witness(shown, f"{field} is {shown}")
    if op == "range":
        number = as_number(value)
        if number is None or not check.low <= number <= check.high:
            return None
        shown = _show(value)
        return _Witness(shown, f"{field} {shown} in range")
    if type(value) not in _SCALARS:
        return None
    text = str(value)
    if op == "contains":
        folded = text.casefold()
        needle = next((n for n in check.needles if n in folded), None)
        if needle is None:
            return None
        shown = _show(value)
        return _Witness(shown, f"{field} {shown} contains {needle}")
    if op == "regex" and check.pattern is not None and check.pattern.search(text):
        shown = _show(value)
        return _Witness(shown, f"{field} {shown} matches")
    return None


def _values(lead: NormalizedLead, path: tuple[str, ...]) -> list[Any]:
    """The non-empty values at a field path; a list field gives its items."""
    value: Any = getattr(lead, path[0], None)
    for key in path[1:]:
        if not isinstance(value, Mapping):
            return []
        value = value.get(key)
    items = value if isinstance(value, list | tuple) else (value,)
    return [v for v in items if _present(v)]


def _present(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, Mapping | list | tuple):
        return bool(value)
    return True


def _show(value: Any) -> str:
    text = str(value)
    return text if len(text) <= _MAX_DETAIL_VALUE else text[: _MAX_DETAIL_VALUE - 1] + "…"


# --- events ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Tally:
    count: int = 0
    points: float = 0.0


def _events(
    events: Sequence[Event], plan: Plan, now: datetime
) -> tuple[list[Reason], frozenset[str]]:
    rules = plan.events
    tallies: dict[str, _Tally] = {}
    for event in events:
        count = min(max(event.count, 0), MAX_EVENT_COUNT)
        if count == 0:
            continue
        tally = tallies.get(event.type)
        if tally is None:
            tally = tallies[event.type] = _Tally()
        tally.count += count
        rule = rules.get(event.type)
        if rule is not None and rule.points:
            age = max((now - event.at).total_seconds(), 0.0) / _SECONDS_PER_DAY
            tally.points += rule.points * count * _decay(rule.decay, age)
    known = [_event_reason(rule, tallies[t]) for t, rule in rules.items() if t in tallies]
    unknown = [
        Reason(f"event:{t}", 0, f"{tally.count} × {_show(t)}: not in the scoring model")
        for t, tally in tallies.items()
        if t not in rules
    ]
    return known + unknown, frozenset(tallies)


def _event_reason(rule: EventPlan, tally: _Tally) -> Reason:
    parts = [f"{tally.count} × {rule.points}"]
    points = tally.points
    if not math.isclose(points, rule.points * tally.count):
        parts.append(f"decayed to {points:.1f}")
    if rule.cap is not None and abs(points) > rule.cap:
        points = math.copysign(rule.cap, points)
        parts.append(f"capped at {int(points)}")
    return Reason(f"event:{rule.type}", _round(points), ", ".join(parts))


def _decay(decay: NoDecay | HalfLifeDecay | StepDecay, age_days: float) -> float:
    if isinstance(decay, HalfLifeDecay):
        return float(0.5 ** (age_days / decay.half_life_days))
    if isinstance(decay, StepDecay):
        return float((1.0 - decay.drop) ** math.floor(age_days / decay.every_days))
    return 1.0


def _round(value: float) -> int:
    """Halves away from zero, so 2.5 and -2.5 weigh the same either way."""
    return int(math.copysign(math.floor(abs(value) + 0.5), value))


# --- pools and tags --------------------------------------------------------------------------


def _routes(rule: RoutePlan, facts: _Facts, outcome: _Outcome) -> bool:
    if rule.grades is not None and outcome.grade not in rule.grades:
        return False
    if not rule.min_score <= outcome.score <= rule.max_score:
        return False
    if not all(name in outcome.fired for name in rule.fit):
        return False
    if rule.events and not any(t in outcome.events for t in rule.events):
        return False
    if rule.tags and not any(t in outcome.tags_in for t in rule.tags):
        return False
    return _rule_holds(rule.checks, facts) is not None
