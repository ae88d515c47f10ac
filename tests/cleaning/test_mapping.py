"""Headers in Chinese or English find their lead field; --map overrides; the rest are attributes."""

from __future__ import annotations

import pytest

from app.cleaning.errors import CleanError
from app.cleaning.mapping import choose, guess, parse_overrides, raw_lead

HEADERS = [
    ("姓名", "name"),
    ("联系人", "name"),
    ("客户姓名", "name"),
    ("Full Name", "name"),
    ("name", "name"),
    ("手机", "phone"),
    ("手机号", "phone"),
    ("手机号码(必填)", "phone"),
    ("电话", "phone"),
    ("座机", "phone"),
    ("联系人手机", "phone"),
    ("Mobile_Phone", "phone"),
    ("Phone Number", "phone"),
    ("TEL", "phone"),
    ("邮箱", "email"),
    ("电子邮件", "email"),
    ("联系邮箱", "email"),
    ("E-mail", "email"),
    ("Email Address", "email"),
    ("公司", "company"),
    ("公司名称", "company"),
    ("单位", "company"),
    ("Company Name", "company"),
    ("ｃｏｍｐａｎｙ", "company"),
    ("统一社会信用代码", "uscc"),
    ("网址", "website"),
    ("官网", "website"),
    ("Website", "website"),
    ("地址", "address"),
    ("公司地址", "address"),
    ("城市", "city"),
    ("省份", "region"),
    ("State", "region"),
    ("职位", "title"),
    ("Job Title", "title"),
    ("来源", "source"),
    ("Lead Source", "source"),
    ("邮编", "postcode"),
    ("ZIP Code", "postcode"),
    ("国家/地区", "country"),
    ("客户编号", "external_id"),
    ("备注", None),
    ("行业", None),
    ("Annual Revenue", None),
]


@pytest.mark.parametrize(("header", "field"), HEADERS)
def test_header_names_its_field(header: str, field: str | None) -> None:
    assert guess(header) == field


def test_phone_takes_every_phone_column_and_the_rest_are_attributes() -> None:
    chosen = choose(["姓名", "手机", "座机", "备注", "联系人"])
    assert chosen.fields == {"name": ("姓名",), "phone": ("手机", "座机")}
    assert chosen.attributes == ("备注", "联系人")
    lead = chosen.lead(
        {"姓名": "张三", "手机": "13971824503", "座机": "", "备注": "老客户", "联系人": ""}
    )
    assert lead == {"name": "张三", "phone": "13971824503", "attributes": {"备注": "老客户"}}
    both = chosen.lead({"姓名": "张三", "手机": "13971824503", "座机": "010-62345678"})
    assert both["phone"] == ["13971824503", "010-62345678"]
    assert raw_lead(both).phone == ("13971824503", "010-62345678")


def test_map_overrides_move_a_column() -> None:
    overrides = parse_overrides(["name=联系人", "company=客户"])
    chosen = choose(["姓名", "联系人", "客户"], overrides)
    assert chosen.fields == {"name": ("联系人",), "company": ("客户",)}
    assert chosen.attributes == ("姓名",)
    assert chosen.as_json() == {"联系人": "name", "客户": "company", "姓名": "attributes.姓名"}


@pytest.mark.parametrize(
    ("args", "columns", "message"),
    [
        (["phone"], ["手机"], "FIELD=COLUMN"),
        (["mobile=手机"], ["手机"], "no lead field 'mobile'"),
        (["phone=电话"], ["手机"], "no column '电话'"),
    ],
)
def test_bad_map_is_refused_with_a_reason(
    args: list[str], columns: list[str], message: str
) -> None:
    with pytest.raises(CleanError, match=message):
        choose(columns, parse_overrides(args))
