"""The Fellegi-Sunter match probability: each field's level adds log2(m/u) to the prior odds.

A field missing on either side adds nothing, so a sparse lead is judged on what
it has. The weights are returned with the probability so every match can say
which fields carried it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from app.domain.compare import Level
from app.domain.policy import DEFAULT_ATTRIBUTE_WEIGHTS, LevelWeights, MatchModel

_MAX_ODDS_EXPONENT = 60.0


def level_weights(
    model: MatchModel, attribute_types: Mapping[str, str]
) -> dict[str, dict[str, LevelWeights]]:
    """The model's table, with the shipped weights for typed attributes it does not set."""
    table = {f"attributes.{n}": DEFAULT_ATTRIBUTE_WEIGHTS[t] for n, t in attribute_types.items()}
    table.update(model.fields)
    return table


def match_weights(
    comparison: Mapping[str, Level], table: Mapping[str, Mapping[str, LevelWeights]]
) -> dict[str, float]:
    weights: dict[str, float] = {}
    for field, level in comparison.items():
        entry = table.get(field, {}).get(level.level)
        if entry is not None:
            weights[field] = math.log2(entry.m / entry.u)
    return weights


def probability(prior: float, weights: Mapping[str, float]) -> float:
    total = math.log2(prior / (1 - prior)) + sum(weights.values())
    total = max(-_MAX_ODDS_EXPONENT, min(_MAX_ODDS_EXPONENT, total))
    odds = float(2.0**total)
    return odds / (1 + odds)
