"""Blocking keys: strings two writings of one person or company are likely to share.

Namespaced `kind:value` so a phone never collides with an email. Each is cut to
a bounded length, so the index column stays small whatever the input; a key
that many records share (a switchboard, a common name) is capped by the store.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from app.domain import junk
from app.domain.policy import AttributeSpec
from app.domain.types import NormalizedLead

MAX_KEY_LENGTH = 200
_MIN_COMPANY = 2


def blocking_keys(
    lead: NormalizedLead, attributes: Mapping[str, AttributeSpec] | None = None
) -> tuple[str, ...]:
    """`attributes` are the tenant's typed custom fields; ids and dates among them block."""
    found = _keys(lead)
    extra = (
        f"attr:{name}:{_attribute_value(lead.attributes.get(name))}"
        for name, spec in (attributes or {}).items()
        if spec.blocks and _attribute_value(lead.attributes.get(name))
    )
    return tuple(dict.fromkeys(k[:MAX_KEY_LENGTH] for k in (*found, *extra)))


def _attribute_value(value: object) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value).strip().casefold()


def _keys(lead: NormalizedLead) -> Iterator[str]:
    yield from (f"phone:{p}" for p in lead.phone if not junk.junk_phone(p))
    yield from (f"email:{k}" for k in lead.email_keys if not _junk_email(k))
    if lead.uscc:
        yield f"uscc:{lead.uscc}"
    companies = [
        c for c in (lead.company_core, lead.company_trade_name) if c and len(c) >= _MIN_COMPANY
    ]
    yield from (f"co:{c}" for c in companies)
    if lead.website:
        yield f"web:{lead.website}"
    yield from (f"web:{d}" for d in lead.email_domains)
    person = lead.name_pinyin or lead.name_key
    if person:
        yield f"name:{person}"
        yield from (f"nc:{person}|{c}" for c in companies[-1:])
    if lead.address_key:
        yield f"addr:{lead.address_key}"
    if lead.postcode and lead.last_name:
        yield f"pn:{lead.postcode.casefold()}|{lead.last_name.casefold()}"


def _junk_email(address: str) -> bool:
    local, _, domain = address.rpartition("@")
    return junk.junk_email(local, domain) is not None
