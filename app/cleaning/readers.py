"""Reading an export as it comes: CSV (any encoding and delimiter Excel writes), XLSX, JSONL.

Everything streams: a row is read, handed on and forgotten, so a million-row file costs
the memory of one row. Before reading, one pass over the bytes settles what the name
alone cannot: the encoding (a BOM, else UTF-8 if every byte decodes, else GB18030, the
superset of the GBK that Chinese Excel writes), that it is text at all, and roughly how
many rows there are (for the progress bar's ETA).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import orjson

from app.cleaning.errors import CleanError

Format = Literal["csv", "xlsx", "jsonl"]
Row = dict[str, Any]

FORMATS: dict[str, Format] = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
}
DELIMITERS = (",", ";", "\t", "|")
MAX_CELL = 2000
"""A cell is cut to the length `/v1/check` accepts for one field."""
_CHUNK = 1 << 20
_SAMPLE_LINES = 50
_JSONL_KEY_SAMPLE = 1000
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


@dataclass(frozen=True, slots=True)
class Source:
    """What the input turned out to be."""

    path: Path
    format: Format
    columns: tuple[str, ...]
    encoding: str | None = None
    delimiter: str | None = None
    estimated_rows: int | None = None

    def describe(self) -> str:
        parts = [self.format.upper()]
        if self.encoding:
            parts.append(self.encoding)
        if self.delimiter:
            parts.append(f"delimiter {_show_delimiter(self.delimiter)}")
        return ", ".join(parts)


def _show_delimiter(delimiter: str) -> str:
    return {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}.get(
        delimiter, repr(delimiter)
    )


def open_source(path: Path) -> Source:
    """Look at the file and say what it is; a CleanError when it is not what it claims."""
    if not path.is_file():
        raise CleanError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise CleanError(f"{path.name} is empty")
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMATS))
        raise CleanError(f"{path.name}: unknown file type {path.suffix!r}; known: {known}")
    with path.open("rb") as f:
        magic = f.read(4)
    if magic == _OLE_MAGIC:
        raise CleanError(f"{path.name} is an old binary Excel file (.xls): save it as .xlsx or CSV")
    if fmt == "xlsx":
        if magic != _ZIP_MAGIC:
            raise CleanError(f"{path.name} is named {path.suffix} but is not an Excel workbook")
        return _open_xlsx(path)
    if magic == _ZIP_MAGIC:
        raise CleanError(
            f"{path.name} is named {path.suffix} but is a ZIP file (an Excel workbook?): "
            "name it .xlsx"
        )
    encoding, lines = _scan_text(path)
    if fmt == "jsonl":
        return Source(path, fmt, _jsonl_keys(path, encoding), encoding, None, lines)
    delimiter = _sniff_delimiter(path, encoding)
    header = _csv_header(path, encoding, delimiter)
    return Source(path, fmt, header, encoding, delimiter, max(lines - 1, 0))


def read_rows(source: Source, skip: int = 0) -> Iterator[Row]:
    """The data rows as column → value, the first `skip` of them passed over unread."""
    rows = {"csv": _csv_rows, "xlsx": _xlsx_rows, "jsonl": _jsonl_rows}[source.format](source)
    return itertools.islice(rows, skip, None)


# --- text: encoding, line count, delimiter ----------------------------------------------------


def _scan_text(path: Path) -> tuple[str, int]:
    """The encoding every byte decodes in, and the number of lines."""
    with path.open("rb") as f:
        head = f.read(4)
    if head.startswith(codecs.BOM_UTF8):
        candidates: tuple[str, ...] = ("utf-8-sig",)
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ("utf-16",)
    else:
        candidates = ("utf-8", "gb18030")
    for encoding in candidates:
        lines = _decodes(path, encoding)
        if lines is not None:
            return encoding, lines
    raise CleanError(
        f"{path.name} is neither UTF-8 nor GBK/GB18030 text: "
        "save it from Excel as 'CSV UTF-8' and try again"
    )


def _decodes(path: Path, encoding: str) -> int | None:
    """Line count if the whole file decodes; None if it does not."""
    decoder = codecs.getincrementaldecoder(encoding)()
    lines = 0
    last = b""
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            if b"\x00" in chunk and encoding != "utf-16":
                raise CleanError(f"{path.name} is named {path.suffix} but holds binary data")
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                return None
            lines += chunk.count(b"\n")
            last = chunk[-1:]
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return None
    return lines + (last not in (b"\n", b""))


def _sample(path: Path, encoding: str) -> list[str]:
    with path.open(encoding=encoding, newline="") as f:
        return list(itertools.islice(f, _SAMPLE_LINES))


def _sniff_delimiter(path: Path, encoding: str) -> str:
    """The delimiter that splits the header widest and the first rows as wide as the header."""
    text = "".join(_sample(path, encoding))
    best, best_width = ",", 1
    for delimiter in DELIMITERS:
        rows = [r for r in csv.reader(io.StringIO(text), delimiter=delimiter) if r]
        if len(rows) > 1 and not text.endswith("\n"):
            rows = rows[:-1]  # the sample may cut the last row
        if not rows:
            continue
        width = len(rows[0])
        steady = sum(len(r) == width for r in rows) >= max(1, len(rows) * 0.8)
        if width > best_width and steady:
            best, best_width = delimiter, width
    return best


def _csv_header(path: Path, encoding: str, delimiter: str) -> tuple[str, ...]:
    with path.open(encoding=encoding, newline="") as f:
        for row in csv.reader(f, delimiter=delimiter):
            if any(cell.strip() for cell in row):
                return _columns(row)
    raise CleanError(f"{path.name} holds no header row")


def _columns(cells: list[Any]) -> tuple[str, ...]:
    """Header names: blanks named by position, repeats numbered, so every column has one name."""
    names: list[str] = []
    for i, cell in enumerate(cells, 1):
        name = _text(cell).strip() if cell is not None else ""
        name = name or f"column {i}"
        base, n = name, 2
        while name in names:
            name, n = f"{base} ({n})", n + 1
        names.append(name)
    return tuple(names)


def _csv_rows(source: Source) -> Iterator[Row]:
    assert source.encoding is not None and source.delimiter is not None
    width = len(source.columns)
    with source.path.open(encoding=source.encoding, newline="") as f:
        reader = csv.reader(f, delimiter=source.delimiter)
        header_seen = False
        try:
            for cells in reader:
                if not "".join(cells).strip():
                    continue
                if not header_seen:
                    header_seen = True
                    continue
                if len(cells) > width and any(c.strip() for c in cells[width:]):
                    raise CleanError(
                        f"{source.path.name}, line {reader.line_num}: {len(cells)} values but "
                        f"the header names {width} columns (a delimiter inside an unquoted value?)"
                    )
                yield {col: _text_cell(v) for col, v in zip(source.columns, cells, strict=False)}
        except csv.Error as exc:
            raise CleanError(f"{source.path.name}, line {reader.line_num}: {exc}") from None


# --- XLSX -------------------------------------------------------------------------------------


def _load_workbook(path: Path) -> Any:
    from openpyxl import load_workbook  # noqa: PLC0415 (only XLSX input pays for the import)

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise CleanError(f"{path.name} is not a readable Excel workbook ({exc})") from None


def _open_xlsx(path: Path) -> Source:
    book = _load_workbook(path)
    try:
        sheet = book.worksheets[0]
        for cells in sheet.iter_rows(values_only=True):
            if any(_cell(c) for c in cells):
                total = sheet.max_row
                return Source(path, "xlsx", _columns(list(cells)), None, None, total and total - 1)
    finally:
        book.close()
    raise CleanError(f"{path.name}: the first sheet holds no header row")


def _xlsx_rows(source: Source) -> Iterator[Row]:
    book = _load_workbook(source.path)
    width = len(source.columns)
    try:
        header_seen = False
        for number, cells in enumerate(book.worksheets[0].iter_rows(values_only=True), 1):
            values = [_cell(c) for c in cells]
            if not any(values):
                continue
            if not header_seen:
                header_seen = True
                continue
            if len(values) > width and any(values[width:]):
                raise CleanError(
                    f"{source.path.name}, sheet row {number}: a value right of the last "
                    f"named column ({width} columns in the header)"
                )
            yield dict(zip(source.columns, values, strict=False))
    finally:
        book.close()


# --- JSONL ------------------------------------------------------------------------------------


def _json_lines(source_path: Path, encoding: str) -> Iterator[tuple[int, dict[str, Any]]]:
    with source_path.open(encoding=encoding) as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                value = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise CleanError(f"{source_path.name}, line {number}: not JSON ({exc})") from None
            if not isinstance(value, dict):
                raise CleanError(f"{source_path.name}, line {number}: not a JSON object")
            yield number, value


def _jsonl_keys(path: Path, encoding: str) -> tuple[str, ...]:
    keys: dict[str, None] = {}
    for _, value in itertools.islice(_json_lines(path, encoding), _JSONL_KEY_SAMPLE):
        keys.update(dict.fromkeys(value))
    if not keys:
        raise CleanError(f"{path.name} holds no JSON objects")
    return tuple(keys)


def _jsonl_rows(source: Source) -> Iterator[Row]:
    assert source.encoding is not None
    for _, value in _json_lines(source.path, source.encoding):
        yield {k: v if isinstance(v, dict | list) else _cell(v) for k, v in value.items()}


# --- cells ------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone number Excel stored as a number
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _cell(value: Any) -> str | None:
    """A cell as text (None when empty), NUL-free and cut to the length one field may have."""
    if value is None:
        return None
    return _text_cell(_text(value))


def _text_cell(text: str) -> str | None:
    """`_cell` of a value that is text already, as every CSV cell is."""
    return text.replace("\x00", "").strip()[:MAX_CELL] or None
