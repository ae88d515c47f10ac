"""Fit a scoring model's fit-rule points to the outcomes of a tenant's leads.

A score is only worth what it predicts. Each lead with an outcome becomes a
sample: the fit rules that held for it (the same rules, groups and order the
scorer applies) and whether it converted (`lost` and `no_response` did not).
The samples are split, per class and by a hash of the lead's id, into a
training part and a held-out part; a logistic regression with an L2 penalty,
fitted by Newton's method in plain Python (a few dozen rules need no numeric
library), gives each rule's weight in log-odds on the training part.

The weights become points on the old model's scale: they are multiplied by one
factor chosen so that the refitted rules keep the old model's budget (the sum
of their absolute points), so grade bands keep their meaning, then rounded and
bounded to ±100. A rule that held for fewer than `min_support` training leads,
or failed for fewer, leaves no evidence and keeps its old points.

How well each model ranks converted leads above the others on the held-out
part is its ROC AUC: the chance that a converted lead scores above one that did
not (ties count half). The scores are the fit scores the scorer would give
without events: the sum of the points of the rules that held, clamped to 0..100.

Pure: no clock, no randomness (the split is a hash), no I/O.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from app.domain.score import MAX_SCORE, MIN_SCORE, score_lead
from app.domain.score_model import MAX_POINTS, ScoringModel
from app.domain.types import Issue, NormalizedLead

MIN_PER_CLASS = 10
"""Fewer converted (or not converted) leads than this and there is nothing to fit."""
MIN_SUPPORT = 5
L2_PENALTY = 1.0
DEFAULT_POINTS_PER_LOGIT = 10.0
"""The scale when the old model gives the refitted rules no points at all."""
_MAX_NEWTON_STEPS = 100
_CONVERGED = 1e-9
_SCORED_AT = datetime(2000, 1, 1, tzinfo=UTC)
"""Fit rules do not depend on time; the scorer only needs some aware `now`."""


class NotEnoughOutcomes(ValueError):
    """Too few outcomes of one kind to fit and to measure a model."""


@dataclass(frozen=True, slots=True)
class Sample:
    key: str
    """A stable id (the lead's) that decides which part the sample falls in."""
    fired: frozenset[str]
    converted: bool


@dataclass(frozen=True, slots=True)
class RuleFit:
    name: str
    old: int
    new: int
    weight: float | None
    """Log-odds the rule adds; None when it kept its old points for lack of evidence."""
    leads: int
    """Training leads the rule held for."""


@dataclass(frozen=True, slots=True)
class FitResult:
    model: ScoringModel
    rules: tuple[RuleFit, ...]
    train: int
    held_out: int
    converted_train: int
    converted_held_out: int
    old_auc: float
    new_auc: float


def fired_rules(
    lead: NormalizedLead, issues: Sequence[Issue], model: ScoringModel
) -> frozenset[str]:
    """The fit rules the scorer applies to this lead (of a group, only the first that holds)."""
    names = {rule.name for rule in model.fit}
    scored = score_lead(lead, issues, (), model, _SCORED_AT)
    return frozenset(r.factor for r in scored.reasons if r.factor in names)


def refit(
    model: ScoringModel,
    samples: Sequence[Sample],
    *,
    holdout: float = 0.3,
    seed: str = "0",
    l2: float = L2_PENALTY,
    min_support: int = MIN_SUPPORT,
) -> FitResult:
    """The model with its fit-rule points refitted to the samples, and both models' held-out AUC."""
    converted = sum(s.converted for s in samples)
    if min(converted, len(samples) - converted) < MIN_PER_CLASS:
        raise NotEnoughOutcomes(
            f"{converted} converted and {len(samples) - converted} other leads with an outcome; "
            f"fitting needs at least {MIN_PER_CLASS} of each"
        )
    train, held_out = split(samples, holdout, seed)
    old_points = {rule.name: rule.points for rule in model.fit}
    support = {name: sum(name in s.fired for s in train) for name in old_points}
    fitted = [
        name
        for name, count in support.items()
        if count >= min_support and len(train) - count >= min_support
    ]
    weights = logistic_weights(train, fitted, l2)
    new_points = {**old_points, **to_points(weights, old_points)}
    new_model = model.model_copy(
        update={
            "fit": tuple(r.model_copy(update={"points": new_points[r.name]}) for r in model.fit)
        }
    )
    return FitResult(
        model=new_model,
        rules=tuple(
            RuleFit(name, old_points[name], new_points[name], weights.get(name), support[name])
            for name in old_points
        ),
        train=len(train),
        held_out=len(held_out),
        converted_train=sum(s.converted for s in train),
        converted_held_out=sum(s.converted for s in held_out),
        old_auc=model_auc(held_out, old_points),
        new_auc=model_auc(held_out, new_points),
    )


def split(
    samples: Sequence[Sample], holdout: float, seed: str
) -> tuple[list[Sample], list[Sample]]:
    """Training and held-out parts, each class split in the same proportion, by hash order."""
    if not 0 < holdout < 1:
        raise ValueError(f"holdout must lie between 0 and 1, not {holdout}")
    train: list[Sample] = []
    held_out: list[Sample] = []
    for converted in (True, False):
        group = sorted(
            (s for s in samples if s.converted == converted), key=lambda s: _rank(seed, s.key)
        )
        cut = min(max(round(len(group) * holdout), 1), len(group) - 1) if len(group) > 1 else 0
        held_out += group[:cut]
        train += group[cut:]
    return train, held_out


def _rank(seed: str, key: str) -> bytes:
    return hashlib.sha256(f"{seed}\x00{key}".encode()).digest()


def fit_score(fired: Iterable[str], points: dict[str, int]) -> int:
    """The scorer's score of a lead without events: its rules' points, clamped to 0..100."""
    return min(max(sum(points.get(name, 0) for name in fired), MIN_SCORE), MAX_SCORE)


def model_auc(samples: Sequence[Sample], points: dict[str, int]) -> float:
    return roc_auc([fit_score(s.fired, points) for s in samples], [s.converted for s in samples])


def roc_auc(scores: Sequence[float], labels: Sequence[bool]) -> float:
    """The chance a positive scores above a negative, ties counting half (Mann-Whitney U)."""
    positives = sum(labels)
    negatives = len(labels) - positives
    if positives == 0 or negatives == 0:
        raise ValueError("ROC AUC needs at least one positive and one negative")
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    rank_sum = 0.0
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and scores[order[end + 1]] == scores[order[start]]:
            end += 1
        average_rank = (start + end) / 2 + 1
        rank_sum += average_rank * sum(labels[order[i]] for i in range(start, end + 1))
        start = end + 1
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def logistic_weights(
    samples: Sequence[Sample], names: Sequence[str], l2: float
) -> dict[str, float]:
    """Each named rule's log-odds weight, with an unpenalised intercept, by Newton's method."""
    column = {name: i + 1 for i, name in enumerate(names)}
    rows = [[0, *(column[n] for n in s.fired if n in column)] for s in samples]
    labels = [1.0 if s.converted else 0.0 for s in samples]
    beta = [0.0] * (len(names) + 1)
    for _ in range(_MAX_NEWTON_STEPS):
        gradient, curvature = _newton_terms(rows, labels, beta, l2)
        step = _solve(curvature, gradient)
        beta = [b + d for b, d in zip(beta, step, strict=True)]
        if max(abs(d) for d in step) < _CONVERGED:
            break
    return {name: beta[column[name]] for name in names}


def _newton_terms(
    rows: Sequence[list[int]], labels: Sequence[float], beta: Sequence[float], l2: float
) -> tuple[list[float], list[list[float]]]:
    """The penalised log-likelihood's gradient and its negated Hessian (positive definite)."""
    size = len(beta)
    gradient = [0.0] * size
    curvature = [[0.0] * size for _ in range(size)]
    for row, label in zip(rows, labels, strict=True):
        p = _sigmoid(sum(beta[j] for j in row))
        residual, weight = label - p, p * (1.0 - p)
        for a in row:
            gradient[a] += residual
            line = curvature[a]
            for b in row:
                line[b] += weight
    for j in range(1, size):
        gradient[j] -= l2 * beta[j]
        curvature[j][j] += l2
    curvature[0][0] += _CONVERGED
    return gradient, curvature


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """x with matrix · x = vector, for a symmetric positive definite matrix (Cholesky)."""
    n = len(vector)
    lower = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1):
            total = matrix[i][j] - sum(lower[i][k] * lower[j][k] for k in range(j))
            if i == j:
                lower[i][i] = math.sqrt(max(total, _CONVERGED))
            else:
                lower[i][j] = total / lower[j][j]
    forward = [0.0] * n
    for i in range(n):
        forward[i] = (vector[i] - sum(lower[i][k] * forward[k] for k in range(i))) / lower[i][i]
    solution = [0.0] * n
    for i in reversed(range(n)):
        rest = sum(lower[k][i] * solution[k] for k in range(i + 1, n))
        solution[i] = (forward[i] - rest) / lower[i][i]
    return solution


def to_points(weights: dict[str, float], old_points: dict[str, int]) -> dict[str, int]:
    """Weights as whole points, scaled to keep the old points budget of these rules."""
    old_budget = sum(abs(old_points[name]) for name in weights)
    new_budget = sum(abs(w) for w in weights.values())
    scale = old_budget / new_budget if old_budget and new_budget else DEFAULT_POINTS_PER_LOGIT
    return {
        name: min(max(_round(w * scale), -MAX_POINTS), MAX_POINTS) for name, w in weights.items()
    }


def _round(value: float) -> int:
    """Halves away from zero, like the scorer."""
    return int(math.copysign(math.floor(abs(value) + 0.5), value))
