"""What the candidate lookup costs, part by part: client and database CPU per lookup.

    .venv/bin/python -m load_tests.lookup_cost [--size 1000000] [--limit 10] [--leads 1000]

The bench index's request leads (`load_tests.run`'s check bodies) are normalized and keyed
as a check does, then looked up one after another on one asyncpg connection with generic
plans, as the hot-read pool does, in four forms of the statement: the lookup itself; the
same without the candidates' normalized JSON; without reading the candidates' rows at all
(ids and ranks from the key index only); and `SELECT 1`, the cost of a round trip. The
forms alternate for `--rounds` rounds and each reports its least CPU per lookup: this
process's (`client`, the driver and the event loop) and the serving backend's (read from
/proc), so the differences between forms say what each part of the statement costs the
database. Run it with nothing else running on the index.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Sequence
from typing import Any

import asyncpg
import orjson

from app.api.flows import normalize_only
from app.api.schemas.lead import Lead
from app.domain.policy import Policy
from app.store import index
from app.store.tables import DEFAULT_TENANT_ID
from load_tests import run, seed

_JOIN = """JOIN lead AS l ON l.id = r.id
WHERE r.rank <= $4
  AND l.tenant_id = $1 AND l.deleted_at IS NULL AND l.merged_into IS NULL"""
_COLUMNS = "l.external_id, l.entity, l.group_id,\n       CAST(l.normalized AS TEXT) AS normalized"


def forms() -> dict[str, str]:
    """The lookup and the forms it is measured against, each a rewrite of the real text."""
    lookup = index._PG_LOOKUP_ONE
    if _JOIN not in lookup or _COLUMNS not in lookup:
        raise SystemExit("the lookup's text changed: update load_tests/lookup_cost.py")
    without_json = lookup.replace("CAST(l.normalized AS TEXT)", "NULL::text")
    keys_only = lookup.replace(_JOIN, "WHERE r.rank <= $4").replace(
        _COLUMNS, "NULL, NULL, NULL, NULL"
    )
    return {
        "lookup": lookup,
        "without normalized JSON": without_json,
        "key index only": keys_only,
        "SELECT 1": "SELECT 1",
    }


def keysets(n: int, policy: Policy) -> list[tuple[str, ...]]:
    found = []
    for body in run.bodies(seed.DEFAULT_SEED, ["check"])["check"][:n]:
        request = orjson.loads(body)
        lead = Lead.model_validate(request["lead"]).to_domain()
        found.append(normalize_only(lead, request["region"], policy).keys)
    return found


def _arguments(keys: Sequence[str], policy: Policy) -> list[Any]:
    params = index._params(
        DEFAULT_TENANT_ID, index._pairs([keys]), policy.max_candidates, policy.hot_key_cap, None
    )
    return [params[name] for name in index._PG_PARAMS]


async def measure(url: str, policy: Policy, leads: int, rounds: int) -> dict[str, list[float]]:
    """Per form: least wall, client CPU and database CPU per lookup (µs), rows per lookup."""
    conn = await asyncpg.connect(
        seed.asyncpg_dsn(url), server_settings={"plan_cache_mode": "force_generic_plan"}
    )
    try:
        backend = await conn.fetchval("SELECT pg_backend_pid()")
        sets = keysets(leads, policy)
        calls = {
            name: [(sql, _arguments(k, policy) if "$" in sql else []) for k in sets]
            for name, sql in forms().items()
        }
        best: dict[str, list[float]] = {}
        for statements in calls.values():  # warm: plans cached, pages read
            for sql, args in statements[:200]:
                await conn.fetch(sql, *args)
        for _ in range(rounds):
            for name, statements in calls.items():
                db, cpu, wall = run.cpu_seconds([backend]), time.process_time(), time.perf_counter()
                rows = 0
                for sql, args in statements:
                    rows += len(await conn.fetch(sql, *args))
                n = len(statements)
                figures = [
                    (time.perf_counter() - wall) / n * 1e6,
                    (time.process_time() - cpu) / n * 1e6,
                    (run.cpu_seconds([backend]) - db) / n * 1e6,
                ]
                old = best.get(name, figures)[:3]
                best[name] = [*(min(f, o) for f, o in zip(figures, old, strict=True)), rows / n]
        return best
    finally:
        await conn.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m load_tests.lookup_cost", description=__doc__)
    parser.add_argument("--size", type=int, default=1_000_000, help="the bench index to use")
    parser.add_argument("--limit", type=int, default=Policy().max_candidates)
    parser.add_argument("--leads", type=int, default=1000, help="request leads per round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    url = f"{run.PG}/{run.database_name(args.size)}"
    policy = Policy(max_candidates=args.limit)
    best = asyncio.run(measure(url, policy, args.leads, args.rounds))
    print(f"index of {args.size:,} leads, limit {args.limit}, {args.leads} lookups a round")
    print(f"{'form':<26}{'wall µs':>9}{'client µs':>11}{'db µs':>8}{'rows':>7}")
    for name, (wall, client, db, rows) in best.items():
        print(f"{name:<26}{wall:>9,.0f}{client:>11,.0f}{db:>8,.0f}{rows:>7.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
