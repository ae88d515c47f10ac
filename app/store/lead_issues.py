"""The issues each stored lead had when it was registered, kept for the report's aggregates."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.types import Issue
from app.store.driver import execute_built
from app.store.tables import lead_issue

_FIELD_LENGTH = 50
_CODE_LENGTH = 64
_RANK = {"info": 0, "warning": 1, "error": 2}
_INSERT = insert(lead_issue)


def rows(tenant_id: str, lead_id: str, issues: Sequence[Issue]) -> list[dict[str, str]]:
    """One row per field and code.

    Two issues of one field and code (two invalid phones) are one row: the report
    counts leads with an issue, not its repeats. The most severe one is kept.
    """
    severities: dict[tuple[str, str], str] = {}
    for issue in issues:
        key = (issue.field[:_FIELD_LENGTH], issue.code[:_CODE_LENGTH])
        if _RANK[issue.severity] > _RANK.get(severities.get(key, ""), -1):
            severities[key] = issue.severity
    return [
        {"lead_id": lead_id, "tenant_id": tenant_id, "field": field, "code": code, "severity": sev}
        for (field, code), sev in severities.items()
    ]


async def record(
    conn: AsyncConnection, tenant_id: str, lead_id: str, issues: Sequence[Issue]
) -> None:
    """The lead's issue rows; a clean lead costs no round trip."""
    found = rows(tenant_id, lead_id, issues)
    if found:
        await execute_built(conn, _INSERT, found)
