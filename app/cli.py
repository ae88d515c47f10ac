"""The `leadgate` command: serve, migrate, tenant create, train, train-score, openapi.

Each command imports what it needs when it runs: `leadgate clean` starts worker processes
that import this module again, and with the web app, the server and the trainers imported
at the top each worker paid ~55 MiB and a second or more for code it never runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from app.config import Settings

if TYPE_CHECKING:
    from app.api import flows
    from app.domain import score_fit, train


class CommandFailed(Exception):
    """A command cannot go on, for a reason its message tells the person who ran it."""


def _migrate(settings: Settings) -> None:
    """Bring the schema up to date; a database that cannot be opened (a path in a directory
    that does not exist, a server that refuses, a malformed URL) is a message, not a
    traceback."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, DBAPIError

    from app.store.migrate import upgrade

    try:
        url = make_url(settings.database_url)
    except ArgumentError as exc:
        raise CommandFailed(f"cannot open the database LEADGATE_DATABASE_URL: {exc}") from None
    where = url.render_as_string(hide_password=True)
    missing = _missing_sqlite_directory(url.get_backend_name(), url.database)
    if missing is not None:
        raise CommandFailed(
            f"cannot open the database {where}: the directory {missing} does not exist"
        )
    try:
        upgrade(settings.database_url)
    except (DBAPIError, OSError) as exc:
        reason = exc.orig if isinstance(exc, DBAPIError) else exc
        raise CommandFailed(f"cannot open the database {where}: {reason}") from None


def _missing_sqlite_directory(backend: str, path: str | None) -> Path | None:
    """SQLite creates its file but not the directories above it: the missing one is named
    before the driver fails on it (its thread then outlives the event loop, noisily)."""
    if backend != "sqlite" or not path or path == ":memory:":
        return None
    directory = Path(path).parent
    return None if directory.is_dir() else directory


