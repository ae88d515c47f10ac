"""The Fellegi-Sunter match probability: each field's level adds log2(m/u) to the prior odds.

A field missing on either side adds nothing, so a sparse lead is judged on what
it has. The weights are returned with the probability so every match can say
which fields carried it.

Term-frequency adjustment (as Splink's): at a level where both records hold one value
(the same name, the same company core), the level's u, P(agreeing | different
entities), becomes that value's own frequency among the tenant's records, so a rare
name agreeing weighs more than `王伟` or `John Smith` agreeing. The frequency is
(count + k·u) / (N + k): the index's count of the value among the N other records than
the candidate, with the level's u counted as k records' worth of evidence, so a young
tenant's few records barely move it. A value more than the hot-key cap share is common:
it never gains weight. `min_u` bounds what one rare value can add.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from app.domain.compare import Level
from app.domain.policy import DEFAULT_ATTRIBUTE_WEIGHTS, LevelWeights, MatchModel

_MAX_ODDS_EXPONENT = 60.0


@dataclass(frozen=True, slots=True)
class Frequencies:
    """How many records carry each searched key, and how many live records there are.

    A count above the policy's hot-key cap means "more than the cap": the lookup stops
    counting there. No count for a key (or no Frequencies at all) leaves u as set.
    """

    counts: Mapping[str, int] = field(default_factory=dict)
    records: int = 0

    def plus(self, other: Frequencies) -> Frequencies:
        """Two disjoint sets of records together (the stored index and a file's rows)."""
        keys = {*self.counts, *other.counts}
        counts = {k: self.counts.get(k, 0) + other.counts.get(k, 0) for k in keys}
        return Frequencies(counts, self.records + other.records)


def level_weights(
    model: MatchModel, attribute_types: Mapping[str, str]
) -> dict[str, dict[str, LevelWeights]]:
    """The model's table, with the shipped weights for typed attributes it does not set."""
    table = {f"attributes.{n}": DEFAULT_ATTRIBUTE_WEIGHTS[t] for n, t in attribute_types.items()}
    table.update(model.fields)
    return table


def match_weights(
    comparison: Mapping[str, Level],
    table: Mapping[str, Mapping[str, LevelWeights]],
    adjustments: Mapping[str, float] | None = None,
) -> dict[str, float]:
    """log2(m/u) of each field's level, plus its term-frequency adjustment if it has one."""
    return weigh(comparison, log_weights(table), adjustments)


def log_weights(table: Mapping[str, Mapping[str, LevelWeights]]) -> dict[str, dict[str, float]]:
    """Each level's log2(m/u), worked out once per table rather than once per candidate."""
    return {
        name: {level: math.log2(w.m / w.u) for level, w in levels.items()}
        for name, levels in table.items()
    }


_NO_LEVELS: Mapping[str, float] = {}


def weigh(
    comparison: Mapping[str, Level],
    logs: Mapping[str, Mapping[str, float]],
    adjustments: Mapping[str, float] | None = None,
) -> dict[str, float]:
    """`match_weights` on the table's `log_weights`."""
    weights: dict[str, float] = {}
    adjust = adjustments or _NO_LEVELS
    for name, level in comparison.items():
        weight = logs.get(name, _NO_LEVELS).get(level.level)
        if weight is not None:
            weights[name] = weight + adjust.get(name, 0.0)
    return weights


@lru_cache(maxsize=4096)
def tf_adjustment(
    u: float, count: int, records: int, min_u: float, *, prior_records: int, cap: int
) -> float:
    """log2(u / u_value): what agreeing on a value `count` of `records` records hold adds.

    The candidate's own record is the one being judged, so it is not counted as another
    holder of the value: a value only it holds, in a tenant of any size, is as rare as the
    tenant's records can show. Over the cap the count is only a lower bound: such a value
    is common, so it may lose weight but never gain. Cached: a lead's candidates share
    its few counts.
    """
    population = max(records - 1, 0) + prior_records
    if population == 0:
        return 0.0
    u_value = (max(count - 1, 0) + prior_records * u) / population
    floor = u if count > cap else min_u
    return math.log2(u / max(u_value, floor))


def tf_adjustments(
    comparison: Mapping[str, Level],
    table: Mapping[str, Mapping[str, LevelWeights]],
    model: MatchModel,
    value_counts: Mapping[str, int],
    *,
    records: int,
    cap: int,
) -> dict[str, float]:
    """Each field's adjustment, given the count of the value the two records agree on
    (`value_counts` holds only fields at a level their `term_frequency` adjusts)."""
    found: dict[str, float] = {}
    for name, count in value_counts.items():
        entry = table.get(name, {}).get(comparison[name].level)
        if entry is not None:
            found[name] = tf_adjustment(
                entry.u,
                count,
                records,
                model.term_frequency[name].min_u,
                prior_records=model.tf_prior_records,
                cap=cap,
            )
    return found


def probability(prior: float, weights: Mapping[str, float]) -> float:
    total = math.log2(prior / (1 - prior)) + sum(weights.values())
    total = max(-_MAX_ODDS_EXPONENT, min(_MAX_ODDS_EXPONENT, total))
    odds = float(2.0**total)
    return odds / (1 + odds)
