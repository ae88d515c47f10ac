"""`leadgate train`: learns weights from a tenant's stored records and stores them when told."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from app.api import flows
from app.cli import main
from app.domain.policy import DEFAULT_POLICY
from app.domain.types import RawLead
from app.evaluation.generate import generate
from app.store.engine import create_engine
from app.store.live_counts import LiveCounts
from app.store.tables import DEFAULT_TENANT_ID


def _raw(lead: dict[str, object]) -> RawLead:
    fields = {k: v for k, v in lead.items() if k in RawLead.__dataclass_fields__}
    for name in ("phone", "email"):
        value = fields.get(name)
        fields[name] = (value,) if isinstance(value, str) else tuple(value or ())  # type: ignore[arg-type]
    return RawLead(**fields)  # type: ignore[arg-type]


async def _register(url: str, count: int) -> None:
    engine = create_engine(url)
    try:
        records = generate(count, seed=3)
        batch = [flows.Incoming(_raw(r["lead"]), r["lead"]) for r in records]
        await flows.check_batch(
            engine,
            DEFAULT_TENANT_ID,
            DEFAULT_POLICY,
            batch,
            "CN",
            register=True,
            live=LiveCounts(),
            lock_wait=30.0,
        )
    finally:
        await engine.dispose()


def test_train_learns_and_stores_on_yes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'train.db'}"
    monkeypatch.setenv("LEADGATE_DATABASE_URL", url)
    assert main(["migrate"]) == 0
    asyncio.run(_register(url, 150))
    capsys.readouterr()
    assert main(["train", "--yes", "--random-pairs", "5000"]) == 0
    out = capsys.readouterr().out
    assert "stored as config version 1" in out
    rows = {tuple(line.split()[:2]): line.split()[2:] for line in out.splitlines()[3:-1]}
    m, u, weight = (float(v) for v in rows[("phone", "exact_mobile")])
    assert m > 0.3 and u < 0.01 and weight > 5, "a shared mobile is strong evidence"
    m, u, weight = (float(v) for v in rows[("name", "different")])
    assert weight < 0, "different names speak against a match"


def test_train_asks_before_storing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'ask.db'}"
    monkeypatch.setenv("LEADGATE_DATABASE_URL", url)
    assert main(["migrate"]) == 0
    asyncio.run(_register(url, 60))
    monkeypatch.setattr("builtins.input", lambda _: "n")
    assert main(["train", "--random-pairs", "2000"]) == 0
    assert "nothing stored" in capsys.readouterr().out
    engine = create_engine(url)
    assert asyncio.run(flows.policy_version(engine, DEFAULT_TENANT_ID)) == 0
    asyncio.run(engine.dispose())


def test_train_refuses_an_empty_tenant(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEADGATE_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'e.db'}")
    assert main(["train", "--yes"]) == 1