def cmd_migrate(settings: Settings, _args: argparse.Namespace) -> int:
    _migrate(settings)
    print(f"migrated {_safe_url(settings.database_url)}")
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    from app import listen

    _migrate(settings)
    return listen.serve(
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


def cmd_tenant_create(settings: Settings, args: argparse.Namespace) -> int:
    from app.api import flows
    from app.store.engine import create_engine
    from app.store.errors import Conflict

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


def cmd_clean(settings: Settings, args: argparse.Namespace) -> int:
    """Clean a whole export: verdicts, groups, merged file and report (see app/cleaning)."""
    from app.cleaning import command as clean_command

    return clean_command.main(args, database_url=settings.database_url, region=settings.region)


def cmd_purge(settings: Settings, args: argparse.Namespace) -> int:
    """Erase for good every live record of the tenant with one of these external ids."""
    from app.api import flows
    from app.store.engine import create_engine

    wanted = list(args.external_id)
    if args.file is not None:
        wanted += [line.strip() for line in args.file.read_text(encoding="utf-8").splitlines()]
    wanted = [w for w in dict.fromkeys(wanted) if w]

    async def run() -> int:
        engine = create_engine(settings.database_url)
        purged = 0
        try:
            for external_id in wanted:
                for record in await flows.find(engine, args.tenant, external_id):
                    await flows.delete(engine, args.tenant, record.id, purge=True)
                    purged += 1
        finally:
            await engine.dispose()
        print(f"purged {purged} records for {len(wanted)} external ids")
        return 0

    _migrate(settings)
    return asyncio.run(run())


def cmd_openapi(settings: Settings, args: argparse.Namespace) -> int:
    from app.main import create_app

    text = json.dumps(create_app(settings).openapi(), indent=2, ensure_ascii=False) + "\n"
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def cmd_train(settings: Settings, args: argparse.Namespace) -> int:
    """Fit m, u and the prior to the tenant's records; store them only when confirmed."""
    from app.api import flows, train_flows
    from app.domain.policy import Policy
    from app.store.engine import create_engine

    async def run() -> int:
        engine = create_engine(settings.database_url)
        try:
            policy = await flows.load_policy(engine, args.tenant)
            data = await train_flows.training_data(engine, args.tenant, args.records)
            if len(data.records) < 2:
                print("error: the tenant has fewer than two stored records", file=sys.stderr)
                return 1
            result = train_flows.fit_policy(
                data, policy, random_pairs=args.random_pairs, seed=args.seed
            )
            _print_fit(result, len(data.records), len(data.judged))
            if not (args.yes or _confirm("store these weights in the tenant's config?")):
                print("nothing stored")
                return 0
            trained = Policy.model_validate(
                {**policy.model_dump(mode="json"), "model": result.model.model_dump(mode="json")}
            )
            version = await flows.save_policy(engine, args.tenant, trained)
            print(f"stored as config version {version}")
            return 0
        finally:
            await engine.dispose()

    _migrate(settings)
    return asyncio.run(run())


def _print_fit(result: train.Fit, records: int, judged: int) -> None:
    from app.domain import train

    print(
        f"{records} records, {result.pairs} pairs ({judged} judged), {result.iterations} EM rounds"
    )
    print(f"prior P(match) among candidates: {result.model.prior:.4f}")
    print(f"{'field':<24}{'level':<16}{'m':>10}{'u':>10}{'weight':>9}")
    for field, level, m, u, weight in train.weight_table(result.model):
        print(f"{field:<24}{level:<16}{m:>10.4f}{u:>10.5f}{weight:>9.2f}")


def _confirm(question: str) -> bool:
    return input(f"{question} [y/N] ").strip().lower() in {"y", "yes"}


def cmd_train_score(settings: Settings, args: argparse.Namespace) -> int:
    """Fit the fit-rule points to the tenant's outcomes; store them only when confirmed."""
    from app.api import report_flows
    from app.domain import score_fit
    from app.store.engine import create_engine
    from app.store.errors import Conflict, NotFound

    async def run() -> int:
        engine = create_engine(settings.database_url)
        try:
            policy, version = await report_flows.tenant_policy(engine, args.tenant)
            samples = await report_flows.training_samples(
                engine, args.tenant, policy, settings.region
            )
            result = score_fit.refit(policy.scoring, samples, holdout=args.holdout, seed=args.seed)
            _print_score_fit(result)
            if not (args.yes or _confirm("store the new points in the tenant's scoring model?")):
                print("nothing stored")
                return 0
            stored = await report_flows.save_scoring(
                engine, args.tenant, result.model, expected_version=version
            )
            print(f"stored as config version {stored}")
            return 0
        except (NotFound, Conflict, ValueError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        finally:
            await engine.dispose()

    _migrate(settings)
    return asyncio.run(run())


def _print_score_fit(result: score_fit.FitResult) -> None:
    print(
        f"{result.train + result.held_out} leads with an outcome: {result.train} to fit "
        f"({result.converted_train} converted), {result.held_out} held out "
        f"({result.converted_held_out} converted)"
    )
    print(f"{'fit rule':<28}{'leads':>7}{'log-odds':>10}{'old':>6}{'new':>6}")
    for rule in result.rules:
        weight = "kept" if rule.weight is None else f"{rule.weight:+.2f}"
        print(f"{rule.name:<28}{rule.leads:>7}{weight:>10}{rule.old:>6}{rule.new:>6}")
    print(f"ROC AUC on held-out outcomes: old {result.old_auc:.3f}, new {result.new_auc:.3f}")


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def parser() -> argparse.ArgumentParser:
    from app.cleaning import command as clean_command
    from app.store.tables import DEFAULT_TENANT_ID

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
    fit = commands.add_parser("train", help="fit the match model to the tenant's records")
    fit.add_argument("--tenant", default=DEFAULT_TENANT_ID, help="tenant id (default: default)")
    fit.add_argument("--records", type=int, default=20_000, help="newest records to learn from")
    fit.add_argument("--random-pairs", type=int, default=50_000, help="pairs drawn for u")
    fit.add_argument("--seed", type=int, default=1)
    fit.add_argument("--yes", action="store_true", help="store without asking")
    fit.set_defaults(run=cmd_train)
    score_cmd = commands.add_parser(
        "train-score", help="fit the scoring model's fit-rule points to the tenant's outcomes"
    )
    score_cmd.add_argument(
        "--tenant", default=DEFAULT_TENANT_ID, help="tenant id (default: default)"
    )
    score_cmd.add_argument("--holdout", type=float, default=0.3, help="share held out for the AUC")
    score_cmd.add_argument("--seed", default="0", help="decides which outcomes are held out")
    score_cmd.add_argument("--yes", action="store_true", help="store without asking")
    score_cmd.set_defaults(run=cmd_train_score)
    purge = commands.add_parser(
        "purge", help="erase the personal data of records by external id (PIPL/GDPR)"
    )
    purge.add_argument("--tenant", default=DEFAULT_TENANT_ID, help="tenant id (default: default)")
    purge.add_argument("--external-id", action="append", default=[], help="repeatable")
    purge.add_argument("--file", type=Path, default=None, help="one external id per line")
    purge.set_defaults(run=cmd_purge)
    openapi = commands.add_parser("openapi", help="print the OpenAPI document")
    openapi.add_argument("--out", default=None, help="write to this file instead of stdout")
    openapi.set_defaults(run=cmd_openapi)
    clean = commands.add_parser("clean", help="clean a CSV, XLSX or JSONL export of leads")
    clean_command.add_arguments(clean)
    clean.set_defaults(run=cmd_clean)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        code: int = args.run(Settings(), args)
    except CommandFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
