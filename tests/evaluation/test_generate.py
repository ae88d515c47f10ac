"""The generated B2B leads: reproducible, well-formed, and with the hard cases they promise."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import phonenumbers
import pytest

from app.domain.address import division_name
from app.domain.uscc import parse_uscc
from app.evaluation import generate as gen
from app.evaluation.generate import generate

Record = dict[str, Any]
CONTRACT_FIELDS = {
    "external_id", "entity", "name", "first_name", "last_name", "company", "uscc", "phone",
    "email", "website", "title", "address", "city", "region", "postcode", "country", "source",
    "attributes",
}  # fmt: skip


@cache
def sample() -> list[Record]:
    return generate(600, dup_rate=0.4, seed=11)


def by_cluster(records: list[Record]) -> dict[str, list[Record]]:
    clusters: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        clusters[record["cluster"]].append(record)
    return clusters


def test_same_seed_same_records_other_seed_other_records() -> None:
    assert generate(150, seed=3) == generate(150, seed=3)
    assert generate(150, seed=3) != generate(150, seed=4)


def test_records_have_the_contract_shape() -> None:
    records = sample()
    assert len(by_cluster(records)) == 600
    ids = [r["lead"]["external_id"] for r in records]
    assert len(set(ids)) == len(ids)
    for record in records:
        assert set(record) == {"cluster", "kind", "noise", "lead"}
        assert set(record["lead"]) <= CONTRACT_FIELDS
        assert record["lead"]["entity"] in ("lead", "contact", "account")
        json.dumps(record, ensure_ascii=False)


def test_uscc_check_character_matches_the_domain() -> None:
    usccs = {r["lead"]["uscc"] for r in sample() if "uscc" in r["lead"]}
    assert len(usccs) > 20
    for written in usccs:
        parsed = parse_uscc(written)
        assert parsed is not None
        assert parsed.valid, (written, parsed.reason)
        assert parsed.region_code is not None
        assert division_name(parsed.region_code)


def test_known_uscc_check_characters() -> None:
    # Published codes: the generator's GB 32100 and GB 11714 arithmetic agrees with them.
    for code in ("91110000802100433B", "91440300708461136T", "91330108MA27Y5XH5G"):
        assert gen.uscc_check_character(code[:17]) == code[17]
        assert gen.org_check_character(code[8:16]) == code[16]


def test_every_district_code_is_known() -> None:
    for city in gen.CN_CITIES:
        for code, name in city.districts:
            assert (division_name(code) or "").endswith(name), code


def test_tidy_phones_are_valid_numbers() -> None:
    """Each entity's tidy first record carries a real-looking, valid number."""
    checked = 0
    for record in sample():
        lead = record["lead"]
        if record["kind"] == "junk" or record["noise"] or not isinstance(lead.get("phone"), str):
            continue
        region = lead.get("country") if len(lead.get("country") or "") == 2 else "CN"
        number = phonenumbers.parse(lead["phone"], region)
        assert phonenumbers.is_valid_number(number), lead["phone"]
        checked += 1
    assert checked > 50


def test_duplicates_exist_and_carry_noise() -> None:
    clusters = by_cluster(sample())
    sizes = Counter(len(members) for members in clusters.values())
    assert sizes[1] > 0
    assert sum(n for size, n in sizes.items() if size >= 2) > 100
    assert max(sizes) >= 3
    noise = Counter(n for r in sample() for n in r["noise"])
    for kind in (
        "phone_format", "phone_fullwidth", "email_case", "company_legal_dropped",
        "company_legal_changed", "company_city_removed", "company_traditional", "name_pinyin",
        "name_typo", "title_changed", "missing_email", "phone_switchboard_only",
    ):  # fmt: skip
        assert noise[kind] > 0, kind


def test_hard_negatives_colleagues_share_switchboard_and_domain() -> None:
    """Different people at one company: same switchboard digits or mail domain."""
    by_domain: dict[str, set[str]] = defaultdict(set)
    for record in sample():
        email = record["lead"].get("email")
        for address in [email] if isinstance(email, str) else email or []:
            domain = address.strip().lower().split("@")[1]
            if record["kind"] == "person" and domain not in gen.CN_FREE_MAIL + gen.EN_FREE_MAIL:
                by_domain[domain].add(record["cluster"])
    assert sum(1 for clusters in by_domain.values() if len(clusters) >= 2) > 20


def test_hard_negatives_namesakes_at_other_companies() -> None:
    names: dict[str, set[str]] = defaultdict(set)
    for record in sample():
        name = record["lead"].get("name")
        if record["kind"] == "person" and name and not record["noise"]:
            names[name].add(record["cluster"])
    assert any(len(clusters) >= 2 for clusters in names.values())


def test_hard_negatives_branches_are_accounts_of_their_own() -> None:
    branches = {
        r["cluster"]
        for r in generate(1500, seed=5)
        if r["kind"] == "account" and re.search(r"分公司", r["lead"].get("company", ""))
    }
    assert branches


def test_junk_entries_are_singletons() -> None:
    clusters = by_cluster(sample())
    junk = [members for members in clusters.values() if members[0]["kind"] == "junk"]
    assert junk
    assert all(len(members) == 1 for members in junk)


def test_command_line_writes_json_lines(tmp_path: Path) -> None:
    out = tmp_path / "leads.jsonl"
    assert gen.main(["--entities", "40", "--seed", "7", "--out", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == generate(40, seed=7)


@pytest.mark.parametrize("seed", [1, 2])
def test_entity_count_is_exact(seed: int) -> None:
    assert len(by_cluster(generate(100, seed=seed))) == 100
