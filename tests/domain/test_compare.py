"""Each comparator's levels, on pairs written the ways real leads differ."""

from __future__ import annotations

from typing import Any

import pytest

from app.domain.compare import compare
from app.domain.normalize import normalize_lead
from app.domain.types import RawLead


def levels(
    a: dict[str, Any], b: dict[str, Any], attributes: dict[str, str] | None = None
) -> dict[str, str]:
    left, _ = normalize_lead(RawLead(**a), "CN")
    right, _ = normalize_lead(RawLead(**b), "CN")
    return {name: lv.level for name, lv in compare(left, right, attributes).items()}


CASES = [
    ("phone", {"phone": ("13800138001",)}, {"phone": ("+86 138 0013 8001",)}, "exact_mobile"),
    ("phone", {"phone": ("010-88886666",)}, {"phone": ("(010) 8888 6666",)}, "exact_fixed"),
    ("phone", {"phone": ("13800138001",)}, {"phone": ("13900139002",)}, "different"),
    # A person's mobile beside the company's switchboard is no disagreement of two mobiles.
    ("phone", {"phone": ("13800138001",)}, {"phone": ("010-88886666",)}, "different_kind"),
    (
        "phone",
        {"phone": ("010-88886666",)},
        {"phone": ("13800138001", "13900139002")},
        "different_kind",
    ),
    (
        "phone",
        {"phone": ("010-88886666", "13900139002")},
        {"phone": ("13800138001",)},
        "different",
    ),
    # North American numbers cannot be told apart: two of them simply differ.
    ("phone", {"phone": ("+1 512 771 1201",)}, {"phone": ("+1 512 729 2274",)}, "different"),
    # North American numbers cannot be told mobile or fixed; an extension on either side
    # makes the shared number a switchboard.
    ("phone", {"phone": ("+1 512 771 1201",)}, {"phone": ("+1 (512) 771-1201",)}, "exact_mobile"),
    (
        "phone",
        {"phone": ("+1 512 771 1201",)},
        {"phone": ("+1.512.771.1201 #520",)},
        "exact_fixed",
    ),
    (
        "phone",
        {"phone": ("+1 512 771 1201 ext 7",)},
        {"phone": ("+1.512.771.1201",)},
        "exact_fixed",
    ),
    ("email", {"email": ("a@x-corp.com",)}, {"email": ("A@X-Corp.com",)}, "exact"),
    ("email", {"email": ("j.doe+a@gmail.com",)}, {"email": ("jdoe@gmail.com",)}, "same_key"),
    ("email", {"email": ("jdoe@x-corp.com",)}, {"email": ("jdoe@y-corp.com",)}, "same_local"),
    ("email", {"email": ("a@x-corp.com",)}, {"email": ("b@x-corp.com",)}, "different"),
    # A work mailbox beside a free-mail one: a person's two addresses as often as two people's.
    ("email", {"email": ("li.na@x-corp.com",)}, {"email": ("lina83@qq.com",)}, "different_kind"),
    ("email", {"email": ("lina83@qq.com",)}, {"email": ("na@mail.x-corp.com",)}, "different_kind"),
    ("email", {"email": ("lina83@qq.com",)}, {"email": ("zw@163.com",)}, "different"),
    (
        "email",
        {"email": ("lina83@qq.com", "li.na@x-corp.com")},
        {"email": ("na.li@x-corp.com",)},
        "different",
    ),
    ("company", {"uscc": "91110108MA01C3D55X"}, {"uscc": "91110108MA01C3D55X"}, "uscc_equal"),
    (
        "company",
        {"company": "北京字节跳动科技有限公司"},
        {"company": "字节跳动科技有限公司"},
        "core_equal",
    ),
    (
        "company",
        {"company": "字节跳动科技有限公司"},
        {"company": "字節跳動科技有限公司"},
        "core_equal",
    ),
    (
        "company",
        {"company": "字节跳动科技有限公司北京分公司"},
        {"company": "字节跳动科技有限公司上海分公司"},
        "branch_of",
    ),
    ("company", {"company": "Acme Widgets Inc."}, {"company": "Acme Widget Inc"}, "core_similar"),
    (
        "company",
        {"company": "阿里巴巴网络技术有限公司"},
        {"company": "腾讯科技有限公司"},
        "different",
    ),
    ("name", {"name": "张伟"}, {"name": "张伟先生"}, "exact"),
    ("name", {"name": "张伟"}, {"name": "Zhang Wei"}, "cross_script"),
    ("name", {"name": "Robert Smith"}, {"name": "Bob Smith"}, "nickname"),
    ("name", {"name": "John Smith"}, {"name": "John Smyth"}, "similar"),
    ("name", {"name": "J. Smith"}, {"name": "John Smith"}, "initials"),
    (
        "name",
        {"first_name": "Lydia", "last_name": "Mccattmhy"},
        {"first_name": "Lydia", "last_name": "Mccarthy"},
        "similar",
    ),
    (
        "name",
        {"last_name": "Donaldson"},
        {"first_name": "Matt", "last_name": "Donaldson"},
        "partial",
    ),
    ("name", {"name": "张伟"}, {"name": "李娜"}, "different"),
    # One part agrees, the other does not: a family name changed, or relatives.
    ("name", {"name": "Olivia Wheatley"}, {"name": "Olivia Winfield"}, "given_only"),
    ("name", {"name": "Liz Reid"}, {"name": "Elizabeth Luchko"}, "given_only"),
    ("name", {"name": "张伟"}, {"name": "李伟"}, "given_only"),
    ("name", {"name": "Tate Broaby"}, {"name": "Jack Broadby"}, "family_only"),
    ("name", {"name": "张伟"}, {"name": "张娜"}, "family_only"),
    # Pinyin may be written family name first, and crossed parts say nothing of which part
    # agrees: the weaker reading.
    ("name", {"name": "Zhang Wei"}, {"name": "Zhang Min"}, "family_only"),
    (
        "name",
        {"first_name": "Rawlings", "last_name": "Lacjlan"},
        {"first_name": "Andrew", "last_name": "Rawlings"},
        "family_only",
    ),
    ("website", {"website": "www.x-corp.com"}, {"email": ("li@x-corp.com",)}, "equal"),
    ("website", {"website": "x-corp.com"}, {"website": "y-corp.com"}, "different"),
    ("address", {"address": "北京市海淀区知春路1号"}, {"address": "海淀区知春路 1 号"}, "exact"),
    ("city", {"city": "北京"}, {"city": "Beijing"}, "equal"),
    # A slip in a city's name is not another city; two towns' names stay apart.
    ("city", {"city": "Leeton"}, {"city": "leetoh"}, "similar"),
    ("city", {"city": "Brown Hill"}, {"city": "brownhill"}, "similar"),
    ("city", {"city": "上海"}, {"city": "上饶"}, "different"),
    ("city", {"city": "Newark"}, {"city": "Newport"}, "different"),
    # One digit wrong or two swapped is a slip (or the next district): `one_edit`.
    ("postcode", {"postcode": "100080"}, {"postcode": "100081"}, "one_edit"),
    ("postcode", {"postcode": "2612"}, {"postcode": "2621"}, "one_edit"),
    ("postcode", {"postcode": "SW1A 1AA"}, {"postcode": "sw1a1aa"}, "equal"),
    ("postcode", {"postcode": "100080"}, {"postcode": "200180"}, "different"),
]


