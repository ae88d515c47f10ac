"""The lead as callers send it, and the lead in canonical form as we answer it."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
)
from pydantic_core import PydanticCustomError

from app.api.limits import (
    MAX_ATTRIBUTES_DEPTH,
    MAX_ATTRIBUTES_ITEMS,
    MAX_LIST_ITEMS,
    MAX_STRING_LENGTH,
)
from app.domain.types import Issue as DomainIssue
from app.domain.types import NormalizedLead as DomainNormalizedLead
from app.domain.types import RawLead, normalized_to_dict

Entity = Literal["lead", "contact", "account"]


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise PydanticCustomError("nul_byte", "NUL characters are not allowed in text")
    return value


Text = Annotated[str, StringConstraints(max_length=MAX_STRING_LENGTH), AfterValidator(_no_nul)]
TextList = Annotated[list[Text], Field(max_length=MAX_LIST_ITEMS)]


def _check_attributes(value: dict[str, Any]) -> dict[str, Any]:
    count = _walk(value, depth=1)
    if count > MAX_ATTRIBUTES_ITEMS:
        raise PydanticCustomError(
            "attributes_too_large",
            "attributes hold more than {limit} values",
            {"limit": MAX_ATTRIBUTES_ITEMS},
        )
    return value


def _walk(value: Any, depth: int) -> int:
    """Count the values under `value`, refusing NUL text and nesting past the limit."""
    if depth > MAX_ATTRIBUTES_DEPTH:
        raise PydanticCustomError(
            "attributes_too_deep",
            "attributes nest deeper than {limit} levels",
            {"limit": MAX_ATTRIBUTES_DEPTH},
        )
    if isinstance(value, str):
        _no_nul(value)
        if len(value) > MAX_STRING_LENGTH:
            raise PydanticCustomError("string_too_long", "an attribute value is too long")
        return 1
    if isinstance(value, dict):
        return sum(_walk(k, depth) + _walk(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return sum(_walk(v, depth + 1) for v in value)
    return 1


Attributes = Annotated[dict[str, Any], AfterValidator(_check_attributes)]


class Lead(BaseModel):
    """A sales lead as received. Every field is optional; unknown keys are refused."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "external_id": "crm-000123",
                "entity": "lead",
                "name": "张三",
                "company": "北京字节跳动科技有限公司",
                "phone": ["138 0013 8000", "010-8888 6666"],
                "email": "Zhang.San@Example.com",
                "website": "https://www.example.com/about",
                "title": "采购经理",
                "city": "北京",
                "source": "web_form",
            }
        },
    )

    external_id: Annotated[Text, StringConstraints(max_length=200)] | None = Field(
        default=None, description="The caller's own id for the record; echoed back in matches."
    )
    entity: Entity = Field(default="lead", description="What the record is in the CRM.")
    name: Text | None = None
    first_name: Text | None = None
    last_name: Text | None = None
    company: Text | None = None
    uscc: Text | None = Field(default=None, description="Unified social credit code (18 chars).")
    phone: Text | TextList | None = Field(default=None, description="One number or a list.")
    email: Text | TextList | None = Field(default=None, description="One address or a list.")
    website: Text | None = None
    title: Text | None = None
    address: Text | None = None
    city: Text | None = None
    region: Text | None = None
    postcode: Text | None = None
    country: Text | None = None
    source: Text | None = None
    attributes: Attributes = Field(default_factory=dict, description="Custom fields.")

    def to_domain(self) -> RawLead:
        data = self.model_dump(exclude={"phone", "email"})
        return RawLead(**data, phone=_as_tuple(self.phone), email=_as_tuple(self.email))

    def to_json(self) -> dict[str, Any]:
        """The record as received, for storage: only what the caller sent."""
        return self.model_dump(mode="json", exclude_unset=True)


def _as_tuple(value: str | list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


class NormalizedLead(BaseModel):
    """The lead in canonical form: phones in E.164, emails trimmed and lower-cased."""

    external_id: str | None = None
    entity: Entity = "lead"
    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    uscc: str | None = None
    phone: list[str] = Field(default_factory=list, description="Valid numbers in E.164.")
    email: list[str] = Field(default_factory=list, description="Valid addresses, canonical.")
    website: str | None = None
    title: str | None = None
    address: str | None = None
    city: str | None = None
    region: str | None = None
    postcode: str | None = None
    country: str | None = None
    source: str | None = None
    attributes: dict[str, Any] = Field(default_factory=dict)
    phone_kinds: list[str] = Field(
        default_factory=list, description="Number type of each phone: mobile, fixed_line, ..."
    )
    email_keys: list[str] = Field(
        default_factory=list, description="Provider-aware matching keys (Gmail dots, +tags)."
    )
    email_domains: list[str] = Field(
        default_factory=list, description="Registrable domains of the corporate addresses."
    )
    name_key: str | None = Field(default=None, description="Order-insensitive person key.")
    name_pinyin: str | None = Field(default=None, description="Cross-script (pinyin) name key.")
    name_script: str | None = None
    company_core: str | None = Field(
        default=None, description="Company name without legal form and region prefix."
    )
    company_trade_name: str | None = None
    company_legal_form: str | None = None
    company_branch: str | None = None
    uscc_region: str | None = Field(default=None, description="Region the credit code names.")
    district: str | None = None
    address_key: str | None = None

    @classmethod
    def from_domain(cls, lead: DomainNormalizedLead) -> NormalizedLead:
        return cls.model_validate(normalized_to_dict(lead))


class Issue(BaseModel):
    field: str
    code: str = Field(description="e.g. invalid_phone, disposable_email, junk_name.")
    severity: Literal["error", "warning", "info"]
    message: str

    @classmethod
    def from_domain(cls, issue: DomainIssue) -> Issue:
        return cls(
            field=issue.field, code=issue.code, severity=issue.severity, message=issue.message
        )


class StoredLead(BaseModel):
    """A record in the index."""

    id: str
    external_id: str | None
    entity: Entity
    group_id: str = Field(description="The stable id of the real person or company (OneID).")
    merged_into: str | None = Field(description="Set when this record was folded into another.")
    lead: dict[str, Any] = Field(description="The record as received.")
    normalized: NormalizedLead
    created_at: str
    updated_at: str


class LeadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lead: Lead


class LeadList(BaseModel):
    leads: list[StoredLead]


class HistoryEntry(BaseModel):
    action: str = Field(description="created, updated, merged, unmerged or deleted.")
    at: str
    data: dict[str, Any]


class History(BaseModel):
    id: str
    events: list[HistoryEntry]


Region = Field(
    default=None,
    pattern=r"^[A-Za-z]{2}$",
    description="ISO 3166 region for numbers written without a country code.",
)
