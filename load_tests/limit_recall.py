"""What the candidate limit costs in matching: the bench index's held-out duplicates checked
at several limits, side by side.

    .venv/bin/python -m load_tests.limit_recall --size 1000000 [--limits 50,20,10]

The seeded bench index (load_tests.seed, the database `make bench` fills) holds back 800
records whose duplicates it stores; each is checked as /v1/check would (register false)
with every limit. A held-out record is `found` when a record of its own cluster is a
duplicate, `possible` when one is only a possible duplicate; `wrong` counts those with a
duplicate from another cluster (a later chunk's namesake at a same-named company).
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncConnection

from app.api.flows import normalize_only
from app.api.schemas.lead import Lead
from app.domain import match
from app.domain.model import Frequencies
from app.domain.policy import Policy
from app.store.engine import create_engine, reading
from app.store.index import find_candidates
from load_tests import run, seed
from load_tests.seed import Record


async def _verdict(
    conn: AsyncConnection, record: Record, limit: int, records: int, clusters: dict[str, str]
) -> tuple[str, bool, int]:
    """found / possible / missed, whether another cluster's record is a duplicate, and the
    number of candidates compared."""
    policy = Policy(max_candidates=limit)
    raw = Lead.model_validate(record["lead"]).to_domain()
    prepared = normalize_only(raw, seed.region_of(record), policy)
    search = await find_candidates(conn, seed.DEFAULT_TENANT_ID, prepared.keys, limit=limit)
    stored = [match.Stored(c.id, c.entity, c.lead) for c in search.candidates]
    cluster = {c.id: clusters.get(c.external_id or "") for c in search.candidates}
    decision = match.match(prepared.lead, stored, policy, Frequencies(search.counts, records))
    own = {m.decision for m in decision.matches if cluster[m.candidate_id] == record["cluster"]}
    wrong = any(
        m.decision == "duplicate" and cluster[m.candidate_id] != record["cluster"]
        for m in decision.matches
    )
    verdict = "found" if "duplicate" in own else "possible" if own else "missed"
    return verdict, wrong, len(stored)


async def _measure(url: str, records: int, limits: Sequence[int]) -> dict[int, Counter[str]]:
    held = seed.chunk(seed.DEFAULT_SEED, 0)
    clusters = {r["lead"]["external_id"]: r["cluster"] for r in held.stored}
    found = {limit: Counter[str]() for limit in limits}
    engine = create_engine(url)
    try:
        async with reading(engine) as conn:
            for record in held.held:
                for limit in limits:
                    verdict, wrong, compared = await _verdict(
                        conn, record, limit, records, clusters
                    )
                    found[limit].update({verdict: 1, "wrong": int(wrong), "candidates": compared})
    finally:
        await engine.dispose()
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m load_tests.limit_recall", description=__doc__)
    parser.add_argument("--size", type=int, default=1_000_000, help="the bench index's size")
    parser.add_argument("--limits", default="50,20,10", help="candidate limits, comma-separated")
    args = parser.parse_args(argv)
    url = run.prepare_database(args.size, seed.DEFAULT_SEED)
    limits = [int(x) for x in args.limits.split(",")]
    found = asyncio.run(_measure(url, args.size, limits))
    held = len(seed.chunk(seed.DEFAULT_SEED, 0).held)
    print(f"{held} held-out duplicates, index of {args.size:,} leads")
    print("limit  candidates/check  found  possible  missed  wrong")
    for limit in limits:
        c = found[limit]
        print(
            f"{limit:>5}  {c['candidates'] / held:>16.1f}  {c['found']:>5}  {c['possible']:>8}"
            f"  {c['missed']:>6}  {c['wrong']:>5}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
