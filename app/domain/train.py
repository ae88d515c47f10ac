"""Fit the match model's m and u to a tenant's own records (Fellegi-Sunter, as Splink does).

u comes from random pairs, which are almost all different people; m and the
prior come from expectation-maximisation over the candidate pairs the index
produces, with pairs a person already judged (reviews) held at their verdict.
The caller picks the pairs (the domain draws no random numbers).

Term-frequency adjustment is not fitted: it needs no fitting (a value's frequency is
counted at check time) and the fit leaves it out, weighing every pair with the level's
own u; the fitted model keeps the start model's `term_frequency` settings.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.domain.compare import Level
from app.domain.model import match_weights, probability
from app.domain.policy import LevelWeights, MatchModel

Levels = Mapping[str, Level]
_SMOOTHING = 0.5
_FLOOR = 1e-6
_MAX_PRIOR = 0.5


@dataclass(frozen=True, slots=True)
class Fit:
    model: MatchModel
    iterations: int
    pairs: int


def level_counts(pairs: Sequence[Levels]) -> dict[str, dict[str, float]]:
    counts: dict[str, dict[str, float]] = {}
    for levels in pairs:
        for field, level in levels.items():
            counts.setdefault(field, {}).setdefault(level.level, 0.0)
            counts[field][level.level] += 1.0
    return counts


def estimate_u(
    random_pairs: Sequence[Levels], known: Mapping[str, Sequence[str]]
) -> dict[str, dict[str, float]]:
    """P(level | different people) from random pairs, smoothed so no level is impossible."""
    counts = level_counts(random_pairs)
    return {field: _normalised(counts.get(field, {}), levels) for field, levels in known.items()}


def fit(
    candidate_pairs: Sequence[Levels],
    labels: Sequence[bool | None],
    u: Mapping[str, Mapping[str, float]],
    start: MatchModel,
    *,
    iterations: int = 20,
    tolerance: float = 1e-4,
) -> Fit:
    """EM for m and the prior with u held fixed; `labels[i]` pins pair i when a person judged it."""
    model = _with_u(start, u)
    done = 0
    while done < iterations:
        done += 1
        posteriors = [
            (1.0 if label else 0.0)
            if label is not None
            else probability(model.prior, match_weights(levels, model.fields))
            for levels, label in zip(candidate_pairs, labels, strict=True)
        ]
        updated = _m_step(candidate_pairs, posteriors, model, u)
        change = abs(updated.prior - model.prior)
        model = updated
        if change < tolerance:
            break
    return Fit(model=model, iterations=done, pairs=len(candidate_pairs))


def _m_step(
    pairs: Sequence[Levels],
    posteriors: Sequence[float],
    model: MatchModel,
    u: Mapping[str, Mapping[str, float]],
) -> MatchModel:
    weighted: dict[str, dict[str, float]] = {}
    for levels, p in zip(pairs, posteriors, strict=True):
        for field, level in levels.items():
            weighted.setdefault(field, {}).setdefault(level.level, 0.0)
            weighted[field][level.level] += p
    fields: dict[str, dict[str, LevelWeights]] = {}
    for field, table in model.fields.items():
        m = _normalised(weighted.get(field, {}), tuple(table))
        fields[field] = {
            level: LevelWeights(
                m=_bounded(m[level]), u=_bounded(u.get(field, {}).get(level, entry.u))
            )
            for level, entry in table.items()
        }
    prior = sum(posteriors) / len(posteriors) if posteriors else model.prior
    return model.model_copy(update={"prior": min(max(prior, _FLOOR), _MAX_PRIOR), "fields": fields})


def _with_u(model: MatchModel, u: Mapping[str, Mapping[str, float]]) -> MatchModel:
    fields = {
        field: {
            level: LevelWeights(m=entry.m, u=_bounded(u.get(field, {}).get(level, entry.u)))
            for level, entry in table.items()
        }
        for field, table in model.fields.items()
    }
    return model.model_copy(update={"fields": fields})


def _normalised(counts: Mapping[str, float], levels: Sequence[str]) -> dict[str, float]:
    total = sum(counts.get(level, 0.0) for level in levels) + _SMOOTHING * len(levels)
    return {level: (counts.get(level, 0.0) + _SMOOTHING) / total for level in levels}


def _bounded(value: float) -> float:
    return min(max(value, _FLOOR), 1.0)


def candidate_pairs(
    keys: Sequence[Sequence[str]], hot_key_cap: int, limit: int
) -> list[tuple[int, int]]:
    """Index pairs sharing a key held by at most `hot_key_cap` records: what checks compare."""
    holders: dict[str, list[int]] = {}
    for i, record_keys in enumerate(keys):
        for key in record_keys:
            holders.setdefault(key, []).append(i)
    pairs: dict[tuple[int, int], None] = {}
    for members in holders.values():
        if len(members) > hot_key_cap:
            continue
        for x, i in enumerate(members):
            for j in members[x + 1 :]:
                pairs[(i, j)] = None
                if len(pairs) >= limit:
                    return list(pairs)
    return list(pairs)


def weight_table(model: MatchModel) -> list[tuple[str, str, float, float, float]]:
    """(field, level, m, u, log2(m/u)) rows, for printing what was learned."""
    return [
        (field, level, entry.m, entry.u, math.log2(entry.m / entry.u))
        for field, table in model.fields.items()
        for level, entry in table.items()
    ]
