"""The `leadgate` command: serve, migrate, tenant create, openapi."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import uvicorn
from sqlalchemy.engine import make_url

from app.api import flows
from app.config import Settings
from app.main import create_app
from app.store.engine import create_engine
from app.store.errors import Conflict
from app.store.migrate import upgrade


def _migrate(settings: Settings) -> None:
    upgrade(settings.database_url)


def cmd_migrate(settings: Settings, _args: argparse.Namespace) -> int:
    _migrate(settings)
    print(f"migrated {_safe_url(settings.database_url)}")
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    _migrate(settings)
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=settings.workers,
        log_level=settings.log_level,
        access_log=False,
        loop="uvloop",
        http="httptools",
    )
    return 0


def cmd_tenant_create(settings: Settings, args: argparse.Namespace) -> int:
    async def create() -> flows.NewTenant:
        engine = create_engine(settings.database_url)
        try:
            return await flows.create_tenant(engine, args.name)
        finally:
            await engine.dispose()

    _migrate(settings)
    try:
        created = asyncio.run(create())
    except Conflict as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(
        json.dumps(
            {"id": created.tenant.id, "name": created.tenant.name, "api_key": created.api_key}
        )
    )
    return 0


def cmd_openapi(settings: Settings, args: argparse.Namespace) -> int:
    text = json.dumps(create_app(settings).openapi(), indent=2, ensure_ascii=False) + "\n"
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="leadgate", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="migrate, then serve HTTP")
    serve.add_argument("--host", default=None, help="default: LEADGATE_HOST or 127.0.0.1")
    serve.add_argument("--port", type=int, default=None, help="default: LEADGATE_PORT or 8000")
    serve.set_defaults(run=cmd_serve)
    commands.add_parser("migrate", help="bring the database schema up to date").set_defaults(
        run=cmd_migrate
    )
    tenant = commands.add_parser("tenant", help="manage tenants")
    tenant_commands = tenant.add_subparsers(dest="tenant_command", required=True)
    create = tenant_commands.add_parser("create", help="create a tenant and print its API key")
    create.add_argument("name")
    create.set_defaults(run=cmd_tenant_create)
    openapi = commands.add_parser("openapi", help="print the OpenAPI document")
    openapi.add_argument("--out", default=None, help="write to this file instead of stdout")
    openapi.set_defaults(run=cmd_openapi)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    code: int = args.run(Settings(), args)
    return code


if __name__ == "__main__":
    sys.exit(main())
