"""The store's value types: what a stored lead looks like to the layers above."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.domain.types import NormalizedLead


@dataclass(frozen=True, slots=True)
class StoredLead:
    id: str
    tenant_id: str
    external_id: str | None
    entity: str
    group_id: str
    merged_into: str | None
    raw: dict[str, Any]
    normalized: dict[str, Any]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Candidate:
    """A live stored lead that shares at least one blocking key with the lead being checked."""

    id: str
    external_id: str | None
    entity: str
    group_id: str
    shared_keys: int
    lead: NormalizedLead


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    lead_id: str
    action: str
    at: datetime
    data: dict[str, Any]


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything the store writes is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)
