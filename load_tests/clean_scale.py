"""`leadgate clean` on a large generated file: rows per second, peak memory, and how good the
groups are against the generator's clusters.

    .venv/bin/python -m load_tests.clean_scale [--rows 100000] [--workers N] [--dir DIR]

The file is written from many seeded worlds of `app.evaluation.generate` (2,500 entities
each, Chinese headers are not needed: English ones map too), with each record's true
cluster kept beside it. `leadgate clean` runs as a user runs it, in its own process; its
wall time, CPU and peak RSS come from the operating system. The groups of the cleaned file
are scored pairwise (`app.evaluation.metrics`), all pairs and, separately, the false pairs
that join two worlds: the worlds draw on one list of company and person names, so records
of two worlds can share a registered company name or a free-mail mailbox, which no
matcher can tell apart.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from app.evaluation.generate import generate
from app.evaluation.metrics import evaluate_groups, pairs_in

ENTITIES_PER_WORLD = 2_500
RSS_EVERY = 0.2
"""Seconds between samples of the processes' resident memory."""
COLUMNS = (
    "external_id",
    "entity",
    "name",
    "company",
    "phone",
    "email",
    "title",
    "city",
    "website",
    "uscc",
    "address",
    "source",
)


def write_file(path: Path, rows: int, seed: int) -> dict[str, str]:
    """The CSV, and each row's external id -> its true cluster."""
    truth: dict[str, str] = {}
    world = 0
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(COLUMNS)
        while len(truth) < rows:
            for record in generate(ENTITIES_PER_WORLD, seed=seed + world):
                lead = dict(record["lead"])
                lead["external_id"] = f"w{world}-{lead.get('external_id')}"
                truth[lead["external_id"]] = f"w{world}-{record['cluster']}"
                out.writerow([_cell(lead.get(c)) for c in COLUMNS])
                if len(truth) >= rows:
                    break
            world += 1
    return truth


def _cell(value: object) -> str:
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def run_clean(path: Path, out: Path, workers: int | None) -> tuple[float, float, int, int]:
    """Wall seconds, CPU seconds, and peak RSS (MiB) of `leadgate clean` with its workers
    together and of its main process alone.

    `getrusage` gives the largest single process's peak, not the sum a machine must hold,
    so the process tree's RSS is sampled from /proc while it runs.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.monotonic()
    command = [sys.executable, "-m", "app.cli", "clean", str(path), "--out", str(out)]
    chosen = ["--workers", str(workers)] if workers else []
    process = subprocess.Popen([*command, *chosen, "--restart"])
    total = main = 0
    while process.poll() is None:
        sizes = _tree_rss(process.pid)
        total, main = max(total, sum(sizes.values())), max(main, sizes.get(process.pid, 0))
        time.sleep(RSS_EVERY)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command)
    wall = time.monotonic() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, total // 2**20, main // 2**20


def _tree_rss(root: int) -> dict[int, int]:
    """Resident bytes of `root` and every process descended from it, by pid."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # ended while we looked
        parents[int(stat.parent.name)] = int(fields[1])
    tree, sizes = {root}, {}
    for pid in sorted(parents):
        if pid in tree or parents[pid] in tree:
            tree.add(pid)
    page = os.sysconf("SC_PAGE_SIZE")
    for pid in tree:
        try:
            sizes[pid] = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * page
        except OSError:
            continue
    return sizes


def groups_of(cleaned: Path) -> dict[str, str]:
    with cleaned.open(newline="", encoding="utf-8-sig") as f:
        return {row["external_id"]: row["group_id"] for row in csv.DictReader(f)}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m load_tests.clean_scale", description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=None, help="default: leadgate's own")
    parser.add_argument("--seed", type=int, default=1000)
    parser.add_argument("--dir", type=Path, default=Path("clean-scale"))
    args = parser.parse_args(argv)
    args.dir.mkdir(parents=True, exist_ok=True)
    source = args.dir / f"leads{args.rows}.csv"
    truth = write_file(source, args.rows, args.seed)
    wall, cpu, rss, main_rss = run_clean(source, args.dir / "out", args.workers)
    groups = groups_of(args.dir / "out" / f"{source.stem}.cleaned.csv")
    scores = evaluate_groups(truth, groups, examples=0)
    cross = _cross_world_false_pairs(truth, groups)
    print(
        f"{args.rows:,} rows, --workers {args.workers or 'default'}: {wall:.1f} s wall, "
        f"{args.rows / wall:,.0f} rows/s, {cpu:.1f} s CPU, "
        f"peak RSS {rss} MiB all processes, {main_rss} MiB main"
    )
    print(
        f"pairs: true {scores.true_pairs:,}, predicted {scores.predicted_pairs:,}; "
        f"precision {scores.precision:.4f}, recall {scores.recall:.4f}, F1 {scores.f1:.4f}"
    )
    within = scores.tp / (scores.predicted_pairs - cross) if scores.predicted_pairs > cross else 1.0
    print(
        f"false pairs {scores.fp:,}, of which {cross:,} join two worlds; "
        f"precision within a world {within:.4f}"
    )
    return 0


def _cross_world_false_pairs(truth: dict[str, str], groups: dict[str, str]) -> int:
    """Pairs a group makes across two worlds: all false, since clusters never span worlds."""
    members = [r for r in truth if r in groups]
    by_group = Counter(groups[r] for r in members)
    by_group_and_world = Counter((groups[r], truth[r].split("-")[0]) for r in members)
    return sum(pairs_in(n) for n in by_group.values()) - sum(
        pairs_in(n) for n in by_group_and_world.values()
    )


if __name__ == "__main__":
    sys.exit(main())
