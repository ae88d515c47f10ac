from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pytest_benchmark.fixture import BenchmarkFixture

from app.domain.email import EmailParse, parse_emails

CASES = Path(__file__).parent / "cases" / "email.tsv"


def _load() -> list[Any]:
    rows = []
    for number, line in enumerate(CASES.read_text("utf-8").splitlines(), start=1):
        if not line or line.startswith("#"):
            continue
        value, addresses, rejected = [*line.split("\t"), "", ""][:3]
        expected_rejected = tuple(r.strip() for r in rejected.split(" | ") if r.strip())
        rows.append(
            pytest.param(
                value.replace("\\n", "\n"),
                tuple(addresses.split()),
                expected_rejected,
                id=f"L{number}",
            )
        )
    return rows


@pytest.mark.parametrize(("value", "addresses", "rejected"), _load())
def test_cases(value: str, addresses: tuple[str, ...], rejected: tuple[str, ...]) -> None:
    result = parse_emails([value])
    assert tuple(e.address for e in result.emails) == addresses
    assert tuple(piece for piece, _ in result.rejected) == rejected
    assert all(reason for _, reason in result.rejected)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("zhangsan", "An email address must have an @-sign."),
        ("a..b@example.com", "An email address cannot have two periods in a row."),
        ("zhang@example", "The part after the @-sign is not valid. It should have a period."),
        ("zhang@server.local", "special-use or reserved name"),
    ],
)
def test_rejection_carries_the_validator_reason(value: str, reason: str) -> None:
    ((_, message),) = parse_emails([value]).rejected
    assert reason in message


@pytest.mark.parametrize(
    ("value", "local", "domain", "key"),
    [
        ("Zhang.San@Example.com", "zhang.san", "example.com", "zhang.san@example.com"),
        ("Zhang.San+CRM@Gmail.com", "zhang.san+crm", "gmail.com", "zhangsan@gmail.com"),
        ("z.h.a.n.g@googlemail.com", "z.h.a.n.g", "googlemail.com", "zhang@gmail.com"),
        ("+tag@gmail.com", "+tag", "gmail.com", "+tag@gmail.com"),
        ("zhang.san+news@outlook.com", "zhang.san+news", "outlook.com", "zhang.san@outlook.com"),
        ("zhang+x@hotmail.com", "zhang+x", "hotmail.com", "zhang@hotmail.com"),
        ("zhang-shop@yahoo.com", "zhang-shop", "yahoo.com", "zhang@yahoo.com"),
        ("zhang+x@yahoo.com", "zhang+x", "yahoo.com", "zhang+x@yahoo.com"),
        ("zhang+x@icloud.com", "zhang+x", "icloud.com", "zhang@icloud.com"),
        ("zhang@me.com", "zhang", "me.com", "zhang@icloud.com"),
        ("zhang@mac.com", "zhang", "mac.com", "zhang@icloud.com"),
        ("zhang+x@protonmail.com", "zhang+x", "protonmail.com", "zhang@proton.me"),
        ("zhang+x@fastmail.com", "zhang+x", "fastmail.com", "zhang@fastmail.com"),
        ("zhang@ya.ru", "zhang", "ya.ru", "zhang@yandex.ru"),
        ("zhang+x@qq.com", "zhang+x", "qq.com", "zhang+x@qq.com"),
        ("zhang.san@163.com", "zhang.san", "163.com", "zhang.san@163.com"),
        ("zhang+x@example.com", "zhang+x", "example.com", "zhang+x@example.com"),
        ("zhang.san@example.com", "zhang.san", "example.com", "zhang.san@example.com"),
        ("zhang@例子.中国", "zhang", "xn--fsqu00a.xn--fiqs8s", "zhang@例子.中国"),
        ("ZHANG@BÜCHER.DE", "zhang", "xn--bcher-kva.de", "zhang@bücher.de"),
    ],
)
def test_parts_and_matching_key(value: str, local: str, domain: str, key: str) -> None:
    (email,) = parse_emails([value]).emails
    assert (email.local, email.domain, email.key) == (local, domain, key)


def test_gmail_variants_share_one_key() -> None:
    result = parse_emails(
        ["Zhang.San@gmail.com", "zhangsan+crm@googlemail.com", "z.hang.san@gmail.com"]
    )
    assert len(result.emails) == 3
    assert {e.key for e in result.emails} == {"zhangsan@gmail.com"}


