"""A lean pool of PostgreSQL connections for the read every check that registers nothing
makes: the candidate lookup.

Borrowing a connection through SQLAlchemy's async engine and giving it back cost about
200 µs of CPU (a greenlet hop each way, a task to shield the close), as much as the
lookup itself on the driver, on the path every check takes. These reads need no
transaction and no SQLAlchemy: they borrow an asyncpg connection from a pool of their
own, opened on first use with the engine's bounds (connect timeout, statement timeout,
generic plans).

The pool is a list of idle connections, not asyncpg's Pool: that one runs a task to
time each borrow and another to shield each return, about 80 µs of CPU per lookup, a
third of the lookup's own. Nothing sent on these connections changes session state, so
a connection goes back as it is; one whose statement failed on the way (the connection,
not the statement) or was cancelled part-way is closed instead, its state unknown.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine

from app.store.driver import DRIVER_CONNECTION_ERRORS, driver_error
from app.store.engine import postgres_connect_args
from app.store.errors import StoreUnavailable


class HotReads:
    """Up to `size` connections, opened as needed and kept; `fetch` borrows one per call and
    waits up to `timeout` for one when all are lent."""

    def __init__(
        self, dsn: str, *, size: int, timeout: float, statement_timeout: float | None
    ) -> None:
        self._dsn = dsn
        self._size = size
        self._timeout = timeout
        self._connect_args = postgres_connect_args(timeout, statement_timeout, True)
        self._idle: list[asyncpg.Connection] = []
        self._opened = 0
        self._waiting: deque[asyncio.Future[asyncpg.Connection | None]] = deque()
        self._closed = False

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
        try:
            conn = self._idle_one() or await self._borrow()
        except (*DRIVER_CONNECTION_ERRORS, asyncpg.PostgresError) as exc:
            raise driver_error(exc) from exc
        try:
            rows: list[Any] = await conn.fetch(sql, *args)
        except asyncpg.PostgresError as exc:
            self._give_back(conn)
            raise driver_error(exc) from exc
        except BaseException as exc:
            self._discard(conn)
            if isinstance(exc, DRIVER_CONNECTION_ERRORS):
                raise driver_error(exc) from exc
            raise
        self._give_back(conn)
        return rows

    async def _borrow(self) -> asyncpg.Connection:
        """An idle connection, a new one while fewer than `size` are open, else the next one
        given back within the timeout."""
        deadline = asyncio.get_running_loop().time() + self._timeout
        while True:
            idle = self._idle_one()
            if idle is not None:
                return idle
            if self._opened < self._size:
                self._opened += 1
                try:
                    opened: asyncpg.Connection = await asyncpg.connect(
                        self._dsn, **self._connect_args
                    )
                except BaseException:
                    self._opened -= 1
                    raise
                return opened
            given = await self._wait(deadline)
            if given is not None:
                return given

    def _idle_one(self) -> asyncpg.Connection | None:
        """The most recently given back connection still open; one the server closed
        meanwhile is dropped, its place free again."""
        while self._idle:
            conn = self._idle.pop()
            if not conn.is_closed():
                return conn
            self._opened -= 1
        return None

    async def _wait(self, deadline: float) -> asyncpg.Connection | None:
        """The connection the next `_give_back` hands over, or None when one was closed
        (room to open another)."""
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[asyncpg.Connection | None] = loop.create_future()
        self._waiting.append(waiter)
        try:
            return await asyncio.wait_for(waiter, max(deadline - loop.time(), 0.0))
        except BaseException as exc:
            if waiter.done() and not waiter.cancelled():  # handed over, then given up on
                given = waiter.result()
                if given is None:
                    self._hand_over(None)
                else:
                    self._give_back(given)
            if isinstance(exc, TimeoutError):
                raise StoreUnavailable("no database connection was free in time") from None
            raise
        finally:
            if waiter in self._waiting:
                self._waiting.remove(waiter)

    def _give_back(self, conn: asyncpg.Connection) -> None:
        if self._closed or conn.is_closed():
            self._discard(conn)
        elif not self._hand_over(conn):
            self._idle.append(conn)

    def _discard(self, conn: asyncpg.Connection) -> None:
        conn.terminate()
        self._opened -= 1
        self._hand_over(None)

    def _hand_over(self, given: asyncpg.Connection | None) -> bool:
        """To the longest waiting borrower still waiting: a connection, or None for room."""
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(given)
                return True
        return False

    async def close(self) -> None:
        """Close the idle connections; one still lent is closed when it comes back."""
        self._closed = True
        idle, self._idle = self._idle, []
        for conn in idle:
            self._opened -= 1
            try:
                await conn.close(timeout=self._timeout)
            except (*DRIVER_CONNECTION_ERRORS, asyncpg.PostgresError):
                conn.terminate()
