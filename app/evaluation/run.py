"""Matching quality on labelled data: pairwise precision, recall and F1 of the running service.

    python -m app.evaluation.run [--sets febrl1,febrl2,febrl3,generated] [--out FILE] [--limit N]

For each set: a fresh SQLite database, migrated; the real app in-process over ASGI, lifespan
included; the set's tenant config sent with PUT /v1/config when it has one; then every record
sent one at a time through POST /v1/check with register=true, in a shuffled but seeded order
(with the lead's own two-letter country as `region`, as a CRM would send it). Three figures:

- groups: records that ended in one group, read back from the index after the run, are
  predicted pairs (a registered duplicate joins its match's group);
- dup links: only `duplicate` answers linked to their best match, closed transitively: the
  groups there would be if only sure duplicates joined them;
- +possible: the groups and links above plus every match of a possible_duplicate answer.

A wrong merge costs more than a missed duplicate: read precision first.

When Splink is installed (pip install -e '.[splink]'), each set's records are also
deduplicated by Splink (app/evaluation/splink_baseline.py) and its figures, counted the way
`groups` is, are shown beside leadgate's; --no-splink skips it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from random import Random
from typing import Any

import httpx
import phonenumbers
from sqlalchemy import select

from app import __version__
from app.config import Settings
from app.evaluation import febrl, splink_baseline
from app.evaluation.generate import generate, read_jsonl
from app.evaluation.metrics import PairScores, evaluate_groups, groups_from_pairs, ordered
from app.main import create_app
from app.store import tables
from app.store.migrate import upgrade

Record = dict[str, Any]
SETS = (*febrl.NAMES, "generated")
PROGRESS_SECONDS = 2.0


@dataclass(slots=True)
class Result:
    """What the service answered for one record."""

    status: int
    id: str | None = None
    group_id: str | None = None
    decision: str | None = None
    matches: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None


@dataclass(slots=True)
class Run:
    results: list[Result]
    groups: dict[str, str]  # stored id → its group after the run
    group_source: str
    config: str
    seconds: float


# --- running the service --------------------------------------------------------------------


def _key(i: int) -> str:
    return f"{i:06d}"


def _region(lead: Record) -> str | None:
    """The lead's own country as the region for its phone numbers, as a CRM would send it:
    only a real ISO 3166 code (not "UK" or "中国")."""
    country = lead.get("country")
    if isinstance(country, str) and country.upper() in phonenumbers.SUPPORTED_REGIONS:
        return country.upper()
    return None


class Progress:
    """A line on stderr every few seconds: rewritten in place on a terminal."""

    def __init__(self, label: str, total: int) -> None:
        self.label, self.total = label, total
        self.start = self.last = time.monotonic()
        self.tty = sys.stderr.isatty()

    def update(self, done: int) -> None:
        now = time.monotonic()
        if now - self.last < PROGRESS_SECONDS and done < self.total:
            return
        self.last = now
        rate = done / max(now - self.start, 1e-9)
        line = f"  {self.label}: {done}/{self.total} records ({rate:.0f}/s)"
        if self.tty:
            end = "\n" if done >= self.total else ""
            print(f"\r{line}", end=end, file=sys.stderr, flush=True)
        else:
            print(line, file=sys.stderr, flush=True)


@dataclass(frozen=True, slots=True)
class Config:
    name: str
    body: dict[str, Any]


def read_config(path: Path | None) -> Config | None:
    if path is None:
        return None
    if not path.exists():
        print(f"warning: config {path} not found; running with the defaults", file=sys.stderr)
        return None
    return Config(path.name, json.loads(path.read_text(encoding="utf-8")))


async def _put_config(client: httpx.AsyncClient, config: Config | None) -> str:
    if config is None:
        return "none"
    response = await client.put("/v1/config", json=config.body)
    if response.status_code in (404, 405):
        print(
            f"warning: PUT /v1/config answered {response.status_code} (no such route yet); "
            "running with the default config",
            file=sys.stderr,
        )
        return f"not applied: route answered {response.status_code}"
    if response.is_success:
        return f"applied {config.name}"
    print(
        f"warning: PUT /v1/config refused {config.name}: {response.status_code} "
        f"{response.text[:300]}; running with the default config",
        file=sys.stderr,
    )
    return f"refused: {response.status_code} {response.text[:300]}"


async def _final_groups(app: Any) -> dict[str, str]:
    """Every stored record's group as the index holds it after the run."""
    async with app.state.engine.connect() as conn:
        rows = await conn.execute(select(tables.lead.c.id, tables.lead.c.group_id))
        return {str(row.id): str(row.group_id) for row in rows}


