"""Unified social credit codes: compaction, validity with a reason, and the region they name."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pytest_benchmark.fixture import BenchmarkFixture
from stdnum.cn import uscc as stdnum_uscc

from app.domain.uscc import check_character, parse_uscc

CASES = Path(__file__).parent / "cases" / "uscc.tsv"
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _none(cell: str) -> str | None:
    return None if cell == "-" else cell


def _rows() -> list[tuple[str | None, ...]]:
    rows = []
    for line in CASES.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            cells = line.split("\t")
            assert len(cells) == 6, line
            rows.append(tuple(_none(c) for c in cells))
    return rows


@pytest.mark.parametrize(("value", "code", "valid", "reason", "region_code", "region"), _rows())
def test_parse_uscc_cases(
    value: str,
    code: str,
    valid: str,
    reason: str | None,
    region_code: str | None,
    region: str | None,
) -> None:
    parsed = parse_uscc(value)
    assert parsed is not None
    assert (parsed.code, parsed.valid) == (code, valid == "true")
    assert (parsed.region_code, parsed.region) == (region_code, region)
    if reason is None:
        assert parsed.reason is None
    else:
        assert parsed.reason is not None and reason in parsed.reason


def _organization_code(body: str) -> str:
    """GB 11714, written out independently of the module: 8 characters and their check."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    remainder = 11 - sum(int(ch, 36) * w for ch, w in zip(body, weights, strict=True)) % 11
    return body + {10: "X", 11: "0"}.get(remainder, str(remainder))


def _code(head: str, body: str) -> str:
    first17 = head + _organization_code(body)
    return first17 + check_character(first17)


@pytest.mark.parametrize(
    ("head", "region"),
    [
        ("51110000", "北京市"),  # 民政: 社会团体
        ("52440305", "广东省深圳市南山区"),  # 民政: 民办非企业单位
        ("12100000", "中华人民共和国"),  # 机构编制: 事业单位, national level
        ("92330106", "浙江省杭州市西湖区"),  # 工商: 个体工商户
        ("93510000", "四川省"),  # 工商: 农民专业合作社
        ("Y1310000", "上海市"),  # 其他
        ("N2420100", "湖北省武汉市"),  # 农业: 村级集体经济组织
        ("31440300", "广东省深圳市"),  # 司法行政: 律师执业机构
    ],
)
def test_constructed_codes_of_every_kind_are_valid(head: str, region: str) -> None:
    code = _code(head, "MA5FMKMK")
    parsed = parse_uscc(code)
    assert parsed is not None
    assert parsed.valid, parsed.reason
    assert parsed.region == region


@pytest.mark.parametrize("position", range(18))
def test_any_single_character_typo_is_caught(position: int) -> None:
    code = "91440300708461136T"
    for replacement in ALPHABET:
        if replacement == code[position]:
            continue
        typo = code[:position] + replacement + code[position + 1 :]
        parsed = parse_uscc(typo)
        assert parsed is not None
        assert not parsed.valid, typo
        assert parsed.reason


def test_check_character_agrees_with_stdnum() -> None:
    for code in ["91440300708461136T", "914403001922038216", "91330100799655058B"]:
        assert check_character(code[:17]) == code[17]
        assert stdnum_uscc.calc_check_digit(code[:17]) == code[17]


def test_organization_code_typo_with_a_matching_check_character_is_caught() -> None:
    first17 = "914403007084611" + "46"
    code = first17 + check_character(first17)
    parsed = parse_uscc(code)
    assert parsed is not None
    assert stdnum_uscc.is_valid(code)
    assert not parsed.valid
    assert parsed.reason is not None and "organization code" in parsed.reason


@pytest.mark.parametrize(
    "value", [None, "", "   ", "无", "暂无", "N/A", "n/a", "none", "NULL", "-", "--", "/"]
)
def test_empty_and_placeholder_values_are_none(value: str | None) -> None:
    assert parse_uscc(value) is None


@given(st.text())
@example("9" * 5000)
@example("\u202e9144\u00000300708461136T\U0001f600")
@example("R\u00b8")
def test_never_raises_and_is_idempotent(value: str) -> None:
    parsed = parse_uscc(value)
    if parsed is not None:
        assert parse_uscc(parsed.code) == parsed
        assert parsed.valid == (parsed.reason is None)


@settings(
    max_examples=20,
    suppress_health_check=[
        HealthCheck.large_base_example,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(st.text(min_size=5000, max_size=5000))
def test_long_text_never_raises(value: str) -> None:
    parse_uscc(value)


@pytest.mark.parametrize("value", ["91440300708461136T", "91440300708461136A", "9144 0300 7084"])
def test_benchmark_parse_uscc(benchmark: BenchmarkFixture, value: str) -> None:
    assert benchmark(parse_uscc, value) is not None
