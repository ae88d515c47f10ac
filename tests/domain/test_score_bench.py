"""How long scoring a typical lead with five events takes (run with --benchmark-enable)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from app.domain.score import Event, score_lead
from app.domain.score_model import DEFAULT_SCORING_MODEL
from app.domain.types import Issue, NormalizedLead

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
LEAD = NormalizedLead(
    name="李伟",
    company="北京字节跳动科技有限公司",
    uscc="91110108551385082Q",
    phone=("+8613912347788", "+861088886666"),
    phone_kinds=("mobile", "fixed_line"),
    email=("li.wei@bytedance.com",),
    email_domains=("bytedance.com",),
    title="销售总监",
    region="北京市",
    source="web_form",
    attributes={"employees": 1200, "industry": "互联网"},
)
ISSUES = (Issue("email", "role_email", "warning", "sales@bytedance.com is a shared role mailbox"),)
EVENTS = (
    Event("visit_pricing", NOW - timedelta(days=2), 3),
    Event("email_open", NOW - timedelta(days=5), 4),
    Event("email_click", NOW - timedelta(days=5)),
    Event("content_download", NOW - timedelta(days=40)),
    Event("demo_request", NOW - timedelta(hours=3)),
)


@pytest.mark.benchmark
def test_benchmark_score_lead(benchmark: BenchmarkFixture) -> None:
    result = benchmark(score_lead, LEAD, ISSUES, EVENTS, DEFAULT_SCORING_MODEL, NOW)
    assert sum(r.points for r in result.reasons) == result.score
