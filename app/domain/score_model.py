"""The scoring model: fit rules, event rules, decay, grade bands, pool and tag rules.

It is part of a tenant's `/v1/config`, so it is a pydantic model (the domain
uses pydantic only for tenant configuration); `score.py` reads it as plain typed
values. A model that cannot be applied is refused when it is built, with a
`ValidationError` naming the rule at fault: rule names are unique, every
regex compiles, every test has exactly one operator, grade bands run from the
highest minimum down to 0, and pool and tag rules refer only to grades, fit
rules and event types the model has.

A `Condition` tests one thing about the normalized lead and its validation:

- `field` with one operator: `exists`, `equals`, `in`, `contains` (case-
  insensitive substring), `regex` (search) or a numeric range `min`/`max`
  (inclusive). `field` is a NormalizedLead field (`title`, `email_domains`,
  `phone_kinds`, ...) or a dotted path under `attributes` (`attributes.industry`).
  A list field holds when any of its values does. Strings compare case-
  insensitively, and numbers and numeric strings compare as numbers.
- `issue`: one code or a list; holds when the lead has any of them.
- `valid`: holds when the lead is (or, with `false`, is not) free of errors.

A rule holds when its own condition holds, every condition in `also` holds
and none in `unless` does.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    model_validator,
)

from app.domain.types import NormalizedLead

LEAD_FIELDS = frozenset(NormalizedLead.__dataclass_fields__)
MAX_POINTS = 100
RESERVED_FACTORS = frozenset({"clamp"})
"""Fit rule names the scorer uses for its own reasons."""


def _one_or_many(value: Any) -> Any:
    return (value,) if isinstance(value, str) else value


Name = Annotated[str, Field(pattern=r"^[\w.+-]{1,64}$")]
Label = Annotated[str, Field(pattern=r"^[\w.:+-]{1,64}$")]
EventType = Annotated[str, Field(min_length=1, max_length=64)]
Scalar = bool | int | float | str
Codes = Annotated[
    tuple[Annotated[str, Field(min_length=1, max_length=64)], ...],
    BeforeValidator(_one_or_many),
    Field(min_length=1, max_length=100),
]
Needles = Annotated[
    tuple[Annotated[str, Field(min_length=1, max_length=200)], ...],
    BeforeValidator(_one_or_many),
    Field(min_length=1, max_length=1000),
]


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
    )


# --- conditions ------------------------------------------------------------------------------


def value_keys(value: Any) -> tuple[tuple[str, Any], ...]:
    """The forms a value compares under: text case-folded, numbers as floats, booleans as such."""
    if isinstance(value, bool):
        return (("b", value),)
    if isinstance(value, int | float):
        number = as_number(value)
        form = ("s", str(value).casefold())
        return (form,) if number is None else (("n", number), form)
    if isinstance(value, str):
        return _text_keys(value)
    return ()


@lru_cache(maxsize=4096)
def _text_keys(value: str) -> tuple[tuple[str, Any], ...]:
    """Kept per text: the values a model's `in` conditions read (a number's kind, a source,
    a province) are a few words on every lead, and reading one as a number raises."""
    text = value.strip().casefold()
    number = as_number(text)
    return (("s", text),) if number is None else (("s", text), ("n", number))


def as_number(value: Any) -> float | None:
    """A finite float from a number or a numeric string; None for anything else (and booleans)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | str):
        try:
            number = float(value)
        except (ValueError, OverflowError):
            return None
        return number if math.isfinite(number) else None
    return None


