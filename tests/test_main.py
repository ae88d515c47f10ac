"""The server process's garbage collector: tuned when the app serves on its own engine."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from app.main import create_app
from tests.conftest import ADMIN_KEY, Settings


@pytest.fixture
def python_gc() -> Iterator[None]:
    """Put the collector back as it was: the test process keeps Python's settings."""
    before = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*before)


@pytest.mark.usefixtures("python_gc")
async def test_a_serving_app_freezes_start_up_objects_and_collects_less_often(
    db_url: str,
) -> None:
    app = create_app(Settings(database_url=db_url, admin_key=ADMIN_KEY, gc_threshold=15_000))
    async with app.router.lifespan_context(app):
        assert gc.get_threshold()[0] == 15_000
        assert gc.get_freeze_count() > 0


@pytest.mark.usefixtures("python_gc")
async def test_threshold_zero_keeps_pythons_collector(db_url: str) -> None:
    before = gc.get_threshold()
    app = create_app(Settings(database_url=db_url, admin_key=ADMIN_KEY, gc_threshold=0))
    async with app.router.lifespan_context(app):
        assert gc.get_threshold() == before
        assert gc.get_freeze_count() == 0
