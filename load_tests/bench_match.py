"""Microseconds per lead through normalize + keys + matching against five stored candidates.

What one check costs in pure Python before any I/O, beside the same baseline as
bench_normalize (phonenumbers parsing one number), so the ratio holds on a busy machine.
The issue's aim is well under 300 µs per lead. Run with `make bench`.
"""

from __future__ import annotations

import phonenumbers
from pytest_benchmark.fixture import BenchmarkFixture

from app.api import flows
from app.domain import match
from app.domain.policy import DEFAULT_POLICY
from app.domain.types import RawLead

INCOMING = RawLead(
    name="张伟",
    company="北京字节跳动科技有限公司",
    phone=("138-0013-8001",),
    email=("zhang.wei@bytedance.com",),
    title="采购经理",
    city="北京",
    source="web_form",
)
STORED = [
    RawLead(
        name=name,
        company=company,
        phone=(phone,),
        email=(email,),
        city="北京",
    )
    for name, company, phone, email in (
        ("张伟", "字节跳动", "+86 13800138001", "zhang.wei@bytedance.com"),
        ("张玮", "北京字节跳动科技有限公司", "010-8888 6666", "zw@bytedance.com"),
        ("李娜", "字节跳动科技", "+86 13912347788", "li.na@bytedance.com"),
        ("王芳", "北京字节跳动网络技术有限公司", "+86 13700137001", "wang.fang@bytedance.com"),
        ("张伟", "腾讯科技（深圳）有限公司", "+86 13600136001", "zhangwei@tencent.com"),
    )
]
CANDIDATES = [
    match.Stored(f"c{i}", "lead", flows.normalize_only(raw, "CN", DEFAULT_POLICY).lead)
    for i, raw in enumerate(STORED)
]


def _check(raw: RawLead) -> str:
    prepared = flows.normalize_only(raw, "CN", DEFAULT_POLICY)
    return match.match(prepared.lead, CANDIDATES, DEFAULT_POLICY).decision


def _normalize(raw: RawLead) -> tuple[str, ...]:
    return flows.normalize_only(raw, "CN", DEFAULT_POLICY).keys


def test_baseline_parse_one_number(benchmark: BenchmarkFixture) -> None:
    benchmark.group = "check"
    benchmark(phonenumbers.parse, "+86 138 0013 8001", "CN")


def test_normalize_only(benchmark: BenchmarkFixture) -> None:
    benchmark.group = "check"
    assert benchmark(_normalize, INCOMING)


def test_normalize_and_match_five_candidates(benchmark: BenchmarkFixture) -> None:
    benchmark.group = "check"
    assert benchmark(_check, INCOMING) == "duplicate"