class Condition(_Model):
    """One test of the lead (`field` with one operator), of its issues or of its validity."""

    field: str | None = Field(
        default=None,
        max_length=200,
        description="A NormalizedLead field, or a dotted path under `attributes`.",
    )
    issue: Codes | None = Field(default=None, description="Issue code(s); any of them present.")
    valid: bool | None = Field(default=None, description="The lead has no error (or has one).")
    exists: bool | None = None
    equals: Scalar | None = None
    in_: tuple[Scalar, ...] | None = Field(default=None, alias="in", min_length=1, max_length=1000)
    contains: Needles | None = Field(default=None, description="Case-insensitive substrings.")
    regex: str | None = Field(default=None, min_length=1, max_length=4000)
    min: float | None = Field(default=None, allow_inf_nan=False)
    max: float | None = Field(default=None, allow_inf_nan=False)

    def compile(self) -> Check:
        """The condition as the scorer runs it."""
        ops = self._operators()
        targets = self.in_ if self.in_ is not None else (self.equals,)
        return Check(
            subject=(
                "field"
                if self.field is not None
                else "issue"
                if self.issue is not None
                else "valid"
                if self.valid is not None
                else "none"
            ),
            op=ops[0] if len(ops) == 1 else "",
            field=self.field or "",
            path=tuple(self.field.split(".")) if self.field else (),
            codes=self.issue or (),
            valid=bool(self.valid),
            exists=bool(self.exists),
            members=frozenset(k for t in targets if t is not None for k in value_keys(t)),
            needles=tuple(n.casefold() for n in self.contains or ()),
            pattern=None if self.regex is None else re.compile(self.regex),
            low=-math.inf if self.min is None else self.min,
            high=math.inf if self.max is None else self.max,
        )

    def _operators(self) -> list[str]:
        given = {
            "exists": self.exists is not None,
            "equals": self.equals is not None,
            "in": self.in_ is not None,
            "contains": self.contains is not None,
            "regex": self.regex is not None,
            "range": self.min is not None or self.max is not None,
        }
        return [op for op, present in given.items() if present]

    def problem(self, *, required: bool) -> str | None:
        """What is wrong with this condition, or None."""
        subjects = [
            s
            for s, v in (("field", self.field), ("issue", self.issue), ("valid", self.valid))
            if v is not None
        ]
        ops = self._operators()
        if len(subjects) > 1:
            return f"give one of field, issue or valid, not {' and '.join(subjects)}"
        if not subjects:
            if ops:
                return f"{ops[0]} tests a field: give `field`"
            return (
                "test something: give field (with an operator), issue or valid"
                if required
                else None
            )
        if self.field is None:
            return f"{ops[0]} tests a field, not {subjects[0]}" if ops else None
        return self._field_problem(ops)

    def _field_problem(self, ops: list[str]) -> str | None:
        field = self.field or ""
        path = field.split(".")
        if not all(path):
            return f"field {field!r}: empty part in the dotted path"
        if path[0] not in LEAD_FIELDS:
            return f"field {field!r} is not a lead field (custom fields are `attributes.<name>`)"
        if len(path) > 1 and path[0] != "attributes":
            return f"field {field!r}: only `attributes` has sub-fields"
        if len(ops) != 1:
            found = ", ".join(ops) if ops else "none"
            return (
                f"field {field!r}: give exactly one operator of exists, equals, in, contains, "
                f"regex or min/max (found: {found})"
            )
        if self.regex is not None:
            try:
                re.compile(self.regex)
            except re.error as exc:
                return f"field {field!r}: regex {self.regex!r} does not compile: {exc}"
        if self.min is not None and self.max is not None and self.min > self.max:
            return f"field {field!r}: min {self.min:g} is greater than max {self.max:g}"
        return None


class _Rule(Condition):
    """A condition of its own, plus conditions that must also hold and ones that must not."""

    also: tuple[Condition, ...] = Field(default=(), max_length=20)
    unless: tuple[Condition, ...] = Field(default=(), max_length=20)

    def compile_tests(self) -> RuleChecks:
        return RuleChecks(
            Condition.compile(self),
            tuple(c.compile() for c in self.also),
            tuple(c.compile() for c in self.unless),
        )

    def _check(self, kind: str, name: str, *, required: bool) -> None:
        parts: list[tuple[str, Condition, bool]] = [("", self, required)]
        parts += [(f"also[{i}]: ", c, True) for i, c in enumerate(self.also)]
        parts += [(f"unless[{i}]: ", c, True) for i, c in enumerate(self.unless)]
        for where, condition, needed in parts:
            problem = condition.problem(required=needed)
            if problem:
                raise ValueError(f"{kind} {name!r}: {where}{problem}")


def _default_name(data: Any, *sources: str) -> Any:
    """Name a rule after what it tests when the model gives it no name."""
    if not isinstance(data, dict) or data.get("name") is not None:
        return data
    for key in sources:
        value = data.get(key)
        if isinstance(value, str) and value:
            return {**data, "name": value}
        if key == "issue" and isinstance(value, list | tuple) and value:
            return {**data, "name": "+".join(map(str, value))}
    return data


