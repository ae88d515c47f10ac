"""Fitting fit-rule points to outcomes: AUC, the split, the regression, points and the refit."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime

import pytest

from app.domain import normalize, score_fit
from app.domain.policy import DEFAULT_POLICY
from app.domain.score import score_lead
from app.domain.score_fit import Sample
from app.domain.score_model import DEFAULT_SCORING_MODEL, FitRule, ScoringModel
from app.domain.types import RawLead

# Known effects in log-odds: the generator draws outcomes from them, the fit must find them.
EFFECTS = {"strong": 2.5, "medium": 1.5, "weak": 0.5, "harmful": -1.5}
INTERCEPT = -1.0


def generate(n: int, seed: int, share: float = 0.35) -> list[Sample]:
    """Leads whose rules hold independently, converting with the logistic of their effects."""
    rng = random.Random(seed)
    samples = []
    for i in range(n):
        fired = frozenset(name for name in EFFECTS if rng.random() < share)
        logit = INTERCEPT + sum(EFFECTS[name] for name in fired)
        samples.append(Sample(f"lead-{i}", fired, rng.random() < 1 / (1 + math.exp(-logit))))
    return samples


def model(points: dict[str, int]) -> ScoringModel:
    return ScoringModel(
        fit=tuple(
            FitRule(name=name, field="attributes.f", equals=name, points=p)
            for name, p in points.items()
        )
    )


# The old model has the factors in the wrong order and the harmful one helping.
WRONG = {"strong": 5, "medium": 10, "weak": 20, "harmful": 5}


@pytest.mark.parametrize(
    ("scores", "labels", "auc"),
    [
        ([1, 2, 3, 4], [False, False, True, True], 1.0),
        ([4, 3, 2, 1], [False, False, True, True], 0.0),
        ([5, 5, 5, 5], [False, True, False, True], 0.5),
        ([1, 2, 3, 4], [False, True, False, True], 0.75),
        ([1, 2, 2, 3], [False, True, False, True], 0.875),
        ([0.1, 0.9], [True, False], 0.0),
    ],
)
def test_roc_auc(scores: list[float], labels: list[bool], auc: float) -> None:
    assert score_fit.roc_auc(scores, labels) == pytest.approx(auc)


@pytest.mark.parametrize("labels", [[True, True], [False, False, False], []])
def test_roc_auc_needs_both_classes(labels: list[bool]) -> None:
    with pytest.raises(ValueError, match="positive and one negative"):
        score_fit.roc_auc([1.0] * len(labels), labels)


def test_split_is_stratified_disjoint_and_repeatable() -> None:
    samples = generate(1000, seed=1)
    converted = sum(s.converted for s in samples)

    train, held_out = score_fit.split(samples, 0.3, "seed")

    assert sorted(s.key for s in train + held_out) == sorted(s.key for s in samples)
    assert not {s.key for s in train} & {s.key for s in held_out}
    assert sum(s.converted for s in held_out) == round(converted * 0.3)
    assert len(held_out) == round(converted * 0.3) + round((1000 - converted) * 0.3)
    assert score_fit.split(samples, 0.3, "seed") == (train, held_out)
    assert score_fit.split(list(reversed(samples)), 0.3, "seed")[1] == held_out
    assert score_fit.split(samples, 0.3, "other")[1] != held_out


@pytest.mark.parametrize("holdout", [0.0, 1.0, -0.1, 1.5])
def test_split_refuses_a_holdout_outside_0_1(holdout: float) -> None:
    with pytest.raises(ValueError, match="holdout"):
        score_fit.split(generate(50, seed=1), holdout, "0")


@pytest.mark.parametrize(
    ("with_rule", "without_rule"),
    [((30, 10), (10, 30)), ((5, 45), (25, 25)), ((12, 12), (3, 27))],
)
def test_one_rule_without_penalty_gives_the_log_odds_ratio(
    with_rule: tuple[int, int], without_rule: tuple[int, int]
) -> None:
    """With one binary rule the maximum-likelihood weight is the log of the odds ratio."""
    samples = []
    for fired, (converted, other) in ((frozenset({"r"}), with_rule), (frozenset(), without_rule)):
        samples += [Sample(f"{fired}{i}", fired, i < converted) for i in range(converted + other)]

    weights = score_fit.logistic_weights(samples, ["r"], l2=0.0)

    odds_with = with_rule[0] / with_rule[1]
    odds_without = without_rule[0] / without_rule[1]
    assert weights["r"] == pytest.approx(math.log(odds_with / odds_without), abs=1e-6)


def test_refit_recovers_the_order_of_the_known_factors() -> None:
    result = score_fit.refit(model(WRONG), generate(3000, seed=7), holdout=0.3, seed="0")

    new = {r.name: r.new for r in result.rules}
    weights = {r.name: r.weight for r in result.rules}
    assert new["strong"] > new["medium"] > new["weak"] > 0 > new["harmful"]
    for name, effect in EFFECTS.items():
        assert weights[name] == pytest.approx(effect, abs=0.35), name
    assert result.new_auc > result.old_auc + 0.1
    assert (result.train, result.held_out) == (2100, 900)
    assert {r.name: r.new for r in result.rules} == {r.name: r.points for r in result.model.fit}


def test_refit_keeps_the_old_points_budget() -> None:
    result = score_fit.refit(model(WRONG), generate(3000, seed=7))

    budget = sum(abs(r.new) for r in result.rules)
    assert abs(budget - sum(WRONG.values())) <= len(WRONG) / 2


def test_a_rule_without_evidence_keeps_its_points() -> None:
    samples = generate(400, seed=3)
    points = {**WRONG, "never": 7, "always": -3}
    always = [Sample(s.key, s.fired | {"always"}, s.converted) for s in samples]

    result = score_fit.refit(model(points), always, min_support=5)

    kept = {r.name: (r.weight, r.new) for r in result.rules if r.weight is None}
    assert kept == {"never": (None, 7), "always": (None, -3)}


@pytest.mark.parametrize(("converted", "other"), [(9, 100), (100, 9), (0, 50)])
def test_refit_needs_enough_outcomes_of_each_kind(converted: int, other: int) -> None:
    samples = [Sample(f"c{i}", frozenset({"strong"}), True) for i in range(converted)]
    samples += [Sample(f"o{i}", frozenset(), False) for i in range(other)]

    with pytest.raises(score_fit.NotEnoughOutcomes, match="at least 10"):
        score_fit.refit(model(WRONG), samples)


@pytest.mark.parametrize(
    ("weights", "old", "new"),
    [
        ({"a": 2.0, "b": -1.0}, {"a": 10, "b": 20}, {"a": 20, "b": -10}),
        ({"a": 0.3, "b": 0.2}, {"a": 0, "b": 0}, {"a": 3, "b": 2}),
        ({"a": 9.0, "b": 1.0}, {"a": 100, "b": 100}, {"a": 100, "b": 20}),
        ({"a": 0.25, "b": -0.25}, {"a": 1, "b": 2}, {"a": 2, "b": -2}),
    ],
)
def test_to_points(weights: dict[str, float], old: dict[str, int], new: dict[str, int]) -> None:
    assert score_fit.to_points(weights, old) == new


RAW_LEADS = [
    RawLead(
        name="王伟",
        phone=("13957204816",),
        email=("wang.wei@xinghe-tech.cn",),
        company="北京星河科技有限公司",
        title="销售总监",
        source="referral",
        attributes={"employees": 800},
    ),
    RawLead(phone=("12345",), source="web_form"),
    RawLead(email=("test@mailinator.com",), title="intern"),
    RawLead(name="李雷", email=("li.lei@qq.com",), region="广东", website="https://lilei.example"),
]


@pytest.mark.parametrize("raw", RAW_LEADS)
def test_fit_score_of_the_fired_rules_is_the_scorers_score(raw: RawLead) -> None:
    lead, issues = normalize.normalize_lead(raw, "CN", DEFAULT_POLICY.blocklist)
    now = datetime(2026, 12, 1, tzinfo=UTC)
    expected = score_lead(lead, issues, (), DEFAULT_SCORING_MODEL, now).score

    fired = score_fit.fired_rules(lead, issues, DEFAULT_SCORING_MODEL)

    points = {r.name: r.points for r in DEFAULT_SCORING_MODEL.fit}
    assert score_fit.fit_score(fired, points) == expected
