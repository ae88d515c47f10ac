"""Company names: display form, matching core, legal form, region, branch and trade name."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pytest_benchmark.fixture import BenchmarkFixture

from app.domain.company import CompanyName, parse_company

CASES = Path(__file__).parent / "cases" / "company.tsv"


def _none(cell: str) -> str | None:
    return None if cell == "-" else cell


def _rows() -> list[tuple[str | None, ...]]:
    rows = []
    for line in CASES.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            cells = line.split("\t")
            assert len(cells) == 7, line
            rows.append(tuple(_none(c) for c in cells))
    return rows


@pytest.mark.parametrize(
    ("value", "display", "core", "legal_form", "region", "branch", "trade_name"), _rows()
)
def test_parse_company_cases(
    value: str,
    display: str,
    core: str,
    legal_form: str | None,
    region: str | None,
    branch: str | None,
    trade_name: str,
) -> None:
    assert parse_company(value) == CompanyName(
        display, core, legal_form, region, branch, trade_name
    )


@pytest.mark.parametrize(
    "spelling",
    [
        "北京字节跳动科技有限公司",
        "字节跳动科技有限公司",
        "北京字节跳动科技有限责任公司",
        "字节跳动科技（北京）有限公司",
        "北京市字节跳动科技有限公司",
        "北京 字节跳动科技 有限公司",
        "北京字节跳动科技",
        "字节跳动科技",
    ],
)
def test_writings_of_one_company_share_the_core(spelling: str) -> None:
    parsed = parse_company(spelling)
    assert parsed is not None
    assert parsed.core in {"字节跳动科技", "北京字节跳动科技"}
    assert parsed.trade_name in {"字节跳动", "北京字节跳动"}


@pytest.mark.parametrize(
    ("spelling", "core"),
    [
        ("Acme Co., Ltd.", "acme"),
        ("ACME CO LTD", "acme"),
        ("Acme Company Limited", "acme"),
        ("acme limited", "acme"),
        ("Acme (China) Co., Ltd.", "acme"),
        ("ＡＣＭＥ有限公司", "acme"),
        ("ACME 有限公司", "acme"),
    ],
)
def test_english_and_mixed_writings_meet(spelling: str, core: str) -> None:
    parsed = parse_company(spelling)
    assert parsed is not None
    assert parsed.core == core


def test_traditional_and_simplified_meet() -> None:
    traditional = parse_company("臺灣積體電路製造股份有限公司")
    simplified = parse_company("台湾积体电路制造股份有限公司")
    assert traditional is not None and simplified is not None
    assert traditional.core == simplified.core
    assert traditional.display != simplified.display


def test_a_branch_is_kept_apart_from_its_head_office() -> None:
    head = parse_company("招商银行股份有限公司")
    branch = parse_company("招商银行股份有限公司上海分行")
    other_branch = parse_company("招商银行股份有限公司北京分行")
    assert head is not None and branch is not None and other_branch is not None
    assert len({head.core, branch.core, other_branch.core}) == 3
    assert head.trade_name == branch.trade_name == other_branch.trade_name
    assert head.branch is None


def test_group_companies_share_the_trade_name_not_the_core() -> None:
    tech = parse_company("北京字节跳动科技有限公司")
    network = parse_company("北京字节跳动网络技术有限公司")
    assert tech is not None and network is not None
    assert tech.core != network.core
    assert tech.trade_name == network.trade_name == "字节跳动"


@pytest.mark.parametrize(
    "name", ["北京银行股份有限公司", "中国银行股份有限公司", "上海汽车集团股份有限公司", "北京大学"]
)
def test_a_region_that_is_the_name_is_kept(name: str) -> None:
    parsed = parse_company(name)
    assert parsed is not None
    assert parsed.region is None
    assert parsed.core[:2] in name


@pytest.mark.parametrize(
    ("name", "region"),
    [
        ("北京银行股份有限公司", "北京银行"),
        ("南京银行股份有限公司", "南京银行"),
        ("上海银行股份有限公司", "上海银行"),
    ],
)
def test_banks_named_after_their_city_stay_apart(name: str, region: str) -> None:
    parsed = parse_company(name)
    assert parsed is not None
    assert parsed.core == region


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "   ",
        "无",
        "暂无",
        "N/A",
        "n/a",
        "none",
        "NULL",
        "个人",
        "Self-employed",
        "--",
        "（）",
    ],
)
def test_empty_and_placeholder_values_are_none(value: str | None) -> None:
    assert parse_company(value) is None


@pytest.mark.parametrize(
    "name", ["有限公司", "Limited", "Co., Ltd.", "中国", "北京有限公司", "The Company", "集团"]
)
def test_core_is_never_empty(name: str) -> None:
    parsed = parse_company(name)
    assert parsed is not None
    assert parsed.core
    assert parsed.trade_name


@given(st.text())
@example("x" * 5000)
@example("\u202e有限公司\u0000\U0001f600(北京)")
@example("(" * 50 + "有限公司" + ")" * 50)
def test_never_raises_and_is_idempotent(value: str) -> None:
    parsed = parse_company(value)
    if parsed is not None:
        assert parsed.core
        assert parse_company(parsed.display) == parsed


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
    parse_company(value)


@pytest.mark.parametrize(
    "name",
    [
        "北京字节跳动科技有限公司",
        "招商银行股份有限公司上海分行",
        "Acme Technology (Beijing) Co., Ltd.",
        "字节跳动",
    ],
)
def test_benchmark_parse_company(benchmark: BenchmarkFixture, name: str) -> None:
    assert benchmark(parse_company, name) is not None
