"""What the hot-key cap costs in matching quality: the evaluation's generated set, run once
with the shipped cap and once with a cap no key reaches, side by side.

    .venv/bin/python -m load_tests.cap_recall [--entities 2000] [--cap 100000]

A key shared by more records than the cap is not searched, so a duplicate found only
through such a key is missed: the difference in recall between the two runs is that cost.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from collections.abc import Sequence
from pathlib import Path
from random import Random
from typing import Any

from app.domain.policy import DEFAULT_POLICY
from app.evaluation import run as evaluation
from app.store.migrate import upgrade


def _evaluate(label: str, config: evaluation.Config | None, args: argparse.Namespace) -> Any:
    records, _ = evaluation.load_set("generated", args)
    records = evaluation.limit_records(records, args.limit, Random(args.seed))
    order = list(range(len(records)))
    Random(args.seed).shuffle(order)
    with tempfile.TemporaryDirectory(prefix="leadgate-cap-") as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'cap.db'}"
        upgrade(url)
        run = asyncio.run(evaluation.run_service(records, order, url, config, label))
    return evaluation.score_set(label, records, run, examples=0)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m load_tests.cap_recall", description=__doc__)
    parser.add_argument("--cap", type=int, default=100_000, help="the cap no key reaches")
    parser.add_argument("--entities", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--limit", type=int)
    args = parser.parse_args(argv)
    args.generated = None
    runs = [
        _evaluate(f"cap {DEFAULT_POLICY.hot_key_cap}", None, args),
        _evaluate(f"cap {args.cap}", evaluation.Config("cap", {"hot_key_cap": args.cap}), args),
    ]
    print(evaluation.table(runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
