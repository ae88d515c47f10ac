"""Engine, transactions and the dialect differences between SQLite and PostgreSQL.

Every store call runs inside `transaction()`, which turns a driver's
connection failures and timeouts into StoreUnavailable so the api can answer
503 instead of 500, and rolls back whatever the block wrote when anything fails.

Every wait on the database is bounded, so a request never hangs on it: a
connection from the pool (`timeout`), each statement (`statement_timeout`:
PostgreSQL cancels it server-side, lock waits included; SQLite gives up
waiting for the write lock after as long), and the network (asyncpg's
command timeout, a little longer than the statement timeout, for a server
that stops answering altogether).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    DBAPIError,
    DisconnectionError,
    IntegrityError,
    InterfaceError,
    OperationalError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from app.store.errors import Conflict, StoreFailed, StoreUnavailable

SQLITE_BUSY_TIMEOUT = 10.0
# Seconds the client waits past the statement timeout before it gives up on the server itself.
NETWORK_GRACE = 1.0
# Seconds a pooled PostgreSQL connection may sit unused before it is pinged on checkout.
IDLE_PING_SECONDS = 10.0

# SQLSTATE classes and codes that say "not now" rather than "never": connection
# exceptions (08), insufficient resources (53), operator intervention (57: a
# cancelled statement, a server shutting down), a lock not had in time, and
# the transaction rollbacks a retry resolves (serialization failure, deadlock).
RETRYABLE_CLASSES = ("08", "53", "57")
RETRYABLE_CODES = frozenset({"55P03", "40001", "40P01"})


def is_sqlite(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "sqlite"


def create_engine(
    url: str,
    *,
    pool_size: int = 10,
    timeout: float = 5.0,
    statement_timeout: float | None = None,
    generic_plans: bool = False,
) -> AsyncEngine:
    """An engine tuned per dialect: SQLite serialises writers, PostgreSQL pools connections.

    `statement_timeout` is the serving deadline (the app passes
    LEADGATE_DB_STATEMENT_TIMEOUT); None keeps the patient defaults of offline
    tools that read a whole tenant (training, cleaning). Statement parameters
    are kept out of error messages (`hide_parameters`): they hold personal
    data, and error messages end up in logs.

    `generic_plans` has PostgreSQL plan each prepared statement once per connection. The
    serving statements are short and indexed; left to itself, PostgreSQL re-planned the
    candidate lookup on every call on a 1M index (p50 2.2-2.9 ms against 1.8 ms with the
    generic plan). The report, whose aggregates do want per-call plans, has its own engine.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        busy = SQLITE_BUSY_TIMEOUT if statement_timeout is None else statement_timeout
        engine = create_async_engine(url, connect_args={"timeout": busy}, hide_parameters=True)
        _configure_sqlite(engine, busy_timeout_ms=int(busy * 1000))
        return engine
    connect_args = postgres_connect_args(timeout, statement_timeout, generic_plans)
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=0,
        pool_timeout=timeout,
        pool_recycle=1800,
        hide_parameters=True,
        connect_args=connect_args,
    )
    _ping_when_idle(engine)
    return engine


def postgres_connect_args(
    timeout: float, statement_timeout: float | None, generic_plans: bool
) -> dict[str, Any]:
    """asyncpg's connect arguments for these bounds, for the engine and the hot-read pool."""
    connect_args: dict[str, Any] = {"timeout": timeout, "command_timeout": timeout * 6}
    settings: dict[str, str] = {}
    if statement_timeout is not None:
        connect_args["command_timeout"] = statement_timeout + NETWORK_GRACE
        settings["statement_timeout"] = str(int(statement_timeout * 1000))
    if generic_plans:
        settings["plan_cache_mode"] = "force_generic_plan"
    if settings:
        connect_args["server_settings"] = settings
    return connect_args


def _ping_when_idle(engine: AsyncEngine) -> None:
    """Ping a pooled connection before use only when it sat idle for IDLE_PING_SECONDS.

    A ping on every checkout (pool_pre_ping) is a round trip per request, as much as the
    candidate lookup itself. A connection in steady use needs none: if the server went
    away, the first statement fails, the request gets 503, and the pool drops every
    connection opened before the failure, so the next request reconnects.
    """
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "checkin")
    def _on_checkin(_dbapi_conn: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(sync_engine, "checkout")
    def _on_checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < IDLE_PING_SECONDS:
            return
        try:
            sync_engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:
            raise DisconnectionError("the pooled connection is gone") from exc


def _configure_sqlite(engine: AsyncEngine, *, busy_timeout_ms: int) -> None:
    """WAL for concurrent readers, and BEGIN IMMEDIATE so two registrations never interleave."""
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlstate(exc: DBAPIError) -> str:
    return str(getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None) or "")


def _is_unavailable(exc: BaseException) -> bool:
    if isinstance(exc, OperationalError | InterfaceError | OSError | asyncio.TimeoutError):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    state = _sqlstate(exc)
    return (
        exc.connection_invalidated
        or state.startswith(RETRYABLE_CLASSES)
        or state in RETRYABLE_CODES
    )


@asynccontextmanager
async def transaction(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """One transaction: committed when the block ends, rolled back when it raises."""
    with _store_errors():
        async with engine.begin() as conn:
            yield conn


@asynccontextmanager
async def reading(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection for reads that need no transaction of their own.

    On PostgreSQL a statement sent with `driver_fetch` runs on its own, without the BEGIN
    and COMMIT round trips a transaction adds (they cost as much as the statement), and
    sees one consistent snapshot; anything sent through SQLAlchemy still opens a
    transaction, rolled back at the end. SQLite keeps its transaction: no round trip there.
    """
    with _store_errors():
        if is_sqlite(engine):
            async with engine.begin() as conn:
                yield conn
            return
        async with engine.connect() as conn:
            yield conn


@contextmanager
def _store_errors() -> Iterator[None]:
    """The driver's failures as the store's errors, so the api answers 409 or 503, never 500."""
    try:
        yield
    except IntegrityError as exc:
        raise Conflict(str(exc.orig)) from exc
    except PoolTimeout as exc:
        raise StoreUnavailable("no database connection was free in time") from exc
    except (TimeoutError, DBAPIError, OSError) as exc:
        if _is_unavailable(exc):
            raise StoreUnavailable("the database is unreachable or did not answer in time") from exc
        if isinstance(exc, DBAPIError):
            raise StoreFailed(type(exc.orig).__name__) from exc
        raise


async def ping(engine: AsyncEngine) -> None:
    """Raise StoreUnavailable unless the database answers a trivial query."""
    async with transaction(engine) as conn:
        await conn.execute(text("SELECT 1"))