class FitRule(_Rule):
    """Points for what the lead is: a field's presence or value, or a validation issue."""

    name: Name = Field(description="Reported as the reason's `factor`; unique in the model.")
    points: int = Field(ge=-MAX_POINTS, le=MAX_POINTS)
    group: Name | None = Field(
        default=None, description="Of the rules in one group only the first that holds scores."
    )
    detail: str | None = Field(
        default=None,
        max_length=200,
        description="The reason's text; `{value}` is replaced by what matched.",
    )

    @model_validator(mode="before")
    @classmethod
    def _name(cls, data: Any) -> Any:
        return _default_name(data, "issue", "field")

    @model_validator(mode="after")
    def _valid(self) -> Self:
        if self.name in RESERVED_FACTORS:
            raise ValueError(f"fit rule {self.name!r}: the name is reserved for the scorer")
        self._check("fit rule", self.name, required=True)
        return self


# --- events and decay ------------------------------------------------------------------------


class NoDecay(_Model):
    kind: Literal["none"] = "none"


class HalfLifeDecay(_Model):
    """An event's points halve every `half_life_days` after it happened."""

    kind: Literal["half_life"]
    half_life_days: float = Field(gt=0, le=3650, allow_inf_nan=False)


class StepDecay(_Model):
    """An event's points lose `drop` (0.3: 30 %) for every full `every_days` after it happened."""

    kind: Literal["step"]
    every_days: float = Field(gt=0, le=3650, allow_inf_nan=False)
    drop: float = Field(gt=0, le=1, allow_inf_nan=False)


Decay = Annotated[NoDecay | HalfLifeDecay | StepDecay, Field(discriminator="kind")]


class EventRule(_Model):
    """Points per event of one type (times its count), decayed by age, capped per type."""

    type: EventType
    points: int = Field(ge=-MAX_POINTS, le=MAX_POINTS, description="Per event, before decay.")
    cap: int | None = Field(
        default=None,
        ge=0,
        le=MAX_POINTS,
        description="Most points (or, for negative points, least) the type can add in total.",
    )
    decay: Decay | None = Field(default=None, description="Overrides the model's decay.")


# --- grades, pools and tags ------------------------------------------------------------------


class GradeBand(_Model):
    """Scores from `min` up (to the next band's minimum) get `grade`."""

    grade: Annotated[str, Field(pattern=r"^[\w+-]{1,16}$")]
    min: int = Field(ge=0, le=MAX_POINTS)


class RouteRule(_Rule):
    """A condition over the outcome as well as the lead: score, grade, fit rules, events, tags."""

    name: Name
    grade: Annotated[tuple[str, ...], BeforeValidator(_one_or_many)] | None = Field(
        default=None, min_length=1, description="Any of these grades."
    )
    min_score: int | None = Field(default=None, ge=0, le=MAX_POINTS)
    max_score: int | None = Field(default=None, ge=0, le=MAX_POINTS)
    fit: tuple[Name, ...] = Field(default=(), description="Fit rules that all held.")
    events: tuple[EventType, ...] = Field(default=(), description="Any of these event types seen.")
    tags: tuple[Label, ...] = Field(default=(), description="Any of these input tags given.")

    def _check_route(self, kind: str, name: str) -> None:
        self._check(kind, name, required=False)
        if (
            self.min_score is not None
            and self.max_score is not None
            and self.min_score > self.max_score
        ):
            raise ValueError(
                f"{kind} {name!r}: min_score {self.min_score} is greater than "
                f"max_score {self.max_score}"
            )


class PoolRule(RouteRule):
    """The first pool rule that holds sends the lead to its pool."""

    pool: Label

    @model_validator(mode="before")
    @classmethod
    def _name(cls, data: Any) -> Any:
        return _default_name(data, "pool")

    @model_validator(mode="after")
    def _valid(self) -> Self:
        self._check_route("pool rule", self.name)
        return self


class TagRule(RouteRule):
    """Every tag rule that holds adds its tag."""

    tag: Label

    @model_validator(mode="before")
    @classmethod
    def _name(cls, data: Any) -> Any:
        return _default_name(data, "tag")

    @model_validator(mode="after")
    def _valid(self) -> Self:
        self._check_route("tag rule", self.name)
        return self


