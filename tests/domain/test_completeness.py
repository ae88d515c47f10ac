"""The field mask a record keeps, and the per-field counts summed from masks."""

from __future__ import annotations

from typing import Any

import pytest

from app.domain.completeness import FIELDS, field_counts, has, present_mask
from app.domain.types import NormalizedLead, normalized_to_dict


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, False),
        ("", False),
        ([], False),
        ({}, False),
        # what the JSON text of an empty list or object reads as, so the SQL counted it absent
        ("[]", False),
        ("{}", False),
        ("x", True),
        (["13957204816"], True),
        ({"k": 1}, True),
        (0, True),
        (False, True),
    ],
)
def test_what_counts_as_having_a_field(value: Any, expected: bool) -> None:
    assert has(value) is expected


def test_the_mask_holds_one_bit_per_field_present() -> None:
    lead = NormalizedLead(name="王伟", phone=("+8613957204816",), source="web_form")
    mask = present_mask(normalized_to_dict(lead))

    assert {f for k, f in enumerate(FIELDS) if mask >> k & 1} == {"name", "phone", "source"}
    assert present_mask({}) == 0
    assert present_mask(dict.fromkeys(FIELDS, "x")) == (1 << len(FIELDS)) - 1


def test_counts_per_field_add_up_the_records_of_each_mask() -> None:
    name, phone = 1 << FIELDS.index("name"), 1 << FIELDS.index("phone")

    counts = field_counts([(name | phone, 3), (name, 2), (0, 5)])

    assert (counts["name"], counts["phone"], counts["email"]) == (5, 3, 0)
    assert list(counts) == list(FIELDS)
