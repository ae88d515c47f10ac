"""Blocking keys: strings two writings of one person or company are likely to share.

Namespaced `kind:value` so a phone never collides with an email. Each is cut to
a bounded length, so the index column stays small whatever the input; a key
that many records share (a switchboard, a common name) is capped by the store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

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
    companies = _companies(lead)
    yield from _company_keys(lead)
    yield from _web_keys(lead)
    person = _person(lead)
    if person:
        yield from _name_keys(lead)
        yield from (f"nc:{person}|{c}" for c in companies[-1:])
    if lead.address_key:
        yield f"addr:{lead.address_key}"
    if lead.postcode and lead.last_name:
        yield f"pn:{lead.postcode.casefold()}|{lead.last_name.casefold()}"


def _companies(lead: NormalizedLead) -> list[str]:
    return [c for c in (lead.company_core, lead.company_trade_name) if c and len(c) >= _MIN_COMPANY]


def _person(lead: NormalizedLead) -> str | None:
    return lead.name_pinyin or lead.name_key


def _company_keys(lead: NormalizedLead) -> tuple[str, ...]:
    return tuple(f"co:{c}" for c in _companies(lead))


def _web_keys(lead: NormalizedLead) -> tuple[str, ...]:
    return tuple(f"web:{d}" for d in (lead.website, *lead.email_domains) if d)


def _name_keys(lead: NormalizedLead) -> tuple[str, ...]:
    person = _person(lead)
    return (f"name:{person}",) if person else ()


# Which key counts a field's value. A name's key is its pinyin when it has one, so 王伟 is
# counted with its homophones (汪伟, 王薇): the count errs high, and a common value's weight
# errs low, never high. A company is counted by its core and by its trade name; `nc:` and
# `pn:` keys count a pair of values, not one, and say nothing of either's frequency.
_VALUE_KEYS: dict[str, Callable[[NormalizedLead], tuple[str, ...]]] = {
    "name": _name_keys,
    "company": _company_keys,
    "website": _web_keys,
}


def shared_value_keys(field: str, a: NormalizedLead, b: NormalizedLead) -> tuple[str, ...]:
    """The blocking keys of `field` that both leads carry, `a`'s (the lead checked) in order.

    Their index counts say how many stored records hold the value the two agree on: what
    term-frequency adjustment needs. Two companies agreeing on their core also share the
    trade name: the core, the more specific, is the value they agree on (the least count).
    """
    keys_of = _VALUE_KEYS.get(field)
    if keys_of is None:
        return ()
    theirs = {k[:MAX_KEY_LENGTH] for k in keys_of(b)}
    return tuple(k[:MAX_KEY_LENGTH] for k in keys_of(a) if k[:MAX_KEY_LENGTH] in theirs)


def _junk_email(address: str) -> bool:
    local, _, domain = address.rpartition("@")
    return junk.junk_email(local, domain) is not None
