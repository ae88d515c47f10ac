"""A lean pool of PostgreSQL connections for the read every check that registers nothing
makes: the candidate lookup.

Borrowing a connection through SQLAlchemy's async engine and giving it back cost about
200 µs of CPU (a greenlet hop each way, a task to shield the close), as much as the
lookup itself on the driver, on the path every check takes. These reads need no
transaction and no SQLAlchemy: they borrow an asyncpg connection from a pool of their
own, opened on first use with the engine's bounds (connect timeout, statement timeout,
generic plans). Nothing sent on these connections changes session state, so a connection
goes back to the pool without asyncpg's reset statement (a round trip per check).
"""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine

from app.store.engine import (
    DRIVER_CONNECTION_ERRORS,
    driver_error,
    postgres_connect_args,
)


class _NoReset(asyncpg.Connection):  # type: ignore[misc]
    def get_reset_query(self) -> str:
        return ""


class HotReads:
    """Up to `size` connections, opened as needed and kept; `fetch` borrows one per call."""

    def __init__(
        self, dsn: str, *, size: int, timeout: float, statement_timeout: float | None
    ) -> None:
        self._dsn = dsn
        self._size = size
        self._timeout = timeout
        self._connect_args = postgres_connect_args(timeout, statement_timeout, True)
        self._pool: asyncpg.Pool | None = None
        self._opening = asyncio.Lock()

    @classmethod
    def of(
        cls, engine: AsyncEngine, *, size: int, timeout: float, statement_timeout: float | None
    ) -> HotReads | None:
        """For a PostgreSQL engine with `size` > 0, the pool beside it; else None (SQLite's
        reads are in-process already)."""
        if engine.dialect.name != "postgresql" or size <= 0:
            return None
        dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        return cls(dsn, size=size, timeout=timeout, statement_timeout=statement_timeout)

    async def fetch(self, sql: str, *args: Any) -> list[Any]:
        """The statement's rows; a failure is the store's error (StoreUnavailable: 503), and
        a connection that failed is closed rather than lent again."""
        pool = self._pool or await self._open()
        try:
            async with pool.acquire(timeout=self._timeout) as conn:
                try:
                    rows: list[Any] = await conn.fetch(sql, *args)
                except DRIVER_CONNECTION_ERRORS:
                    conn.terminate()
                    raise
        except (*DRIVER_CONNECTION_ERRORS, asyncpg.PostgresError) as exc:
            raise driver_error(exc) from exc
        return rows

    async def _open(self) -> asyncpg.Pool:
        async with self._opening:
            if self._pool is None:
                self._pool = await asyncpg.create_pool(
                    self._dsn,
                    min_size=0,
                    max_size=self._size,
                    connection_class=_NoReset,
                    **self._connect_args,
                )
        return self._pool

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None
