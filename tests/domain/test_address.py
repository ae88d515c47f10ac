"""Addresses: display form, province/city/district, matching key, and the GB/T 2260 table."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pytest_benchmark.fixture import BenchmarkFixture
from stdnum.cn import ric

from app.domain.address import (
    Address,
    canonical_city,
    division_name,
    parse_address,
    region_short_name,
)
from app.domain.text import to_simplified

CASES = Path(__file__).parent / "cases" / "address.tsv"
REGIONS = Path(__file__).parents[2] / "app" / "domain" / "data" / "address_regions.tsv"


def _none(cell: str) -> str | None:
    return None if cell == "-" else cell


def _rows() -> list[tuple[str | None, ...]]:
    rows = []
    for line in CASES.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            cells = line.split("\t")
            assert len(cells) == 8, line
            rows.append(tuple(_none(c) for c in cells))
    return rows


@pytest.mark.parametrize(
    ("address", "city", "region", "display", "province", "town", "district", "key"), _rows()
)
def test_parse_address_cases(
    address: str,
    city: str | None,
    region: str | None,
    display: str,
    province: str | None,
    town: str | None,
    district: str | None,
    key: str | None,
) -> None:
    assert parse_address(address, city, region) == Address(
        display, province, town, district, key or ""
    )


@pytest.mark.parametrize(
    "writing",
    [
        "北京市海淀区知春路1号",
        "海淀区知春路1号",
        "北京海淀知春路1号",
        "北京市北京市海淀区知春路1号",
        "中国北京市海淀区知春路 1 号",
        "北京市 海淀区 知春路1号",
        "北京市海淀区知春路1号 100080",
    ],
)
def test_writings_of_one_address_share_the_key(writing: str) -> None:
    parsed = parse_address(writing)
    assert parsed is not None
    assert parsed.key == "海淀知春路1号"
    assert (parsed.province, parsed.city, parsed.district) == ("北京市", "北京市", "海淀区")


@pytest.mark.parametrize(
    ("address", "province", "city"),
    [
        ("广东深圳南山区", "广东省", "深圳市"),
        ("深圳南山区", "广东省", "深圳市"),
        ("浙江杭州西湖区", "浙江省", "杭州市"),
        ("广西南宁", "广西壮族自治区", "南宁市"),
        ("宁夏银川兴庆区", "宁夏回族自治区", "银川市"),
        ("西藏拉萨城关区", "西藏自治区", "拉萨市"),
        ("天津滨海新区", "天津市", "天津市"),
        ("重庆渝中区", "重庆市", "重庆市"),
        ("延边朝鲜族自治州延吉市", "吉林省", "延边朝鲜族自治州"),
        ("恩施州恩施市", "湖北省", "恩施土家族苗族自治州"),
        ("石河子市北四路", "新疆维吾尔自治区", "石河子市"),
        ("澳门", "澳门特别行政区", "澳门特别行政区"),
    ],
)
def test_province_and_city_are_read_with_or_without_suffixes(
    address: str, province: str, city: str
) -> None:
    parsed = parse_address(address)
    assert parsed is not None
    assert (parsed.province, parsed.city) == (province, city)


@pytest.mark.parametrize("street", ["南京路", "北京东路", "中山大道", "长安街", "上海路"])
def test_streets_named_after_places_are_not_places(street: str) -> None:
    parsed = parse_address(f"{street}100号")
    assert parsed is not None
    assert parsed.city is None
    assert parsed.key == f"{street}100号"


def test_an_ambiguous_district_is_settled_by_the_leads_city() -> None:
    alone = parse_address("鼓楼区中山北路1号")
    in_nanjing = parse_address("鼓楼区中山北路1号", city="南京")
    in_fuzhou = parse_address("鼓楼区中山北路1号", city="福州市")
    assert alone is not None and in_nanjing is not None and in_fuzhou is not None
    assert (alone.city, alone.district) == (None, "鼓楼区")
    assert (in_nanjing.province, in_nanjing.city) == ("江苏省", "南京市")
    assert (in_fuzhou.province, in_fuzhou.city) == ("福建省", "福州市")
    assert alone.key == in_nanjing.key == in_fuzhou.key


def test_the_address_text_wins_over_the_leads_city() -> None:
    parsed = parse_address("上海市黄浦区南京东路1号", city="北京", region="北京")
    assert parsed is not None
    assert (parsed.province, parsed.city, parsed.district) == ("上海市", "上海市", "黄浦区")


@pytest.mark.parametrize("value", [None, "", "   ", "--", "，。", "地址："])
def test_empty_addresses_are_none(value: str | None) -> None:
    assert parse_address(value) is None


@pytest.mark.parametrize(
    ("value", "city"),
    [
        ("北京", "北京市"),
        ("北京市", "北京市"),
        ("Beijing", "北京市"),
        ("BEIJING", "北京市"),
        ("beijing city", "北京市"),
        ("上海", "上海市"),
        ("Shanghai", "上海市"),
        ("深圳", "深圳市"),
        ("Shenzhen", "深圳市"),
        ("Guangzhou", "广州市"),
        ("广州市", "广州市"),
        ("廣州", "广州市"),
        ("Xi'an", "西安市"),
        ("Harbin", "哈尔滨市"),
        ("Hong Kong", "香港特别行政区"),
        ("Suzhou", "苏州市"),
        ("昆山", "昆山市"),
        ("深圳市南山区", "深圳市"),
        ("恩施", "恩施土家族苗族自治州"),
        ("  北京  ", "北京市"),
    ],
)
def test_canonical_city(value: str, city: str) -> None:
    assert canonical_city(value) == city


@pytest.mark.parametrize(
    ("value", "folded"),
    [("Springfield", "Springfield"), ("广东", "广东"), ("南山", "南山"), ("ＸＹＺ", "XYZ")],
)
def test_canonical_city_leaves_what_is_not_one_city(value: str, folded: str) -> None:
    assert canonical_city(value) == folded


@pytest.mark.parametrize("value", [None, "", "  "])
def test_canonical_city_of_nothing_is_none(value: str | None) -> None:
    assert canonical_city(value) is None


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("110000", "北京市"),
        ("110108", "北京市海淀区"),
        ("110103", "北京市崇文区"),
        ("440300", "广东省深圳市"),
        ("440305", "广东省深圳市南山区"),
        ("450000", "广西壮族自治区"),
        ("429004", "湖北省仙桃市"),
        ("810000", "香港特别行政区"),
        ("440399", "广东省深圳市"),
        ("990000", None),
        ("4403", None),
        ("44030A", None),
    ],
)
def test_division_name(code: str, name: str | None) -> None:
    assert division_name(code) == name


@pytest.mark.parametrize(
    ("text", "short"),
    [
        ("北京", "北京"),
        ("北京市", "北京"),
        ("Beijing", "北京"),
        ("中国", "中国"),
        ("China", "中国"),
        ("HK", "香港"),
        ("内蒙古自治区", "内蒙古"),
        ("集团", None),
        ("Holdings", None),
    ],
)
def test_region_short_name(text: str, short: str | None) -> None:
    assert region_short_name(text) == short


def _table() -> list[tuple[str, str, str]]:
    rows = []
    for line in REGIONS.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            cells = [*line.split("\t"), "", ""]
            rows.append((cells[0], cells[1], cells[3]))
    return rows


def test_division_table_has_every_province_and_prefecture() -> None:
    current = [(code, name) for code, name, status in _table() if not status]
    provinces = [code for code, _ in current if code.endswith("0000")]
    prefectures = [code for code, _ in current if code.endswith("00") and code not in provinces]
    assert len(provinces) == 34
    assert len(prefectures) >= 333
    assert len(current) > 3000


def test_division_table_agrees_with_the_resident_id_birthplaces() -> None:
    """Every current code the table lists is a birthplace stdnum knows, under the same name."""
    for code, name, status in _table():
        if status or code[:2] in {"71", "81", "82"}:
            continue
        number = code + "20250101001"
        number += ric.calc_check_digit(number + "0")
        assert ric.is_valid(number), code
        assert to_simplified(name) in to_simplified(ric.get_birth_place(number)["county"]), code


@given(st.text(), st.text(), st.text())
@example("北" * 5000, None, None)
@example("\u202e北京\u0000市\U0001f600海淀区", "\u200f", "\ufeff")
@example("地址：地址：北京", None, None)
def test_never_raises_and_is_idempotent(value: str, city: str, region: str) -> None:
    parsed = parse_address(value, city, region)
    canonical_city(city)
    if parsed is not None:
        again = parse_address(parsed.display)
        assert again is not None
        assert (again.display, again.key) == (parsed.display, parsed.key)
        assert parse_address(parsed.display, city, region) == parsed
    canonical = canonical_city(value)
    if canonical is not None:
        assert canonical_city(canonical) == canonical


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
    parse_address(value, value, value)
    canonical_city(value)


@pytest.mark.parametrize(
    "address",
    [
        "北京市海淀区知春路1号",
        "广东省深圳市南山区科技园科苑路15号",
        "No. 1 Zhichun Road, Haidian District, Beijing 100080, China",
    ],
)
def test_benchmark_parse_address(benchmark: BenchmarkFixture, address: str) -> None:
    assert benchmark(parse_address, address, "北京", "北京") is not None


def test_benchmark_canonical_city(benchmark: BenchmarkFixture) -> None:
    assert benchmark(canonical_city, "Shenzhen") == "深圳市"
