"""The shared request counter behind the rate limit: one row per tenant and second.

Every replica counts in the same row, so N replicas admit the tenant's rate in
total, not N times it. Rows older than a minute are dropped by the first hit of
each second, so the table stays a few rows per tenant.
"""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from app.store.tables import rate_window

KEEP_SECONDS = 60


async def hit(conn: AsyncConnection, tenant_id: str, second: int) -> int:
    """Count one request in this second; the count so far, this one included."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(rate_window).values(tenant_id=tenant_id, second=second, hits=1)
    statement = statement.on_conflict_do_update(
        index_elements=[rate_window.c.tenant_id, rate_window.c.second],
        set_={"hits": rate_window.c.hits + 1},
    ).returning(rate_window.c.hits)
    hits = int((await conn.execute(statement)).scalar_one())
    if hits == 1:
        await conn.execute(
            delete(rate_window).where(
                rate_window.c.tenant_id == tenant_id,
                rate_window.c.second < second - KEEP_SECONDS,
            )
        )
    return hits
