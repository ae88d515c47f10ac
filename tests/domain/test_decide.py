"""The rule engine: order, entity scope, probability bounds, and the default rules on real pairs."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from app.domain.compare import Level
from app.domain.decide import Decision, Scored, decide, fires, first_rule, may_fire
from app.domain.keys import blocking_keys
from app.domain.match import Stored, match, patch, score
from app.domain.model import Frequencies
from app.domain.normalize import normalize_lead
from app.domain.policy import DEFAULT_POLICY, MatchRule, Policy
from app.domain.types import NormalizedLead, RawLead


def lead(**fields: Any) -> NormalizedLead:
    return normalize_lead(RawLead(**fields), "CN")[0]


def decide_pair(
    a: dict[str, Any], b: dict[str, Any], policy: Policy = DEFAULT_POLICY
) -> tuple[str, str | None]:
    decision = match(lead(**a), [Stored("c", b.get("entity", "lead"), lead(**b))], policy)
    return decision.decision, decision.matches[0].rule if decision.matches else None


CO = "北京字节跳动科技有限公司"
PAIRS = [
    (
        {"name": "张伟", "phone": ("13800138001",)},
        {"name": "Zhang Wei", "phone": ("+8613800138001",)},
        ("duplicate", "mobile_and_name"),
    ),
    (
        {"name": "张伟", "email": ("zw@bytedance.com",)},
        {"name": "张伟", "email": ("ZW@ByteDance.com",)},
        ("duplicate", "email_and_name"),
    ),
    (
        {"name": "张伟", "phone": ("010-88886666",), "company": CO},
        {"name": "张伟", "phone": ("01088886666",), "company": "字节跳动"},
        ("duplicate", "phone_and_company"),
    ),
    (
        {"name": "张伟", "phone": ("010-88886666",), "company": CO},
        {"name": "李娜", "phone": ("01088886666",), "company": CO},
        ("unique", None),
    ),
    (
        {"name": "王伟", "company": CO},
        {"name": "王伟", "company": "阿里巴巴网络技术有限公司"},
        ("unique", None),
    ),
    # A nameless record on the company's switchboard could be any colleague: review.
    (
        {"phone": ("010-88886666",), "company": CO},
        {"name": "李娜", "phone": ("01088886666",), "company": CO},
        ("possible_duplicate", "only_phone"),
    ),
    (
        {"name": "Rebecca O'Brien", "phone": ("+1 512 771 1201 #520",), "company": "Maple Co."},
        {"phone": ("+1 512 771 1201",), "company": "Maple Co."},
        ("possible_duplicate", "only_phone"),
    ),
    (
        {"name": "王伟", "company": CO},
        {"name": "王伟", "company": "字节跳动科技"},
        ("possible_duplicate", "name_and_company"),
    ),
    (
        {"phone": ("13800138001",)},
        {"name": "张伟", "phone": ("13800138001",)},
        ("duplicate", "mobile_and_name"),
    ),
    (
        {"entity": "account", "company": CO},
        {"entity": "account", "company": "字节跳动科技有限公司"},
        ("duplicate", "same_account_name"),
    ),
    # Same name, but another phone and postcode: maybe another company of that name.
    (
        {
            "entity": "account",
            "company": "Northwind Ltd",
            "phone": ("+44 113 732 2558",),
            "postcode": "LS1 2YA",
            "website": "northwind.com",
        },
        {
            "entity": "account",
            "company": "Northwind Consulting Ltd",
            "phone": ("+44 121 387 1021",),
            "postcode": "B3 2GF",
        },
        ("possible_duplicate", "account_name_only"),
    ),
    # An account without its name (or with a slip in it) on the company's own number.
    (
        {"entity": "account", "phone": ("022-6665-5842",), "city": "天津"},
        {"entity": "account", "company": "腾丰贸易有限公司", "phone": ("（022）66655842",)},
        ("duplicate", "same_account_phone"),
    ),
    (
        {"entity": "account", "company": "Metidian Partners Limited", "phone": ("+442036445396",)},
        {"entity": "account", "company": "Meridian Partners Ltd", "phone": ("+44 20 3644 5396",)},
        ("duplicate", "same_account_phone"),
    ),
    # Two companies answering one number (a serviced office) stay apart.
    (
        {"entity": "account", "company": "腾丰贸易有限公司", "phone": ("022-6665-5842",)},
        {"entity": "account", "company": "华信咨询有限公司", "phone": ("（022）66655842",)},
        ("unique", None),
    ),
]


@pytest.mark.parametrize(("a", "b", "expected"), PAIRS)
def test_default_rules(
    a: dict[str, Any], b: dict[str, Any], expected: tuple[str, str | None]
) -> None:
    assert decide_pair(a, b) == expected


def test_first_rule_that_fires_wins() -> None:
    rules = (
        MatchRule(
            name="first",
            when={"phone": ("exact_mobile",)},
            decision="possible_duplicate",
            action="review",
        ),
        MatchRule(
            name="second", when={"phone": ("exact_mobile",)}, decision="duplicate", action="block"
        ),
    )
    pair = ({"phone": ("13800138001",)}, {"phone": ("13800138001",)})
    assert decide_pair(*pair, Policy(rules=rules)) == ("possible_duplicate", "first")


def test_entity_scope() -> None:
    rule = MatchRule(
        name="contacts_only",
        when={"phone": ("exact_mobile",)},
        candidate_entities=("contact",),
        decision="duplicate",
        action="block",
    )
    a = {"phone": ("13800138001",)}
    assert decide_pair(a, {**a, "entity": "lead"}, Policy(rules=(rule,)))[0] == "unique"
    assert decide_pair(a, {**a, "entity": "contact"}, Policy(rules=(rule,)))[0] == "duplicate"


def test_missing_is_a_level_rules_can_ask_for() -> None:
    rule = MatchRule(
        name="no_email",
        when={"phone": ("exact_mobile",), "email": ("missing",)},
        decision="duplicate",
        action="merge",
    )
    policy = Policy(rules=(rule,))
    assert (
        decide_pair({"phone": ("13800138001",)}, {"phone": ("13800138001",)}, policy)[0]
        == "duplicate"
    )
    both = {"phone": ("13800138001",), "email": ("a@x-corp.com",)}
    assert decide_pair(both, both, policy)[0] == "unique"


@pytest.mark.parametrize(
    "rules",
    [
        [{"name": "x", "when": {"phone": ["nope"]}, "decision": "duplicate", "action": "block"}],
        [
            {
                "name": "x",
                "when": {"shoe_size": ["equal"]},
                "decision": "duplicate",
                "action": "block",
            }
        ],
        [{"name": "x", "decision": "duplicate", "action": "block"}],
        [{"name": "x", "min_probability": 0.9, "decision": "duplicate", "action": "block"}] * 2,
    ],
)
def test_bad_rules_are_refused_with_the_rule_named(rules: list[dict[str, Any]]) -> None:
    with pytest.raises(ValidationError, match="x"):
        Policy.model_validate({"rules": rules})


def test_patch_keeps_non_empty_and_unions_lists() -> None:
    master = lead(name="张伟", phone=("13800138001",))
    new = lead(name="张伟", phone=("13900139002",), title="采购总监", email=("zw@bytedance.com",))
    assert patch(new, master) == {
        "phone": ["+8613800138001", "+8613900139002"],
        "email": ["zw@bytedance.com"],
        "title": "采购总监",
    }


def test_an_identity_attribute_decides_with_nothing_else_in_common() -> None:
    policy = Policy.model_validate({"attributes": {"unionid": {"type": "id", "identity": True}}})
    a = {"name": "张伟", "attributes": {"unionid": "o6_bmjrPTlm6"}}
    b = {"name": "Zhang Xiaoming", "attributes": {"unionid": "o6_bmjrPTlm6"}}
    assert decide_pair(a, b, policy) == ("duplicate", "same_identity")
    assert decide_pair(a, {**b, "attributes": {"unionid": "x9_other"}}, policy)[0] == "unique"


DOB = Policy.model_validate({"attributes": {"dob": {"type": "date"}}})
HOME = {"address": "5 Crisp Circuit", "city": "Lake Clarendon", "postcode": "4575"}


def test_a_changed_family_name_with_the_birth_date_and_home_is_a_duplicate() -> None:
    a = {"name": "Olivia Wheatley", **HOME, "attributes": {"dob": "19421007"}}
    b = {"name": "Olivia Winfield", **HOME, "attributes": {"dob": "19421007"}}
    assert decide_pair(a, b, DOB) == ("duplicate", "given_name_and_date")
    assert decide_pair(a, {**b, "attributes": {"dob": "19700101"}}, DOB)[0] == "unique"


def test_relatives_sharing_a_family_name_home_and_birth_date_stay_apart() -> None:
    """Twins: a family name, a home and a birth date in common are not one person."""
    a = {"name": "Tate Broadby", **HOME, "attributes": {"dob": "19421007"}}
    b = {"name": "Jack Broadby", **HOME, "attributes": {"dob": "19421007"}}
    assert decide_pair(a, b, DOB) == ("unique", None)


def test_a_lead_matching_a_customer_account_is_unique_but_reported() -> None:
    account = lead(entity="account", company="北京字节跳动科技有限公司", website="bytedance.com")
    person = lead(name="李娜", company="字节跳动科技有限公司", email=("li.na@bytedance.com",))
    decision = match(person, [Stored("acct", "account", account)], DEFAULT_POLICY)
    assert decision.decision == "unique"
    assert [(m.candidate_id, m.rule) for m in decision.matches] == [("acct", "existing_account")]
    assert decision.tags == ("existing_customer",)


def test_a_duplicate_of_a_customer_contact_keeps_the_customer_tag() -> None:
    account = lead(entity="account", company="字节跳动科技有限公司")
    contact = lead(entity="contact", name="李娜", phone=("13971824503",), company="字节跳动")
    new = lead(name="李娜", phone=("13971824503",), company="北京字节跳动科技有限公司")
    decision = match(
        new, [Stored("acct", "account", account), Stored("c", "contact", contact)], DEFAULT_POLICY
    )
    assert decision.decision == "duplicate"
    assert decision.matches[0].candidate_id == "c"
    assert set(decision.tags) == {"duplicate", "existing_customer"}


# (how many stored records hold the name and the company, of how many, the rule that fires)
NAME_AND_COMPANY = [
    (1, 1, 100_000, "name_company_certain"),  # a rare name at a rare company: one person
    (None, None, 100_000, "name_and_company"),  # no counts: the shipped weights are not sure
    (1, 1, 100, "name_and_company"),  # a young tenant's counts show little
    (201, 201, 100_000, "name_and_company"),  # both over the hot-key cap: common
]


@pytest.mark.parametrize(("name_count", "company_count", "records", "rule"), NAME_AND_COMPANY)
def test_name_and_company_are_sure_only_when_the_counts_say_rare(
    name_count: int | None, company_count: int | None, records: int, rule: str
) -> None:
    new = lead(name="欧阳娜娜", company="深圳华诚电子有限责任公司", city="深圳")
    old = lead(name="欧阳娜娜", company="深圳华诚电子有限公司", city="深圳市")
    counts = {}
    for key in blocking_keys(new):
        if key.startswith("name:") and name_count is not None:
            counts[key] = name_count
        if key.startswith("co:") and company_count is not None:
            counts[key] = company_count
    decision = match(new, [Stored("c", "lead", old)], DEFAULT_POLICY, Frequencies(counts, records))
    assert decision.matches[0].rule == rule


def test_a_rare_name_at_one_company_with_another_mobile_is_still_a_review() -> None:
    new = lead(name="欧阳娜娜", company="深圳华诚电子有限公司", phone=("13971824503",))
    old = lead(name="欧阳娜娜", company="深圳华诚电子有限公司", phone=("13760582914",))
    counts = dict.fromkeys(blocking_keys(new), 1)
    decision = match(new, [Stored("c", "lead", old)], DEFAULT_POLICY, Frequencies(counts, 100_000))
    assert decision.matches[0].rule == "name_and_company"


def test_a_rare_name_at_one_company_with_a_mobile_beside_a_switchboard_is_sure() -> None:
    """One record has the person's mobile, the other the company's switchboard: the two
    numbers do not disagree, so the counts decide as if neither had a phone."""
    new = lead(name="欧阳娜娜", company="深圳华诚电子有限公司", phone=("13971824503",))
    old = lead(name="欧阳娜娜", company="深圳华诚电子有限公司", phone=("0755-89458577",))
    decision = _with_rare_keys(new, old)
    assert decision.matches[0].levels["phone"].level == "different_kind"
    assert decision.matches[0].rule == "name_company_certain"


def test_a_rare_name_at_one_company_with_a_work_and_a_personal_mailbox_is_sure() -> None:
    new = lead(name="欧阳娜娜", company="深圳华诚电子有限公司", email=("ouyang@huacheng.cn",))
    old = lead(name="欧阳娜娜", company="深圳华诚电子有限公司", email=("nana1988@qq.com",))
    decision = _with_rare_keys(new, old)
    assert decision.matches[0].levels["email"].level == "different_kind"
    assert decision.matches[0].rule == "name_company_certain"
    other = lead(name="欧阳娜娜", company="深圳华诚电子有限公司", email=("nana.oy@huacheng.cn",))
    decision = _with_rare_keys(new, other)
    assert decision.matches[0].rule == "name_and_company"


def _with_rare_keys(new: NormalizedLead, old: NormalizedLead) -> Decision:
    """The decision on one candidate when each of the lead's keys is held by one record of
    100,000: every agreeing value is rare."""
    counts = dict.fromkeys(blocking_keys(new), 1)
    return match(new, [Stored("c", "lead", old)], DEFAULT_POLICY, Frequencies(counts, 100_000))


_FIELDS = ("phone", "email", "name", "company", "city")
_LEVELS = ("exact", "similar", "different", "exact_mobile", "exact_fixed", "partial")


@given(
    st.lists(
        st.tuples(
            st.dictionaries(st.sampled_from(_FIELDS), st.sampled_from(_LEVELS)),
            st.floats(0, 1),
            st.sampled_from(("lead", "contact", "account")),
            st.sampled_from(("lead", "contact", "account")),
        ),
        max_size=30,
    )
)
def test_the_rule_kept_for_a_signature_is_the_rule_the_loop_finds(
    items: list[tuple[dict[str, str], float, str, str]],
) -> None:
    """Candidates repeat signatures within and across checks: the kept answer must be
    what trying every rule in order gives, for every policy apart."""
    bounded = Policy(
        rules=[
            MatchRule(name="sure", min_probability=0.9, decision="duplicate", action="block"),
            MatchRule(
                name="name",
                when={"name": ("exact",)},
                decision="possible_duplicate",
                action="review",
                candidate_entities=("lead",),
            ),
        ]
    )
    for policy in (DEFAULT_POLICY, bounded):
        for levels, probability, lead_entity, candidate_entity in items:
            scored = Scored(
                "c",
                candidate_entity,
                {f: Level(lv, 1.0) for f, lv in levels.items()},
                {},
                probability,
            )
            expected = next((r for r in policy.rules if fires(r, lead_entity, scored)), None)
            assert first_rule(policy, lead_entity, scored) == expected


@given(
    st.dictionaries(st.sampled_from((*_FIELDS, "website", "identity")), st.sampled_from(_LEVELS)),
    st.sampled_from(("lead", "contact", "account")),
    st.sampled_from(("lead", "contact", "account")),
)
def test_a_candidate_left_unweighed_is_one_no_rule_accepts_at_any_probability(
    levels: dict[str, str], lead_entity: str, candidate_entity: str
) -> None:
    """Matching skips weighing a candidate `may_fire` turns down: that must never drop a
    candidate some rule accepts once the probability is high enough."""
    scored = Scored("c", candidate_entity, {f: Level(lv, 1.0) for f, lv in levels.items()}, {}, 1.0)
    expected = first_rule(DEFAULT_POLICY, lead_entity, scored) is not None
    assert may_fire(DEFAULT_POLICY, lead_entity, candidate_entity, scored.levels) == expected


def test_colleagues_with_other_names_are_compared_but_not_matched() -> None:
    """The commonest candidate of a B2B file: another person at the same company."""
    new = lead(name="王芳", company=CO, phone=("13911112222",))
    other = lead(name="李强", company=CO, phone=("13933334444",))
    decision = match(new, [Stored("c", "contact", other)], DEFAULT_POLICY)
    assert decision.decision == "unique" and decision.matches == ()


@given(
    st.dictionaries(st.sampled_from((*_FIELDS, "website", "identity")), st.sampled_from(_LEVELS)),
    st.sets(st.sampled_from((*_FIELDS, "website", "identity"))),
    st.sampled_from(("lead", "contact", "account")),
    st.sampled_from(("lead", "contact", "account")),
)
def test_a_candidate_screened_out_early_is_one_no_rule_accepts_once_compared(
    levels: dict[str, str], unknown: set[str], lead_entity: str, candidate_entity: str
) -> None:
    """Matching stops comparing a candidate when no rule can fire whatever its fields not yet
    compared say: whatever they turn out to be, no rule may then accept it."""
    full = {f: Level(lv, 1.0) for f, lv in levels.items()}
    partial = {f: lv for f, lv in full.items() if f not in unknown}
    for policy in (DEFAULT_POLICY, DOB):
        if may_fire(policy, lead_entity, candidate_entity, full):
            assert may_fire(policy, lead_entity, candidate_entity, partial, frozenset(unknown))


_LEADS = [
    {"name": "张伟", "company": CO, "phone": ("13800138001",), "email": ("zw@bytedance.com",)},
    {"name": "Zhang Wei", "company": CO, "phone": ("010-88886666",)},
    {"name": "王芳", "company": CO, "phone": ("13800138001",)},
    {"name": "张伟", "company": "深圳华诚电子有限公司", "email": ("zw@bytedance.com",)},
    {"company": CO, "phone": ("010-88886666",), "entity": "account"},
    {"company": CO, "uscc": "91110108MA01ABCD2X", "entity": "account"},
    {"name": "Olivia Wheatley", **HOME, "attributes": {"dob": "19421007"}},
    {"name": "Olivia Winfield", **HOME, "attributes": {"dob": "19421007"}},
    {"name": "Jack Broadby", **HOME, "attributes": {"dob": "19421007"}},
    {"email": ("zw@bytedance.com",), "phone": ("13900139002",)},
]


@pytest.mark.parametrize("policy", [DEFAULT_POLICY, DOB], ids=["default", "dob"])
def test_matching_decides_as_weighing_every_candidate_would(policy: Policy) -> None:
    """Screening candidates out early saves work, never changes an answer."""
    leads = [lead(**fields) for fields in _LEADS]
    candidates = [Stored(str(i), other.entity, other) for i, other in enumerate(leads)]
    for new in leads:
        everyone = decide(new.entity, score(new, candidates, policy), policy)
        assert match(new, candidates, policy) == everyone
