"""Fixtures shared by the whole suite.

Database tests run against SQLite and PostgreSQL, each a fresh database made
and migrated for the run. Under CI=true an unreachable PostgreSQL fails the run.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import asyncpg
import httpx
import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from app.config import Settings
from app.main import create_app
from app.store import tables
from app.store.engine import create_engine
from app.store.migrate import upgrade

PG_HOST = os.environ.get("LEADGATE_TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("LEADGATE_TEST_PG_PORT", "5432"))
PG_ADMIN_DB = os.environ.get("LEADGATE_TEST_PG_DB", "test")
PG_USER = os.environ.get("LEADGATE_TEST_PG_USER", "postgres")
ADMIN_KEY = "test-admin-key"

_databases_used: set[str] = set()


def _pg_dsn(database: str) -> str:
    return f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/{database}"


async def _pg_admin(sql: str) -> None:
    conn = await asyncpg.connect(_pg_dsn(PG_ADMIN_DB), timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'leadgate.db'}"
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def postgresql_url() -> Iterator[str]:
    name = f"leadgate_test_{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        message = f"PostgreSQL at {PG_HOST}:{PG_PORT} is unreachable: {exc!r}"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI=true: a missing database is a failure)")
        pytest.skip(message)
    url = f"postgresql+asyncpg://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"
    upgrade(url)
    yield url
    asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    url: str = request.getfixturevalue(f"{request.param}_url")
    _databases_used.add(request.param)
    return url


async def clear(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        for table in (
            tables.lead_key,
            tables.audit_event,
            tables.lead_issue,
            tables.lead_outcome,
            tables.lead,
            tables.api_key,
            tables.review,
            tables.distinct_pair,
            tables.touchpoint,
            tables.tenant_policy,
            tables.rate_window,
            tables.lead_group,
            tables.check_tally,
        ):
            await conn.execute(delete(table))
        await conn.execute(
            delete(tables.tenant).where(tables.tenant.c.id != tables.DEFAULT_TENANT_ID)
        )


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    eng = create_engine(db_url, generic_plans=True)  # as the service plans its statements
    yield eng
    await clear(eng)
    await eng.dispose()


ClientFactory = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@asynccontextmanager
async def app_client(
    settings: Settings, engine: AsyncEngine | None = None, **headers: str
) -> AsyncIterator[httpx.AsyncClient]:
    """The real app over ASGI, lifespan included."""
    app = create_app(settings, engine=engine)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=transport, base_url="http://leadgate.test", headers=headers
        ) as client,
    ):
        yield client


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(database_url=db_url, auth="off", admin_key=ADMIN_KEY)


@pytest.fixture
async def client(settings: Settings, engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(settings, engine) as c:
        yield c


@pytest.fixture
def auth_settings(db_url: str) -> Settings:
    return Settings(database_url=db_url, auth="on", admin_key=ADMIN_KEY)


@pytest.fixture
def auth_client(auth_settings: Settings, engine: AsyncEngine) -> ClientFactory:
    """Clients of the auth-on app, each with its own bearer key (or none)."""

    def make(key: str | None = None) -> AbstractAsyncContextManager[httpx.AsyncClient]:
        headers = {"authorization": f"Bearer {key}"} if key else {}
        return app_client(auth_settings, engine, **headers)

    return make


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    order = [name for name in ("sqlite", "postgresql") if name in _databases_used]
    terminalreporter.write_line(f"databases: {', '.join(order) or 'none'}")


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent
