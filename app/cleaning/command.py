"""`leadgate clean INPUT`: the arguments, the policy, the index, and the exit code.

Exit codes: 0 done; 2 the input or an option is wrong (the message says what); 1 the
index could not be reached; 130 interrupted (run the same command again to resume).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from app.api import clean_flows, flows
from app.cleaning import mapping
from app.cleaning.errors import CleanError
from app.cleaning.pipeline import AUTO_WORKERS_FROM_ROWS, Cleaner, Interrupted, Options
from app.domain.policy import DEFAULT_POLICY, Policy
from app.store.engine import create_engine
from app.store.errors import StoreError
from app.store.tables import DEFAULT_TENANT_ID

CONFIGURED = "configured"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", type=Path, help="a CSV, XLSX or JSONL export")
    parser.add_argument(
        "--out", type=Path, default=None, help="output directory (default: INPUT-clean/ beside it)"
    )
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="take FIELD from COLUMN, whatever its header says (repeatable)",
    )
    parser.add_argument(
        "--region", default=None, help="region of numbers without a country code (default: CN)"
    )
    parser.add_argument(
        "--against",
        nargs="?",
        const=CONFIGURED,
        default=None,
        metavar="URL",
        help="also match against the stored index at URL (no URL: LEADGATE_DATABASE_URL)",
    )
    parser.add_argument(
        "--register", action="store_true", help="store each group's merged lead in the index"
    )
    parser.add_argument(
        "--config", type=Path, default=None, help="a policy JSON, as PUT /v1/config takes"
    )
    parser.add_argument(
        "--tenant", default=DEFAULT_TENANT_ID, help="the index's tenant id (default: default)"
    )
    parser.add_argument(
        "--restart", action="store_true", help="start over instead of resuming a stopped run"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="processes that prepare and judge rows (default: one per core for a file of "
        f"{AUTO_WORKERS_FROM_ROWS:,} rows or more, else this process alone)",
    )


def main(args: argparse.Namespace, *, database_url: str, region: str) -> int:
    try:
        return asyncio.run(_run(args, database_url=database_url, region=region))
    except CleanError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Interrupted as exc:
        print(f"\n{exc}; run the same command again to resume", file=sys.stderr)
        return 130
    except (StoreError, SQLAlchemyError, OSError) as exc:
        print(f"error: {_short(exc)}", file=sys.stderr)
        return 1


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:300]


def read_policy(path: Path) -> Policy:
    try:
        return Policy.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise CleanError(f"--config {path}: {exc.strerror}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "policy"
        raise CleanError(f"--config {path}: {where}: {first['msg']}") from None


async def _run(args: argparse.Namespace, *, database_url: str, region: str) -> int:
    overrides = mapping.parse_overrides(args.map)
    url = None
    if args.against is not None or args.register:
        url = database_url if args.against in (None, CONFIGURED) else args.against
    engine = _engine(url) if url else None
    try:
        policy = await _policy(args, engine)
        run_region = (args.region or region).upper()
        against = registrar = None
        if engine is not None and url is not None:
            if not await clean_flows.tenant_exists(engine, args.tenant):
                raise CleanError(f"--tenant {args.tenant}: no such tenant in the index")
            label = make_url(url).render_as_string(hide_password=True)
            if args.against is not None:
                against = clean_flows.IndexAgainst(engine, args.tenant, policy, label)
            if args.register:
                registrar = clean_flows.IndexRegistrar(
                    engine, args.tenant, policy, run_region, mapping.raw_lead
                )
        options = Options(
            input=args.input,
            out=args.out or args.input.with_name(args.input.stem + "-clean"),
            policy=policy,
            region=run_region,
            overrides=overrides,
            against=against,
            registrar=registrar,
            restart=args.restart,
            workers=args.workers,
        )
        await Cleaner(options).run()
        return 0
    finally:
        if engine is not None:
            await engine.dispose()


def _engine(url: str) -> AsyncEngine:
    try:
        return create_engine(url)
    except (ArgumentError, ValueError) as exc:
        raise CleanError(f"--against {url!r} is no database URL ({exc})") from None


async def _policy(args: argparse.Namespace, engine: AsyncEngine | None) -> Policy:
    """--config if given, else the tenant's stored policy when an index is used, else defaults."""
    if args.config is not None:
        return read_policy(args.config)
    if engine is not None:
        return await flows.load_policy(engine, args.tenant)
    return DEFAULT_POLICY
