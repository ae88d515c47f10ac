"""The console's pure parts: the session cookie, the side-by-side rows, history, charts, words."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from app.console import charts, i18n, session, views
from app.store.records import AuditEntry

KEY = b"k" * 32
NOW = 1_800_000_000.0


class TestSession:
    def test_round_trip_keeps_everything(self) -> None:
        made = session.signed_in(NOW, "tenant-1", "王芳", "ab" * 32)
        assert session.decode(session.encode(made, KEY), KEY, NOW + 60) == made
        assert made.signed_in and not session.new_session(NOW).signed_in

    @pytest.mark.parametrize(
        ("value", "at", "accepted"),
        [
            ("fresh", NOW, True),
            ("fresh", NOW + session.LIFETIME.total_seconds(), True),
            ("fresh", NOW + session.LIFETIME.total_seconds() + 1, False),
            ("fresh", NOW - session.CLOCK_SKEW_SECONDS, True),
            ("fresh", NOW - session.CLOCK_SKEW_SECONDS - 1, False),
            ("other-key", NOW, False),
            ("payload-changed", NOW, False),
            ("mac-dropped", NOW, False),
            ("", NOW, False),
            ("a.b", NOW, False),
            ("é.é", NOW, False),
            ("x" * 5000, NOW, False),
        ],
    )
    def test_decode_refuses_what_it_did_not_sign_in_time(
        self, value: str, at: float, accepted: bool
    ) -> None:
        made = session.signed_in(NOW, "t", "Ana")
        good = session.encode(made, KEY)
        payload, mac = good.split(".")
        forged = {
            "fresh": good,
            "other-key": session.encode(made, b"z" * 32),
            "payload-changed": session.encode(replace(made, tenant_id="u"), KEY).split(".")[0]
            + "."
            + mac,
            "mac-dropped": payload,
        }.get(value, value)
        assert (session.decode(forged, KEY, at) is not None) is accepted

    def test_csrf_token_must_match_the_sessions(self) -> None:
        made = session.new_session(NOW)
        assert session.csrf_ok(made, made.csrf)
        for token in (None, "", made.csrf + "x", session.new_session(NOW).csrf):
            assert not session.csrf_ok(made, token)
        assert not session.csrf_ok(None, made.csrf)
        assert session.signed_in(NOW, "t", "Ana").csrf != made.csrf, "signing in rotates it"


CHECKED = {
    "name": "王伟",
    "company": "字节跳动",
    "phone": ["+8613511112222"],
    "email": [],
    "title": "采购总监",
    "entity": "lead",
    "attributes": {"dob": "1990-01-02"},
}
CANDIDATE = {
    "name": "王伟",
    "company": "北京字节跳动科技有限公司",
    "phone": ["+8613971824503"],
    "email": ["wangwei@bytedance.com"],
    "title": None,
    "entity": "lead",
    "attributes": {},
}
EXPLAIN = {
    "name": {"level": "exact", "similarity": 1.0, "weight": 8.6},
    "phone": {"level": "different", "similarity": 0.0, "weight": -3.3},
    "uscc": {"level": "missing", "similarity": 0.0, "weight": 0.0},
}


def test_field_rows_show_differences_levels_and_the_merge_preview() -> None:
    rows = {r.field: r for r in views.field_rows(CHECKED, CANDIDATE, EXPLAIN, lead_is_newer=True)}
    assert list(rows) == ["name", "company", "phone", "email", "title", "entity", "attributes.dob"]
    expected = {
        "name": ("same", "exact", 8.6, "王伟"),
        "company": ("differs", None, None, "字节跳动"),
        "phone": ("differs", "different", -3.3, "+8613511112222, +8613971824503"),
        "email": ("right_only", None, None, "wangwei@bytedance.com"),
        "title": ("left_only", None, None, "采购总监"),
        "entity": ("same", None, None, "lead"),
        "attributes.dob": ("left_only", None, None, "1990-01-02"),
    }
    for field, (state, level, weight, after) in expected.items():
        row = rows[field]
        assert (row.state, row.level, row.weight, row.after) == (state, level, weight, after), field
    older = {
        r.field: r.after for r in views.field_rows(CHECKED, CANDIDATE, EXPLAIN, lead_is_newer=False)
    }
    assert older["company"] == "北京字节跳动科技有限公司", "the newer record's value survives"
    assert views.other_fields(EXPLAIN, list(rows.values())) == []
    assert views.other_fields({"fields": {"name": 0.9}}, []) == [("fields", "name=0.9")]


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (None, "/console/reviews"),
        ("/console/report?days=7", "/console/report?days=7"),
        ("/consolexyz", "/console/reviews"),
        ("https://evil.example/console", "/console/reviews"),
        ("//evil.example/console", "/console/reviews"),
        ("/console\\..\\x", "/console/reviews"),
        ("javascript:alert(1)", "/console/reviews"),
        ("/v1/leads", "/console/reviews"),
    ],
)
def test_safe_back(target: str | None, expected: str) -> None:
    assert views.safe_back(target, "/console/reviews") == expected


def test_with_query_sets_and_drops_parameters_keeping_the_rest() -> None:
    here = "/console/reviews?source=web+form&rule=a%26b&done=x"
    assert views.with_query(here, done=None, page="2") == (
        "/console/reviews?source=web+form&rule=a%26b&page=2"
    )
    assert views.with_query("/console/reviews", done=None) == "/console/reviews"


def _entry(i: int, action: str, **data: object) -> AuditEntry:
    return AuditEntry(i, "lead", action, datetime(2026, 1, i, tzinfo=UTC), dict(data))


def test_history_offers_undo_only_on_a_merge_not_undone() -> None:
    trail = [
        _entry(1, "created"),
        _entry(2, "merged", merge_id="m1", role="survivor", lead="x", into="lead"),
        _entry(3, "unmerged", merge_id="m1", role="survivor", lead="x", into="lead"),
        _entry(4, "merged", merge_id="m2", role="survivor", lead="y", into="lead"),
        _entry(5, "merged", merge_id="m3", role="merged", lead="lead", into="z"),
        _entry(6, "purged"),
    ]
    rows = views.history_rows(trail)
    assert [(r.entry.id, r.other, r.undo) for r in rows] == [
        (6, None, None),
        (5, "z", "lead"),
        (4, "y", "y"),
        (3, "x", None),
        (2, "x", None),
        (1, None, None),
    ]
    assert views.history_rows([_entry(1, "merged")])[0].undo is None, "a purged trail"


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (0, ("age_minutes", 0)),
        (3599, ("age_minutes", 59)),
        (7200, ("age_hours", 2)),
        (86400 * 3, ("age_days", 3)),
        (-50, ("age_minutes", 0)),
    ],
)
def test_age(seconds: int, expected: tuple[str, int]) -> None:
    now = datetime(2026, 1, 10, tzinfo=UTC)
    assert views.age(now - timedelta(seconds=seconds), now) == expected


def test_ring_and_bars_scale_to_their_figures() -> None:
    assert charts.ring(0.5).arc == pytest.approx(charts.ring(0.5).circumference / 2, abs=0.01)
    assert charts.ring(None).arc == 0 and charts.ring(1.7).arc == charts.ring(1.0).arc
    drawn = charts.bars([("a", 10, "10", "x"), ("b", 5, "5", "y"), ("c", 0, "0", "z")], scale=10)
    assert [b.width for b in drawn.bars] == [drawn.track_width, drawn.track_width / 2, 0]
    assert [b.y for b in drawn.bars] == [0, drawn.row, 2 * drawn.row]
    assert charts.bars([], scale=0).bars == []


def test_columns_stack_sources_per_day_on_a_round_axis() -> None:
    first = date(2026, 11, 1)
    counts = [
        (first, "web", 3),
        (first, None, 1),
        (first + timedelta(days=2), "web", 2),
        (first + timedelta(days=2), "expo", 4),
        (first + timedelta(days=9), "web", 1),
    ]
    drawn = charts.columns(counts, first, first + timedelta(days=2), unnamed="(none)")
    assert [c.total for c in drawn.columns] == [4, 0, 6], "every day, empty ones too"
    assert drawn.legend == ["web", "expo", "(none)"]
    assert [t[1] for t in drawn.ticks] == [0, 5, 10]
    day_three = drawn.columns[2].segments
    assert sum(s.height for s in day_three) == pytest.approx(
        (drawn.height - drawn.bottom - 12) * 6 / 10, abs=0.05
    )
    many = [(first, f"s{i}", 10 - i) for i in range(9)]
    assert charts.columns(many, first, first).legend[-1] == "other"
    assert charts.columns([], first, first).legend == []


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        (None, "en"),
        ("", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        ("en-GB,en;q=0.9,zh;q=0.8", "en"),
        ("fr, zh-Hant;q=0.4", "zh"),
        ("zh;q=0.3, en;q=0.7", "en"),
        ("zh;q=0", "en"),
        ("zh;q=abc", "en"),
        ("ZH-cn", "zh"),
        ("*", "en"),
    ],
)
def test_language_from_accept_language(header: str | None, lang: str) -> None:
    assert i18n.choose(header) == lang


def test_both_languages_have_every_label() -> None:
    assert set(i18n.CATALOGUE["zh"]) == set(i18n.CATALOGUE["en"])
    t = i18n.translator("zh")
    assert t("open_count", n=3) == "3 条待审" and t("no-such-key") == "no-such-key"
