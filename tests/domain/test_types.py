"""A normalized lead survives its stored JSON form unchanged: the index reads candidates back."""

from __future__ import annotations

import orjson
from hypothesis import given, settings

from app.domain.normalize import normalize_lead
from app.domain.types import NormalizedLead, RawLead, normalized_from_dict, normalized_to_dict
from tests.domain.test_normalize import RAW


@settings(max_examples=200, deadline=None)
@given(RAW)
def test_a_normalized_lead_reads_back_equal_from_its_json(raw: RawLead) -> None:
    lead, _ = normalize_lead(raw, "CN")
    stored = orjson.loads(orjson.dumps(normalized_to_dict(lead)))
    assert normalized_from_dict(stored) == lead


def test_keys_a_version_added_or_dropped_are_ignored_and_defaults_fill_in() -> None:
    lead = normalized_from_dict({"name": "张伟", "phone": ["+8613800138001"], "future": 1})
    assert lead == NormalizedLead(name="张伟", phone=("+8613800138001",))
    assert lead.attributes == {} and lead.email == ()


def test_each_lead_read_back_has_its_own_attributes() -> None:
    first, second = normalized_from_dict({}), normalized_from_dict({})
    assert first.attributes is not second.attributes
