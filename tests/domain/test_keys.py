"""Blocking keys: two writings of one person or company share one, strangers share none."""

from __future__ import annotations

from typing import Any

import pytest

from app.domain.keys import MAX_KEY_LENGTH, blocking_keys, value_key, values
from app.domain.normalize import normalize_lead
from app.domain.policy import FREQUENCY_LEVELS
from app.domain.types import RawLead


def keys_of(**fields: Any) -> set[str]:
    lead, _ = normalize_lead(RawLead(**fields), "CN")
    return set(blocking_keys(lead))


SAME = [
    ({"phone": ("138 0013 8001",)}, {"phone": ("+86-138-0013-8001",)}),
    ({"email": ("J.Doe+x@gmail.com",)}, {"email": ("jdoe@googlemail.com",)}),
    ({"uscc": "91110108MA01C3D55X"}, {"uscc": "91110108 MA01 C3D5 5X"}),
    ({"company": "北京字节跳动科技有限公司"}, {"company": "字节跳动"}),
    ({"company": "字节跳动科技有限公司"}, {"company": "字節跳動科技有限公司"}),
    ({"website": "https://www.acme-widgets.com/about"}, {"email": ("jane@acme-widgets.com",)}),
    ({"name": "张伟", "company": "字节跳动"}, {"name": "Zhang Wei", "company": "字节跳动"}),
    ({"name": "Wei Zhang"}, {"name": "张伟"}),
    # A family name replaced or mistyped: the given name and the postcode still meet.
    (
        {"first_name": "Bradley", "last_name": "Korbut", "postcode": "4205"},
        {"first_name": "bradley", "last_name": "Koebut", "postcode": "4205"},
    ),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_two_writings_share_a_key(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert keys_of(**a) & keys_of(**b)


DIFFERENT = [
    ({"phone": ("13800138001",)}, {"phone": ("13800138002",)}),
    ({"email": ("jane@qq.com",)}, {"email": ("john@qq.com",)}),
    ({"name": "张伟", "company": "字节跳动"}, {"name": "李娜", "company": "阿里巴巴"}),
    (
        {"first_name": "Bradley", "last_name": "Korbut", "postcode": "4205"},
        {"first_name": "Bradley", "last_name": "Moody", "postcode": "2612"},
    ),
]


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_strangers_share_no_key(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert not keys_of(**a) & keys_of(**b)


def test_free_mail_domain_is_no_company_key() -> None:
    assert not any(k.startswith("web:") for k in keys_of(email=("jane@qq.com",)))


def test_keys_are_namespaced_and_bounded() -> None:
    keys = keys_of(name="x" * 3000, company="y" * 3000, address="z" * 3000)
    assert keys
    assert all(":" in k and len(k) <= MAX_KEY_LENGTH for k in keys)


def _lead(**fields: Any) -> Any:
    return normalize_lead(RawLead(**fields), "CN")[0]


# (field, a, b, the keys counting the value both hold)
SHARED_VALUES = [
    ("name", {"name": "张伟"}, {"name": "Zhang Wei"}, ("name:wei zhang",)),
    ("name", {"name": "张伟"}, {"name": "李娜"}, ()),
    (
        "company",
        {"company": "北京字节跳动科技有限公司"},
        {"company": "字节跳动科技有限公司"},
        ("co:字节跳动科技", "co:字节跳动"),
    ),
    ("company", {"company": "字节跳动科技有限公司"}, {"company": "字节跳动"}, ("co:字节跳动",)),
    (
        "website",
        {"website": "https://www.acme-widgets.com/about"},
        {"email": ("jane@acme-widgets.com",)},
        ("web:acme-widgets.com",),
    ),
    ("phone", {"phone": ("13800138001",)}, {"phone": ("13800138001",)}, ()),
]


@pytest.mark.parametrize(("field", "a", "b", "shared"), SHARED_VALUES)
def test_the_values_two_leads_share_are_counted_by_keys_both_carry(
    field: str, a: dict[str, Any], b: dict[str, Any], shared: tuple[str, ...]
) -> None:
    lead_a, lead_b = _lead(**a), _lead(**b)
    theirs = values(field, lead_b)
    keys = tuple(value_key(field, v) for v in values(field, lead_a) if v in theirs)
    assert keys == shared
    assert set(keys) <= set(blocking_keys(lead_a)) & set(blocking_keys(lead_b))


def test_every_term_frequency_field_has_a_counted_key() -> None:
    a = _lead(name="张伟", company="字节跳动", website="acme-widgets.com")
    assert all(values(field, a) for field in FREQUENCY_LEVELS)
