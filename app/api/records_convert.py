"""From the record flows' results to the response bodies of merge, groups and reviews."""

from __future__ import annotations

from typing import Any

from app.api import convert
from app.api.records_flows import Group
from app.api.schemas import records as schemas
from app.api.schemas.lead import NormalizedLead
from app.domain.types import normalized_from_dict
from app.store import merges, reviews


def merge_result(merged: merges.Merged) -> schemas.MergeResult:
    return schemas.MergeResult(
        lead=convert.stored_lead(merged.lead), into=convert.stored_lead(merged.into)
    )


def group(found: Group) -> schemas.Group:
    return schemas.Group(
        id=found.id,
        members=[convert.stored_lead(m) for m in found.members],
        touchpoints=[
            schemas.Touchpoint(
                lead_id=t.lead_id, source=t.source, external_id=t.external_id, at=t.at.isoformat()
            )
            for t in found.touchpoints
        ],
    )


def _normalized(data: dict[str, Any] | None) -> NormalizedLead | None:
    return None if data is None else NormalizedLead.from_domain(normalized_from_dict(data))


def review(item: reviews.Review) -> schemas.Review:
    return schemas.Review(
        id=item.id,
        status=item.status,
        lead_id=item.lead_id,
        candidate_id=item.candidate_id,
        lead=_normalized(item.lead),
        candidate=_normalized(item.candidate),
        rule=item.rule,
        score=item.score,
        explain=item.explain,
        created_at=item.created_at.isoformat(),
        reviewer=item.reviewer,
        resolved_at=None if item.resolved_at is None else item.resolved_at.isoformat(),
    )
