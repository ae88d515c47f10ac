"""The issue codes a form handler relies on, one row per real-world input."""

from __future__ import annotations

import pytest

from app.domain.normalize import normalize_lead
from app.domain.policy import Blocklist
from app.domain.types import RawLead
from app.domain.validate import is_valid

GOOD = {"phone": ("13971824503",)}

CASES = [
    # (lead fields, code expected, severity)
    ({"phone": ("12345",)}, "invalid_phone", "error"),
    ({"phone": ("138-0013-800",)}, "invalid_phone", "error"),
    ({"email": ("zhang@@example.com",), **GOOD}, "invalid_email", "error"),
    ({"email": ("no-at-sign.example.com",), **GOOD}, "invalid_email", "error"),
    ({"email": ("x@mailinator.com",), **GOOD}, "disposable_email", "warning"),
    ({"email": ("sales@acme-widgets.com",), **GOOD}, "role_email", "warning"),
    ({"email": ("info@bytedance.com",), **GOOD}, "role_email", "warning"),
    ({"email": ("zhangwei@qq.com",), **GOOD}, "free_email", "info"),
    ({"email": ("li.na@163.com",), **GOOD}, "free_email", "info"),
    ({"email": ("test@test.com",), **GOOD}, "junk_email", "warning"),
    ({"uscc": "91110108MA01ABCD1X", **GOOD}, "invalid_uscc", "error"),
    ({"uscc": "1234", **GOOD}, "invalid_uscc", "error"),
    ({"name": "测试", **GOOD}, "junk_name", "warning"),
    ({"name": "test test", **GOOD}, "junk_name", "warning"),
    ({"name": "asdf", **GOOD}, "junk_name", "warning"),
    ({"name": "xxx", **GOOD}, "junk_name", "warning"),
    ({"first_name": "aaa", **GOOD}, "junk_name", "warning"),
    ({"name": "123", **GOOD}, "junk_name", "warning"),
    ({"company": "测试公司", **GOOD}, "junk_company", "warning"),
    ({"company": "xxx有限公司", **GOOD}, "junk_company", "warning"),
    ({"company": "asdf", **GOOD}, "junk_company", "warning"),
    ({"phone": ("13800138000",)}, "junk_phone", "warning"),
    ({"phone": ("11111111111",)}, "junk_phone", "warning"),
    ({"phone": ("123456789",)}, "junk_phone", "warning"),
    (
        {"phone": ("+1 415 555 0100",), "email": ("jane.doe@acme-widgets.com",)},
        "junk_phone",
        "warning",
    ),
    ({"name": "张伟"}, "missing_contact", "error"),
    ({"phone": ("12345",), "email": ("nope",)}, "missing_contact", "error"),
    ({"website": "not a site", **GOOD}, "invalid_website", "warning"),
]


@pytest.mark.parametrize(("fields", "code", "severity"), CASES)
def test_issue_is_reported(fields: dict[str, object], code: str, severity: str) -> None:
    _, issues = normalize_lead(RawLead(**fields), "CN")  # type: ignore[arg-type]
    found = {(i.code, i.severity) for i in issues}
    assert (code, severity) in found, issues
    assert is_valid(issues) == (not any(i.severity == "error" for i in issues))


CLEAN = [
    {"name": "王芳", "phone": ("13971824503",)},
    {"name": "李娜", "email": ("li.na@bytedance.com",)},
    {"name": "Al Wu", "phone": ("+1 415 555 2671",)},
    {"name": "张伟", "company": "3M中国有限公司", "phone": ("+86 139 7182 4503",)},
    {
        "company": "北京字节跳动科技有限公司",
        "uscc": "91110108MA01C3D55X",
        "phone": ("010-8888 6666",),
    },
]


@pytest.mark.parametrize("fields", CLEAN)
def test_real_leads_have_no_warnings(fields: dict[str, object]) -> None:
    _, issues = normalize_lead(RawLead(**fields), "CN")  # type: ignore[arg-type]
    assert [i for i in issues if i.severity != "info"] == []
    assert is_valid(issues)


def test_an_account_needs_no_contact_point() -> None:
    _, issues = normalize_lead(RawLead(entity="account", company="字节跳动"), "CN")
    assert "missing_contact" not in {i.code for i in issues}


BLOCKLIST = Blocklist(
    phones=("13812345670", "+1 415 555 2671"),
    emails=("Spam@Acme-Widgets.com",),
    domains=("competitor.cn",),
    words=("竞品",),
)

BLOCKED = [
    ({"phone": ("+86 138 1234 5670",)}, "phone"),
    ({"phone": ("(415) 555-2671",)}, None),
    ({"email": ("spam@acme-widgets.com",)}, "email"),
    ({"email": ("li@sales.competitor.cn",)}, "email"),
    ({"website": "https://www.competitor.cn", **GOOD}, "website"),
    ({"company": "某某竞品公司", "email": ("a@b-corp.com",)}, "company"),
]


@pytest.mark.parametrize(("fields", "field"), BLOCKED)
def test_blocklist(fields: dict[str, object], field: str | None) -> None:
    _, issues = normalize_lead(RawLead(**fields), "US" if field is None else "CN", BLOCKLIST)  # type: ignore[arg-type]
    blocked = [i for i in issues if i.code == "blocked"]
    if field is None:
        assert blocked, "a US number written nationally is still the blocked E.164"
    else:
        assert [i.field for i in blocked] == [field]
        assert not is_valid(issues)


def test_nothing_is_blocked_without_a_blocklist() -> None:
    _, issues = normalize_lead(RawLead(phone=("13812345670",), company="竞品"), "CN")
    assert "blocked" not in {i.code for i in issues}
