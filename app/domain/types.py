"""Values every step of the pipeline shares.

Frozen and slotted: they cross from the api to the domain to the store and are
built on the hot path, so they are cheap and nobody mutates them in passing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
Entity = Literal["lead", "contact", "account"]


@dataclass(frozen=True, slots=True)
class Issue:
    """One thing wrong with one field; `valid` is false when any issue is an error."""

    field: str
    code: str
    severity: Severity
    message: str


@dataclass(frozen=True, slots=True)
class RawLead:
    """A lead as the caller sent it; phone and email already made lists."""

    external_id: str | None = None
    entity: Entity = "lead"
    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    uscc: str | None = None
    phone: tuple[str, ...] = ()
    email: tuple[str, ...] = ()
    website: str | None = None
    title: str | None = None
    address: str | None = None
    city: str | None = None
    region: str | None = None
    postcode: str | None = None
    country: str | None = None
    source: str | None = None
    attributes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class NormalizedLead:
    """A lead in canonical form: phone holds E.164 numbers, email canonical addresses.

    Values that could not be made valid are left out and reported as issues. The
    fields after `attributes` are derived: what matching and scoring compare
    (`phone_kinds` runs parallel to `phone`; `email_domains` are the registrable
    domains of the corporate addresses, free and throwaway mail left out).
    """

    external_id: str | None = None
    entity: Entity = "lead"
    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    uscc: str | None = None
    phone: tuple[str, ...] = ()
    email: tuple[str, ...] = ()
    website: str | None = None
    title: str | None = None
    address: str | None = None
    city: str | None = None
    region: str | None = None
    postcode: str | None = None
    country: str | None = None
    source: str | None = None
    attributes: Mapping[str, Any] = field(default_factory=dict)
    phone_kinds: tuple[str, ...] = ()
    email_keys: tuple[str, ...] = ()
    email_domains: tuple[str, ...] = ()
    name_key: str | None = None
    name_pinyin: str | None = None
    name_script: str | None = None
    company_core: str | None = None
    company_trade_name: str | None = None
    company_legal_form: str | None = None
    company_branch: str | None = None
    uscc_region: str | None = None
    district: str | None = None
    address_key: str | None = None


_LIST_FIELDS = frozenset({"phone", "email", "phone_kinds", "email_keys", "email_domains"})
_NORMALIZED_FIELDS = frozenset(NormalizedLead.__dataclass_fields__)


def normalized_to_dict(lead: NormalizedLead) -> dict[str, Any]:
    """The JSON form stored in the index and returned as `normalized`."""
    data: dict[str, Any] = {}
    for name in NormalizedLead.__dataclass_fields__:
        value = getattr(lead, name)
        data[name] = list(value) if name in _LIST_FIELDS else value
    data["attributes"] = dict(lead.attributes)
    return data


def normalized_from_dict(data: Mapping[str, Any]) -> NormalizedLead:
    """Read a stored normalized lead back; keys a later version added or dropped are ignored.

    Every check reads tens of candidates back, so this fills the slots directly: the
    frozen dataclass's own __init__ costs three times as much. Scalars, lists and the
    attributes are filled in loops of their own, so no field asks which kind it is.
    """
    lead = object.__new__(NormalizedLead)
    get = data.get
    for name, default, setter in _SCALAR_SETTERS:
        setter(lead, get(name, default))
    for name, setter in _LIST_SETTERS:
        setter(lead, tuple(get(name) or ()))
    _set_attributes(lead, get("attributes") or {})
    return lead


def _setter(name: str) -> Any:
    return getattr(NormalizedLead, name).__set__


_SCALAR_SETTERS = tuple(
    (name, spec.default, _setter(name))
    for name, spec in NormalizedLead.__dataclass_fields__.items()
    if name not in _LIST_FIELDS and name != "attributes"
)
_LIST_SETTERS = tuple(
    (name, _setter(name)) for name in NormalizedLead.__dataclass_fields__ if name in _LIST_FIELDS
)
_set_attributes = _setter("attributes")
