"""Scoring: every operator, decay, caps, grades, pools and tags; the reasons always add up."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from app.domain.score import Event, Reason, Score, score_lead
from app.domain.score_model import (
    DEFAULT_SCORING_MODEL,
    Condition,
    EventRule,
    FitRule,
    GradeBand,
    HalfLifeDecay,
    NoDecay,
    PoolRule,
    ScoringModel,
    StepDecay,
    TagRule,
)
from app.domain.types import Issue, NormalizedLead, Severity

CASES = Path(__file__).parent / "cases"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
ERROR_CODES = {"invalid_phone", "invalid_email", "invalid_uscc", "blocked", "missing_contact"}
LIST_FIELDS = {"phone", "email", "phone_kinds", "email_keys", "email_domains"}


def issue(code: str) -> Issue:
    field = code.split("_", 1)[-1]
    severity: Severity = (
        "error" if code in ERROR_CODES else "info" if code == "free_email" else "warning"
    )
    return Issue(field, code, severity, f"{code} message")


def issues(*codes: str) -> tuple[Issue, ...]:
    return tuple(issue(c) for c in codes)


def lead(**fields: Any) -> NormalizedLead:
    values: dict[str, Any] = {k: tuple(v) if k in LIST_FIELDS else v for k, v in fields.items()}
    return NormalizedLead(**values)


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def assert_adds_up(score: Score) -> None:
    assert sum(r.points for r in score.reasons) == score.score
    assert 0 <= score.score <= 100


def only(**condition: Any) -> ScoringModel:
    return ScoringModel(fit=(FitRule.model_validate({"name": "r", "points": 10, **condition}),))


def factors(score: Score) -> dict[str, int]:
    return {r.factor: r.points for r in score.reasons}


# --- operators -------------------------------------------------------------------------------


def _tsv(name: str) -> list[list[str]]:
    lines = (CASES / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line and not line.startswith("#")]


@pytest.mark.parametrize(("condition", "fields", "codes", "fires"), _tsv("score_operators.tsv"))
def test_operator(condition: str, fields: str, codes: str, fires: str) -> None:
    model = only(**json.loads(condition))
    found = () if codes == "-" else issues(*codes.split(","))
    result = score_lead(lead(**json.loads(fields)), found, (), model, NOW)
    assert ("r" in factors(result)) == (fires == "1"), (condition, fields, codes)
    assert_adds_up(result)


def test_also_and_unless() -> None:
    model = only(
        field="email",
        exists=True,
        also=[{"field": "phone", "exists": True}],
        unless=[{"issue": ["free_email", "disposable_email"]}],
    )
    both = lead(email=["a@acme.cn"], phone=["+8613912347788"])
    assert "r" in factors(score_lead(both, (), (), model, NOW))
    assert "r" not in factors(score_lead(lead(email=["a@acme.cn"]), (), (), model, NOW))
    assert "r" not in factors(score_lead(both, issues("free_email"), (), model, NOW))


def test_group_scores_only_the_first_rule_that_holds() -> None:
    model = ScoringModel(
        fit=(
            FitRule(name="mobile", field="phone_kinds", in_=("mobile",), points=10, group="p"),
            FitRule(name="any_phone", field="phone", exists=True, points=5, group="p"),
            FitRule(name="also_phone", field="phone", exists=True, points=1),
        )
    )
    mobile = lead(phone=["+8613912347788"], phone_kinds=["mobile"])
    landline = lead(phone=["+861088886666"], phone_kinds=["fixed_line"])
    assert factors(score_lead(mobile, (), (), model, NOW)) == {"mobile": 10, "also_phone": 1}
    assert factors(score_lead(landline, (), (), model, NOW)) == {"any_phone": 5, "also_phone": 1}


def test_detail_names_what_matched() -> None:
    model = ScoringModel(
        fit=(
            FitRule(name="t", field="title", contains=("总监",), points=5, detail="title {value}"),
            FitRule(name="s", field="source", in_=("web_form",), points=5),
            FitRule(name="d", issue=("disposable_email",), points=-15),
        )
    )
    result = score_lead(
        lead(title="销售总监", source="web_form"), issues("disposable_email"), (), model, NOW
    )
    assert result.reasons == (
        Reason("t", 5, "title 销售总监"),
        Reason("s", 5, "source is web_form"),
        Reason("d", -15, "disposable_email message"),
        Reason("clamp", 5, "-5 brought to at least 0"),
    )


@pytest.mark.parametrize(("title", "rule", "buyer"), _tsv("score_titles.tsv"))
def test_default_title_rules(title: str, rule: str, buyer: str) -> None:
    found = factors(score_lead(lead(title=title), (), (), DEFAULT_SCORING_MODEL, NOW))
    title_rules = {f for f in found if f in ("title_executive", "title_manager")}
    assert title_rules == (set() if rule == "-" else {rule}), title
    assert ("title_buyer" in found) == (buyer == "1"), title


# --- events: decay and caps ------------------------------------------------------------------


HALF_LIFE = HalfLifeDecay(kind="half_life", half_life_days=30)
STEP = StepDecay(kind="step", every_days=30, drop=0.3)


@pytest.mark.parametrize(
    ("decay", "age_days", "points"),
    [
        (NoDecay(), 0, 20),
        (NoDecay(), 400, 20),
        (HALF_LIFE, 0, 20),
        (HALF_LIFE, 30, 10),
        (HALF_LIFE, 60, 5),
        (HALF_LIFE, 15, 14),  # 20 * 0.5 ** 0.5 = 14.14
        (HALF_LIFE, 3650, 0),
        (HALF_LIFE, -5, 20),  # an event in the future counts as now
        (STEP, 29.9, 20),
        (STEP, 30, 14),  # -30 % after 30 days
        (STEP, 59, 14),
        (STEP, 60, 10),  # 20 * 0.7 ** 2 = 9.8
        (STEP, 90, 7),  # 6.86
        (StepDecay(kind="step", every_days=7, drop=1), 8, 0),
    ],
)
def test_decay(decay: NoDecay | HalfLifeDecay | StepDecay, age_days: float, points: int) -> None:
    model = ScoringModel(events=(EventRule(type="visit", points=20),), decay=decay)
    result = score_lead(lead(), (), [Event("visit", days_ago(age_days))], model, NOW)
    assert factors(result) == {"event:visit": points}


def test_event_rule_decay_overrides_the_model() -> None:
    model = ScoringModel(
        events=(
            EventRule(type="visit", points=20),
            EventRule(type="bounce", points=-10, decay=NoDecay()),
        ),
        decay=HALF_LIFE,
    )
    events = [Event("visit", days_ago(30)), Event("bounce", days_ago(30))]
    result = score_lead(lead(title="x"), (), events, model, NOW)
    assert factors(result) == {"event:visit": 10, "event:bounce": -10}


@pytest.mark.parametrize(
    ("points", "cap", "events", "expected", "detail"),
    [
        (10, 30, [(0, 2)], 20, "2 × 10"),
        (10, 30, [(0, 3)], 30, "3 × 10"),
        (10, 30, [(0, 5)], 30, "5 × 10, capped at 30"),
        (10, 30, [(0, 2), (0, 1), (0, 1)], 30, "4 × 10, capped at 30"),
        (10, 30, [(0, 2), (30, 2)], 30, "4 × 10, decayed to 30.0"),  # 20 + 2 * 10 * 0.5
        (10, 30, [(0, 2), (60, 4)], 30, "6 × 10, decayed to 30.0"),
        (10, 25, [(0, 2), (60, 4)], 25, "6 × 10, decayed to 30.0, capped at 25"),
        (10, None, [(0, 10_000)], 100, "10000 × 10"),  # clamped below, not here
        (-20, 20, [(0, 3)], -20, "3 × -20, capped at -20"),
        (0, 10, [(0, 3)], 0, "3 × 0"),
    ],
)
def test_cap_per_type(
    points: int, cap: int | None, events: list[tuple[int, int]], expected: int, detail: str
) -> None:
    model = ScoringModel(
        events=(EventRule(type="visit", points=points, cap=cap),),
        decay=HALF_LIFE,
        fit=(FitRule(name="base", field="entity", exists=True, points=50),),
    )
    result = score_lead(
        lead(), (), [Event("visit", days_ago(age), count) for age, count in events], model, NOW
    )
    [reason] = [r for r in result.reasons if r.factor == "event:visit"]
    assert (reason.points, reason.detail) == (
        expected if cap is not None else points * events[0][1],
        detail,
    )
    assert_adds_up(result)


def test_unknown_event_type_scores_nothing_but_is_reported() -> None:
    result = score_lead(lead(), (), [Event("tweet", NOW, 3)], DEFAULT_SCORING_MODEL, NOW)
    assert Reason("event:tweet", 0, "3 × tweet: not in the scoring model") in result.reasons


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        Event("visit", datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="time zone"):
        score_lead(lead(), (), (), DEFAULT_SCORING_MODEL, datetime(2026, 1, 1))


def test_clamp_keeps_the_sum() -> None:
    model = ScoringModel(
        fit=(
            FitRule(name="a", field="title", exists=True, points=100),
            FitRule(name="b", field="company", exists=True, points=30),
        )
    )
    high = score_lead(lead(title="CEO", company="acme"), (), (), model, NOW)
    assert high.score == 100
    assert high.reasons[-1] == Reason("clamp", -30, "130 brought to at most 100")
    assert_adds_up(high)
    low = score_lead(lead(), issues("blocked", "junk_name"), (), DEFAULT_SCORING_MODEL, NOW)
    assert low.score == 0
    assert low.reasons[-1].factor == "clamp"
    assert_adds_up(low)


# --- grades, pools and tags ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("points", "grade"),
    [(0, "D"), (24, "D"), (25, "C"), (49, "C"), (50, "B"), (74, "B"), (75, "A"), (100, "A")],
)
def test_default_grade_bands(points: int, grade: str) -> None:
    model = only(field="entity", exists=True, points=points)
    result = score_lead(lead(), (), (), model, NOW)
    assert (result.score, result.grade) == (points, grade)


def test_custom_grade_bands() -> None:
    model = ScoringModel(
        fit=(FitRule(name="r", field="entity", exists=True, points=90),),
        grades=(GradeBand(grade="hot", min=90), GradeBand(grade="cold", min=0)),
    )
    assert score_lead(lead(), (), (), model, NOW).grade == "hot"


STRONG = {
    "title": "销售总监",
    "company": "北京字节跳动科技有限公司",
    "uscc": "91110108551385082Q",
    "phone": ["+8613912347788"],
    "phone_kinds": ["mobile"],
    "email": ["li.wei@bytedance.com"],
    "email_domains": ["bytedance.com"],
    "region": "北京市",
    "source": "web_form",
}


@pytest.mark.parametrize(
    ("fields", "codes", "events", "pool"),
    [
        (STRONG, (), [("demo_request", 1)], "sales"),  # A with a valid phone
        (STRONG, (), [], "nurture"),  # B
        (STRONG, ("junk_phone",), [("demo_request", 1)], "sdr_cleanup"),  # A, phone is junk
        ({**STRONG, "phone": [], "phone_kinds": []}, (), [("demo_request", 1)], "nurture"),
        ({"email": ["a@acme.cn"]}, ("invalid_phone",), [], "sdr_cleanup"),
        ({"name": "测试", "phone": ["+8613800138000"]}, ("junk_name", "junk_phone"), [], "discard"),
        (STRONG, ("blocked",), [("demo_request", 1)], "discard"),
        ({"email": ["a@qq.com"]}, ("free_email",), [], "nurture"),
    ],
)
def test_default_pools(
    fields: dict[str, Any], codes: Sequence[str], events: list[tuple[str, int]], pool: str
) -> None:
    result = score_lead(
        lead(**fields),
        issues(*codes),
        [Event(t, days_ago(1), n) for t, n in events],
        DEFAULT_SCORING_MODEL,
        NOW,
    )
    assert result.pool == pool, result
    assert_adds_up(result)


def test_default_tags_and_input_tags_pass_through() -> None:
    result = score_lead(
        lead(**STRONG, attributes={"employees": 2000}),
        (),
        [Event("demo_request", days_ago(1)), Event("unsubscribe", days_ago(400))],
        DEFAULT_SCORING_MODEL,
        NOW,
        tags_in=("existing_customer", "hot"),
    )
    assert result.tags == (
        "existing_customer",
        "hot",
        "decision_maker",
        "enterprise",
        "demo_requested",
        "unsubscribed",
    )
    assert factors(result)["event:unsubscribe"] == -20  # no decay for an unsubscribe


def test_route_rules_over_score_fit_events_and_tags() -> None:
    model = ScoringModel(
        fit=(FitRule(name="exec", field="title", contains=("总监",), points=40),),
        events=(EventRule(type="demo", points=30),),
        pools=(
            PoolRule(name="key_accounts", pool="am", tags=("existing_customer",)),
            PoolRule(name="fast", pool="sales", min_score=60, fit=("exec",), events=("demo",)),
            PoolRule(name="mid", pool="sdr", min_score=30, max_score=59),
        ),
        default_pool="later",
        tags=(
            TagRule(name="vip", tag="vip", valid=True, grade=("B", "A")),
            TagRule(name="check", tag="check", valid=False),
        ),
    )
    title = lead(title="销售总监")
    demo = [Event("demo", NOW)]
    assert score_lead(title, (), demo, model, NOW).pool == "sales"
    assert score_lead(title, (), (), model, NOW).pool == "sdr"
    assert score_lead(lead(), (), (), model, NOW).pool == "later"
    customer = score_lead(title, (), demo, model, NOW, tags_in=["existing_customer"])
    assert customer.pool == "am"
    assert customer.tags == ("existing_customer", "vip")
    assert score_lead(title, issues("invalid_phone"), (), model, NOW).tags == ("check",)


# --- the model -------------------------------------------------------------------------------


def test_default_model_round_trips_as_json() -> None:
    text = DEFAULT_SCORING_MODEL.model_dump_json()
    assert '"in":' in text and '"in_"' not in text
    assert ScoringModel.model_validate_json(text) == DEFAULT_SCORING_MODEL


def test_copy_with_update_is_validated_and_recompiled() -> None:
    rule = FitRule(name="r", field="title", exists=True, points=7)
    copied = DEFAULT_SCORING_MODEL.model_copy(update={"fit": (rule,), "tags": ()})
    assert factors(score_lead(lead(title="CEO"), (), (), copied, NOW)) == {"r": 7}
    with pytest.raises(ValidationError, match="'title_executive' is not a fit rule"):
        DEFAULT_SCORING_MODEL.model_copy(update={"fit": (rule,)})


def test_rules_named_after_what_they_test() -> None:
    model = ScoringModel.model_validate(
        {
            "fit": [
                {"issue": "disposable_email", "points": -15},
                {"issue": ["junk_name", "junk_phone"], "points": -20},
                {"field": "attributes.industry", "in": ["制造业"], "points": 5},
            ],
            "pools": [{"pool": "discard", "issue": "blocked"}],
            "tags": [{"tag": "hot", "grade": "A"}],
        }
    )
    assert [r.name for r in model.fit] == [
        "disposable_email",
        "junk_name+junk_phone",
        "attributes.industry",
    ]
    assert model.pools[0].name == "discard"
    assert model.tags[0].name == "hot"


BAD_MODELS: list[tuple[dict[str, Any], str]] = [
    (
        {"fit": [{"name": "t", "field": "title", "regex": "(经理", "points": 5}]},
        "fit rule 't': field 'title': regex '(经理' does not compile",
    ),
    (
        {
            "fit": [
                {"name": "t", "field": "title", "exists": True, "points": 5},
                {"name": "t", "field": "company", "exists": True, "points": 5},
            ]
        },
        "fit rule names must be unique: 't' appears more than once",
    ),
    (
        {
            "fit": [
                {"field": "title", "contains": "经理", "points": 5},
                {"field": "title", "contains": "总监", "points": 5},
            ]
        },
        "'title' appears more than once",
    ),
    (
        {"fit": [{"name": "t", "field": "title", "contains": "a", "regex": "b", "points": 5}]},
        "fit rule 't': field 'title': give exactly one operator",
    ),
    (
        {"fit": [{"name": "t", "field": "title", "points": 5}]},
        "fit rule 't': field 'title': give exactly one operator of exists, equals, in, contains, "
        "regex or min/max (found: none)",
    ),
    (
        {"fit": [{"name": "t", "points": 5}]},
        "fit rule 't': test something",
    ),
    (
        {
            "fit": [
                {"name": "t", "issue": "junk_name", "field": "name", "exists": True, "points": 1}
            ]
        },
        "fit rule 't': give one of field, issue or valid, not field and issue",
    ),
    (
        {"fit": [{"name": "t", "issue": "junk_name", "contains": "x", "points": 1}]},
        "fit rule 't': contains tests a field, not issue",
    ),
    (
        {"fit": [{"name": "t", "field": "industry", "exists": True, "points": 1}]},
        "fit rule 't': field 'industry' is not a lead field "
        "(custom fields are `attributes.<name>`)",
    ),
    (
        {"fit": [{"name": "t", "field": "title.x", "exists": True, "points": 1}]},
        "only `attributes` has sub-fields",
    ),
    (
        {"fit": [{"name": "t", "field": "attributes.n", "min": 10, "max": 5, "points": 1}]},
        "fit rule 't': field 'attributes.n': min 10 is greater than max 5",
    ),
    (
        {
            "fit": [
                {
                    "name": "t",
                    "field": "title",
                    "exists": True,
                    "unless": [{"field": "title", "regex": "["}],
                    "points": 1,
                }
            ]
        },
        "fit rule 't': unless[0]: field 'title': regex '[' does not compile",
    ),
    ({"fit": [{"name": "clamp", "valid": True, "points": 1}]}, "reserved"),
    ({"fit": [{"name": "t", "valid": True, "points": 101}]}, "less than or equal to 100"),
    ({"fit": [{"name": "t", "valid": True, "points": 1, "colour": "red"}]}, "Extra inputs"),
    (
        {"events": [{"type": "visit", "points": 1}, {"type": "visit", "points": 2}]},
        "event type names must be unique: 'visit' appears more than once",
    ),
    (
        {
            "events": [
                {
                    "type": "visit",
                    "points": 1,
                    "decay": {"kind": "step", "every_days": 0, "drop": 0.3},
                }
            ]
        },
        "greater than 0",
    ),
    (
        {
            "grades": [
                {"grade": "A", "min": 50},
                {"grade": "B", "min": 70},
                {"grade": "C", "min": 0},
            ]
        },
        "grades must run from the highest min down: grade 'B' (min 70) comes after grade 'A' "
        "(min 50)",
    ),
    (
        {"grades": [{"grade": "A", "min": 50}, {"grade": "B", "min": 10}]},
        "grades: the last band (grade 'B') must have min 0, not 10",
    ),
    (
        {"grades": [{"grade": "A", "min": 50}, {"grade": "A", "min": 0}]},
        "grade names must be unique: 'A' appears more than once",
    ),
    (
        {"pools": [{"name": "p", "pool": "sales", "grade": "E"}]},
        "pool rule 'p': grade: 'E' is not a grade of the model",
    ),
    (
        {"tags": [{"name": "x", "tag": "vip", "fit": ["nope"]}]},
        "tag rule 'x': fit: 'nope' is not a fit rule of the model",
    ),
    (
        {"tags": [{"name": "x", "tag": "vip", "events": ["nope"]}]},
        "tag rule 'x': events: 'nope' is not a event type of the model",
    ),
    (
        {"pools": [{"name": "p", "pool": "sales", "min_score": 80, "max_score": 20}]},
        "pool rule 'p': min_score 80 is greater than max_score 20",
    ),
    (
        {"pools": [{"pool": "sales", "grade": "A"}, {"pool": "sales", "grade": "B"}]},
        "pool rule names must be unique: 'sales' appears more than once",
    ),
]


@pytest.mark.parametrize(("data", "message"), BAD_MODELS)
def test_bad_model_is_refused_naming_the_rule(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as raised:
        ScoringModel.model_validate(data)
    assert message in str(raised.value)


def test_condition_alone_validates_in_its_rule() -> None:
    assert Condition(field="title", regex="[").problem(required=True)


# --- properties ------------------------------------------------------------------------------


_TEXT = st.one_of(st.none(), st.text(max_size=30))
_SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
)
_ATTRIBUTES = st.dictionaries(
    st.sampled_from(["employees", "industry", "size", "crm"]),
    st.one_of(
        _SCALAR, st.lists(_SCALAR, max_size=3), st.dictionaries(st.text(max_size=5), _SCALAR)
    ),
    max_size=4,
)
_LEADS = st.builds(
    NormalizedLead,
    title=_TEXT,
    company=_TEXT,
    uscc=_TEXT,
    region=st.one_of(st.none(), st.sampled_from(["北京市", "广东省", "Bavaria"])),
    source=_TEXT,
    website=_TEXT,
    phone=st.lists(st.sampled_from(["+8613912347788", "+861088886666"]), max_size=2).map(tuple),
    phone_kinds=st.lists(st.sampled_from(["mobile", "fixed_line", "toll_free"]), max_size=2).map(
        tuple
    ),
    email_domains=st.lists(st.sampled_from(["acme.cn", "bytedance.com"]), max_size=2).map(tuple),
    attributes=_ATTRIBUTES,
)
_CODES = sorted(
    {
        *ERROR_CODES,
        "free_email",
        "role_email",
        "disposable_email",
        "junk_name",
        "junk_phone",
        "junk_email",
        "junk_company",
        "whatever",
    }
)
_TYPES = [r.type for r in DEFAULT_SCORING_MODEL.events] + ["unknown", ""]
_EVENTS = st.builds(
    Event,
    type=st.sampled_from(_TYPES),
    at=st.datetimes(timezones=st.timezones()),
    count=st.integers(min_value=-5, max_value=10**12),
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    lead_=_LEADS,
    codes=st.lists(st.sampled_from(_CODES), max_size=6),
    events=st.lists(_EVENTS, max_size=12),
    tags_in=st.lists(st.sampled_from(["existing_customer", "hot", "x"]), max_size=3),
    now=st.datetimes(timezones=st.timezones()),
)
def test_reasons_always_add_up(
    lead_: NormalizedLead,
    codes: list[str],
    events: list[Event],
    tags_in: list[str],
    now: datetime,
) -> None:
    result = score_lead(lead_, issues(*codes), events, DEFAULT_SCORING_MODEL, now, tags_in=tags_in)
    assert_adds_up(result)
    assert result.grade in {"A", "B", "C", "D"}
    assert result.pool in {"sales", "nurture", "sdr_cleanup", "discard"}
    assert len(set(result.tags)) == len(result.tags)
    assert result.tags[: len(dict.fromkeys(tags_in))] == tuple(dict.fromkeys(tags_in))
    assert sum(1 for r in result.reasons if r.factor == "clamp") <= 1
