"""Blocking keys: strings two writings of one person or company are likely to share.

Namespaced `kind:value` so a phone never collides with an email. Each is cut to
a bounded length, so the index column stays small whatever the input; a key
that many records share (a switchboard, a common name) is capped by the store.

A new kind of key meets only records stored (or updated) after it came: stored records
keep the keys they were written with.
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
    yield from (value_key("company", c) for c in companies)
    yield from (value_key("website", d) for d in _domains(lead))
    person = _person(lead)
    if person:
        yield value_key("name", person)
        yield from (f"nc:{person}|{c}" for c in companies[-1:])
    if lead.address_key:
        yield f"addr:{lead.address_key}"
    if lead.postcode and lead.last_name:
        yield f"pn:{lead.postcode.casefold()}|{lead.last_name.casefold()}"
    if lead.postcode and lead.first_name:
        # As `pn:` for the family name: a person whose family name is mistyped or changed.
        yield f"pg:{lead.postcode.casefold()}|{lead.first_name.casefold()}"


def _companies(lead: NormalizedLead) -> tuple[str, ...]:
    names = (lead.company_core, lead.company_trade_name)
    return tuple(c for c in names if c and len(c) >= _MIN_COMPANY)


def _domains(lead: NormalizedLead) -> tuple[str, ...]:
    return tuple(d for d in (lead.website, *lead.email_domains) if d)


def _person(lead: NormalizedLead) -> str | None:
    return lead.name_pinyin or lead.name_key


def _people(lead: NormalizedLead) -> tuple[str, ...]:
    person = _person(lead)
    return (person,) if person else ()


# Per field, the kind of blocking key that counts one value, and the lead's values. A name
# is counted by its pinyin when it has one, so 王伟 is counted with its homophones (汪伟,
# 王薇): the count errs high, and a common value's weight errs low, never high. A company
# is counted by its core and by its trade name. `nc:` and `pn:` keys count a pair of
# values, not one, and say nothing of either's frequency; so do `pg:` keys.
_VALUES: dict[str, tuple[str, Callable[[NormalizedLead], tuple[str, ...]]]] = {
    "name": ("name", _people),
    "company": ("co", _companies),
    "website": ("web", _domains),
}


def values(field: str, lead: NormalizedLead) -> tuple[str, ...]:
    """The lead's values of `field` that a blocking key counts (none for other fields).

    The values two leads share are the ones they agree on; `value_key` names the key whose
    index count says how many stored records hold one: what term-frequency adjustment needs.
    """
    found = _VALUES.get(field)
    return found[1](lead) if found else ()


def value_key(field: str, value: str) -> str:
    """The blocking key of one of `values(field, ...)`."""
    return f"{_VALUES[field][0]}:{value}"[:MAX_KEY_LENGTH]


def _junk_email(address: str) -> bool:
    local, _, domain = address.rpartition("@")
    return junk.junk_email(local, domain) is not None
