"""The Fellegi-Sunter weights and their term-frequency adjustment (app/domain/model.py)."""

from __future__ import annotations

import math
from typing import Any

import pytest
from pydantic import ValidationError

from app.domain.keys import blocking_keys
from app.domain.match import Stored, explain, score
from app.domain.model import Frequencies, tf_adjustment
from app.domain.normalize import normalize_lead
from app.domain.policy import DEFAULT_POLICY, TermFrequency
from app.domain.types import NormalizedLead, RawLead

NAME = TermFrequency(levels=("exact",), min_u=0.0005)
U = 0.002
CAP = 200

# (count of the value, live records, prior records, expected adjustment in bits)
ADJUSTMENTS = [
    # a value only the candidate holds, in a large tenant: as rare as the floor allows
    (1, 1_000_000, 1000, math.log2(U / 0.0005)),
    # one other record holds it in a million: still floored
    (2, 1_000_000, 1000, math.log2(U / 0.0005)),
    # a common value: its own frequency, 150 others in 100,000 records
    (151, 100_000, 1000, math.log2(U / ((150 + 2) / (99_999 + 1000)))),
    # over the cap in a small tenant: common, and loses weight
    (CAP + 1, 5000, 1000, math.log2(U / ((CAP + 2) / (4999 + 1000)))),
    # over the cap in a huge tenant: the count is only a lower bound, so no gain
    (CAP + 1, 10_000_000, 1000, 0.0),
    # a young tenant: its few records barely move the level's u
    (1, 10, 1000, math.log2(U / (2 / (9 + 1000)))),
    (3, 10, 1000, math.log2(U / ((2 + 2) / (9 + 1000)))),
    # no prior records: the raw frequency, floored
    (11, 1000, 0, math.log2(U / (10 / 999))),
    # nothing counted and no prior: u as set
    (1, 0, 0, 0.0),
    # a count of 0 (the candidate's key not found) counts as the candidate alone
    (0, 1_000_000, 1000, math.log2(U / 0.0005)),
]


@pytest.mark.parametrize(("count", "records", "prior", "expected"), ADJUSTMENTS)
def test_tf_adjustment(count: int, records: int, prior: int, expected: float) -> None:
    found = tf_adjustment(U, count, records, NAME.min_u, prior_records=prior, cap=CAP)
    assert found == pytest.approx(expected)


def test_a_rare_value_weighs_more_than_a_common_one_and_the_floor_bounds_it() -> None:
    def adjust(count: int) -> float:
        return tf_adjustment(U, count, 1_000_000, NAME.min_u, prior_records=1000, cap=CAP)

    by_count = [adjust(n) for n in (1, 10, 50, 150, CAP, CAP + 1)]
    assert by_count == sorted(by_count, reverse=True)
    assert max(by_count) == pytest.approx(math.log2(U / NAME.min_u))
    assert adjust(CAP + 1) <= 0


def lead(**fields: Any) -> NormalizedLead:
    return normalize_lead(RawLead(**fields), "CN")[0]


NEW = lead(name="欧阳娜娜", phone=("13971824503",))
OLD = lead(name="欧阳娜娜", phone=("+86 139 7182 4503",))
NAME_KEY = next(k for k in blocking_keys(NEW) if k.startswith("name:"))


def _name(frequencies: Frequencies | None) -> tuple[float, float, dict[str, Any]]:
    """The name's weight, the pair's probability and the name's explanation."""
    (found,) = score(NEW, [Stored("c", "lead", OLD)], DEFAULT_POLICY, frequencies)
    shown = explain(found.levels, found.weights, found.adjustments)
    return found.weights["name"], found.probability, shown["name"]


# (the name's count among 1,000,000 records, or None: no count; its adjustment's sign)
NAME_COUNTS = [(1, 1), (CAP + 1, 0), (None, None)]


@pytest.mark.parametrize(("count", "sign"), NAME_COUNTS)
def test_score_adjusts_the_agreeing_name_by_its_count(count: int | None, sign: int | None) -> None:
    plain = math.log2(0.8 / 0.002)  # the shipped name `exact` level
    counts = {} if count is None else {NAME_KEY: count}
    weight, _, shown = _name(Frequencies(counts, 1_000_000))
    if sign is None:
        assert weight == pytest.approx(plain)
        assert "tf_adjustment" not in shown
    else:
        assert shown["tf_adjustment"] == pytest.approx(weight - plain, abs=1e-3)
        assert shown["weight"] == pytest.approx(weight, abs=1e-3)
        assert (weight > plain) if sign else (weight == pytest.approx(plain))


def test_a_rare_name_agreeing_scores_higher_than_a_common_one() -> None:
    _, rare, _ = _name(Frequencies({NAME_KEY: 1}, 50_000))
    _, common, shown = _name(Frequencies({NAME_KEY: 150}, 50_000))
    _, plain, _ = _name(None)
    assert rare > plain > common
    assert shown["tf_adjustment"] < 0


def test_a_different_name_is_not_adjusted() -> None:
    other = lead(name="李娜", phone=("13971824503",))
    (found,) = score(NEW, [Stored("c", "lead", other)], DEFAULT_POLICY, Frequencies({}, 10**6))
    assert "name" not in found.adjustments


@pytest.mark.parametrize(
    "term_frequency",
    [
        {"phone": {"levels": ["exact_mobile"], "min_u": 0.001}},
        {"name": {"levels": ["similar"], "min_u": 0.001}},
        {"company": {"levels": ["core_equal"], "min_u": 0}},
        {"name": {"levels": [], "min_u": 0.001}},
    ],
)
def test_a_bad_term_frequency_config_is_refused(term_frequency: dict[str, Any]) -> None:
    model = DEFAULT_POLICY.model.model_dump(mode="json") | {"term_frequency": term_frequency}
    with pytest.raises(ValidationError):
        DEFAULT_POLICY.model_validate({"model": model})


def test_the_shipped_model_adjusts_names_and_companies_and_can_turn_it_off() -> None:
    assert set(DEFAULT_POLICY.model.term_frequency) == {"name", "company"}
    model = DEFAULT_POLICY.model.model_dump(mode="json") | {"term_frequency": {}}
    policy = DEFAULT_POLICY.model_validate({"model": model})
    (found,) = score(NEW, [Stored("c", "lead", OLD)], policy, Frequencies({NAME_KEY: 1}, 10**6))
    assert found.adjustments == {}