@pytest.mark.parametrize(("field", "a", "b", "expected"), CASES)
def test_level(field: str, a: dict[str, Any], b: dict[str, Any], expected: str) -> None:
    assert levels(a, b).get(field) == expected


def test_a_field_missing_on_one_side_is_left_out() -> None:
    assert "phone" not in levels({"phone": ("13800138001",)}, {"email": ("a@x-corp.com",)})


ATTRIBUTES = [
    ("date", "19560409", "19560409", "exact"),
    ("date", "1956-04-09", "19560409", "exact"),
    ("date", "19560409", "19560490", "one_edit"),
    ("date", "19560409", "19710102", "different"),
    ("id", "5304218", "5304281", "one_edit"),
    ("id", "5304218", "9912345", "different"),
    ("string", "gold", "Gold", "exact"),
    ("number", "100", "100.5", "close"),
]


@pytest.mark.parametrize(("kind", "a", "b", "expected"), ATTRIBUTES)
def test_typed_attribute_levels(kind: str, a: str, b: str, expected: str) -> None:
    found = levels({"attributes": {"x": a}}, {"attributes": {"x": b}}, {"x": kind})
    assert found["attributes.x"] == expected


def test_identity_is_the_best_level_of_the_identity_attributes() -> None:
    a = {"attributes": {"unionid": "o6_bmjrPTlm6_2sgVt7hMZOPfL2M", "member": "M-1"}}
    b = {"attributes": {"unionid": "o6_bmjrPTlm6_2sgVt7hMZOPfL2M", "member": "M-2"}}
    left, _ = normalize_lead(RawLead(**a), "CN")
    right, _ = normalize_lead(RawLead(**b), "CN")
    types = {"unionid": "id", "member": "id"}
    found = compare(left, right, types, identities=("unionid", "member"))
    assert found["identity"].level == "exact"
    assert "identity" not in compare(left, right, types)


def test_date_is_the_best_level_of_the_date_attributes() -> None:
    """Rules may ask for a date agreeing without naming the tenant's field."""
    a = {"attributes": {"dob": "1956-04-09", "joined": "2020-01-01"}}
    b = {"attributes": {"dob": "19560409", "joined": "2024-05-06"}}
    left, _ = normalize_lead(RawLead(**a), "CN")
    right, _ = normalize_lead(RawLead(**b), "CN")
    assert compare(left, right, {"dob": "date", "joined": "date"})["date"].level == "exact"
    assert "date" not in compare(left, right, {"dob": "id", "joined": "string"})
