"""The statements a block sends on one connection: through SQLAlchemy and, on PostgreSQL,
straight on the driver (the hot lookup bypasses SQLAlchemy)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection


@asynccontextmanager
async def recorded(conn: AsyncConnection) -> AsyncIterator[list[str]]:
    statements: list[str] = []

    def on_execute(*args: Any) -> None:
        statements.append(str(args[2]))

    def on_driver(query: Any) -> None:
        statements.append(query.query)

    sync_conn = conn.sync_connection
    assert sync_conn is not None
    event.listen(sync_conn, "before_cursor_execute", on_execute)
    driver = None
    if conn.dialect.name == "postgresql":
        driver = (await conn.get_raw_connection()).driver_connection
        driver.add_query_logger(on_driver)
    try:
        yield statements
    finally:
        event.remove(sync_conn, "before_cursor_execute", on_execute)
        if driver is not None:
            driver.remove_query_logger(on_driver)
