"""`leadgate train`: the tenant's records and judged pairs in, a fitted match model out.

No FastAPI here; the CLI drives it. Random pairs are drawn with a seeded
generator, so a run can be repeated.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from app.domain import match, train
from app.domain.compare import Level, compare
from app.domain.keys import blocking_keys
from app.domain.model import level_weights
from app.domain.policy import MatchModel, Policy
from app.domain.types import NormalizedLead, normalized_from_dict
from app.store import leads, reviews
from app.store.engine import transaction

MAX_CANDIDATE_PAIRS = 200_000


@dataclass(frozen=True, slots=True)
class TrainingData:
    records: list[NormalizedLead]
    judged: list[tuple[NormalizedLead, NormalizedLead, bool]]


async def training_data(engine: AsyncEngine, tenant_id: str, limit: int) -> TrainingData:
    async with transaction(engine) as conn:
        records = [c.lead for c in await leads.recent_live(conn, tenant_id, limit)]
        judged: list[tuple[NormalizedLead, NormalizedLead, bool]] = []
        verdicts: tuple[tuple[reviews.Status, bool], ...] = (("same", True), ("different", False))
        for status, same in verdicts:
            for item in await reviews.list_reviews(conn, tenant_id, status, limit=reviews.MAX_PAGE):
                if item.lead is not None and item.candidate is not None:
                    pair = (normalized_from_dict(item.lead), normalized_from_dict(item.candidate))
                    judged.append((*pair, same))
    return TrainingData(records, judged)


def fit_policy(data: TrainingData, policy: Policy, *, random_pairs: int, seed: int) -> train.Fit:
    types, identities = policy.attribute_types(), policy.identities()

    def levels(a: NormalizedLead, b: NormalizedLead) -> dict[str, Level]:
        return compare(a, b, types, identities)

    rng = random.Random(seed)
    records = data.records
    sampled = (
        [levels(*rng.sample(records, 2)) for _ in range(random_pairs)] if len(records) > 1 else []
    )
    start = MatchModel(prior=policy.model.prior, fields=level_weights(policy.model, types))
    known = {field: tuple(table) for field, table in start.fields.items()}
    u = train.estimate_u(sampled, known)
    candidates = _candidate_pairs(records, policy)
    pairs = [levels(a, b) for a, b in candidates]
    labels = [_anchor(policy, a, b) for a, b in candidates]
    for a, b, same in data.judged:
        pairs.append(levels(a, b))
        labels.append(same)
    return train.fit(pairs, labels, u, start)


def _anchor(policy: Policy, a: NormalizedLead, b: NormalizedLead) -> bool | None:
    """What the current rules are sure of holds the pair; the rest EM weighs freely.

    Unanchored EM on CRM data converges on "same company" (colleagues share the
    switchboard, domain, address and city together), not "same person".
    """
    decision = match.match(a, [match.Stored("b", b.entity, b)], policy)
    if decision.decision == "duplicate":
        return True
    if decision.decision == "unique":
        return False
    return None


def _candidate_pairs(
    records: Sequence[NormalizedLead], policy: Policy
) -> list[tuple[NormalizedLead, NormalizedLead]]:
    """Pairs sharing a blocking key under the hot-key cap: what a check would compare."""
    keys = [blocking_keys(r, policy.attributes) for r in records]
    pairs = train.candidate_pairs(keys, policy.hot_key_cap, MAX_CANDIDATE_PAIRS)
    return [(records[i], records[j]) for i, j in pairs]
