"""Placeholder and test-entry detection: catch what people type to get past a form, and never a
real name, company, number or address."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pytest_benchmark.fixture import BenchmarkFixture

from app.domain import junk
from app.domain.junk import junk_company, junk_email, junk_name, junk_phone, junk_text

CASES = Path(__file__).parent / "cases" / "junk.tsv"


def _email(value: str) -> str | None:
    local, _, domain = value.rpartition("@")
    return junk_email(local, domain)


CHECKS: dict[str, Callable[[str], str | None]] = {
    "name": junk_name,
    "company": junk_company,
    "text": junk_text,
    "phone": junk_phone,
    "email": _email,
}


def _rows() -> list[tuple[str, str, str]]:
    rows = []
    for line in CASES.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            check, value, expected = line.split("\t")
            rows.append((check, value, expected))
    return rows


@pytest.mark.parametrize(("check", "value", "expected"), _rows())
def test_junk_cases(check: str, value: str, expected: str) -> None:
    reason = CHECKS[check](value)
    if not expected:
        assert reason is None, f"real {check} {value!r} flagged: {reason}"
    elif expected == "JUNK":
        assert reason is not None
    else:
        assert reason == getattr(junk, expected)


def test_case_file_covers_every_check_both_ways() -> None:
    rows = _rows()
    for check in CHECKS:
        assert any(c == check and e for c, _, e in rows), check
        assert any(c == check and not e for c, _, e in rows), check
    assert sum(1 for _, _, e in rows if not e) >= 200


@pytest.mark.parametrize("value", ["", "   ", "\t\n", "\u200b"])
def test_an_empty_value_is_missing_not_junk(value: str) -> None:
    assert junk_text(value) is None
    assert junk_name(value) is None
    assert junk_company(value) is None


@pytest.mark.parametrize(
    ("zhang_san", "real"), [("张三", "张山"), ("李四", "李斯"), ("王五", "王武")]
)
def test_zhang_san_is_the_placeholder_but_homophones_are_real(zhang_san: str, real: str) -> None:
    assert junk_name(zhang_san) == junk.PLACEHOLDER_NAME
    assert junk_name(real) is None


def test_a_name_placeholder_is_fine_in_free_text_and_a_real_name_word_is_fine_in_names() -> None:
    assert junk_text("张三 asked for a quote") is None
    assert junk_name("Na") is None
    assert junk_text("na") == junk.PLACEHOLDER


@given(st.text())
@example("a" * 5000)
@example("测" * 5000)
@example("\u202e测试\u202c")
@example("\x00\x01test")
def test_text_checks_never_raise(value: str) -> None:
    for check in (junk_text, junk_name, junk_company, junk_phone):
        reason = check(value)
        assert reason is None or isinstance(reason, str)


@settings(
    max_examples=20,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
@given(st.text(min_size=5000, max_size=5000))
def test_text_checks_never_raise_on_long_input(value: str) -> None:
    for check in (junk_text, junk_name, junk_company, junk_phone):
        check(value)
    junk_email(value, value)


@given(st.text(), st.text())
def test_email_check_never_raises(local: str, domain: str) -> None:
    reason = junk_email(local, domain)
    assert reason is None or isinstance(reason, str)


@given(st.from_regex(r"\+[1-9]\d{6,14}", fullmatch=True))
def test_phone_check_never_raises_on_e164(e164: str) -> None:
    reason = junk_phone(e164)
    assert reason is None or isinstance(reason, str)


@pytest.mark.parametrize(
    "value",
    ["test", "TEST", "Test", "ＴＥＳＴ", "ｔｅｓｔ", "测试", "測試", "N/A", "n/a", "Ｎ／Ａ"],
)
def test_the_verdict_ignores_case_width_and_traditional_forms(value: str) -> None:
    assert junk_text(value) == junk.PLACEHOLDER


@pytest.mark.parametrize(
    ("check", "value"),
    [
        (junk_name, "王芳"),
        (junk_name, "Zhang Wei"),
        (junk_company, "华为技术有限公司"),
        (junk_company, "Acme Corp"),
        (junk_text, "Interested in the enterprise plan"),
    ],
)
def test_benchmark_junk_real_values(
    benchmark: BenchmarkFixture, check: Callable[[str], str | None], value: str
) -> None:
    assert benchmark(check, value) is None


def test_benchmark_junk_phone(benchmark: BenchmarkFixture) -> None:
    assert benchmark(junk_phone, "+8613812345679") is None


def test_benchmark_junk_email(benchmark: BenchmarkFixture) -> None:
    assert benchmark(junk_email, "zhang.wei", "acme.com.cn") is None