DEFAULT_GRADES = (
    GradeBand(grade="A", min=75),
    GradeBand(grade="B", min=50),
    GradeBand(grade="C", min=25),
    GradeBand(grade="D", min=0),
)


class ScoringModel(_Model):
    """A tenant's scoring model; the score is clamped to 0..100."""

    fit: tuple[FitRule, ...] = Field(default=(), max_length=200)
    events: tuple[EventRule, ...] = Field(default=(), max_length=200)
    decay: Decay = Field(default_factory=NoDecay, description="For event rules without their own.")
    grades: tuple[GradeBand, ...] = Field(default=DEFAULT_GRADES, min_length=1, max_length=20)
    pools: tuple[PoolRule, ...] = Field(default=(), max_length=100)
    default_pool: Label = "nurture"
    tags: tuple[TagRule, ...] = Field(default=(), max_length=100)

    _plan: Plan | None = PrivateAttr(default=None)

    def model_post_init(self, context: Any, /) -> None:
        self._plan = Plan(
            fit=tuple(
                FitPlan(r.name, r.points, r.group, r.detail, r.compile_tests()) for r in self.fit
            ),
            events={
                r.type: EventPlan(r.type, r.points, r.cap, r.decay or self.decay)
                for r in self.events
            },
            grades=tuple((b.grade, b.min) for b in self.grades),
            pools=tuple(_route_plan(r, r.pool) for r in self.pools),
            default_pool=self.default_pool,
            tags=tuple(_route_plan(r, r.tag) for r in self.tags),
        )

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy; with `update`, validated and compiled again like a new model."""
        if not update:
            return super().model_copy(deep=deep)
        return self.model_validate({**self.model_dump(), **update})

    @property
    def plan(self) -> Plan:
        """The model compiled for the scorer: plain frozen values, regexes compiled."""
        assert self._plan is not None
        return self._plan

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        _unique("fit rule", (r.name for r in self.fit))
        _unique("event type", (r.type for r in self.events))
        _unique("grade", (b.grade for b in self.grades))
        _unique("pool rule", (r.name for r in self.pools))
        _unique("tag rule", (r.name for r in self.tags))
        self._check_bands()
        fit_names = {r.name for r in self.fit}
        grades = {b.grade for b in self.grades}
        for kind, rules in (("pool rule", self.pools), ("tag rule", self.tags)):
            for rule in rules:
                _known(kind, rule.name, key="fit", refs=rule.fit, known=fit_names, what="fit rule")
                _known(
                    kind, rule.name, key="grade", refs=rule.grade or (), known=grades, what="grade"
                )
                _known(
                    kind,
                    rule.name,
                    key="events",
                    refs=rule.events,
                    known=self.plan.events,
                    what="event type",
                )
        return self

    def _check_bands(self) -> None:
        for high, low in zip(self.grades, self.grades[1:], strict=False):
            if low.min >= high.min:
                raise ValueError(
                    f"grades must run from the highest min down: grade {low.grade!r} "
                    f"(min {low.min}) comes after grade {high.grade!r} (min {high.min})"
                )
        last = self.grades[-1]
        if last.min != 0:
            raise ValueError(
                f"grades: the last band (grade {last.grade!r}) must have min 0, "
                f"not {last.min}, so that every score gets a grade"
            )


def _route_plan(rule: RouteRule, target: str) -> RoutePlan:
    return RoutePlan(
        name=rule.name,
        target=target,
        checks=rule.compile_tests(),
        grades=None if rule.grade is None else frozenset(rule.grade),
        min_score=-math.inf if rule.min_score is None else rule.min_score,
        max_score=math.inf if rule.max_score is None else rule.max_score,
        fit=rule.fit,
        events=rule.events,
        tags=rule.tags,
    )


def _unique(kind: str, names: Any) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ValueError(f"{kind} names must be unique: {name!r} appears more than once")
        seen.add(name)


def _known(kind: str, name: str, *, key: str, refs: Any, known: Any, what: str) -> None:
    for ref in refs:
        if ref not in known:
            raise ValueError(f"{kind} {name!r}: {key}: {ref!r} is not a {what} of the model")


# --- the compiled form ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Check:
    """A condition as the scorer runs it: `subject` says which of the other fields apply."""

    subject: Literal["field", "issue", "valid", "none"]
    op: str
    field: str
    path: tuple[str, ...]
    codes: tuple[str, ...]
    valid: bool
    exists: bool
    members: frozenset[tuple[str, Any]]
    needles: tuple[str, ...]
    pattern: re.Pattern[str] | None
    low: float
    high: float


@dataclass(frozen=True, slots=True)
class RuleChecks:
    check: Check
    also: tuple[Check, ...]
    unless: tuple[Check, ...]


@dataclass(frozen=True, slots=True)
class FitPlan:
    name: str
    points: int
    group: str | None
    detail: str | None
    checks: RuleChecks


@dataclass(frozen=True, slots=True)
class EventPlan:
    type: str
    points: int
    cap: int | None
    decay: NoDecay | HalfLifeDecay | StepDecay


@dataclass(frozen=True, slots=True)
class RoutePlan:
    name: str
    target: str
    checks: RuleChecks
    grades: frozenset[str] | None
    min_score: float
    max_score: float
    fit: tuple[str, ...]
    events: tuple[str, ...]
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Plan:
    fit: tuple[FitPlan, ...]
    events: Mapping[str, EventPlan]
    grades: tuple[tuple[str, int], ...]
    pools: tuple[RoutePlan, ...]
    default_pool: str
    tags: tuple[RoutePlan, ...]


# --- the shipped defaults --------------------------------------------------------------------


def _entries(name: str) -> list[str]:
    text = files("app.domain").joinpath("data", name).read_text(encoding="utf-8")
    return [s for s in (line.strip() for line in text.splitlines()) if s and s[0] != "#"]


def words_regex(*names: str) -> str:
    """One case-insensitive regex for word lists: Latin entries as whole words, Chinese anywhere.

    `\\b` would not do: Python counts Han characters as word characters, so 销售Director has no
    boundary before the D. A Latin entry may not touch another Latin letter instead.
    """
    words = [w for name in names for w in _entries(name)]
    latin = sorted((w for w in words if w.isascii()), key=len, reverse=True)
    han = sorted((w for w in words if not w.isascii()), key=len, reverse=True)
    parts = []
    if latin:
        alternatives = "|".join(r"\s+".join(map(re.escape, w.split())) for w in latin)
        parts.append(rf"(?<![a-z])(?:{alternatives})(?![a-z])")
    parts += map(re.escape, han)
    return "(?i)" + "|".join(parts)


_NOT_SENIOR = Condition(field="title", regex=words_regex("score_title_not_senior.txt"))
_JUNK = ("junk_name", "junk_phone", "junk_email", "junk_company")
_KEY_REGIONS = (
    "北京市",
    "上海市",
    "广东省",
    "江苏省",
    "浙江省",
    "北京",
    "上海",
    "广东",
    "江苏",
    "浙江",
)
_REFERRAL_SOURCES = (
    "referral",
    "customer_referral",
    "partner",
    "转介绍",
    "推荐",
    "客户推荐",
    "合作伙伴",
)
_INBOUND_SOURCES = (
    "web_form",
    "website",
    "contact_form",
    "demo_request",
    "inbound",
    "trade_show",
    "event",
    "webinar",
    "官网",
    "表单",
    "展会",
    "400电话",
)


def _issue(code: str, points: int) -> FitRule:
    return FitRule(name=code, issue=(code,), points=points)


DEFAULT_SCORING_MODEL = ScoringModel(
    fit=(
        FitRule(
            name="title_executive",
            field="title",
            regex=words_regex("score_title_executive.txt"),
            unless=(_NOT_SENIOR,),
            points=20,
            group="title",
            detail="decision-maker title: {value}",
        ),
        FitRule(
            name="title_manager",
            field="title",
            regex=words_regex("score_title_manager.txt"),
            unless=(_NOT_SENIOR,),
            points=10,
            group="title",
            detail="manager title: {value}",
        ),
        FitRule(
            name="title_buyer",
            field="title",
            regex=words_regex("score_title_buyer.txt"),
            unless=(_NOT_SENIOR,),
            points=5,
            detail="buying role: {value}",
        ),
        FitRule(
            name="email_corporate",
            field="email_domains",
            exists=True,
            points=10,
            group="email",
            detail="corporate email domain {value}",
        ),
        FitRule(name="email_free", issue=("free_email",), points=3, group="email"),
        FitRule(
            name="phone_mobile",
            field="phone_kinds",
            in_=("mobile", "fixed_line_or_mobile"),
            points=10,
            group="phone",
            detail="mobile number",
        ),
        FitRule(
            name="phone_other",
            field="phone",
            exists=True,
            points=5,
            group="phone",
            detail="phone number (not mobile)",
        ),
        FitRule(
            name="company_uscc",
            field="uscc",
            exists=True,
            points=10,
            group="company",
            detail="valid unified social credit code",
        ),
        FitRule(
            name="company_named",
            field="company",
            exists=True,
            unless=(Condition(issue=("junk_company",)),),
            points=5,
            group="company",
            detail="company named",
        ),
        FitRule(
            name="website",
            field="website",
            exists=True,
            points=3,
            detail="company website {value}",
        ),
        FitRule(
            name="region_key_market",
            field="region",
            in_=_KEY_REGIONS,
            points=5,
            detail="key market {value}",
        ),
        FitRule(
            name="source_referral",
            field="source",
            in_=_REFERRAL_SOURCES,
            points=10,
            group="source",
            detail="referred lead ({value})",
        ),
        FitRule(
            name="source_inbound",
            field="source",
            in_=_INBOUND_SOURCES,
            points=5,
            group="source",
            detail="inbound lead ({value})",
        ),
        FitRule(
            name="size_large",
            field="attributes.employees",
            min=500,
            points=10,
            group="size",
            detail="{value} employees",
        ),
        FitRule(
            name="size_mid",
            field="attributes.employees",
            min=50,
            max=499,
            points=5,
            group="size",
            detail="{value} employees",
        ),
        _issue("blocked", -50),
        _issue("junk_name", -20),
        _issue("junk_phone", -20),
        _issue("junk_email", -20),
        _issue("junk_company", -15),
        _issue("missing_contact", -20),
        _issue("disposable_email", -15),
        _issue("role_email", -5),
        _issue("invalid_phone", -5),
        _issue("invalid_email", -5),
        _issue("invalid_uscc", -5),
    ),
    events=(
        EventRule(type="demo_request", points=30, cap=30),
        EventRule(type="trial_signup", points=25, cap=25),
        EventRule(type="form_submit", points=15, cap=30),
        EventRule(type="webinar_attend", points=15, cap=30),
        EventRule(type="visit_pricing", points=10, cap=30),
        EventRule(type="content_download", points=8, cap=24),
        EventRule(type="email_click", points=5, cap=15),
        EventRule(type="email_open", points=1, cap=5),
        EventRule(type="page_view", points=1, cap=10),
        EventRule(type="unsubscribe", points=-20, cap=20, decay=NoDecay()),
        EventRule(type="email_bounce", points=-10, cap=10, decay=NoDecay()),
    ),
    decay=StepDecay(kind="step", every_days=30, drop=0.3),
    grades=DEFAULT_GRADES,
    pools=(
        PoolRule(name="discard_blocked", pool="discard", issue=("blocked",)),
        PoolRule(name="discard_junk", pool="discard", issue=_JUNK, grade=("C", "D")),
        PoolRule(
            name="sales",
            pool="sales",
            grade=("A",),
            field="phone",
            exists=True,
            unless=(Condition(issue=("junk_phone",)),),
        ),
        PoolRule(
            name="sdr_cleanup",
            pool="sdr_cleanup",
            issue=("invalid_phone", "invalid_email", "missing_contact", *_JUNK),
        ),
    ),
    default_pool="nurture",
    tags=(
        TagRule(name="hot", tag="hot", grade=("A",)),
        TagRule(name="decision_maker", tag="decision_maker", fit=("title_executive",)),
        TagRule(name="enterprise", tag="enterprise", fit=("size_large",)),
        TagRule(name="demo_requested", tag="demo_requested", events=("demo_request",)),
        TagRule(name="unsubscribed", tag="unsubscribed", events=("unsubscribe",)),
    ),
)