async def run_service(
    records: Sequence[Record], order: Sequence[int], url: str, config: Config | None, label: str
) -> Run:
    settings = Settings(database_url=url, auth="off")
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    results: list[Result] = [Result(status=0) for _ in records]
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://leadgate.eval") as client,
    ):
        config_status = await _put_config(client, config)
        progress = Progress(label, len(order))
        start = time.perf_counter()
        for done, i in enumerate(order, 1):
            lead = records[i]["lead"]
            body: dict[str, Any] = {"lead": lead, "register": True}
            region = _region(lead)
            if region:
                body["region"] = region
            response = await client.post("/v1/check", json=body)
            results[i] = _result(response)
            progress.update(done)
        seconds = time.perf_counter() - start
        try:
            groups, source = await _final_groups(app), "index"
        except Exception as exc:  # the store's tables are not ours: fall back to the answers
            print(f"warning: could not read groups back ({exc!r})", file=sys.stderr)
            groups = {r.id: r.group_id for r in results if r.id and r.group_id}
            source = "responses"
    return Run(results, groups, source, config_status, seconds)


def _result(response: httpx.Response) -> Result:
    if response.status_code != 200:
        return Result(status=response.status_code, error=response.text[:500])
    data = response.json()
    return Result(
        status=200,
        id=data.get("id"),
        group_id=data.get("group_id"),
        decision=data.get("decision"),
        matches=[
            {k: m.get(k) for k in ("id", "group_id", "rule", "decision", "score", "fields")}
            for m in data.get("matches", [])
        ],
    )


class _FirstOnly(logging.Filter):
    """Let the app's first error log through with its traceback; count the rest."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.ERROR:
            return True
        self.count += 1
        return self.count == 1


@contextmanager
def _quiet_app_errors() -> Iterator[_FirstOnly]:
    logger = logging.getLogger("leadgate")
    only = _FirstOnly()
    logger.addFilter(only)
    try:
        yield only
    finally:
        logger.removeFilter(only)


# --- scoring ----------------------------------------------------------------------------------


def predicted_groups(run: Run) -> dict[str, str]:
    """Record → the group it ended in; a record the service did not store is on its own."""
    predicted: dict[str, str] = {}
    for i, result in enumerate(run.results):
        group = run.groups.get(result.id or "") or result.group_id
        predicted[_key(i)] = group if group else f"unstored-{i}"
    return predicted


def match_links(run: Run, decision: str, *, best_only: bool) -> list[tuple[str, str]]:
    """(record, matched record) for the answers with `decision`: the best match or all."""
    by_id: dict[str, str] = {}
    for i, result in enumerate(run.results):
        if result.id:
            by_id.setdefault(result.id, _key(i))
    pairs = set()
    for i, result in enumerate(run.results):
        if result.decision != decision:
            continue
        for match in result.matches[:1] if best_only else result.matches:
            if match.get("decision", decision) == "unique":
                continue
            other = by_id.get(str(match.get("id")))
            if other and other != _key(i):
                pairs.add(ordered(_key(i), other))
    return sorted(pairs)


def review_pairs(run: Run) -> list[tuple[str, str]]:
    """(record, matched record) for each match of a possible_duplicate answer."""
    return match_links(run, "possible_duplicate", best_only=False)


def _joined_on_review(run: Run) -> int:
    """possible_duplicate answers whose record was stored in its best match's group."""
    return sum(
        1
        for r in run.results
        if r.decision == "possible_duplicate"
        and r.matches
        and r.group_id is not None
        and r.group_id == r.matches[0].get("group_id")
    )


def _example(
    pair: tuple[str, str], records: Sequence[Record], run: Run, truth: dict[str, str]
) -> dict[str, Any]:
    """Both records of a pair as sent, with what the service said, for error analysis."""
    sides = []
    ids = {}
    for key in pair:
        i = int(key)
        result = run.results[i]
        ids[key] = result.id
        side = {
            "cluster": truth[key],
            "decision": result.decision,
            "group_id": run.groups.get(result.id or "") or result.group_id,
            "lead": records[i]["lead"],
        }
        for extra in ("kind", "noise", "rec_id"):
            if extra in records[i]:
                side[extra] = records[i][extra]
        sides.append(side)
    a, b = pair
    links = [
        {"from": key, **match}
        for key, other in ((a, b), (b, a))
        for match in run.results[int(key)].matches
        if ids[other] and match.get("id") == ids[other]
    ]
    return {"a": sides[0], "b": sides[1], "direct_matches": links}


