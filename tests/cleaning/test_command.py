"""`leadgate clean` from the command line: what it prints, and bad input as a message and exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main
from tests.cleaning.helpers import write_csv
from tests.cleaning.test_clean import small_rows


def test_clean_prints_the_mapping_and_the_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "export.csv", small_rows(), encoding="gbk", delimiter="\t")
    assert main(["clean", str(path), "--map", "external_id=客户编号"]) == 0
    out = capsys.readouterr().out
    assert "CSV, gb18030, delimiter tab" in out
    assert "姓名" in out and "→ name" in out
    assert "7 rows: 6 valid (85.7%), 3 duplicates (42.9%)" in out
    folder = tmp_path / "export-clean"
    names = {p.name for p in folder.iterdir()}
    assert names == {"export.cleaned.csv", "export.merged.csv", "report.json", "report.html"}


BAD = [
    (b"", [], "is empty"),
    ("姓名,手机\n".encode(), [], "has a header but no rows"),
    ("姓名,手机\n张三,139,多\n".encode(), [], "line 2: 3 values but the header names 2"),
    (b"name\n\xff\xfe\x80\x81\n", [], "neither UTF-8 nor GBK"),
    ("姓名\n张三\n".encode(), ["--map", "phone=手机"], "--map names no column '手机'"),
    ("姓名\n张三\n".encode(), ["--config", "{missing}"], "--config"),
    ("姓名\n张三\n".encode(), ["--config", "{bad}"], "max_candidates"),
]


@pytest.mark.parametrize(("data", "args", "message"), BAD)
def test_bad_input_exits_2_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes, args: list[str], message: str
) -> None:
    (tmp_path / "bad.json").write_text('{"max_candidates": 0}', encoding="utf-8")
    args = [
        a.replace("{missing}", str(tmp_path / "none.json")).replace(
            "{bad}", str(tmp_path / "bad.json")
        )
        for a in args
    ]
    path = tmp_path / "leads.csv"
    path.write_bytes(data)
    assert main(["clean", str(path), *args]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_an_unreachable_index_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv(tmp_path / "leads.csv", small_rows())
    url = f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'dir' / 'x.db'}"
    assert main(["clean", str(path), "--against", url]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error:") and "Traceback" not in err
