"""The `leadgate` command: migrate, tenant create, openapi, and serve answering over HTTP."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from app.cli import main


@pytest.fixture
def fresh_sqlite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("LEADGATE_DATABASE_URL", url)
    return url


def test_migrate_is_repeatable(fresh_sqlite: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate"]) == 0
    assert main(["migrate"]) == 0
    assert "migrated" in capsys.readouterr().out


def test_tenant_create_prints_a_key_once(
    fresh_sqlite: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["tenant", "create", "acme"]) == 0
    created = json.loads(capsys.readouterr().out)
    assert created["name"] == "acme" and created["api_key"].startswith("lg_")
    assert main(["tenant", "create", "acme"]) == 1
    assert "exists" in capsys.readouterr().err


def test_openapi_writes_the_document(tmp_path: Path) -> None:
    out = tmp_path / "openapi.json"
    assert main(["openapi", "--out", str(out)]) == 0
    assert "/v1/check" in json.loads(out.read_text(encoding="utf-8"))["paths"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_migrates_and_answers(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "LEADGATE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 's.db'}"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("leadgate serve did not answer within 30 s")
                time.sleep(0.2)
        assert response.status_code == 200
        check = httpx.post(
            f"http://127.0.0.1:{port}/v1/check",
            json={"lead": {"phone": "13800138001"}, "register": True},
        )
        assert check.status_code == 200 and check.json()["id"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("sqlite+aiosqlite:///{tmp}/no/such/dir/leadgate.db", "/no/such/dir does not exist"),
        ("postgresql+asyncpg://leadgate:secret@127.0.0.1:1/test", "127.0.0.1:1"),
        ("not a database url", "LEADGATE_DATABASE_URL"),
    ],
)
@pytest.mark.parametrize("command", [["migrate"], ["serve", "--host", "127.0.0.1", "--port", "1"]])
def test_a_database_that_cannot_be_opened_is_a_message_not_a_traceback(
    url: str,
    says: str,
    command: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("LEADGATE_DATABASE_URL", url.format(tmp=tmp_path))
    assert main(command) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: cannot open the database") and says in err
    assert "secret" not in err and "Traceback" not in err
    assert not (tmp_path / "no").exists()
