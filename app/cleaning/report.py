"""The data-quality report: the figures a clean-up starts from, counted row by row.

Fed every decided row once (after the groups are final), it counts in bounded memory: the
counters are per field, code, grade, pool and source (at most `MAX_SOURCES` sources, the
rest as "(other)"), the junk values a bounded heavy-hitter count, and the samples a few
rows of each kind of problem.

The rows may be counted a part at a time, in the processes that render the part
(`app.cleaning.render`), and the parts merged in file order (`Report.merge`): every
figure is then the one counting row by row gives, the samples and the sources' order
too, except the junk values' approximate top, which is pruned per part.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.cleaning.mapping import FIELDS

Record = Mapping[str, Any]
SAMPLES = 5
TOP_VALUES = 10
MAX_SOURCES = 30
OTHER_SOURCE = "(other)"
NO_SOURCE = "(none)"
GROUP_SIZE_BUCKETS = ("1", "2", "3", "4", "5-9", "10+")
DECISIONS = ("unique", "duplicate", "possible_duplicate")


def rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _bucket(size: int) -> str:
    if size >= 10:
        return "10+"
    if size >= 5:
        return "5-9"
    return str(size)


class TopValues:
    """Approximate most frequent values in bounded memory (a pruned counter)."""

    def __init__(self, keep: int = TOP_VALUES) -> None:
        self.keep = keep
        self.counts: Counter[str] = Counter()

    def add(self, value: str) -> None:
        self.counts[value] += 1
        self._prune()

    def _prune(self) -> None:
        if len(self.counts) > self.keep * 50:
            self.counts = Counter(dict(self.counts.most_common(self.keep * 10)))

    def top(self) -> list[dict[str, Any]]:
        return [{"value": v, "rows": n} for v, n in self.counts.most_common(self.keep)]

    def merge(self, other: TopValues) -> None:
        self.counts.update(other.counts)
        self._prune()


@dataclass
class Tally:
    """The figures of one slice of rows: the whole file, or one source."""

    rows: int = 0
    valid: int = 0
    decisions: Counter[str] = field(default_factory=Counter)
    redundant: int = 0
    junk: int = 0
    issues: Counter[str] = field(default_factory=Counter)
    grades: Counter[str] = field(default_factory=Counter)
    pools: Counter[str] = field(default_factory=Counter)

    def add(self, record: Record, codes: set[str], *, is_master: bool) -> None:
        self.rows += 1
        self.valid += bool(record["valid"])
        self.decisions[record["decision"]] += 1
        self.redundant += not is_master
        self.junk += any(c.startswith("junk_") for c in codes)
        self.issues.update(codes)
        self.grades[record["grade"]] += 1
        self.pools[record["pool"]] += 1

    def merge(self, other: Tally) -> None:
        self.rows += other.rows
        self.valid += other.valid
        self.decisions.update(other.decisions)
        self.redundant += other.redundant
        self.junk += other.junk
        self.issues.update(other.issues)
        self.grades.update(other.grades)
        self.pools.update(other.pools)

    def as_json(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "valid": self.valid,
            "valid_rate": rate(self.valid, self.rows),
            "duplicates": self.decisions["duplicate"],
            "duplicate_rate": rate(self.decisions["duplicate"], self.rows),
            "possible_duplicates": self.decisions["possible_duplicate"],
            "redundant_rows": self.redundant,
            "junk": self.junk,
            "junk_rate": rate(self.junk, self.rows),
            "issues": dict(self.issues.most_common()),
            "grades": dict(sorted(self.grades.items())),
            "pools": dict(self.pools.most_common()),
        }


class Report:
    def __init__(self, sources_kept: int | None = MAX_SOURCES) -> None:
        """`sources_kept` None: every source by name, as a part merged later counts them
        (the cap must apply to the first sources of the whole file, not of a part)."""
        self.sources_kept = sources_kept
        self.total = Tally()
        self.sources: dict[str, Tally] = {}
        self.filled: Counter[str] = Counter()
        self.usable: Counter[str] = Counter()
        self.severity: dict[str, str] = {}
        self.rules: Counter[str] = Counter()
        self.junk_values: dict[str, TopValues] = {}
        self.samples: dict[str, list[dict[str, Any]]] = {}
        self.group_sizes: Counter[str] = Counter()
        self.groups = 0
        self.against: Counter[str] = Counter()

    def add(self, record: Record, *, group_id: str, group_size: int, is_master: bool) -> None:
        lead, normalized = record["lead"], record["n"]
        codes = {issue[1] for issue in record["issues"]}
        self.total.add(record, codes, is_master=is_master)
        self._source(normalized.get("source")).add(record, codes, is_master=is_master)
        self.filled.update(f for f in FIELDS if f in lead)
        self.usable.update(f for f in FIELDS if normalized.get(f) not in (None, "", []))
        if record["rule"]:
            self.rules[record["rule"]] += 1
        if record.get("match_id"):
            self.against[record["decision"]] += 1
        if is_master:
            self.groups += 1
            self.group_sizes[_bucket(group_size)] += 1
        for fld, code, severity, message in record["issues"]:
            self.severity[code] = severity
            value = _shown(lead.get(fld.partition(".")[0]))
            if code.startswith("junk_") or code == "blocked":
                self.junk_values.setdefault(code, TopValues()).add(value)
            self._sample(
                code, {"row": record["row"], "field": fld, "value": value, "message": message}
            )
        if record["decision"] != "unique":
            self._sample(
                record["decision"],
                {
                    "row": record["row"],
                    "match_row": record["match_row"],
                    "match_id": record["match_id"],
                    "rule": record["rule"],
                    "probability": record["probability"],
                    "group_id": group_id,
                    "lead": _summary(lead),
                },
            )

    def merge(self, part: Report) -> None:
        """Add the figures of the rows that follow those counted so far, counted apart."""
        self.total.merge(part.total)
        for name, tally in part.sources.items():
            self._source(name).merge(tally)
        for counter, more in (
            (self.filled, part.filled),
            (self.usable, part.usable),
            (self.rules, part.rules),
            (self.group_sizes, part.group_sizes),
            (self.against, part.against),
        ):
            counter.update(more)
        self.severity.update(part.severity)
        for code, top in part.junk_values.items():
            self.junk_values.setdefault(code, TopValues()).merge(top)
        for kind, samples in part.samples.items():
            for sample in samples:
                self._sample(kind, sample)
        self.groups += part.groups

    def _source(self, source: str | None) -> Tally:
        name = source or NO_SOURCE
        kept = self.sources_kept
        if name not in self.sources and kept is not None and len(self.sources) >= kept:
            name = OTHER_SOURCE
        return self.sources.setdefault(name, Tally())

    def _sample(self, kind: str, sample: dict[str, Any]) -> None:
        found = self.samples.setdefault(kind, [])
        if len(found) < SAMPLES:
            found.append(sample)

    def as_json(self, context: Mapping[str, Any]) -> dict[str, Any]:
        rows = self.total.rows
        totals = self.total.as_json()
        del totals["issues"]
        totals["groups"] = self.groups
        totals["redundant_rate"] = rate(self.total.redundant, rows)
        return {
            **context,
            "totals": totals,
            "decisions": {d: self.total.decisions[d] for d in DECISIONS},
            "rules": dict(self.rules.most_common()),
            "completeness": {
                f: {
                    "filled": self.filled[f],
                    "filled_rate": rate(self.filled[f], rows),
                    "usable": self.usable[f],
                    "usable_rate": rate(self.usable[f], rows),
                }
                for f in FIELDS
            },
            "issues": {
                code: {"severity": self.severity[code], "rows": n, "rate": rate(n, rows)}
                for code, n in self.total.issues.most_common()
            },
            "top_junk_values": {code: top.top() for code, top in sorted(self.junk_values.items())},
            "group_sizes": {b: self.group_sizes[b] for b in GROUP_SIZE_BUCKETS},
            "grades": totals.pop("grades"),
            "pools": totals.pop("pools"),
            "by_source": {
                name: tally.as_json()
                for name, tally in sorted(self.sources.items(), key=lambda kv: -kv[1].rows)
            },
            "samples": self.samples,
            **({"against_index": dict(self.against)} if self.against else {}),
        }


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _summary(lead: Mapping[str, Any]) -> str:
    """A row in one short line, for a sample: name, company, first phone and email."""
    parts = [_shown(lead.get(f)) for f in ("name", "company", "phone", "email")]
    return " · ".join(p for p in parts if p)[:160]


def summary(report: Mapping[str, Any]) -> list[str]:
    """The report in a few lines for the terminal."""
    t = report["totals"]
    lines = [
        f"{t['rows']:,} rows: {t['valid']:,} valid ({t['valid_rate']:.1%}), "
        f"{t['duplicates']:,} duplicates ({t['duplicate_rate']:.1%}), "
        f"{t['possible_duplicates']:,} possible duplicates to review, "
        f"{t['junk']:,} junk ({t['junk_rate']:.1%})",
        f"{t['groups']:,} real people and companies; {t['redundant_rows']:,} rows repeat one "
        f"({t['redundant_rate']:.1%})",
    ]
    issues = report["issues"]
    if issues:
        shown = ", ".join(f"{code} {v['rows']:,}" for code, v in list(issues.items())[:8])
        lines.append(f"issues: {shown}")
    lines.append("grades: " + _line(report["grades"]) + "   pools: " + _line(report["pools"]))
    worst = _worst_sources(report["by_source"])
    if worst:
        lines.append("sources: " + "; ".join(worst))
    return lines


def _line(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in counts.items())


def _worst_sources(by_source: Mapping[str, Mapping[str, Any]], shown: int = 5) -> Sequence[str]:
    ranked = sorted(
        by_source.items(), key=lambda kv: -(kv[1]["duplicate_rate"] + 1 - kv[1]["valid_rate"])
    )
    return [
        f"{name} {s['rows']:,} rows, {s['valid_rate']:.0%} valid, "
        f"{s['duplicate_rate']:.0%} duplicates, {s['junk_rate']:.0%} junk"
        for name, s in ranked[:shown]
    ]
