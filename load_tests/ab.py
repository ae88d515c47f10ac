"""Two trees of leadgate served side by side, measured in alternating phases.

    .venv/bin/python -m load_tests.ab DIR_A DIR_B [--size 1000000] [--rounds 6] [--route check]

`--route register` measures checks that register their lead, `--route batch-register`
batches of 1000 that do (every phase adds leads to the index, the two trees' alike, and a
later round registers some again, as duplicates; `load_tests.run` resets the index to the
seeded leads when it starts). Registering batches sent at once wait for each other's key
locks, a batch for the whole of another.

Each DIR is a tree of the code (`git archive <commit> | tar -x -C DIR`). Both are served at
once against the same bench index, as `load_tests.run` serves leadgate, and driven in turn
by the same client, A then B, then B then A, for `--rounds` rounds: a host whose speed
drifts (shared machines do, by 20 % within minutes) slows both alike, where two runs one
after the other each meet another host. Both trees get the same leads (`run.bodies`), each
phase the ones after its tree's last phase: leads that tree has not met yet. Prints each
phase and then, per tree, the median rate, app and database CPU per request (per lead for a
batch), p50, p99 and the answers other than 200.
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path

from load_tests import run, seed
from load_tests.client import Outcome, Phase

# route: path, concurrency, leads per request, `run.bodies` entry
ROUTES = {
    "check": ("/v1/check", 16, 1, "check"),
    "register": ("/v1/check", 16, 1, "check register"),
    "batch": ("/v1/check/batch", 4, run.BATCH, "batch"),
    "batch-register": ("/v1/check/batch", 4, run.BATCH, "batch register"),
}
FIGURES = ("rate/s", "app µs", "db µs", "p50 ms", "p99 ms", "non-200")


def phase_figures(
    server: run.Server, phase: Phase, db: tuple[str, str], units: int
) -> tuple[tuple[float, ...], Outcome]:
    outcome, app_cpu, db_cpu = run.measure(server, phase, db)
    done = max(outcome.requests * units, 1)
    figures = (
        done / outcome.seconds,
        app_cpu / done * 1e6,
        db_cpu / done * 1e6,
        outcome.percentile(50),
        outcome.percentile(99),
        outcome.failures,
    )
    return figures, outcome


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m load_tests.ab", description=__doc__)
    parser.add_argument("trees", nargs=2, type=Path)
    parser.add_argument("--size", type=int, default=1_000_000, help="the bench index to use")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=10.0, help="per phase")
    parser.add_argument("--route", choices=sorted(ROUTES), default="check")
    parser.add_argument("--concurrency", type=int, help="requests at once (default: the route's)")
    args = parser.parse_args(argv)
    if args.trees[0].resolve() == args.trees[1].resolve():
        parser.error("give two different trees")
    path, concurrency, units, entry = ROUTES[args.route]
    concurrency = args.concurrency or concurrency
    url = run.prepare_database(args.size, seed.DEFAULT_SEED)
    db = (seed.asyncpg_dsn(url), run.database_name(args.size))
    bodies = run.bodies(seed.DEFAULT_SEED, [entry])[entry]
    names = [f"{tree.name} ({side})" for tree, side in zip(args.trees, "AB", strict=True)]
    figures: dict[str, list[tuple[float, ...]]] = {name: [] for name in names}
    with ExitStack() as stack:
        servers = [
            stack.enter_context(run.serve(name, *run.leadgate(url, tree.resolve())))
            for name, tree in zip(names, args.trees, strict=True)
        ]
        # warm: plans prepared, pools filled; then each tree's phases go on through the
        # bodies from where its last one stopped, so it meets new leads as a server would
        phases = []
        for s in servers:
            warm = run.measure(s, Phase(s.port, path, bodies, concurrency, 4.0), None)[0]
            phases.append(Phase(s.port, path, bodies, concurrency, args.seconds).after(warm.sent))
        print(f"{'tree':<24}" + "".join(f"{f:>10}" for f in FIGURES), flush=True)
        for n in range(args.rounds):
            order = [0, 1] if n % 2 == 0 else [1, 0]
            for i in order:
                row, outcome = phase_figures(servers[i], phases[i], db, units)
                phases[i] = phases[i].after(outcome.sent)
                figures[names[i]].append(row)
                print(f"{names[i]:<24}" + "".join(f"{v:>10,.1f}" for v in row), flush=True)
    print("medians:")
    for name, rows in figures.items():
        medians = [statistics.median(column) for column in zip(*rows, strict=True)]
        print(f"{name:<24}" + "".join(f"{v:>10,.1f}" for v in medians))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
