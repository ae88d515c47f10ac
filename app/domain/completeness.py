"""Which lead fields a stored record has, as the small integer the report aggregates.

Reading fourteen fields out of the JSON of every record made the report seconds long
on a million leads, so each record keeps a bitmask of the fields it has, written
with the record: bit k is FIELDS[k]. Masks are stored, so FIELDS is only ever
appended to, and a field added needs a migration that fills its bit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

FIELDS = (
    "external_id",
    "name",
    "company",
    "uscc",
    "phone",
    "email",
    "website",
    "title",
    "address",
    "city",
    "region",
    "postcode",
    "country",
    "source",
)
"""The lead fields whose completeness the report gives, as the contract names them."""

EMPTY_TEXTS = frozenset(("", "[]", "{}"))
"""Values that count as absent in their text form: what the JSON of an empty string,
list or object reads as. A string that spells one of them counts as absent too."""


def has(value: Any) -> bool:
    """The field holds something: not null, not an empty string, list or object."""
    if value is None:
        return False
    if isinstance(value, str):
        return value not in EMPTY_TEXTS
    if isinstance(value, list | dict):
        return bool(value)
    return True


def present_mask(normalized: Mapping[str, Any]) -> int:
    """The bits of the FIELDS a normalized record has."""
    return sum(1 << k for k, field in enumerate(FIELDS) if has(normalized.get(field)))


def field_counts(masks: Iterable[tuple[int, int]]) -> dict[str, int]:
    """Per field, how many records have it, from (mask, records with that mask) pairs."""
    counts = dict.fromkeys(FIELDS, 0)
    for mask, records in masks:
        for k, field in enumerate(FIELDS):
            if mask >> k & 1:
                counts[field] += records
    return counts
