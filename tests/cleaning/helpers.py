"""Inputs for the cleaner's tests: generated leads written as an export would be."""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import orjson

from app.cleaning.pipeline import Cleaner, Options, Outputs
from app.domain.policy import DEFAULT_POLICY, Policy
from app.evaluation.generate import generate

HEADERS = {
    "external_id": "客户编号",
    "name": "姓名",
    "company": "公司名称",
    "phone": "手机",
    "email": "邮箱",
    "website": "官网",
    "title": "职位",
    "address": "地址",
    "city": "城市",
    "region": "省份",
    "postcode": "邮编",
    "country": "国家",
    "uscc": "统一社会信用代码",
    "source": "来源",
    "entity": "entity",
    "first_name": "名",
    "last_name": "姓",
}


def generated(entities: int, seed: int = 11) -> list[dict[str, Any]]:
    """Generated leads as the contract's Lead JSON, in file order."""
    return [record["lead"] for record in generate(entities, seed=seed)]


def as_row(lead: dict[str, Any]) -> dict[str, str]:
    """A lead as one spreadsheet row under Chinese headers (lists joined as a CRM shows them)."""
    row = {}
    for field, header in HEADERS.items():
        value = lead.get(field)
        row[header] = "; ".join(value) if isinstance(value, list) else (value or "")
    return row


def write_csv(
    path: Path,
    rows: Sequence[dict[str, str]],
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
) -> Path:
    columns = list(rows[0]) if rows else list(HEADERS.values())
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(columns)
        writer.writerows([[r.get(c, "") for c in columns] for r in rows])
    return path


def write_jsonl(path: Path, rows: Sequence[dict[str, Any]]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def read_json(path: Path) -> Any:
    return orjson.loads(path.read_bytes())


async def clean(
    path: Path,
    out: Path,
    *,
    policy: Policy = DEFAULT_POLICY,
    on_row: Callable[[int], None] | None = None,
    **options: Any,
) -> Outputs:
    cleaner = Cleaner(
        Options(input=path, out=out, policy=policy, region="CN", **options),
        say=lambda _line: None,
        on_row=on_row,
    )
    return await cleaner.run()
