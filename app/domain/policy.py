"""A tenant's policy: match model, rules, typed attributes, blocklists, with the shipped defaults.

It is the JSON of `/v1/config`, so it is a pydantic model (the one place the
domain may use pydantic besides the scoring model); a bad policy fails
validation with a message that names the rule or field, and the matcher reads
it as plain typed values.
"""

from __future__ import annotations

from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.domain.score_model import DEFAULT_SCORING_MODEL, ScoringModel

# `unique` in a rule reports a related record that the lead does not duplicate: a person's
# lead matching a customer account, so the CRM can attach the lead to its customer.
Decision = Literal["duplicate", "possible_duplicate", "unique"]
Action = Literal["allow", "block", "review", "merge"]
EntityName = Literal["lead", "contact", "account"]
AttributeType = Literal["date", "id", "string", "number"]

_TEXT_LEVELS = ("equal", "different")
FIELD_LEVELS: dict[str, tuple[str, ...]] = {
    "phone": ("exact_mobile", "exact_fixed", "different_kind", "different"),
    "email": ("exact", "same_key", "same_local", "different_kind", "different"),
    "company": (
        "uscc_equal",
        "core_equal",
        "core_similar",
        "branch_of",
        "different",
        "uscc_different",
    ),
    "name": (
        "exact",
        "nickname",
        "cross_script",
        "similar",
        "initials",
        "partial",
        "given_only",
        "family_only",
        "different",
    ),
    "website": _TEXT_LEVELS,
    "address": ("exact", "similar", "different"),
    "city": ("equal", "similar", "different"),
    "postcode": ("equal", "one_edit", "different"),
    "identity": ("exact", "one_edit", "different"),
    "date": ("exact", "one_edit", "different"),
}
ATTRIBUTE_LEVELS: dict[str, tuple[str, ...]] = {
    "date": ("exact", "one_edit", "different"),
    "id": ("exact", "one_edit", "different"),
    "string": ("exact", "similar", "different"),
    "number": ("exact", "close", "different"),
}
MISSING = "missing"

_FROZEN = ConfigDict(extra="forbid", frozen=True)


class AttributeSpec(BaseModel):
    """A custom field under `attributes` that matching compares; ids and dates also block."""

    model_config = _FROZEN

    type: AttributeType
    key: bool | None = Field(
        default=None, description="Use as a blocking key; default: true for id and date."
    )
    identity: bool = Field(
        default=False,
        description="Identifies a person outright (a WeChat unionid, a member id): rules see"
        " the best level of all identity attributes as the field `identity`.",
    )

    @property
    def blocks(self) -> bool:
        return self.key if self.key is not None else self.type in ("id", "date")


class LevelWeights(BaseModel):
    """Fellegi-Sunter m (P(level | same entity)) and u (P(level | different entities))."""

    model_config = _FROZEN

    m: float = Field(gt=0, le=1)
    u: float = Field(gt=0, le=1)


class TermFrequency(BaseModel):
    """Term-frequency adjustment of one field, as Splink's: agreeing on a rare value is
    stronger evidence than agreeing on a common one.

    At the listed levels (where both records hold one value) the level's u is replaced by
    how often that value occurs among the tenant's records, never below `min_u`; so
    `王伟` or `John Smith` agreeing weighs less than a rare name agreeing.
    """

    model_config = _FROZEN

    levels: tuple[str, ...] = Field(min_length=1)
    min_u: float = Field(
        gt=0,
        le=1,
        description="The lowest u a rare value may get: bounds the weight one agreement adds.",
    )


# The fields whose value has a blocking key counting its records, with the levels at which
# both records hold that one value (app.domain.keys.shared_value_keys finds the key).
FREQUENCY_LEVELS: dict[str, tuple[str, ...]] = {
    "name": ("exact", "nickname", "cross_script"),
    "company": ("core_equal",),
    "website": ("equal",),
}

# A shared website or mail domain is left out: it says "same company", and the candidates
# blocking finds are mostly colleagues, so how rare the domain is overstates the evidence.
DEFAULT_TERM_FREQUENCY = {
    "name": TermFrequency(levels=FREQUENCY_LEVELS["name"], min_u=0.0005),
    "company": TermFrequency(levels=FREQUENCY_LEVELS["company"], min_u=0.005),
}


class MatchModel(BaseModel):
    """Per field and level the m and u; `prior` is P(match) for a candidate from the index.

    `term_frequency` names the fields whose agreeing levels take the value's own frequency
    as u; `tf_prior_records` is how many records' worth of evidence the level's u counts for
    against the tenant's own counts, so a young tenant with a few records keeps u nearly as
    set while a large one's counts decide.
    """

    model_config = _FROZEN

    prior: float = Field(default=0.01, gt=0, lt=1)
    fields: dict[str, dict[str, LevelWeights]]
    term_frequency: dict[str, TermFrequency] = Field(
        default_factory=lambda: dict(DEFAULT_TERM_FREQUENCY),
        description="Fields whose agreeing levels weigh how common the agreed value is;"
        " {} turns the adjustment off.",
    )
    tf_prior_records: int = Field(
        default=1000,
        ge=0,
        le=10_000_000,
        description="How many records' worth of evidence each level's u counts for against"
        " the tenant's own counts of a value.",
    )


