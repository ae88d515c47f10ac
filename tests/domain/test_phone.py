from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pytest_benchmark.fixture import BenchmarkFixture

from app.domain.phone import Phone, PhoneParse, kinds_by_number, parse_phones

CASES = Path(__file__).parent / "cases" / "phone.tsv"


def _unescape(value: str) -> str:
    return value.replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t")


def _load() -> list[Any]:
    rows = []
    for number, line in enumerate(CASES.read_text("utf-8").splitlines(), start=1):
        if not line or line.startswith("#"):
            continue
        value, region, phones, rejected = [*line.split("\t"), "", "", ""][:4]
        expected_phones = tuple(phones.split())
        expected_rejected = tuple(r.strip() for r in rejected.split(" | ") if r.strip())
        rows.append(
            pytest.param(
                _unescape(value), region, expected_phones, expected_rejected, id=f"L{number}"
            )
        )
    return rows


def _written(phone: Phone) -> str:
    return phone.e164 + (f";ext={phone.extension}" if phone.extension else "")


@pytest.mark.parametrize(("value", "region", "phones", "rejected"), _load())
def test_cases(value: str, region: str, phones: tuple[str, ...], rejected: tuple[str, ...]) -> None:
    result = parse_phones([value], region)
    assert tuple(_written(p) for p in result.phones) == phones
    assert result.rejected == rejected


@pytest.mark.parametrize(
    ("value", "region", "kind", "number_region"),
    [
        ("13800138000", "CN", "mobile", "CN"),
        ("010-88886666", "CN", "fixed_line", "CN"),
        ("400-810-8888", "CN", "shared_cost", "CN"),
        ("800-810-8888", "CN", "toll_free", "CN"),
        ("+1 415 555 2671", "CN", "fixed_line_or_mobile", "US"),
        ("+1 800 555 0199", "CN", "toll_free", "US"),
        ("+44 20 7946 0958", "CN", "fixed_line", "GB"),
        ("+44 7400 123456", "CN", "mobile", "GB"),
        ("+44 7911 123456", "CN", "mobile", "GG"),
        ("+852 9123 4567", "CN", "mobile", "HK"),
        ("+800 1234 5678", "CN", "toll_free", None),
    ],
)
def test_kind_and_region(value: str, region: str, kind: str, number_region: str | None) -> None:
    (phone,) = parse_phones([value], region).phones
    assert phone.kind == kind
    assert phone.region == number_region


def test_numbers_from_several_values_keep_first_seen_order_without_duplicates() -> None:
    result = parse_phones(
        ["010-8888 6666", "手机：138 0013 8000", "+86 10 8888 6666", "无", "12345"], "CN"
    )
    assert [p.e164 for p in result.phones] == ["+861088886666", "+8613800138000"]
    assert result.rejected == ("12345",)


def test_one_number_with_and_without_extension_are_two_phones() -> None:
    result = parse_phones(["010-88886666", "010-88886666 转 8001"], "CN")
    assert [(p.e164, p.extension) for p in result.phones] == [
        ("+861088886666", None),
        ("+861088886666", "8001"),
    ]


@pytest.mark.parametrize(
    ("values", "kinds"),
    [
        (["+1 415 555 2671"], {"+14155552671": "fixed_line_or_mobile"}),
        (["+1 415 555 2671 x12"], {"+14155552671": "fixed_line"}),
        (["+1 415 555 2671", "+1 415-555-2671 ext. 9"], {"+14155552671": "fixed_line"}),
        (
            ["13800138001", "010-88886666 转 8001"],
            {"+8613800138001": "mobile", "+861088886666": "fixed_line"},
        ),
    ],
)
def test_a_number_written_with_an_extension_is_a_fixed_line(
    values: list[str], kinds: dict[str, str]
) -> None:
    assert kinds_by_number(parse_phones(values, "CN").phones) == kinds


def test_repeated_rejections_are_reported_once() -> None:
    assert parse_phones(["12345", "12345"], "CN").rejected == ("12345",)


def test_no_values() -> None:
    assert parse_phones([], "CN") == PhoneParse((), ())


def test_region_only_applies_without_country_code() -> None:
    for region in ("CN", "US", "GB", "DE", ""):
        (phone,) = parse_phones(["+44 20 7946 0958"], region).phones
        assert phone.e164 == "+442079460958"


def test_a_long_run_of_digit_groups_is_bounded_and_rejected() -> None:
    value = " ".join(["12"] * 2000)
    result = parse_phones([value], "CN")
    assert result.phones == ()
    assert result.rejected == (value,)


def test_many_numbers_in_one_value_are_all_found() -> None:
    numbers = [f"1380013800{i}" for i in range(10)]
    result = parse_phones(["、".join(numbers)], "CN")
    assert [p.e164 for p in result.phones] == ["+86" + n for n in numbers]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(), max_size=3), st.sampled_from(["CN", "US", "GB", "", "zz", "??"]))
@example(["\u202e138\u00000013\u200b8000\U0001f600"], "CN")
@example(["1" * 5000], "CN")
@example(["1 " * 2500], "CN")
@example(["+" * 5000], "US")
def test_never_raises(values: list[str], region: str) -> None:
    result = parse_phones(values, region)
    assert all(p.e164.startswith("+") and p.e164[1:].isdigit() for p in result.phones)


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
    parse_phones([value], "CN")


_NUMBERISH = st.text(alphabet="0123456789 +-()./转x#、,", max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.lists(_NUMBERISH, max_size=3), st.sampled_from(["CN", "US", "GB", "DE"]))
@example(["13800138000", "010-88886666-8001", "0571-88881234/5"], "CN")
def test_e164_output_parses_to_itself_in_any_region(values: list[str], region: str) -> None:
    phones = parse_phones(values, region).phones
    for other in ("CN", "US", ""):
        again = parse_phones([p.e164 for p in phones], other)
        assert [p.e164 for p in again.phones] == list(dict.fromkeys(p.e164 for p in phones))
        assert again.rejected == ()


@pytest.mark.parametrize(
    "value",
    ["138 0013 8000", "+86 138-0013-8000", "010-8888 6666", "010-88886666-8001", "+1 415 555 2671"],
)
def test_benchmark_single_number(benchmark: BenchmarkFixture, value: str) -> None:
    result = benchmark(parse_phones, [value], "CN")
    assert len(result.phones) == 1


def test_benchmark_typical_lead(benchmark: BenchmarkFixture) -> None:
    result = benchmark(parse_phones, ["手机：138 0013 8000", "010-8888 6666 转 8001"], "CN")
    assert len(result.phones) == 2


def test_a_number_that_fails_to_parse_leaves_no_garbage_for_the_cyclic_collector() -> None:
    gc.collect()
    gc.disable()
    try:
        for text in ("+999 1234 5678", "+86 12", "0086 999 123 456 789", "+1 (555) 01"):
            parse_phones([text], "CN")
        assert gc.collect() == 0
    finally:
        gc.enable()
