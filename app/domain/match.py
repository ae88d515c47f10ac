"""One lead against its candidates: compare, weigh, let the rules decide; and the patch.

The candidates come from the index (or a batch's own earlier leads); this
module does not care where, so the service and the batch cleaner agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from app.domain.compare import compare
from app.domain.decide import Decision, Scored, decide
from app.domain.model import level_weights, match_weights, probability
from app.domain.policy import Policy
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


def score(lead: NormalizedLead, candidates: Iterable[Stored], policy: Policy) -> list[Scored]:
    types = policy.attribute_types()
    identities = policy.identities()
    table = level_weights(policy.model, types)
    scored = []
    for candidate in candidates:
        levels = compare(lead, candidate.lead, types, identities)
        weights = match_weights(levels, table)
        scored.append(
            Scored(
                candidate.id,
                candidate.entity,
                levels,
                weights,
                probability(policy.model.prior, weights),
            )
        )
    return scored


def match(lead: NormalizedLead, candidates: Iterable[Stored], policy: Policy) -> Decision:
    return decide(lead.entity, score(lead, candidates, policy), policy)


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


def explain(levels: Mapping[str, Any], weights: Mapping[str, float]) -> dict[str, dict[str, Any]]:
    return {
        name: {
            "level": level.level,
            "similarity": round(level.similarity, 4),
            "weight": round(weights.get(name, 0.0), 3),
        }
        for name, level in levels.items()
    }
