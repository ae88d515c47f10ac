"""Person names: the display form, the family/given split and the keys duplicates meet on."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pypinyin import Style, lazy_pinyin
from pytest_benchmark.fixture import BenchmarkFixture

from app.domain.person import PersonName, Script, nickname_root, parse_person

CASES = Path(__file__).parent / "cases" / "person.tsv"


def _none(cell: str) -> str | None:
    return None if cell == "-" else cell


def _rows() -> list[tuple[str | None, ...]]:
    rows = []
    for line in CASES.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            cells = line.split("\t")
            assert len(cells) == 9, line
            rows.append(tuple(_none(c) for c in cells))
    return rows


@pytest.mark.parametrize(
    ("name", "first_name", "last_name", "display", "script", "first", "last", "key", "pinyin"),
    _rows(),
)
def test_parse_person_cases(
    name: str | None,
    first_name: str | None,
    last_name: str | None,
    display: str,
    script: Script,
    first: str | None,
    last: str | None,
    key: str,
    pinyin: str | None,
) -> None:
    assert parse_person(name, first_name, last_name) == PersonName(
        display, script, first, last, key, pinyin
    )


@pytest.mark.parametrize(
    "spelling",
    [
        "张伟",
        "張偉",
        "张伟先生",
        "Zhang Wei",
        "Wei Zhang",
        "ZHANG wei",
        "zhangwei",
        "ZHANG, Wei",
        "Zhāng Wěi",
        "Mr. Zhang Wei",
    ],
)
def test_every_spelling_of_one_chinese_name_meets_on_the_pinyin_key(spelling: str) -> None:
    parsed = parse_person(spelling)
    assert parsed is not None
    assert parsed.pinyin_key == "wei zhang"


@pytest.mark.parametrize(
    "spelling",
    [
        "Robert Smith",
        "Bob Smith",
        "Smith, Bob",
        "Mr. Robert Smith Jr.",
        "ROBERT SMITH",
        "Robbie Smith",
        "Dr. Rob Smith, PhD",
        "smith, robert",
    ],
)
def test_every_spelling_of_one_english_name_meets_on_the_key(spelling: str) -> None:
    parsed = parse_person(spelling)
    assert parsed is not None
    assert parsed.key == "robert smith"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("张伟", "张威"),
        ("王芳", "汪芳"),
        ("John Smith", "Jon Smyth"),
        ("李娜", "李那"),
        ("Zhang Wei", "Zhang Wen"),
        ("Anna Lee", "Anne Li"),
    ],
)
def test_different_people_keep_different_keys(a: str, b: str) -> None:
    pa, pb = parse_person(a), parse_person(b)
    assert pa is not None and pb is not None
    assert pa.key != pb.key


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "   ",
        "\u200b",
        "先生",
        "女士",
        "经理",
        "先生经理",
        "Mr.",
        "Dr",
        "Miss",
        "Jr.",
        "123",
        "---",
        "13800138000",
        "()",
        "😀",
    ],
)
def test_no_name_is_none(value: str | None) -> None:
    assert parse_person(value) is None


def test_split_fields_are_used_when_the_full_name_is_empty() -> None:
    assert parse_person("", "Wei", "Zhang") == parse_person(None, "Wei", "Zhang")
    parsed = parse_person("  ", "伟", "張")
    assert parsed is not None
    assert (parsed.display, parsed.last, parsed.first) == ("张伟", "张", "伟")


def test_last_name_field_places_a_rare_family_name() -> None:
    parsed = parse_person("禤小红", None, "禤")
    assert parsed is not None
    assert (parsed.last, parsed.first) == ("禤", "小红")


@pytest.mark.parametrize("name", ["Wei Zhang", "Zhang Wei", "Dan Li", "Li Dan"])
def test_latin_keys_ignore_word_order(name: str) -> None:
    parsed, swapped = parse_person(name), parse_person(" ".join(reversed(name.split())))
    assert parsed is not None and swapped is not None
    assert parsed.key == swapped.key
    assert parsed.pinyin_key == swapped.pinyin_key


@pytest.mark.parametrize(
    "name", ["John Smith", "Maria Garcia", "Olga Ivanova", "Mike Brown", "David Jones", "J. Smith"]
)
def test_names_that_are_not_pinyin_get_no_pinyin_key(name: str) -> None:
    parsed = parse_person(name)
    assert parsed is not None
    assert parsed.pinyin_key is None


@pytest.mark.parametrize(
    ("given", "root"),
    [
        ("Bob", "robert"),
        ("Bobby", "robert"),
        ("Rob", "robert"),
        ("Robbie", "robert"),
        ("Robert", "robert"),
        ("Bill", "william"),
        ("Will", "william"),
        ("Liz", "elizabeth"),
        ("Beth", "elizabeth"),
        ("Kate", "katherine"),
        ("Katie", "katherine"),
        ("Kathy", "katherine"),
        ("Peggy", "margaret"),
        ("Jim", "james"),
        ("Jack", "john"),
        ("Chuck", "charles"),
        ("Dick", "richard"),
        ("Ted", "edward"),
        ("Steve", "stephen"),
        ("Steven", "stephen"),
        ("Tony", "anthony"),
        ("Sandy", "sandra"),
        ("  BOB ", "robert"),
        ("José", "jose"),
        ("Pepe", "jose"),
        ("Wei", "wei"),
        ("Priya", "priya"),
        ("", ""),
    ],
)
def test_nickname_root(given: str, root: str) -> None:
    assert nickname_root(given) == root


def test_nickname_table_is_unambiguous_and_large() -> None:
    text = files("app.domain").joinpath("data", "person_nicknames.txt").read_text("utf-8")
    seen: dict[str, str] = {}
    canonicals = set()
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        canonical, _, nicknames = line.partition(":")
        canonicals.add(canonical.strip())
        for nickname in (n.strip() for n in nicknames.split(",")):
            assert nickname not in seen, f"{nickname} is under {seen[nickname]} and {canonical}"
            seen[nickname] = canonical
    assert len(seen) >= 300
    assert not canonicals & seen.keys()


def test_surname_readings_only_list_what_pypinyin_reads_differently() -> None:
    text = files("app.domain").joinpath("data", "person_surname_pinyin.txt").read_text("utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            surname, *reading = line.split()
            assert lazy_pinyin(surname, style=Style.NORMAL) != reading, surname


@given(st.text())
@example("a" * 5000)
@example("张" * 5000)
@example("\u202eJohn\u202c \u0000Smith\x7f")
@example("((((((((((")
@example("Mr. , , Jr.")
@example("·张·")
@example("ǆ ß")
@example("薴")
@example("0(A()0)A")
@example("总总先生")
def test_parse_person_never_raises_and_is_idempotent(value: str) -> None:
    parsed = parse_person(value)
    if parsed is None:
        return
    assert parsed.display and parsed.key
    again = parse_person(parsed.display)
    assert again is not None
    assert (again.display, again.script, again.key, again.pinyin_key) == (
        parsed.display,
        parsed.script,
        parsed.key,
        parsed.pinyin_key,
    )


_LONG = settings(
    max_examples=20,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)


@_LONG
@given(st.text(min_size=5000, max_size=5000), st.text(), st.text())
def test_parse_person_never_raises_on_long_input(name: str, first: str, last: str) -> None:
    parse_person(name, first, last)
    parse_person(None, first, last)
    parse_person(None, name, None)


@given(st.text())
def test_nickname_root_is_idempotent(value: str) -> None:
    root = nickname_root(value)
    assert nickname_root(root) == root


@pytest.mark.parametrize("name", ["张伟", "欧阳娜娜先生", "Zhang Wei", "Dr. Robert Smith Jr."])
def test_benchmark_parse_person(benchmark: BenchmarkFixture, name: str) -> None:
    assert benchmark(parse_person, name) is not None