class MatchRule(BaseModel):
    """Fires when every condition holds; the first rule that fires decides.

    `when` maps a field to the levels it may reach (`missing` when either side
    lacks it); `min_probability` asks the model's match probability to reach a
    bound; the entity lists scope the rule to kinds of pairs.
    """

    model_config = _FROZEN

    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.\-]+$")
    when: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    min_probability: float | None = Field(default=None, ge=0, le=1)
    lead_entities: tuple[EntityName, ...] = ("lead", "contact", "account")
    candidate_entities: tuple[EntityName, ...] = ("lead", "contact", "account")
    decision: Decision
    action: Action
    tags: tuple[str, ...] = ()
    update: bool = Field(
        default=False,
        description="Return a patch: what the matched record should take from this lead.",
    )

    @model_validator(mode="after")
    def _has_a_condition(self) -> Self:
        if not self.when and self.min_probability is None:
            raise ValueError(
                f"rule {self.name!r} has no condition: give `when` or `min_probability`"
            )
        return self


_ENTRY = Field(default=(), max_length=10_000)


class Blocklist(BaseModel):
    """The tenant's own refusals: a lead touching any entry gets a `blocked` error.

    Phones are compared as E.164 (write them with a country code or in the
    tenant's region), emails as canonical addresses, domains with their
    subdomains, words as case-insensitive substrings of name, company and email.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    phones: tuple[str, ...] = _ENTRY
    emails: tuple[str, ...] = _ENTRY
    domains: tuple[str, ...] = _ENTRY
    words: tuple[str, ...] = _ENTRY


def _w(m: float, u: float) -> LevelWeights:
    return LevelWeights(m=m, u=u)


# Hand-set from how leads differ in practice; `leadgate train` can refit them on a
# tenant's own records. A shared fixed line or website is weak evidence (colleagues
# share both); a shared mobile, mailbox or credit code is strong.
DEFAULT_MODEL = MatchModel(
    prior=0.01,
    fields={
        "phone": {
            "exact_mobile": _w(0.85, 0.0005),
            "exact_fixed": _w(0.45, 0.02),
            "different_kind": _w(0.1, 0.2),
            "different": _w(0.1, 0.98),
        },
        "email": {
            "exact": _w(0.8, 0.0002),
            "same_key": _w(0.06, 0.0001),
            "same_local": _w(0.04, 0.002),
            "different_kind": _w(0.1, 0.2),
            "different": _w(0.1, 0.998),
        },
        "company": {
            "uscc_equal": _w(0.5, 0.005),
            "core_equal": _w(0.75, 0.02),
            "core_similar": _w(0.12, 0.01),
            "branch_of": _w(0.02, 0.01),
            "different": _w(0.1, 0.95),
            "uscc_different": _w(0.01, 0.5),
        },
        "name": {
            "exact": _w(0.8, 0.002),
            "nickname": _w(0.04, 0.0005),
            "cross_script": _w(0.06, 0.001),
            "similar": _w(0.06, 0.003),
            "initials": _w(0.02, 0.003),
            "partial": _w(0.05, 0.01),
            "given_only": _w(0.02, 0.01),
            "family_only": _w(0.02, 0.05),
            "different": _w(0.02, 0.94),
        },
        "website": {"equal": _w(0.7, 0.05), "different": _w(0.3, 0.95)},
        "address": {
            "exact": _w(0.6, 0.005),
            "similar": _w(0.25, 0.01),
            "different": _w(0.15, 0.985),
        },
        "city": {"equal": _w(0.9, 0.2), "similar": _w(0.04, 0.01), "different": _w(0.06, 0.79)},
        "postcode": {
            "equal": _w(0.85, 0.02),
            "one_edit": _w(0.05, 0.03),
            "different": _w(0.1, 0.95),
        },
    },
)

# Weights of a typed attribute's levels, by type: a date or an id agreeing is strong.
DEFAULT_ATTRIBUTE_WEIGHTS: dict[str, dict[str, LevelWeights]] = {
    "date": {"exact": _w(0.85, 0.001), "one_edit": _w(0.1, 0.005), "different": _w(0.05, 0.994)},
    "id": {"exact": _w(0.85, 0.0001), "one_edit": _w(0.1, 0.0005), "different": _w(0.05, 0.9994)},
    "string": {"exact": _w(0.8, 0.01), "similar": _w(0.1, 0.02), "different": _w(0.1, 0.97)},
    "number": {"exact": _w(0.8, 0.05), "close": _w(0.1, 0.05), "different": _w(0.1, 0.9)},
}

_ACCOUNT_LINK = ("uscc_equal", "core_equal")
_NAME_AGREES = ("exact", "nickname", "cross_script", "similar", "initials", "partial")
_NAME_COMPATIBLE = (*_NAME_AGREES, MISSING)
_SAME_NAME = ("exact", "nickname", "cross_script")
_SAME_COMPANY = ("uscc_equal", "core_equal", "core_similar")
_PEOPLE = ("lead", "contact")
# Namesakes in one town are common: the model alone decides only when no phone or
# mailbox the two records both have disagrees.
_NO_CONTACT_DISAGREES = ("exact_mobile", "exact_fixed", "different_kind", MISSING)
_NO_MAIL_DISAGREES = ("exact", "same_key", "different_kind", MISSING)


# The defaults follow how Chinese CRMs configure 查重: contact points and names first, then a
# person's review for name and company alone, then the model's probability bands.
def _people_duplicate(
    name: str, when: dict[str, tuple[str, ...]], min_probability: float | None = None
) -> MatchRule:
    """A sure rule between people: block the save and patch the record it duplicates."""
    return MatchRule(
        name=name,
        when=when,
        min_probability=min_probability,
        lead_entities=_PEOPLE,
        candidate_entities=_PEOPLE,
        decision="duplicate",
        action="block",
        tags=("duplicate",),
        update=True,
    )


def _people_review(
    name: str, when: dict[str, tuple[str, ...]], min_probability: float | None = None
) -> MatchRule:
    """An uncertain rule between people: a person decides."""
    return MatchRule(
        name=name,
        when=when,
        min_probability=min_probability,
        lead_entities=_PEOPLE,
        candidate_entities=_PEOPLE,
        decision="possible_duplicate",
        action="review",
        tags=("possible_duplicate",),
    )


def _account_rule(
    name: str, when: dict[str, tuple[str, ...]], lead_entities: tuple[EntityName, ...]
) -> MatchRule:
    """Against a customer account: a duplicate account is blocked, a person's lead is linked."""
    duplicate = lead_entities == ("account",)
    return MatchRule(
        name=name,
        when=when,
        lead_entities=lead_entities,
        candidate_entities=("account",),
        decision="duplicate" if duplicate else "unique",
        action="block" if duplicate else "allow",
        tags=("duplicate",) if duplicate else ("existing_customer",),
    )


