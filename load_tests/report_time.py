"""How long `GET /v1/report` takes on a large index: the store's report, timed run by run.

    .venv/bin/python -m load_tests.report_time \\
        --url postgresql+asyncpg://postgres@127.0.0.1/leadgate_report_1m [--runs 5] [--days 30]

The same call the route makes (`report_flows.report`, 30 days of intake by default) on
one connection, RUNS times after one run that warms the cache; prints each run and the
median. Reads only: safe on a shared bench database.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from app.api import report_flows
from app.store.engine import create_engine
from app.store.tables import DEFAULT_TENANT_ID


async def timings(url: str, tenant_id: str, runs: int, days: int) -> list[float]:
    """Seconds per run, the warming run first."""
    today = datetime.now(UTC).date() - timedelta(days=days - 1)
    since = datetime(today.year, today.month, today.day, tzinfo=UTC)
    engine = create_engine(url, pool_size=1)
    seconds = []
    try:
        for _ in range(runs + 1):
            start = time.perf_counter()
            report = await report_flows.report(engine, tenant_id, since)
            seconds.append(time.perf_counter() - start)
    finally:
        await engine.dispose()
    counts = report.counts
    print(f"records {counts.records}, live {counts.live}, duplicates {report.duplicates}")
    return seconds


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m load_tests.report_time", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--url", required=True, help="the index's database URL")
    parser.add_argument("--tenant", default=DEFAULT_TENANT_ID)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--days", type=int, default=30)
    args = parser.parse_args(argv)
    warm, *runs = asyncio.run(timings(args.url, args.tenant, args.runs, args.days))
    print(f"warming run {warm:.3f} s; runs {', '.join(f'{s:.3f}' for s in runs)} s")
    print(f"median {statistics.median(runs):.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
