"""The report reads a whole tenant: on PostgreSQL it runs on its own pool, whose statement
timeout is LEADGATE_REPORT_TIMEOUT instead of the serving one, so a large tenant's report
answers instead of 503."""

from __future__ import annotations

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from app.main import create_app
from app.store.engine import create_engine, is_sqlite
from tests.conftest import ADMIN_KEY, Settings

UNREACHABLE = "postgresql+asyncpg://nobody@127.0.0.1:1/none"
LEAD = {"name": "张伟", "phone": "13971824503"}


async def _show(engine: AsyncEngine, setting: str) -> str:
    async with engine.connect() as conn:
        return str((await conn.execute(text(f"SHOW {setting}"))).scalar_one())


async def _statement_timeout(engine: AsyncEngine) -> str:
    return await _show(engine, "statement_timeout")


async def test_the_report_has_its_own_statement_timeout(db_url: str) -> None:
    settings = Settings(
        database_url=db_url,
        auth="off",
        admin_key=ADMIN_KEY,
        db_statement_timeout=2,
        report_timeout=12.5,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        serving, report = app.state.engine, app.state.report_engine
        if is_sqlite(serving):
            assert report is serving, "SQLite: one writer, no statement timeout to escape"
            return
        assert report is not serving
        assert await _statement_timeout(serving) == "2s"
        assert await _statement_timeout(report) == "12500ms"
        # serving statements are planned once per connection; the report's aggregates per call
        assert await _show(serving, "plan_cache_mode") == "force_generic_plan"
        assert await _show(report, "plan_cache_mode") == "auto"


async def test_the_report_reads_through_its_own_pool(db_url: str) -> None:
    settings = Settings(database_url=db_url, auth="off", admin_key=ADMIN_KEY)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        if is_sqlite(app.state.engine):
            return
        serving = app.state.engine
        app.state.engine = create_engine(UNREACHABLE, timeout=1)
        try:
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                assert (await client.get("/v1/report")).status_code == 200
                assert (await client.post("/v1/check", json={"lead": LEAD})).status_code == 503
        finally:
            await app.state.engine.dispose()
            app.state.engine = serving
