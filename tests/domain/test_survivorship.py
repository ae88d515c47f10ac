"""Survivorship: non-empty first, then the most recent; lists unioned; derived fields together."""

from __future__ import annotations

from app.domain.survivorship import survive


def test_non_empty_beats_empty_and_recent_beats_old() -> None:
    survivor = {"title": "Buyer", "city": None, "website": "a.example", "source": ""}
    other = {"title": "Head of buying", "city": "Beijing", "website": "", "source": "form"}
    newer = survive(survivor, other, other_is_newer=True)
    assert newer == {
        "title": "Head of buying",
        "city": "Beijing",
        "website": "a.example",
        "source": "form",
    }
    older = survive(survivor, other, other_is_newer=False)
    assert older["title"] == "Buyer" and older["city"] == "Beijing"


def test_lists_are_unioned_in_order_most_recent_first() -> None:
    survivor = {"phone": ["+1", "+2"], "phone_kinds": ["mobile", "fixed_line"], "email": ["a@x"]}
    other = {"phone": ["+3", "+1"], "phone_kinds": ["voip", "mobile"], "email": ["b@x", "a@x"]}
    merged = survive(survivor, other, other_is_newer=True)
    assert merged["phone"] == ["+3", "+1", "+2"]
    assert merged["phone_kinds"] == ["voip", "mobile", "fixed_line"]
    assert merged["email"] == ["b@x", "a@x"]
    older = survive(survivor, other, other_is_newer=False)
    assert older["phone"] == ["+1", "+2", "+3"]


def test_raw_strings_and_lists_union() -> None:
    merged = survive({"phone": "138 0013 8000"}, {"phone": ["139"]}, other_is_newer=False)
    assert merged == {"phone": ["138 0013 8000", "139"]}


def test_derived_fields_come_from_one_record() -> None:
    survivor = {"name": "张三", "name_key": "k1", "name_pinyin": "zhangsan", "company": None}
    other = {"name": "Li Si", "name_key": "k2", "name_pinyin": None, "company": "Acme"}
    merged = survive(survivor, other, other_is_newer=True)
    assert (merged["name"], merged["name_key"], merged["name_pinyin"]) == ("Li Si", "k2", None)
    assert merged["company"] == "Acme"


def test_identity_and_attributes() -> None:
    survivor = {"external_id": "crm-1", "entity": "contact", "attributes": {"a": 1, "b": ""}}
    other = {"external_id": "crm-2", "entity": "lead", "attributes": {"b": 2, "a": None}}
    merged = survive(survivor, other, other_is_newer=True)
    assert merged == {"external_id": "crm-1", "entity": "contact", "attributes": {"a": 1, "b": 2}}
    assert "external_id" not in survive({}, {"external_id": "x"}, other_is_newer=True)
