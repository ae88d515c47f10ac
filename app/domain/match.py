"""One lead against its candidates: compare, weigh, let the rules decide; and the patch.

The candidates come from the index (or a batch's own earlier leads); this
module does not care where, so the service and the batch cleaner agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from app.domain.compare import FIELDS, MISSING, Level, compare, compare_field
from app.domain.decide import Decision, Scored, decide, may_fire
from app.domain.keys import value_key, values
from app.domain.model import (
    Frequencies,
    level_weights,
    log_weights,
    probability,
    tf_adjustments,
    weigh,
)
from app.domain.per_policy import once_per_policy
from app.domain.policy import LevelWeights, MatchModel, Policy
from app.domain.types import NormalizedLead

PATCH_FIELDS = (
    "name",
    "company",
    "uscc",
    "phone",
    "email",
    "website",
    "title",
    "address",
    "city",
    "region",
    "postcode",
    "country",
)


@dataclass(frozen=True, slots=True)
class Stored:
    """A record the lead may duplicate: its id, what it is in the CRM, its normalized form."""

    id: str
    entity: str
    lead: NormalizedLead


def score(
    lead: NormalizedLead,
    candidates: Iterable[Stored],
    policy: Policy,
    frequencies: Frequencies | None = None,
    *,
    only_possible: bool = False,
) -> list[Scored]:
    """Each candidate compared and weighed; `frequencies` (the index's counts of the lead's
    keys) adjust the weight of agreeing on a common or a rare value, without them u is as set.

    `only_possible` leaves out a candidate whose levels no rule accepts at any probability:
    `decide` drops it anyway. Its name is compared first (`SCREEN`), and when no rule can
    fire whatever the other fields say, they are neither compared nor weighed.
    """
    plan = once_per_policy(policy, _weighing)
    frequencies = frequencies or Frequencies()
    counted = _counted_values(lead, policy.model, frequencies)
    scored = []
    for candidate in candidates:
        if only_possible:
            levels = _possible_levels(lead, candidate, policy, plan)
            if levels is None:
                continue
        else:
            levels = compare(lead, candidate.lead, plan.types, plan.identities)
        adjustments = (
            tf_adjustments(
                levels,
                plan.table,
                policy.model,
                _value_counts(levels, candidate.lead, policy.model, counted),
                records=frequencies.records,
                cap=policy.hot_key_cap,
            )
            if counted
            else {}
        )
        weights = weigh(levels, plan.logs, adjustments)
        scored.append(
            Scored(
                candidate.id,
                candidate.entity,
                levels,
                weights,
                probability(policy.model.prior, weights),
                adjustments,
            )
        )
    return scored


SCREEN = ("name",)
"""Compared first: on a B2B file most candidates are colleagues of the lead (they share its
company's keys) under another name, which no rule accepts, so the other fields of six
candidates in ten need not be compared at all."""


def _possible_levels(
    lead: NormalizedLead, candidate: Stored, policy: Policy, plan: _Weighing
) -> dict[str, Level] | None:
    """All levels of a candidate some rule may accept; None, comparing as little as
    possible, for one no rule accepts. The screen's answer is kept per entities and
    levels: a handful of them cover every candidate."""
    known = {name: compare_field(name, lead, candidate.lead) for name in SCREEN}
    signature = (
        lead.entity,
        candidate.entity,
        *(MISSING if level is None else level.level for level in known.values()),
    )
    possible = plan.screened.get(signature)
    if possible is None:
        screened = {name: level for name, level in known.items() if level is not None}
        possible = may_fire(policy, lead.entity, candidate.entity, screened, plan.unscreened)
        if len(plan.screened) < SCREENS_KEPT:
            plan.screened[signature] = possible
    if not possible:
        return None
    levels = compare(lead, candidate.lead, plan.types, plan.identities, known=known)
    return levels if may_fire(policy, lead.entity, candidate.entity, levels) else None


SCREENS_KEPT = 1024


@dataclass(frozen=True, slots=True)
class _Weighing:
    """What weighing a candidate reads from the policy, worked out once per policy."""

    types: dict[str, str]
    identities: tuple[str, ...]
    table: dict[str, dict[str, LevelWeights]]
    logs: dict[str, dict[str, float]]
    unscreened: frozenset[str]
    """The fields `compare` may report besides `SCREEN`: any level until compared."""
    screened: dict[tuple[str, ...], bool]
    """The screen's answers by entities and `SCREEN` levels (at most `SCREENS_KEPT`)."""


def _weighing(policy: Policy) -> _Weighing:
    types = policy.attribute_types()
    table = level_weights(policy.model, types)
    identities = policy.identities()
    derived = {"identity"} if identities else set()
    if "date" in types.values():
        derived.add("date")
    unscreened = {*FIELDS, *(f"attributes.{name}" for name in types), *derived} - set(SCREEN)
    return _Weighing(types, identities, table, log_weights(table), frozenset(unscreened), {})


def _counted_values(
    lead: NormalizedLead, model: MatchModel, frequencies: Frequencies
) -> dict[str, dict[str, int]]:
    """Per term-frequency field, the lead's values whose key has a count, with the count:
    worked out once per lead, not per candidate."""
    found: dict[str, dict[str, int]] = {}
    for name in model.term_frequency:
        keyed = {v: value_key(name, v) for v in values(name, lead)}
        counts = {v: frequencies.counts[k] for v, k in keyed.items() if k in frequencies.counts}
        if counts:
            found[name] = counts
    return found


def _value_counts(
    levels: Mapping[str, Level],
    candidate: NormalizedLead,
    model: MatchModel,
    counted: Mapping[str, Mapping[str, int]],
) -> dict[str, int]:
    """Per term-frequency field at an adjusted level, the count of the value both records
    hold: the least count of the values both have, the most specific one they agree on (a
    company's core rather than its trade name)."""
    found: dict[str, int] = {}
    for name, counts in counted.items():
        level = levels.get(name)
        if level is None or level.level not in model.term_frequency[name].levels:
            continue
        known = [counts[v] for v in values(name, candidate) if v in counts]
        if known:
            found[name] = min(known)
    return found


def match(
    lead: NormalizedLead,
    candidates: Iterable[Stored],
    policy: Policy,
    frequencies: Frequencies | None = None,
) -> Decision:
    scored = score(lead, candidates, policy, frequencies, only_possible=True)
    return decide(lead.entity, scored, policy)


def patch(lead: NormalizedLead, master: NormalizedLead) -> dict[str, Any]:
    """What the matched record should take from the new lead: keep non-empty, union lists."""
    changes: dict[str, Any] = {}
    for field in PATCH_FIELDS:
        new, old = getattr(lead, field), getattr(master, field)
        if isinstance(new, tuple):
            added = [v for v in new if v not in old]
            if added:
                changes[field] = [*old, *added]
        elif new and not old:
            changes[field] = new
    return changes


def explain(
    levels: Mapping[str, Any],
    weights: Mapping[str, float],
    adjustments: Mapping[str, float] | None = None,
) -> dict[str, dict[str, Any]]:
    """Per field the level, similarity and weight; `tf_adjustment` when the weight was moved
    by how common the agreed value is (below 0: a common value, above: a rare one)."""
    found: dict[str, dict[str, Any]] = {}
    for name, level in levels.items():
        found[name] = {
            "level": level.level,
            "similarity": round(level.similarity, 4),
            "weight": round(weights.get(name, 0.0), 3),
        }
        if adjustments and name in adjustments:
            found[name]["tf_adjustment"] = round(adjustments[name], 3)
    return found