def _account_review(name: str, when: dict[str, tuple[str, ...]]) -> MatchRule:
    """Two accounts that may be one company: a person decides."""
    return MatchRule(
        name=name,
        when=when,
        lead_entities=("account",),
        candidate_entities=("account",),
        decision="possible_duplicate",
        action="review",
        tags=("possible_duplicate",),
    )


_ANY_PHONE = ("exact_mobile", "exact_fixed")
DEFAULT_RULES = (
    _account_rule("same_account_id", {"company": ("uscc_equal",)}, ("account",)),
    # Same name and nothing that says otherwise; a second phone, city or postcode that
    # differs may be another company of that name (or a branch): a person looks.
    _account_rule(
        "same_account_name",
        {
            "company": ("core_equal",),
            "website": ("equal", MISSING),
            "phone": (*_ANY_PHONE, MISSING),
            "city": ("equal", MISSING),
            "postcode": ("equal", MISSING),
        },
        ("account",),
    ),
    # An account whose name is missing or mistyped, on the company's own number, with
    # nothing else that differs: the same company written twice.
    _account_rule(
        "same_account_phone",
        {
            "phone": _ANY_PHONE,
            "company": ("core_similar", MISSING),
            "website": ("equal", MISSING),
            "city": ("equal", "similar", MISSING),
            "postcode": ("equal", "one_edit", MISSING),
            "address": ("exact", "similar", MISSING),
        },
        ("account",),
    ),
    _account_review(
        "account_name_only", {"company": ("core_equal",), "website": ("equal", MISSING)}
    ),
    _account_rule(
        "existing_account",
        {"company": _ACCOUNT_LINK, "website": ("equal", MISSING)},
        ("lead", "contact"),
    ),
    _people_duplicate("same_identity", {"identity": ("exact",)}),
    _people_duplicate("identity_and_model", {"identity": ("one_edit",)}, 0.99),
    _people_duplicate("email_and_name", {"email": ("exact", "same_key"), "name": _NAME_COMPATIBLE}),
    # A shared fixed line is often the company's switchboard: with one name missing the two
    # records could be any two colleagues, so that case is left to `only_phone` (review).
    _people_duplicate(
        "phone_and_company",
        {"phone": _ANY_PHONE, "company": _SAME_COMPANY, "name": _NAME_AGREES},
    ),
    _people_duplicate("mobile_and_name", {"phone": ("exact_mobile",), "name": _NAME_COMPATIBLE}),
    # Name and company alone give 0.9935 at the shipped weights, and a city more 0.9985: the
    # model is sure past 0.999 only with more agreeing (a website, an address) or when the
    # term-frequency adjustment finds the name (or the company) rare among the tenant's
    # records. A common name at one company, or a contact point that differs, stays a review.
    _people_duplicate(
        "name_company_certain",
        {
            "name": _SAME_NAME,
            "company": _SAME_COMPANY,
            "phone": _NO_CONTACT_DISAGREES,
            "email": _NO_MAIL_DISAGREES,
        },
        0.999,
    ),
    # A family name changed (marriage): the given name, a date attribute (a birth date) and
    # the model agree. Relatives share a family name, not a given name and a birth date; a
    # family name alone agreeing (twins share the date too) stays apart.
    _people_duplicate(
        "given_name_and_date",
        {
            "name": ("given_only",),
            "date": ("exact",),
            "phone": _NO_CONTACT_DISAGREES,
            "email": _NO_MAIL_DISAGREES,
        },
        0.999,
    ),
    _people_review(
        "name_and_company",
        {"name": ("exact", "nickname", "cross_script", "similar"), "company": _SAME_COMPANY},
    ),
    _people_duplicate(
        "model_certain",
        {"name": _NAME_AGREES, "phone": _NO_CONTACT_DISAGREES, "email": _NO_MAIL_DISAGREES},
        0.97,
    ),
    _people_review("only_phone", {"phone": _ANY_PHONE, "name": _NAME_COMPATIBLE}),
    _people_review("model_likely", {"name": _NAME_COMPATIBLE}, 0.8),
)


