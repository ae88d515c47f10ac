"""Statements sent on asyncpg itself, past SQLAlchemy, on PostgreSQL's hot paths.

SQLAlchemy's execute costs ~120 µs of CPU a statement past the driver's (an audit insert:
181-212 µs against 67), and each statement is a round trip of its own: a check's lookup
and a registration's writes are sent here instead. Their errors become the store's, as
`transaction` makes SQLAlchemy's, so the api still answers 409 or 503, never 500.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeVar

import asyncpg
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import UpdateBase

from app.store.engine import RETRYABLE_CLASSES, RETRYABLE_CODES
from app.store.errors import Conflict, StoreFailed, StoreUnavailable

_T = TypeVar("_T")

# What asyncpg raises when the connection, not the statement, failed: the connection is
# not to be used again. InternalClientError is a connection the server ended between two
# statements, met before asyncpg noticed it closed.
DRIVER_CONNECTION_ERRORS = (
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
    OSError,
    TimeoutError,
)


def driver_error(exc: BaseException) -> StoreUnavailable | StoreFailed | Conflict:
    """An asyncpg failure as the store's error: 503 for "not now", Conflict for a write a
    constraint refused (as `transaction` answers SQLAlchemy's IntegrityError), StoreFailed
    otherwise."""
    if isinstance(exc, asyncpg.IntegrityConstraintViolationError):
        return Conflict(str(exc))
    if isinstance(exc, asyncpg.PostgresError):
        state = str(exc.sqlstate or "")
        if state.startswith(RETRYABLE_CLASSES) or state in RETRYABLE_CODES:
            return StoreUnavailable("the database did not answer in time")
        return StoreFailed(type(exc).__name__)
    return StoreUnavailable("the database is unreachable or did not answer in time")


async def driver_fetch(
    conn: AsyncConnection, sql: str, *args: Any, within: float | None = None
) -> list[Any]:
    """Run one PostgreSQL statement on the asyncpg connection under `conn`; the driver
    prepares and caches the statement itself. `within`: seconds the driver waits for the
    answer, instead of the connection's own bound."""
    driver = await _driver(conn)
    assert driver is not None
    rows: list[Any] = await _on_driver(conn, driver.fetch(sql, *args, timeout=within))
    return rows


async def execute_built(
    conn: AsyncConnection,
    statement: UpdateBase,
    values: Mapping[str, Any] | Sequence[Mapping[str, Any]],
) -> None:
    """`conn.execute(statement, values)` for a write built once (at import), on PostgreSQL
    sent by the driver inside the transaction already begun; inside `together`, held until
    the block ends.

    The statement is compiled once per set of columns, and its parameters go through the
    dialect's own bind processors, so the driver receives what SQLAlchemy would send.
    SQLAlchemy sends BEGIN with a transaction's first statement: before that one, and on
    SQLite, the statement goes through SQLAlchemy.
    """
    rows = [values] if isinstance(values, Mapping) else values
    driver = await _driver(conn) if conn.dialect.name == "postgresql" and rows else None
    held = _HELD.get()
    held = held if held is not None and held.conn is conn else None
    if driver is None or not driver.is_in_transaction() or not _same_columns(rows):
        if held is not None:
            await _send(held)  # in the order they were made
        await conn.execute(statement, values)
        return
    plan = _compiled(statement, conn.dialect, tuple(rows[0]))
    arguments = [plan.arguments(row) for row in rows]
    if held is not None:
        held.writes.extend((plan, one) for one in arguments)
    elif len(arguments) == 1:
        await _on_driver(conn, driver.execute(plan.sql, *arguments[0]))
    else:
        await _on_driver(conn, driver.executemany(plan.sql, arguments))


@asynccontextmanager
async def together(conn: AsyncConnection) -> AsyncIterator[None]:
    """The block's `execute_built` writes sent as one statement when it ends (each a
    data-modifying WITH query of it): one round trip instead of one a row, for the six
    tables a registration writes. Nothing in the block may read what it wrote."""
    held = _Held(conn)
    token = _HELD.set(held)
    try:
        yield
    finally:
        _HELD.reset(token)
    await _send(held)


@dataclass(slots=True)
class _Held:
    conn: AsyncConnection
    writes: list[tuple[_Compiled, list[Any]]] = field(default_factory=list)


_HELD: ContextVar[_Held | None] = ContextVar("leadgate_held_writes", default=None)


async def _send(held: _Held) -> None:
    writes, held.writes = held.writes, []
    if not writes:
        return
    driver = await _driver(held.conn)
    assert driver is not None
    sql = writes[0][0].sql if len(writes) == 1 else _together(tuple(p for p, _ in writes))
    arguments = [value for _, row in writes for value in row]
    await _on_driver(held.conn, driver.execute(sql, *arguments))


async def _driver(conn: AsyncConnection) -> asyncpg.Connection | None:
    raw = await conn.get_raw_connection()
    return raw.driver_connection


async def _on_driver(conn: AsyncConnection, call: Awaitable[_T]) -> _T:
    """A connection that failed is invalidated so the pool does not hand it out again."""
    try:
        return await call
    except DRIVER_CONNECTION_ERRORS as exc:
        await conn.invalidate(exc)
        raise driver_error(exc) from exc
    except asyncpg.PostgresError as exc:
        raise driver_error(exc) from exc


def _same_columns(rows: Sequence[Mapping[str, Any]]) -> bool:
    first = rows[0].keys()
    return all(row.keys() == first for row in rows)


@dataclass(frozen=True, slots=True, eq=False)
class _Compiled:
    sql: str
    names: tuple[str, ...]
    processors: tuple[Callable[[Any], Any] | None, ...]
    compiled: SQLCompiler

    def arguments(self, row: Mapping[str, Any]) -> list[Any]:
        """The row's values in the statement's order, literals of the statement included."""
        params = self.compiled.construct_params(row)
        return [
            params[name] if process is None else process(params[name])
            for name, process in zip(self.names, self.processors, strict=True)
        ]


COMPILED_KEPT = 64  # statements built once, each with the column sets it is written with


@lru_cache(maxsize=COMPILED_KEPT)
def _compiled(statement: UpdateBase, dialect: Dialect, columns: tuple[str, ...]) -> _Compiled:
    compiled = statement.compile(dialect=dialect, column_keys=list(columns))
    names = tuple(compiled.positiontup or ())
    processors = tuple(
        compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names
    )
    if len(set(_PLACEHOLDER.findall(compiled.string))) != len(names):
        raise ValueError(f"not one placeholder a parameter: {compiled.string}")
    return _Compiled(compiled.string, names, processors, compiled)


_PLACEHOLDER = re.compile(r"\$(\d+)")
TOGETHER_KEPT = 256  # registrations differ in their numbers of keys and issues


@lru_cache(maxsize=TOGETHER_KEPT)
def _together(plans: tuple[_Compiled, ...]) -> str:
    """`WITH w0 AS (INSERT …), w1 AS (…) … SELECT 1`, each statement's parameters numbered
    after the ones before it. PostgreSQL runs every data-modifying WITH query once, to
    completion, whether or not the main query reads it; foreign keys are checked when the
    whole statement ends, so a lead and its keys may go in the same one."""
    parts, offset = [], 0
    for n, plan in enumerate(plans):
        parts.append(f"w{n} AS ({_renumbered(plan.sql, offset)})")
        offset += len(plan.names)
    return "WITH " + ",\n".join(parts) + "\nSELECT 1"


def _renumbered(sql: str, offset: int) -> str:
    return _PLACEHOLDER.sub(lambda m: f"${int(m[1]) + offset}", sql)
