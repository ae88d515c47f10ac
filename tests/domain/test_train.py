"""EM recovers m and the prior from unlabelled pairs drawn from a known model."""

from __future__ import annotations

import random

from app.domain.compare import Level
from app.domain.policy import DEFAULT_MODEL, MatchModel
from app.domain.train import candidate_pairs, estimate_u, fit

TRUE_M = {
    "phone": {"exact_mobile": 0.8, "different": 0.2},
    "name": {"exact": 0.9, "different": 0.1},
}
TRUE_U = {
    "phone": {"exact_mobile": 0.01, "different": 0.99},
    "name": {"exact": 0.05, "different": 0.95},
}


def draw(rng: random.Random, table: dict[str, dict[str, float]]) -> dict[str, Level]:
    found = {}
    for field, levels in table.items():
        level = rng.choices(list(levels), weights=list(levels.values()))[0]
        found[field] = Level(level, 1.0 if level != "different" else 0.0)
    return found


def test_em_recovers_m_and_prior() -> None:
    rng = random.Random(5)
    pairs = [draw(rng, TRUE_M if rng.random() < 0.3 else TRUE_U) for _ in range(4000)]
    random_pairs = [draw(rng, TRUE_U) for _ in range(4000)]
    known = {field: tuple(levels) for field, levels in TRUE_M.items()}
    u = estimate_u(random_pairs, known)
    start = MatchModel(
        prior=0.1,
        fields={
            f: {lv: DEFAULT_MODEL.fields[f][lv] for lv in levels} for f, levels in known.items()
        },
    )
    result = fit(pairs, [None] * len(pairs), u, start)
    assert abs(result.model.prior - 0.3) < 0.03
    assert abs(result.model.fields["phone"]["exact_mobile"].m - 0.8) < 0.05
    assert abs(result.model.fields["name"]["exact"].m - 0.9) < 0.05
    assert abs(result.model.fields["phone"]["exact_mobile"].u - 0.01) < 0.01


def test_labels_hold_their_pairs() -> None:
    pairs = [{"phone": Level("exact_mobile", 1.0)}] * 10 + [{"phone": Level("different", 0.0)}] * 10
    labels: list[bool | None] = [True] * 10 + [False] * 10
    u = {"phone": {"exact_mobile": 0.01, "different": 0.99}}
    shipped = DEFAULT_MODEL.fields["phone"]
    start = MatchModel(prior=0.5, fields={"phone": {lv: shipped[lv] for lv in u["phone"]}})
    result = fit(pairs, labels, u, start)
    assert result.model.prior == 0.5
    assert result.model.fields["phone"]["exact_mobile"].m > 0.9


def test_candidate_pairs_skip_hot_keys() -> None:
    keys = [["phone:1", "co:a"], ["phone:1"], ["co:a"], ["co:a"]]
    assert sorted(candidate_pairs(keys, hot_key_cap=2, limit=100)) == [(0, 1)]
    assert len(candidate_pairs(keys, hot_key_cap=3, limit=100)) == 4