@pytest.mark.parametrize(
    ("value", "disposable", "role", "free"),
    [
        ("zhang.san@example.com", False, False, False),
        ("zhang@mailinator.com", True, False, False),
        ("zhang@eu.mailinator.com", True, False, False),
        ("zhang@guerrillamail.com", True, False, False),
        ("zhang@10minutemail.com", True, False, False),
        ("info@example.com", False, True, False),
        ("INFO@example.com", False, True, False),
        ("sales@example.com", False, True, False),
        ("sales2@example.com", False, True, False),
        ("sales.support@example.com", False, True, False),
        ("sales-cn@example.com", False, True, False),
        ("customer.service@example.com", False, True, False),
        ("no-reply@example.com", False, True, False),
        ("noreply@example.com", False, True, False),
        ("hr@example.com", False, True, False),
        ("kefu@example.cn", False, True, False),
        ("kefu01@example.cn", False, True, False),
        ("postmaster@example.com", False, True, False),
        ("info+crm@example.com", False, True, False),
        ("sales.wang@example.com", False, False, False),
        ("mark@example.com", False, False, False),
        ("information.li@example.com", False, False, False),
        ("zhang@qq.com", False, False, True),
        ("12345678@qq.com", False, False, True),
        ("zhang@vip.qq.com", False, False, True),
        ("zhang@foxmail.com", False, False, True),
        ("zhang@163.com", False, False, True),
        ("zhang@126.com", False, False, True),
        ("zhang@yeah.net", False, False, True),
        ("zhang@sina.com", False, False, True),
        ("zhang@sina.cn", False, False, True),
        ("zhang@sohu.com", False, False, True),
        ("zhang@aliyun.com", False, False, True),
        ("zhang@139.com", False, False, True),
        ("zhang@189.cn", False, False, True),
        ("zhang@21cn.com", False, False, True),
        ("zhang@gmail.com", False, False, True),
        ("zhang@outlook.com", False, False, True),
        ("zhang@hotmail.com", False, False, True),
        ("zhang@yahoo.co.jp", False, False, True),
        ("zhang@icloud.com", False, False, True),
        ("info@163.com", False, True, True),
        ("zhang@mail.example.com", False, False, False),
    ],
)
def test_flags(value: str, disposable: bool, role: bool, free: bool) -> None:
    (email,) = parse_emails([value]).emails
    assert (email.disposable, email.role, email.free) == (disposable, role, free)


def test_addresses_from_several_values_keep_first_seen_order_without_duplicates() -> None:
    result = parse_emails(["b@example.com", "无", "A@example.com; b@example.com", "bad@"])
    assert [e.address for e in result.emails] == ["b@example.com", "a@example.com"]
    assert [piece for piece, _ in result.rejected] == ["bad@"]


def test_no_values() -> None:
    assert parse_emails([]) == EmailParse((), ())


def test_a_value_with_too_many_addresses_is_bounded() -> None:
    value = ", ".join(f"user{i}@example.com" for i in range(40))
    result = parse_emails([value])
    assert len(result.emails) == 16
    ((piece, _),) = result.rejected
    assert piece.startswith("user16@example.com")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(), max_size=3))
@example(["\u202ezhang\u0000@exa\u200bmple.com\U0001f600"])
@example(["a" * 5000 + "@example.com"])
@example(["@" * 5000])
@example(["a@b.com " * 700])
@example(["\ufe6b\uff20\u3002\uff0e"])
def test_never_raises(values: list[str]) -> None:
    for email in parse_emails(values).emails:
        assert email.address == email.address.strip().lower() or not email.address.isascii()
        assert email.domain.isascii()


_LONG = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)


@_LONG
@given(st.text(min_size=5000, max_size=5000))
def test_never_raises_on_long_text(value: str) -> None:
    parse_emails([value])


# Starts with a letter or digit: a leading dot or quote is punctuation parse_emails trims.
_LOCAL = st.from_regex(r"[a-zA-Z0-9][a-zA-Z0-9._+\-'ü张]{0,11}", fullmatch=True)
_DOMAIN = st.text(alphabet="abcXYZ019.-ü例", min_size=1, max_size=16)
_TLD = st.sampled_from(["com", "cn", "co.uk", "中国", "x1", "local", "Com", "xn--fiqs8s"])
_ADDRESS = st.builds(lambda local, domain, tld: f"{local}@{domain}.{tld}", _LOCAL, _DOMAIN, _TLD)


@settings(max_examples=500, deadline=None)
@given(_ADDRESS)
@example("zhang@例子.中国")
def test_canonical_address_is_a_fixed_point(value: str) -> None:
    first = parse_emails([value])
    again = parse_emails([e.address for e in first.emails])
    assert again.emails == first.emails
    assert again.rejected == ()


@settings(max_examples=500, deadline=None)
@given(_ADDRESS)
@example("a@b--c.com")
@example("a@b.local")
@example("a@b.c1")
def test_agrees_with_email_validator(value: str) -> None:
    """The fast path may only ever say what email-validator says."""
    emails = parse_emails([value]).emails
    try:
        checked = validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        assert emails == ()
        return
    (email,) = emails
    assert email.domain == checked.ascii_domain
    assert email.address == f"{checked.local_part}@{checked.domain}".lower()


@pytest.mark.parametrize(
    "value",
    ["Zhang.San@Example.com", "Zhang San <zhang.san@example.com>", "zhang@例子.中国"],
)
def test_benchmark_single_address(benchmark: BenchmarkFixture, value: str) -> None:
    result = benchmark(parse_emails, [value])
    assert len(result.emails) == 1