def score_set(name: str, records: Sequence[Record], run: Run, *, examples: int) -> dict[str, Any]:
    truth = {_key(i): str(r["cluster"]) for i, r in enumerate(records)}
    # 1. groups: records that ended in one group (what the service stored).
    predicted = predicted_groups(run)
    groups = evaluate_groups(truth, predicted, examples=examples)
    # 2. duplicate links: a `duplicate` answer and its best match, closed transitively; what
    #    the groups would be if only sure duplicates joined them.
    sure = groups_from_pairs(truth, match_links(run, "duplicate", best_only=True))
    duplicate = evaluate_groups(truth, sure, examples=examples)
    # 3. with possible: the groups, the sure links and every possible_duplicate match.
    reviews = review_pairs(run)
    linked = [*predicted.items(), *sure.items(), *reviews]
    closure = groups_from_pairs([*truth, *predicted.values()], linked)
    with_possible = evaluate_groups(truth, {k: closure[k] for k in truth}, examples=examples)
    errors = [r for r in run.results if r.status != 200]
    rules = Counter(
        str(r.matches[0].get("rule")) for r in run.results if r.matches and r.decision != "unique"
    )

    def block(scores: PairScores) -> dict[str, Any]:
        return {
            **scores.as_dict(),
            "false_positive_examples": [
                _example(p, records, run, truth) for p in scores.false_positives
            ],
            "false_negative_examples": [
                _example(p, records, run, truth) for p in scores.false_negatives
            ],
        }

    return {
        "set": name,
        "records": len(records),
        "clusters": len(set(truth.values())),
        "true_pairs": duplicate.true_pairs,
        "config": run.config,
        "groups_read_from": run.group_source,
        "seconds": round(run.seconds, 2),
        "records_per_second": round(len(records) / run.seconds, 1) if run.seconds else None,
        "decisions": dict(Counter(str(r.decision) for r in run.results)),
        "rules": dict(rules),
        "errors": len(errors),
        "error_examples": [{"status": r.status, "body": r.error} for r in errors[:5]],
        "review_pairs": len(reviews),
        "review_pairs_true": sum(1 for a, b in reviews if truth[a] == truth[b]),
        "possible_duplicates_joined_group": _joined_on_review(run),
        "groups": block(groups),
        "duplicate_links": block(duplicate),
        "with_possible": block(with_possible),
    }


# --- the command ------------------------------------------------------------------------------


def limit_records(records: list[Record], limit: int | None, rng: Random) -> list[Record]:
    """At most `limit` records, taken as whole true clusters so no pair is cut in half."""
    if limit is None or limit >= len(records):
        return records
    clusters: dict[str, list[Record]] = {}
    for record in records:
        clusters.setdefault(str(record["cluster"]), []).append(record)
    names = list(clusters)
    rng.shuffle(names)
    kept: list[Record] = []
    for name in names:
        if len(kept) + len(clusters[name]) > limit:
            continue
        kept += clusters[name]
        if len(kept) >= limit:
            break
    return kept


def load_set(name: str, args: argparse.Namespace) -> tuple[list[Record], Path | None]:
    if name in febrl.NAMES:
        return febrl.load(name), args.febrl_config
    if name == "generated":
        if args.generated:
            return read_jsonl(args.generated), None
        return generate(args.entities, seed=args.seed), None
    raise SystemExit(f"unknown set {name!r}; choose from {', '.join(SETS)}")


