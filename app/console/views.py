"""What a page shows, worked out from the flows' results: pure, so it is tested without a browser.

A review is shown as rows, one per field either record has: the checked
record, the stored candidate, what the candidate would hold after *same*
(the survivorship policy the merge itself runs), whether the two differ, and
the comparison level and weight that `explain` recorded when the rule fired.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit

from app.domain import survivorship
from app.store.records import AuditEntry
from app.store.reviews import Review

SHOWN_FIELDS = (
    "name",
    "company",
    "uscc",
    "phone",
    "email",
    "website",
    "title",
    "address",
    "city",
    "region",
    "postcode",
    "country",
    "source",
    "external_id",
    "entity",
)
State = Literal["same", "differs", "left_only", "right_only"]


@dataclass(frozen=True, slots=True)
class FieldRow:
    field: str
    left: str
    right: str
    after: str
    """The survivor's value after *same*."""
    state: State
    level: str | None = None
    weight: float | None = None
    similarity: float | None = None


def show(value: Any) -> str:
    """A stored value as one line of text: lists joined, maps as key=value, empty as ''."""
    if survivorship.is_empty(value):
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(show(v) for v in value if not survivorship.is_empty(v))
    if isinstance(value, Mapping):
        return ", ".join(f"{k}={show(v)}" for k, v in value.items())
    return str(value)


def _same(left: Any, right: Any) -> bool:
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        return set(map(str, left)) == set(map(str, right))
    return show(left) == show(right)


def _state(left: Any, right: Any) -> State | None:
    left_empty, right_empty = survivorship.is_empty(left), survivorship.is_empty(right)
    if left_empty and right_empty:
        return None
    if right_empty:
        return "left_only"
    if left_empty:
        return "right_only"
    return "same" if _same(left, right) else "differs"


def _explained(explain: Mapping[str, Any], field: str) -> dict[str, Any]:
    """The field's entry of `explain` when it has the per-field shape, else nothing."""
    entry = explain.get(field)
    return dict(entry) if isinstance(entry, Mapping) and "level" in entry else {}


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _field_names(lead: Mapping[str, Any], candidate: Mapping[str, Any]) -> list[str]:
    attributes = [
        f"attributes.{k}"
        for k in dict.fromkeys([*lead.get("attributes", {}), *candidate.get("attributes", {})])
    ]
    return [*SHOWN_FIELDS, *attributes]


def _value(record: Mapping[str, Any], field: str) -> Any:
    if field.startswith("attributes."):
        attributes = record.get("attributes")
        return attributes.get(field.split(".", 1)[1]) if isinstance(attributes, Mapping) else None
    return record.get(field)


def merge_preview(
    lead: Mapping[str, Any], candidate: Mapping[str, Any], *, lead_is_newer: bool
) -> dict[str, Any]:
    """The candidate after *same*: the review merges the checked record into the candidate."""
    return survivorship.survive(candidate, lead, other_is_newer=lead_is_newer)


def field_rows(
    lead: Mapping[str, Any],
    candidate: Mapping[str, Any],
    explain: Mapping[str, Any],
    *,
    lead_is_newer: bool,
) -> list[FieldRow]:
    """Side by side, field by field; fields both records lack are left out."""
    after = merge_preview(lead, candidate, lead_is_newer=lead_is_newer)
    rows = []
    for field in _field_names(lead, candidate):
        left, right = _value(lead, field), _value(candidate, field)
        state = _state(left, right)
        if state is None:
            continue
        why = _explained(explain, field)
        rows.append(
            FieldRow(
                field=field,
                left=show(left),
                right=show(right),
                after=show(_value(after, field)),
                state=state,
                level=str(why["level"]) if why else None,
                weight=_number(why.get("weight")),
                similarity=_number(why.get("similarity")),
            )
        )
    return rows


def other_fields(explain: Mapping[str, Any], shown: Sequence[FieldRow]) -> list[tuple[str, str]]:
    """Explanation entries no row shows (compared fields both records lack, or an older shape)."""
    seen = {row.field for row in shown if row.level is not None}
    return [
        (k, show(v)) for k, v in explain.items() if k not in seen and not _explained(explain, k)
    ]


@dataclass(frozen=True, slots=True)
class ReviewCard:
    """One pair of the queue as the page shows it."""

    review: Review
    rows: list[FieldRow]
    others: list[tuple[str, str]]
    age: tuple[str, int]


def review_card(review: Review, *, lead_is_newer: bool, now: datetime) -> ReviewCard | None:
    """The pair side by side; None when a record of it is gone (the queue leaves those out)."""
    if review.lead is None or review.candidate is None:
        return None
    rows = field_rows(review.lead, review.candidate, review.explain, lead_is_newer=lead_is_newer)
    return ReviewCard(review, rows, other_fields(review.explain, rows), age(review.created_at, now))


def record_rows(normalized: Mapping[str, Any]) -> list[tuple[str, str]]:
    """A record's fields that hold something, in the queue's order, then its attributes."""
    rows = [(f, show(normalized.get(f))) for f in SHOWN_FIELDS]
    attributes = normalized.get("attributes")
    if isinstance(attributes, Mapping):
        rows += [(f"attributes.{k}", show(v)) for k, v in attributes.items()]
    return [(field, text) for field, text in rows if text]


def age(then: datetime, now: datetime) -> tuple[str, int]:
    """How long ago, as a catalogue key and a count: ("age_hours", 3)."""
    seconds = max(0.0, (now - then).total_seconds())
    if seconds < timedelta(hours=1).total_seconds():
        return "age_minutes", int(seconds // 60)
    if seconds < timedelta(days=1).total_seconds():
        return "age_hours", int(seconds // 3600)
    return "age_days", int(seconds // 86400)


@dataclass(frozen=True, slots=True)
class HistoryRow:
    entry: AuditEntry
    other: str | None
    """The other record of a merge or unmerge."""
    undo: str | None
    """The id to unmerge to undo this merge; None when it is not the record's live merge."""


def history_rows(entries: Sequence[AuditEntry]) -> list[HistoryRow]:
    """The trail, newest first; a merge that no later unmerge undid offers *undo*."""
    undone = {e.data.get("merge_id") for e in entries if e.action == "unmerged"}
    rows = []
    for entry in reversed(entries):
        data = entry.data
        other = None
        undo = None
        if entry.action in ("merged", "unmerged") and data:
            role = data.get("role")
            other = data.get("into") if role == "merged" else data.get("lead")
            if entry.action == "merged" and data.get("merge_id") not in undone:
                undo = data.get("lead")
        rows.append(HistoryRow(entry, other, undo))
    return rows


def safe_back(target: str | None, default: str) -> str:
    """A console path to return to; anything else (another host, a scheme) gives the default."""
    if not target:
        return default
    parts = urlsplit(target)
    inside = parts.path == "/console" or parts.path.startswith("/console/")
    if parts.scheme or parts.netloc or not inside:
        return default
    if "\\" in target or target.startswith("//"):
        return default
    return target


def with_query(path: str, **params: str | None) -> str:
    """`path` with these query parameters set (None drops one), the others kept."""
    parts = urlsplit(path)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    query = urlencode(kept + [(k, v) for k, v in params.items() if v is not None])
    return parts.path + (f"?{query}" if query else "")
