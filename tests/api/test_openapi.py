"""The committed OpenAPI document is what the app serves, and client generators take it cleanly."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from app.config import Settings
from app.main import create_app

SPEC = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"


def served() -> dict:
    return create_app(Settings(database_url="sqlite+aiosqlite:///:memory:")).openapi()


def test_committed_spec_matches_the_app() -> None:
    committed = json.loads(SPEC.read_text(encoding="utf-8"))
    assert committed == served(), "openapi/openapi.json is stale: run `make openapi`"


def test_operation_ids_read_as_names() -> None:
    ids = {op["operationId"] for path in served()["paths"].values() for op in path.values()}
    assert {
        "check_lead",
        "check_batch",
        "normalize_lead",
        "create_lead",
        "get_lead",
        "replace_lead",
        "delete_lead",
        "find_leads",
        "create_tenant",
        "healthz",
        "readyz",
    } <= ids


def test_every_error_response_uses_the_error_shape() -> None:
    spec = served()
    for path, item in spec["paths"].items():
        for method, op in item.items():
            for status, response in op["responses"].items():
                if status.startswith(("4", "5")):
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref.endswith("/ErrorBody"), (method, path, status)


async def test_served_document_is_the_same(client: httpx.AsyncClient) -> None:
    response = await client.get("/openapi.json")
    assert response.json() == json.loads(SPEC.read_text(encoding="utf-8"))


def test_openapi_python_client_generates_without_warnings(tmp_path: Path) -> None:
    tool = shutil.which("openapi-python-client", path=str(Path(sys.executable).parent))
    if tool is None:
        pytest.fail("openapi-python-client is a dev dependency and must be installed")
    result = subprocess.run(
        [
            tool,
            "generate",
            "--path",
            str(SPEC),
            "--output-path",
            str(tmp_path / "client"),
            "--meta",
            "none",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PATH": f"{Path(tool).parent}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Warning" not in output and "WARNING" not in output, output
    generated = {p.name for p in (tmp_path / "client").rglob("*.py")}
    assert {"check_lead.py", "get_lead.py", "create_tenant.py"} <= generated


def test_every_tenant_route_declares_rate_limit_and_unavailable() -> None:
    spec = json.loads(SPEC.read_text(encoding="utf-8"))
    for path, operations in spec["paths"].items():
        if not path.startswith("/v1/") or path.startswith("/v1/tenants"):
            continue
        for method, operation in operations.items():
            assert {"401", "429", "503"} <= operation["responses"].keys(), (method, path)
