"""Engine, transactions and the dialect differences between SQLite and PostgreSQL.

Every store call runs inside `transaction()`, which turns a driver's
connection failures into StoreUnavailable so the api can answer 503 instead of
500, and rolls back whatever the block wrote when anything fails.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from app.store.errors import Conflict, StoreFailed, StoreUnavailable

SQLITE_BUSY_TIMEOUT_MS = 10_000


def is_sqlite(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "sqlite"


def create_engine(url: str, *, pool_size: int = 10, timeout: float = 5.0) -> AsyncEngine:
    """An engine tuned per dialect: SQLite serialises writers, PostgreSQL pools connections."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_async_engine(url, connect_args={"timeout": timeout})
        _configure_sqlite(engine)
        return engine
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_timeout=timeout,
        pool_pre_ping=True,
        pool_recycle=1800,
        connect_args={"timeout": timeout, "command_timeout": timeout * 6},
    )


def _configure_sqlite(engine: AsyncEngine) -> None:
    """WAL for concurrent readers, and BEGIN IMMEDIATE so two registrations never interleave."""
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _is_unavailable(exc: BaseException) -> bool:
    if isinstance(exc, OperationalError | InterfaceError | OSError | asyncio.TimeoutError):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


@asynccontextmanager
async def transaction(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """One transaction: committed when the block ends, rolled back when it raises."""
    try:
        async with engine.begin() as conn:
            yield conn
    except IntegrityError as exc:
        raise Conflict(str(exc.orig)) from exc
    except (TimeoutError, DBAPIError, OSError) as exc:
        if _is_unavailable(exc):
            raise StoreUnavailable("the database is unreachable") from exc
        if isinstance(exc, DBAPIError):
            raise StoreFailed(type(exc.orig).__name__) from exc
        raise


async def ping(engine: AsyncEngine) -> None:
    """Raise StoreUnavailable unless the database answers a trivial query."""
    async with transaction(engine) as conn:
        await conn.execute(text("SELECT 1"))
