"""Writing rows in the input's own format, a batch of rows at a time.

CSV is written as UTF-8 with a BOM (so Excel opens Chinese text right, whatever the
input's encoding was) with the input's delimiter; XLSX through openpyxl's write-only
mode, which streams rows to disk; JSONL one object a line. Each writer writes to a
temporary name and takes the real one only when closed whole, so an interrupted run
never leaves a half file that looks finished.

Rows are first encoded (`Encoder`: CSV and JSONL into their text, XLSX into cell values),
which needs no file and so runs in the worker processes; the writer only appends that.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import orjson

from app.cleaning.readers import Format

Encoded = str | bytes | list[list[Any]]
"""Rows ready to append: CSV text, JSONL bytes, or XLSX cell values."""


class RowWriter(Protocol):
    def write(self, rows: Encoded) -> None: ...

    def close(self) -> None: ...


class Encoder:
    """Rows as the writer of `fmt` appends them, one row at a time, kept only as output:
    a part of a big file in the making holds no row objects."""

    def __init__(self, fmt: Format, columns: Sequence[str], delimiter: str | None) -> None:
        self.fmt = fmt
        self.columns = columns
        self._text = io.StringIO(newline="")
        self._csv = csv.writer(self._text, delimiter=delimiter or ",")
        self._lines: list[bytes] = []
        self._cells: list[list[Any]] = []

    def add(self, row: dict[str, Any]) -> None:
        if self.fmt == "jsonl":
            self._lines.append(orjson.dumps(row) + b"\n")
            return
        cells = [_cell(row.get(c)) for c in self.columns]
        if self.fmt == "xlsx":
            self._cells.append(cells)
        else:
            self._csv.writerow(cells)

    def done(self) -> Encoded:
        if self.fmt == "jsonl":
            return b"".join(self._lines)
        return self._cells if self.fmt == "xlsx" else self._text.getvalue()


_AS_IS = frozenset({str, int, float, bool})
"""Types a cell takes unchanged: most cells, so they are told apart first and cheaply."""


def _cell(value: Any) -> Any:
    """A value as a spreadsheet shows it: lists joined, dicts as JSON, None empty."""
    if type(value) in _AS_IS:
        return value
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(str(_cell(v)) for v in value)
    if isinstance(value, dict):
        return orjson.dumps(value).decode()
    return value


class _Atomic:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.tmp = path.with_name(path.name + ".part")

    def done(self) -> None:
        os.replace(self.tmp, self.path)


class CsvWriter(_Atomic):
    def __init__(self, path: Path, columns: list[str], delimiter: str) -> None:
        super().__init__(path)
        self._file = self.tmp.open("w", encoding="utf-8-sig", newline="")
        csv.writer(self._file, delimiter=delimiter).writerow(columns)

    def write(self, rows: Encoded) -> None:
        assert isinstance(rows, str)
        self._file.write(rows)

    def close(self) -> None:
        self._file.close()
        self.done()


class XlsxWriter(_Atomic):
    def __init__(self, path: Path, columns: list[str], sheet: str) -> None:
        from openpyxl import Workbook  # noqa: PLC0415 (only XLSX output pays for the import)

        super().__init__(path)
        self._book = Workbook(write_only=True)
        self._sheet = self._book.create_sheet(sheet)
        self._sheet.append(columns)

    def write(self, rows: Encoded) -> None:
        assert isinstance(rows, list)
        for cells in rows:
            self._sheet.append([self._text(value) for value in cells])

    def _text(self, value: Any) -> Any:
        """Text without the control characters XLSX cannot hold; '=…' stays text, not a formula."""
        if not isinstance(value, str):
            return value
        from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # noqa: PLC0415

        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith("="):
            cell = WriteOnlyCell(self._sheet, value)
            cell.data_type = "s"
            return cell
        return value

    def close(self) -> None:
        self._book.save(self.tmp)
        self.done()


class JsonlWriter(_Atomic):
    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._file = self.tmp.open("wb")

    def write(self, rows: Encoded) -> None:
        assert isinstance(rows, bytes)
        self._file.write(rows)

    def close(self) -> None:
        self._file.close()
        self.done()


def writer(fmt: Format, path: Path, columns: list[str], delimiter: str | None) -> RowWriter:
    if fmt == "csv":
        return CsvWriter(path, columns, delimiter or ",")
    if fmt == "xlsx":
        return XlsxWriter(path, columns, path.stem[:31])
    return JsonlWriter(path)
