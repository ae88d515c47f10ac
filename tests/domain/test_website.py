from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pytest_benchmark.fixture import BenchmarkFixture

from app.domain.email import parse_emails
from app.domain.website import domain_of_email, registrable_domain

CASES = Path(__file__).parent / "cases" / "website.tsv"


def _load() -> list[Any]:
    rows = []
    for number, line in enumerate(CASES.read_text("utf-8").splitlines(), start=1):
        if not line or line.startswith("#"):
            continue
        value, expected = [*line.split("\t"), ""][:2]
        rows.append(pytest.param(value, expected.strip() or None, id=f"L{number}"))
    return rows


@pytest.mark.parametrize(("value", "expected"), _load())
def test_cases(value: str, expected: str | None) -> None:
    assert registrable_domain(value) == expected


@pytest.mark.parametrize(
    ("email_domain", "expected"),
    [
        ("mail.example.com.cn", "example.com.cn"),
        ("example.com", "example.com"),
        ("Mail.Example.COM", "example.com"),
        ("hq.mail.example.co.uk", "example.co.uk"),
        ("xn--fsqu00a.xn--fiqs8s", "xn--fsqu00a.xn--fiqs8s"),
        ("mail.例子.中国", "xn--fsqu00a.xn--fiqs8s"),
        ("gmail.com", "gmail.com"),
        ("vip.qq.com", "qq.com"),
        ("com.cn", None),
        ("localhost", None),
        ("", None),
    ],
)
def test_domain_of_email(email_domain: str, expected: str | None) -> None:
    assert domain_of_email(email_domain) == expected


@pytest.mark.parametrize(
    ("email", "website"),
    [
        ("zhang.san@mail.example.com.cn", "https://www.example.com.cn/about"),
        ("Zhang@Example.COM", "WWW.EXAMPLE.COM"),
        ("zhang@例子.中国", "http://www.例子.中国/"),
        ("zhang@xn--fsqu00a.xn--fiqs8s", "http://例子.中国"),
        ("zhang@bücher.de", "https://www.BÜCHER.de/shop"),
    ],
)
def test_an_email_domain_and_its_website_agree(email: str, website: str) -> None:
    (parsed,) = parse_emails([email]).emails
    assert domain_of_email(parsed.domain) == registrable_domain(website) is not None


@settings(max_examples=300, deadline=None)
@given(st.text())
@example("http://\u202e例子.中国\u0000/")
@example("a." * 2500)
@example("http://" + "x" * 5000 + ".com")
@example("xn--" * 100 + ".com")
@example("[" * 5000)
def test_never_raises_and_is_idempotent(value: str) -> None:
    domain = registrable_domain(value)
    if domain is not None:
        assert domain.isascii() and domain == domain.lower()
        assert registrable_domain(domain) == domain
        assert domain_of_email(domain) == domain
    domain_of_email(value)


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
    registrable_domain(value)
    domain_of_email(value)


_LABEL = st.from_regex(r"[a-zA-Z0-9ü例]([a-zA-Z0-9\-ü例]{0,10}[a-zA-Z0-9ü例])?", fullmatch=True)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_LABEL, min_size=1, max_size=3),
    st.sampled_from(["com", "com.cn", "co.uk", "中国"]),
)
def test_found_domains_are_idempotent(labels: list[str], suffix: str) -> None:
    domain = registrable_domain("https://" + ".".join([*labels, suffix]) + "/path")
    if domain is not None:
        assert registrable_domain(domain) == domain


@pytest.mark.parametrize(
    "value", ["https://www.example.com.cn/about", "WWW.Example.COM", "http://例子.中国"]
)
def test_benchmark_registrable_domain(benchmark: BenchmarkFixture, value: str) -> None:
    assert benchmark(registrable_domain, value) is not None
