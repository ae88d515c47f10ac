"""What one decided row, and one merged group, look like in the output files.

Spreadsheet outputs (CSV, XLSX) keep the input's columns as they were and add the
verdict (`row`, `valid`, `issues`, `decision`, `rule`, `match_row`, `match_id`,
`group_id`, `is_master`, `score`, `grade`, `pool`) and the normalized fields as
`clean_<field>`; an added name that an input column already uses gets `lg_` in front.
JSONL outputs nest instead: `{"row", "lead": <the input object>, "normalized": {…}, …}`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.cleaning.mapping import FIELDS
from app.domain import survivorship

Record = Mapping[str, Any]
VERDICT = (
    "row",
    "valid",
    "issues",
    "decision",
    "rule",
    "match_row",
    "match_id",
    "group_id",
    "is_master",
    "score",
    "grade",
    "pool",
)
GROUP = ("group_id", "group_size", "master_row", "rows")
CLEAN = tuple(f"clean_{f}" for f in FIELDS)


def _unclashed(columns: Sequence[str], added: Sequence[str]) -> dict[str, str]:
    taken = set(columns)
    return {name: f"lg_{name}" if name in taken else name for name in added}


class Layout:
    """Column names of the cleaned and merged spreadsheets for one input's columns."""

    def __init__(self, columns: Sequence[str]) -> None:
        self.columns = list(columns)
        self.names = _unclashed(columns, (*VERDICT, *GROUP, *CLEAN))

    def cleaned_columns(self) -> list[str]:
        return [*self.columns, *(self.names[n] for n in (*VERDICT, *CLEAN))]

    def merged_columns(self) -> list[str]:
        return [*(self.names[n] for n in GROUP), *self.columns, *(self.names[n] for n in CLEAN)]

    def cleaned(self, record: Record, group_id: str, *, is_master: bool) -> dict[str, Any]:
        verdict = _verdict(record, group_id, is_master=is_master)
        verdict["issues"] = [f"{field}:{code}" for field, code, _, _ in record["issues"]]
        row = dict(record["cells"])
        row.update({self.names[k]: v for k, v in verdict.items()})
        row.update(self._clean(record["n"]))
        return row

    def merged(self, group: Merged) -> dict[str, Any]:
        row = dict(group.cells)
        row.update({self.names[k]: v for k, v in group.header().items()})
        row.update(self._clean(group.normalized))
        return row

    def _clean(self, normalized: Mapping[str, Any]) -> dict[str, Any]:
        return {self.names[f"clean_{f}"]: normalized.get(f) for f in FIELDS}


def _verdict(record: Record, group_id: str, *, is_master: bool) -> dict[str, Any]:
    return {
        "row": record["row"],
        "valid": record["valid"],
        "issues": record["issues"],
        "decision": record["decision"],
        "rule": record["rule"],
        "match_row": record["match_row"],
        "match_id": record["match_id"],
        "group_id": group_id,
        "is_master": is_master,
        "score": record["score"],
        "grade": record["grade"],
        "pool": record["pool"],
    }


def cleaned_json(record: Record, group_id: str, *, is_master: bool) -> dict[str, Any]:
    verdict = _verdict(record, group_id, is_master=is_master)
    verdict["issues"] = [
        {"field": f, "code": c, "severity": s, "message": m} for f, c, s, m in record["issues"]
    ]
    return {"row": record["row"], "lead": record["cells"], "normalized": record["n"], **verdict}


class Merged:
    """One group folded into its master row by the survivorship policy.

    The master survives and keeps its identity; the other rows are folded into it in
    file order, a later row counting as the more recent record (exports list records
    as they were created), in the input's cells, the Lead JSON and the normalized form.
    """

    def __init__(
        self,
        group_id: str,
        master: Record,
        members: Sequence[Record],
        identity: Sequence[str] = (),
    ) -> None:
        """`identity` are the input's columns of the lead's identity (its id and entity)."""
        self.group_id = group_id
        self.master_row = int(master["row"])
        self.rows = [int(m["row"]) for m in members]
        cells, lead, normalized = master["cells"], master["lead"], master["n"]
        for other in members:
            if other is master:
                continue
            newer = other["row"] > master["row"]
            cells = survivorship.survive(cells, other["cells"], other_is_newer=newer)
            lead = survivorship.survive(lead, other["lead"], other_is_newer=newer)
            normalized = survivorship.survive(normalized, other["n"], other_is_newer=newer)
        self.cells: dict[str, Any] = {**cells, **{c: master["cells"].get(c) for c in identity}}
        self.lead: dict[str, Any] = dict(lead)
        self.normalized: dict[str, Any] = dict(normalized)

    def header(self) -> dict[str, Any]:
        return {
            "group_id": self.group_id,
            "group_size": len(self.rows),
            "master_row": self.master_row,
            "rows": self.rows,
        }

    def as_json(self) -> dict[str, Any]:
        return {**self.header(), "lead": self.cells, "normalized": self.normalized}