def evaluate(name: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    records, config = load_set(name, args)
    records = limit_records(records, args.limit, Random(args.seed))
    order = list(range(len(records)))
    Random(args.seed).shuffle(order)
    url = f"sqlite+aiosqlite:///{workdir / f'{name}.db'}"
    upgrade(url)  # alembic runs its own event loop: outside ours
    with _quiet_app_errors() as failures:
        run = asyncio.run(run_service(records, order, url, read_config(config), name))
    if failures.count > 1:
        print(f"  ({failures.count - 1} more app errors not shown)", file=sys.stderr)
    result = score_set(name, records, run, examples=args.examples)
    result["splink"] = baseline(name, records, args)
    return result


def baseline(
    name: str, records: Sequence[Record], args: argparse.Namespace
) -> dict[str, Any] | None:
    """Splink's figures on the very records leadgate saw (same set, same limit), if wanted and
    installed."""
    if not (args.splink and splink_baseline.available()):
        return None
    print(f"  {name}: Splink", file=sys.stderr, flush=True)
    return splink_baseline.evaluate(records, people=name in febrl.NAMES, seed=args.seed)


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def table(results: Sequence[dict[str, Any]]) -> str:
    blocks = (
        ("groups", "groups"),
        ("duplicate_links", "dup links"),
        ("with_possible", "+possible"),
    )
    top = f"{'':<10} {'':>7} {'':>6} " + " ".join(f"{title:^20}" for _, title in blocks)
    header = (
        f"{'set':<10} {'records':>7} {'pairs':>6} "
        + " ".join(f"{'P':>6} {'R':>6} {'F1':>6}" for _ in blocks)
        + f" {'review':>6} {'errors':>6} {'seconds':>7}"
    )
    lines = [top, header, "-" * len(header)]
    for r in results:
        figures = " ".join(
            f"{_fmt(r[key]['precision']):>6} {_fmt(r[key]['recall']):>6} {_fmt(r[key]['f1']):>6}"
            for key, _ in blocks
        )
        lines.append(
            f"{r['set']:<10} {r['records']:>7} {r['true_pairs']:>6} {figures} "
            f"{r['review_pairs']:>6} {r['errors']:>6} {r['seconds']:>7.1f}"
        )
    lines.append(
        "groups: records sharing a group_id; dup links: only `duplicate` answers and their best "
        "match;\n+possible: groups plus every possible_duplicate match; review: possible_duplicate "
        "pairs; P n/a: nothing predicted"
    )
    return "\n".join(lines)


def beside(results: Sequence[dict[str, Any]]) -> str:
    """leadgate's groups and Splink's clusters, set by set: the same records, the same count."""
    ran = [r for r in results if r["splink"]]
    first = ran[0]["splink"]
    lines = [
        f"leadgate (groups) beside Splink {first['version']} (DuckDB; clusters at match "
        f"probability >= {first['threshold']}), pairs counted alike:",
        f"{'set':<10} {'':<8} {'P':>6} {'R':>6} {'F1':>6} {'seconds':>7}",
    ]
    for r in ran:
        for label, scores, seconds in (
            ("leadgate", r["groups"], r["seconds"]),
            ("splink", r["splink"]["clusters"], r["splink"]["seconds"]),
        ):
            lines.append(
                f"{r['set'] if label == 'leadgate' else '':<10} {label:<8} "
                f"{_fmt(scores['precision']):>6} {_fmt(scores['recall']):>6} "
                f"{_fmt(scores['f1']):>6} {seconds:>7.1f}"
            )
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m app.evaluation.run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated set names")
    parser.add_argument("--out", type=Path, help="write all figures and examples as JSON here")
    parser.add_argument("--limit", type=int, help="at most N records per set (whole clusters)")
    parser.add_argument("--seed", type=int, default=7, help="order of the records, and generator")
    parser.add_argument("--entities", type=int, default=2000, help="size of the generated set")
    parser.add_argument("--generated", type=Path, help="a JSON lines file instead of generating")
    parser.add_argument("--febrl-config", type=Path, default=febrl.CONFIG)
    parser.add_argument("--examples", type=int, default=20, help="FP and FN pairs to keep")
    parser.add_argument(
        "--no-splink",
        dest="splink",
        action="store_false",
        help="skip the Splink baseline even when Splink is installed",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    names = [n.strip() for n in args.sets.split(",") if n.strip()]
    unknown = [n for n in names if n not in SETS]
    if unknown:
        print(f"unknown set(s) {', '.join(unknown)}; choose from {', '.join(SETS)}")
        return 2
    results = []
    with tempfile.TemporaryDirectory(prefix="leadgate-eval-") as tmp:
        for name in names:
            results.append(evaluate(name, args, Path(tmp)))
    print(table(results))
    if any(r["splink"] for r in results):
        print(beside(results))
    elif args.splink and not splink_baseline.available():
        print(splink_baseline.MISSING)
    for r in results:
        if r["config"] not in ("none",) and not str(r["config"]).startswith("applied"):
            print(f"note: {r['set']}: config {r['config']}")
        if r["possible_duplicates_joined_group"]:
            print(
                f"note: {r['set']}: {r['possible_duplicates_joined_group']} possible_duplicate "
                "records were stored in their match's group (so `groups` counts them as merged)"
            )
        if r["errors"]:
            print(f"note: {r['set']}: {r['errors']} requests failed, e.g. {r['error_examples'][0]}")
    if args.out:
        report = {
            "version": __version__,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "seed": args.seed,
            "limit": args.limit,
            "splink": None if splink_baseline.available() else splink_baseline.MISSING,
            "sets": {r["set"]: r for r in results},
        }
        args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