class Policy(BaseModel):
    """A tenant's whole configuration; a field left out takes the shipped default."""

    model_config = _FROZEN

    rules: tuple[MatchRule, ...] = DEFAULT_RULES
    model: MatchModel = DEFAULT_MODEL
    attributes: dict[str, AttributeSpec] = Field(default_factory=dict)
    blocklist: Blocklist = Blocklist()
    max_candidates: int = Field(default=10, ge=1, le=500)
    hot_key_cap: int = Field(
        default=200, ge=1, le=100_000, description="A key shared by more records is not searched."
    )
    region: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z]{2}$",
        description="Region for numbers without a country code; unset: LEADGATE_REGION.",
    )
    scoring: ScoringModel = DEFAULT_SCORING_MODEL
    score_in_check: bool = Field(
        default=False, description="Add the score block to every /v1/check result."
    )

    @model_validator(mode="after")
    def _rules_name_known_levels(self) -> Self:
        names = [r.name for r in self.rules]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"rule names must be unique: {', '.join(repeated)}")
        known = self.levels()
        for rule in self.rules:
            for field, levels in rule.when.items():
                if field not in known:
                    raise ValueError(f"rule {rule.name!r}: unknown field {field!r}")
                wrong = [lv for lv in levels if lv not in known[field] and lv != MISSING]
                if wrong:
                    raise ValueError(
                        f"rule {rule.name!r}: field {field!r} has no level {wrong[0]!r};"
                        f" it has {', '.join(known[field])}, missing"
                    )
        for name, table in self.model.fields.items():
            if name not in known:
                raise ValueError(f"model: unknown field {name!r}")
            unknown = [lv for lv in table if lv not in known[name]]
            if unknown:
                raise ValueError(f"model: field {name!r} has no level {unknown[0]!r}")
        for name, tf in self.model.term_frequency.items():
            if name not in FREQUENCY_LEVELS:
                raise ValueError(
                    f"model: term_frequency: field {name!r} has no counted value;"
                    f" it may be {', '.join(FREQUENCY_LEVELS)}"
                )
            wrong = [lv for lv in tf.levels if lv not in FREQUENCY_LEVELS[name]]
            if wrong:
                raise ValueError(
                    f"model: term_frequency: field {name!r} level {wrong[0]!r} does not hold"
                    f" one value on both sides; it may be {', '.join(FREQUENCY_LEVELS[name])}"
                )
        return self

    def levels(self) -> dict[str, tuple[str, ...]]:
        """Every field a rule or the model may name, with its levels."""
        found = dict(FIELD_LEVELS)
        for name, spec in self.attributes.items():
            found[f"attributes.{name}"] = ATTRIBUTE_LEVELS[spec.type]
        return found

    def attribute_types(self) -> dict[str, str]:
        return {name: spec.type for name, spec in self.attributes.items()}

    def identities(self) -> tuple[str, ...]:
        return tuple(name for name, spec in self.attributes.items() if spec.identity)


DEFAULT_POLICY = Policy()
