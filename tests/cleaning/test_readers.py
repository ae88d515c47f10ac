"""Exports read as they come: every encoding and delimiter, XLSX, JSONL; bad files named."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from openpyxl import Workbook

from app.cleaning.errors import CleanError
from app.cleaning.readers import open_source, read_rows
from tests.cleaning.helpers import write_csv, write_jsonl

ROWS = [
    {
        "姓名": "张伟",
        "手机": "139 7182 4503",
        "公司": "北京字节跳动科技有限公司",
        "备注": "展会, 2023",
    },
    {"姓名": "李娜", "手机": "", "公司": '上海"优贸"智能', "备注": "多行\n备注"},
]


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("gbk", "gb18030"),
        ("gb18030", "gb18030"),
        ("utf-16", "utf-16"),
    ],
)
@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_in_every_encoding_and_delimiter(
    tmp_path: Path, encoding: str, detected: str, delimiter: str
) -> None:
    path = write_csv(tmp_path / "leads.csv", ROWS, encoding=encoding, delimiter=delimiter)
    source = open_source(path)
    assert (source.encoding, source.delimiter) == (detected, delimiter)
    assert source.columns == ("姓名", "手机", "公司", "备注")
    rows = list(read_rows(source))
    assert rows == [
        {
            "姓名": "张伟",
            "手机": "139 7182 4503",
            "公司": "北京字节跳动科技有限公司",
            "备注": "展会, 2023",
        },
        {"姓名": "李娜", "手机": None, "公司": '上海"优贸"智能', "备注": "多行\n备注"},
    ]


def test_resume_skips_rows_unread(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "leads.csv", [{"n": str(i)} for i in range(5)])
    assert [r["n"] for r in read_rows(open_source(path), skip=3)] == ["3", "4"]


def test_xlsx_numbers_and_blank_rows(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append([None])
    sheet.append(["Name", "Mobile", "Company", None])
    sheet.append(["Jane Doe", 13971824503, "Acme", None])
    sheet.append([None, None, None, None])
    sheet.append(["Wang Fang", "+86 139 7182 4503", None, None])
    book.save(tmp_path / "leads.xlsx")
    source = open_source(tmp_path / "leads.xlsx")
    assert source.format == "xlsx"
    assert source.columns == ("Name", "Mobile", "Company", "column 4")
    assert list(read_rows(source)) == [
        {"Name": "Jane Doe", "Mobile": "13971824503", "Company": "Acme", "column 4": None},
        {"Name": "Wang Fang", "Mobile": "+86 139 7182 4503", "Company": None, "column 4": None},
    ]


def test_jsonl_keeps_lists_and_objects(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "leads.jsonl",
        [{"name": "张伟", "phone": ["13971824503", "010-62345678"], "attributes": {"dob": "1990"}}],
    )
    source = open_source(path)
    assert source.columns == ("name", "phone", "attributes")
    row = next(read_rows(source))
    assert row["phone"] == ["13971824503", "010-62345678"]
    assert row["attributes"] == {"dob": "1990"}


def _bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


BAD = [
    ("empty.csv", b"", "is empty"),
    ("book.csv", b"PK\x03\x04rest-of-a-zip", "is a ZIP file"),
    ("book.xlsx", "姓名,手机\n张三,1\n".encode(), "not an Excel workbook"),
    ("old.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old binary Excel"),
    ("broken.xlsx", b"PK\x03\x04 not really a zip", "not a readable Excel workbook"),
    ("binary.csv", b"name\x00\x01\x02", "binary data"),
    ("latin.csv", b"name\n\x80\x80\xff\n", "neither UTF-8 nor GBK"),
    ("leads.pdf", b"%PDF-1.4", "unknown file type"),
    ("header.csv", b"\n\n", "no header"),
    ("bad.jsonl", b'{"name": "a"}\n{nope\n', "line 2: not JSON"),
    ("list.jsonl", b'["a", "b"]\n', "not a JSON object"),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD)
def test_bad_input_is_named_not_traced(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    path = _bytes(tmp_path / name, data)
    with pytest.raises(CleanError, match=message):
        list(read_rows(open_source(path)))


def test_a_row_wider_than_the_header_is_refused(tmp_path: Path) -> None:
    path = _bytes(tmp_path / "wide.csv", "姓名,手机\n张三,139\n李四,138,多出来\n".encode())
    rows = read_rows(open_source(path))
    assert next(rows)["姓名"] == "张三"
    with pytest.raises(CleanError, match="line 3: 3 values but the header names 2"):
        next(rows)


def test_trailing_empty_cells_are_no_extra_columns(tmp_path: Path) -> None:
    path = _bytes(tmp_path / "trailing.csv", "姓名,手机\n张三,139,,\n".encode())
    assert list(read_rows(open_source(path))) == [{"姓名": "张三", "手机": "139"}]


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_reading_streams_in_constant_memory(tmp_path: Path, suffix: str) -> None:
    """50,000 rows pass through holding one at a time: peak far below the file's size."""
    rows = [
        {"name": f"客户{i}", "phone": f"139{i:08d}", "company": f"公司{i % 97}", "note": "x" * 40}
        for i in range(50_000)
    ]
    path = tmp_path / f"big{suffix}"
    if suffix == ".csv":
        write_csv(path, rows)
    else:
        write_jsonl(path, rows)
    source = open_source(path)
    tracemalloc.start()
    count = sum(1 for _ in read_rows(source))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 50_000
    assert path.stat().st_size > 3_500_000
    assert peak < 1_000_000
