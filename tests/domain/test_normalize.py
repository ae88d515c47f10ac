"""normalize_lead end to end: the canonical lead the matcher and the scorer see."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.normalize import normalize_lead
from app.domain.types import NormalizedLead, RawLead

CASES: list[tuple[dict[str, Any], dict[str, Any]]] = [
    (
        {"phone": ("+86 138-0013-8001", "0086 13800138001", "１３８００１３８００１")},
        {"phone": ("+8613800138001",), "phone_kinds": ("mobile",)},
    ),
    (
        {"phone": ("(010) 8888-6666 转 123 / 139 7182 4503",)},
        {"phone": ("+861088886666", "+8613971824503"), "phone_kinds": ("fixed_line", "mobile")},
    ),
    (
        {"email": (" Zhang.San@Example.COM ",)},
        {"email": ("zhang.san@example.com",), "email_domains": ("example.com",)},
    ),
    (
        {"email": ("J.Doe+crm@googlemail.com",)},
        {
            "email": ("j.doe+crm@googlemail.com",),
            "email_keys": ("jdoe@gmail.com",),
            "email_domains": (),
        },
    ),
    (
        {"name": "张伟先生"},
        {"name": "张伟", "last_name": "张", "first_name": "伟", "name_pinyin": "wei zhang"},
    ),
    ({"name": "Zhang Wei"}, {"name_pinyin": "wei zhang"}),
    ({"name": "張偉"}, {"name": "张伟", "name_pinyin": "wei zhang"}),
    (
        {"company": "北京字节跳动科技有限公司"},
        {
            "company_core": "字节跳动科技",
            "company_trade_name": "字节跳动",
            "company_legal_form": "有限公司",
        },
    ),
    ({"company": "字节跳动科技（北京）有限公司"}, {"company_trade_name": "字节跳动"}),
    ({"company": "Acme Widgets, Inc."}, {"company_legal_form": "inc"}),
    ({"uscc": "91110108ma01c3d55x"}, {"uscc": "91110108MA01C3D55X", "uscc_region": "北京市海淀区"}),
    ({"uscc": "91110108MA01C3D550"}, {"uscc": None}),
    ({"website": "https://www.example.com.cn/about"}, {"website": "example.com.cn"}),
    ({"website": "HTTP://Shop.Acme-Widgets.com:8080"}, {"website": "acme-widgets.com"}),
    (
        {"address": "北京市海淀区知春路 1 号"},
        {"region": "北京市", "city": "北京市", "district": "海淀区"},
    ),
    ({"city": "Beijing"}, {"city": "北京市"}),
    ({"country": "cn", "title": " 采购  经理 "}, {"country": "CN", "title": "采购 经理"}),
]


@pytest.mark.parametrize(("fields", "expected"), CASES)
def test_normalized_fields(fields: dict[str, Any], expected: dict[str, Any]) -> None:
    lead, _ = normalize_lead(RawLead(**fields), "CN")
    assert {k: getattr(lead, k) for k in expected} == expected


def _again(lead: NormalizedLead) -> NormalizedLead:
    raw = RawLead(
        entity=lead.entity,
        name=lead.name,
        company=lead.company,
        uscc=lead.uscc,
        phone=lead.phone,
        email=lead.email,
        website=lead.website,
        title=lead.title,
        address=lead.address,
        city=lead.city,
        region=lead.region,
        postcode=lead.postcode,
        country=lead.country,
        source=lead.source,
    )
    return normalize_lead(raw, "CN")[0]


TEXT = st.text(max_size=60) | st.sampled_from(
    [
        "张伟",
        "Zhang Wei",
        "北京字节跳动科技有限公司",
        "+86 138 0013 8001",
        "a@b.com",
        "\u202e\x00😀",
    ]
)
RAW = st.builds(
    RawLead,
    name=st.none() | TEXT,
    first_name=st.none() | TEXT,
    company=st.none() | TEXT,
    uscc=st.none() | TEXT,
    phone=st.tuples(TEXT) | st.just(()),
    email=st.tuples(TEXT) | st.just(()),
    website=st.none() | TEXT,
    title=st.none() | TEXT,
    address=st.none() | TEXT,
    city=st.none() | TEXT,
)


@settings(max_examples=300, deadline=None)
@given(RAW)
def test_never_raises_and_is_idempotent(raw: RawLead) -> None:
    once, _ = normalize_lead(raw, "CN")
    twice = _again(once)
    for name in ("phone", "email", "email_keys", "uscc", "website", "country"):
        assert getattr(twice, name) == getattr(once, name), name


@settings(max_examples=20, deadline=None)
@given(st.text(min_size=1, max_size=20))
def test_long_values_never_raise(piece: str) -> None:
    value = (piece * 5000)[:5000]
    lead, issues = normalize_lead(
        RawLead(name=value, company=value, address=value, phone=(value,), email=(value,)), "CN"
    )
    assert all(isinstance(i.code, str) for i in issues)
    assert set(lead.phone) <= {p for p in lead.phone if p.startswith("+")}
