"""A whole export cleaned: verdicts, groups, masters, the merged file, the report, resume."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from openpyxl import Workbook, load_workbook

from app.cleaning.pipeline import Interrupted, auto_workers
from app.cleaning.state import STATE_FILE
from tests.cleaning.helpers import (
    as_row,
    clean,
    generated,
    read_csv,
    read_json,
    write_csv,
    write_jsonl,
)

SMALL = [
    (
        "c1",
        "张伟",
        "139 7182 4503",
        "北京字节跳动科技有限公司",
        "zhang.wei@bytedance.com",
        "web_form",
    ),
    ("c2", "张伟", "+86 13971824503", "字节跳动", "", "wechat"),
    ("c3", "李娜", "13760582914", "上海优贸智能科技有限公司", "li.na@youmao.cn", "web_form"),
    ("c4", "测试", "13800138000", "测试公司", "test@test.com", "import"),
    ("c5", "Li Na", "137 6058 2914", "", "", "wechat"),
    ("c6", "王芳", "12345", "", "", "import"),
    ("c7", "张伟", "", "", "Zhang.Wei@ByteDance.com", "web_form"),
]
SMALL_COLUMNS = ("客户编号", "姓名", "手机", "公司名称", "邮箱", "来源")
# Per row: decision, rule, row it matches, group, master; known by reading the rows.
EXPECTED = [
    ("unique", "", "", "G0000001", "True"),
    ("duplicate", "phone_and_company", "1", "G0000001", "False"),
    ("unique", "", "", "G0000003", "True"),
    ("unique", "", "", "G0000004", "True"),
    ("duplicate", "mobile_and_name", "3", "G0000003", "False"),
    ("unique", "", "", "G0000006", "True"),
    ("duplicate", "email_and_name", "1", "G0000001", "False"),
]


def small_rows() -> list[dict[str, str]]:
    return [dict(zip(SMALL_COLUMNS, row, strict=True)) for row in SMALL]


async def test_small_file_verdicts_groups_and_merged_rows(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "leads.csv", small_rows())
    outputs = await clean(path, tmp_path / "out")
    cleaned = read_csv(outputs.cleaned)
    got = [
        (r["decision"], r["rule"], r["match_row"], r["group_id"], r["is_master"]) for r in cleaned
    ]
    assert got == EXPECTED
    assert cleaned[0]["clean_phone"] == "+8613971824503"
    assert cleaned[5]["valid"] == "False"
    assert cleaned[5]["issues"] == "phone:invalid_phone; contact:missing_contact"
    assert cleaned[0]["姓名"] == "张伟"  # the input's own columns are kept as they were

    merged = read_csv(outputs.merged)
    assert [(m["group_id"], m["rows"], m["master_row"]) for m in merged] == [
        ("G0000001", "1; 2; 7", "1"),
        ("G0000003", "3; 5", "3"),
        ("G0000004", "4", "4"),
        ("G0000006", "6", "6"),
    ]
    zhang = merged[0]
    assert zhang["客户编号"] == "c1"  # the master keeps its identity
    assert zhang["clean_email"] == "zhang.wei@bytedance.com"
    assert zhang["clean_company"] == "字节跳动"  # row 2 is more recent than the master, row 1


async def test_report_figures_of_a_file_with_known_answers(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "leads.csv", small_rows())
    report = (await clean(path, tmp_path / "out")).report
    totals = report["totals"]
    assert (totals["rows"], totals["valid"], totals["duplicates"], totals["groups"]) == (7, 6, 3, 4)
    assert (totals["junk"], totals["possible_duplicates"], totals["redundant_rows"]) == (1, 0, 3)
    assert report["decisions"] == {"unique": 4, "duplicate": 3, "possible_duplicate": 0}
    assert report["group_sizes"] == {"1": 2, "2": 1, "3": 1, "4": 0, "5-9": 0, "10+": 0}
    assert {code: v["rows"] for code, v in report["issues"].items()} == {
        "junk_name": 1,
        "junk_company": 1,
        "junk_email": 1,
        "junk_phone": 1,
        "invalid_phone": 1,
        "missing_contact": 1,
    }
    assert report["top_junk_values"]["junk_name"] == [{"value": "测试", "rows": 1}]
    assert report["top_junk_values"]["junk_phone"] == [{"value": "13800138000", "rows": 1}]
    assert report["completeness"]["email"] == {
        "filled": 4, "filled_rate": 0.5714, "usable": 4, "usable_rate": 0.5714
    }  # fmt: skip
    assert report["completeness"]["phone"]["filled"] == 6
    assert report["completeness"]["phone"]["usable"] == 5
    assert report["pools"] == {"nurture": 5, "discard": 1, "sdr_cleanup": 1}
    sources = report["by_source"]
    assert (sources["wechat"]["rows"], sources["wechat"]["duplicate_rate"]) == (2, 1.0)
    assert (sources["import"]["valid_rate"], sources["import"]["junk_rate"]) == (0.5, 0.5)
    assert [s["row"] for s in report["samples"]["duplicate"]] == [2, 5, 7]
    assert report["samples"]["invalid_phone"][0]["value"] == "12345"
    assert read_json(tmp_path / "out" / "report.json")["totals"] == totals


async def test_duplicates_in_a_generated_file_share_one_group_and_one_master(
    tmp_path: Path,
) -> None:
    leads = generated(150, seed=3)
    path = write_csv(tmp_path / "leads.csv", [as_row(lead) for lead in leads])
    outputs = await clean(path, tmp_path / "out")
    rows = read_csv(outputs.cleaned)
    groups: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        groups.setdefault(row["group_id"], []).append(row)
    for row in rows:
        if row["decision"] == "duplicate" and row["match_row"]:
            assert row["group_id"] == rows[int(row["match_row"]) - 1]["group_id"]
    assert all(sum(r["is_master"] == "True" for r in g) == 1 for g in groups.values())
    assert any(len(g) > 1 for g in groups.values())
    merged = read_csv(outputs.merged)
    assert sorted(m["group_id"] for m in merged) == sorted(groups)
    assert outputs.report["totals"]["groups"] == len(groups)


async def test_resume_after_an_interruption_gives_the_same_files(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "leads.csv", [as_row(lead) for lead in generated(150, seed=5)])
    whole = await clean(path, tmp_path / "once")

    def stop_at(row: int) -> None:
        if row == 97:
            raise KeyboardInterrupt

    with pytest.raises(Interrupted) as stopped:
        await clean(path, tmp_path / "twice", on_row=stop_at)
    assert stopped.value.rows == 97
    assert (tmp_path / "twice" / ".leadgate-work" / STATE_FILE).exists()
    assert not (tmp_path / "twice" / "leads.cleaned.csv").exists()

    resumed = await clean(path, tmp_path / "twice")
    assert resumed.report["run"]["resumed_at_row"] == 97
    assert resumed.cleaned.read_bytes() == whole.cleaned.read_bytes()
    assert resumed.merged.read_bytes() == whole.merged.read_bytes()
    del resumed.report["run"], whole.report["run"]
    assert resumed.report == whole.report
    assert not (tmp_path / "twice" / ".leadgate-work").exists()


async def test_changed_input_starts_over_instead_of_resuming(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "leads.csv", small_rows())

    def stop(row: int) -> None:
        if row == 3:
            raise KeyboardInterrupt

    with pytest.raises(Interrupted):
        await clean(path, tmp_path / "out", on_row=stop)
    write_csv(path, small_rows()[:4])
    outputs = await clean(path, tmp_path / "out")
    assert outputs.report["run"]["resumed_at_row"] == 0
    assert outputs.report["totals"]["rows"] == 4


async def test_xlsx_in_xlsx_out(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(list(SMALL_COLUMNS))
    for row in SMALL:
        sheet.append([13971824503 if cell == "+86 13971824503" else cell or None for cell in row])
    book.save(tmp_path / "leads.xlsx")
    outputs = await clean(tmp_path / "leads.xlsx", tmp_path / "out")
    assert outputs.cleaned.name == "leads.cleaned.xlsx"
    cleaned = list(load_workbook(outputs.cleaned, read_only=True).worksheets[0].values)
    header = list(cleaned[0])
    assert header[: len(SMALL_COLUMNS)] == list(SMALL_COLUMNS)
    at = {name: i for i, name in enumerate(header)}
    got = [
        (r[at["decision"]], r[at["rule"]] or "", str(r[at["match_row"]] or ""), r[at["group_id"]])
        for r in cleaned[1:]
    ]
    assert got == [e[:4] for e in EXPECTED]
    merged = list(load_workbook(outputs.merged, read_only=True).worksheets[0].values)
    assert len(merged) == 1 + 4


async def test_jsonl_in_jsonl_out(tmp_path: Path) -> None:
    leads: list[dict[str, Any]] = [
        {"external_id": r[0], "name": r[1], "phone": r[2], "company": r[3], "email": r[4],
         "source": r[5]}
        for r in SMALL
    ]  # fmt: skip
    outputs = await clean(write_jsonl(tmp_path / "leads.jsonl", leads), tmp_path / "out")
    lines = [orjson.loads(line) for line in outputs.cleaned.read_bytes().splitlines()]
    assert [(x["decision"], x["group_id"]) for x in lines] == [(e[0], e[3]) for e in EXPECTED]
    assert lines[0]["lead"]["name"] == "张伟"
    assert lines[0]["normalized"]["phone"] == ["+8613971824503"]
    assert lines[5]["issues"][0]["code"] == "invalid_phone"
    merged = [orjson.loads(line) for line in outputs.merged.read_bytes().splitlines()]
    assert merged[0]["rows"] == [1, 2, 7]
    assert merged[0]["lead"]["external_id"] == "c1"


async def test_worker_processes_give_the_same_files(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "leads.csv", [as_row(lead) for lead in generated(500, seed=8)])
    alone = await clean(path, tmp_path / "alone", workers=1)
    pooled = await clean(path, tmp_path / "pooled", workers=2)
    assert pooled.cleaned.read_bytes() == alone.cleaned.read_bytes()
    assert pooled.merged.read_bytes() == alone.merged.read_bytes()
    del pooled.report["run"], alone.report["run"]
    assert pooled.report == alone.report


@pytest.mark.parametrize(
    ("rows", "cores", "workers"),
    [
        (None, 4, 1),
        (500, 4, 1),
        (20_000, 4, 4),
        (1_000_000, 2, 2),
        (1_000_000, 64, 8),
        (10**6, None, 1),
    ],
)
def test_big_files_use_a_process_per_core_by_default(
    rows: int | None, cores: int | None, workers: int
) -> None:
    assert auto_workers(rows, cores) == workers
