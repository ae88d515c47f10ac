"""Microseconds per full lead through normalize + validate + keys, beside a baseline.

The baseline is phonenumbers parsing one number, the cheapest thing a lead
cleaner must do at all; the ratio holds on a noisy shared machine where the
absolute figure does not. Every round starts with the parse caches empty: a lead
the service has never seen is the case to measure, not a repeat. The pool round
is 300 distinct generated leads (divide its time by 300). Run with `make bench`.
"""

from __future__ import annotations

import phonenumbers
from pytest_benchmark.fixture import BenchmarkFixture

from app.api.schemas.lead import Lead
from app.domain import address, company, person
from app.domain.keys import blocking_keys
from app.domain.normalize import normalize_lead
from app.domain.types import RawLead
from load_tests.seed import region_of, requests

TYPICAL = RawLead(
    name="张伟 先生",
    company="北京字节跳动科技有限公司",
    uscc="91110108MA01C3D55X",
    phone=("+86 138-0013-8001 / 010-8888 6666转123",),
    email=("Zhang.Wei@ByteDance.com",),
    website="https://www.bytedance.com/about",
    title="采购经理",
    address="北京市海淀区知春路 1 号",
    city="北京",
    source="web_form",
)
ENGLISH = RawLead(
    name="Robert Smith",
    company="Acme Widgets, Inc.",
    phone=("(415) 555-2671 ext. 12",),
    email=("Bob.Smith+crm@gmail.com",),
    website="acme-widgets.com",
    title="VP Sales",
    city="San Francisco",
    country="US",
)


POOL = [(Lead.model_validate(r["lead"]).to_domain(), region_of(r)) for r in requests(5, 300, 0.25)]


def _cold() -> None:
    for parse in (person.parse_person, company.parse_company, address.parse_address):
        parse.cache_clear()


def _normalize_and_key(raw: RawLead, region: str) -> tuple[str, ...]:
    _cold()
    lead, _ = normalize_lead(raw, region)
    return blocking_keys(lead)


def _normalize_pool() -> int:
    _cold()
    return sum(len(blocking_keys(normalize_lead(raw, region)[0])) for raw, region in POOL)


def test_baseline_parse_one_number(benchmark: BenchmarkFixture) -> None:
    benchmark.group = "normalize"
    benchmark(phonenumbers.parse, "+86 138 0013 8001", "CN")


def test_chinese_lead(benchmark: BenchmarkFixture) -> None:
    benchmark.group = "normalize"
    assert benchmark(_normalize_and_key, TYPICAL, "CN")


def test_english_lead(benchmark: BenchmarkFixture) -> None:
    benchmark.group = "normalize"
    assert benchmark(_normalize_and_key, ENGLISH, "US")


def test_300_distinct_generated_leads(benchmark: BenchmarkFixture) -> None:
    benchmark.group = "normalize"
    assert benchmark(_normalize_pool) > len(POOL)
