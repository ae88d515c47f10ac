"""Writing rows in the input's own format, one at a time.

CSV is written as UTF-8 with a BOM (so Excel opens Chinese text right, whatever the
input's encoding was) with the input's delimiter; XLSX through openpyxl's write-only
mode, which streams rows to disk; JSONL one object a line. Each writer writes to a
temporary name and takes the real one only when closed whole, so an interrupted run
never leaves a half file that looks finished.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any, Protocol

import orjson

from app.cleaning.readers import Format


class RowWriter(Protocol):
    def write(self, row: dict[str, Any]) -> None: ...

    def close(self) -> None: ...


def _cell(value: Any) -> Any:
    """A value as a spreadsheet shows it: lists joined, dicts as JSON, None empty."""
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
        self.columns = columns
        self._file = self.tmp.open("w", encoding="utf-8-sig", newline="")
        self._csv = csv.writer(self._file, delimiter=delimiter)
        self._csv.writerow(columns)

    def write(self, row: dict[str, Any]) -> None:
        self._csv.writerow([_cell(row.get(c)) for c in self.columns])

    def close(self) -> None:
        self._file.close()
        self.done()


class XlsxWriter(_Atomic):
    def __init__(self, path: Path, columns: list[str], sheet: str) -> None:
        from openpyxl import Workbook  # noqa: PLC0415 (only XLSX output pays for the import)

        super().__init__(path)
        self.columns = columns
        self._book = Workbook(write_only=True)
        self._sheet = self._book.create_sheet(sheet)
        self._sheet.append(columns)

    def write(self, row: dict[str, Any]) -> None:
        self._sheet.append([self._text(_cell(row.get(c))) for c in self.columns])

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

    def write(self, row: dict[str, Any]) -> None:
        self._file.write(orjson.dumps(row) + b"\n")

    def close(self) -> None:
        self._file.close()
        self.done()


def writer(fmt: Format, path: Path, columns: list[str], delimiter: str | None) -> RowWriter:
    if fmt == "csv":
        return CsvWriter(path, columns, delimiter or ",")
    if fmt == "xlsx":
        return XlsxWriter(path, columns, path.stem[:31])
    return JsonlWriter(path)
