"""Reading a class-list file (名单) as a table of text cells: CSV as Excel and WPS write it (UTF-8 with or without
BOM, GBK on Chinese Windows, UTF-16 "Unicode text"; comma, semicolon or tab separated) and .xlsx workbooks (the
first sheet, read with zipfile and xml.etree: a workbook is a zip of XML files; no spreadsheet library needed).

Cells come back as stripped text with the line (CSV) or row (xlsx) number a person sees in Excel, so a bad row is
reported where it is. Nothing here knows what a number is: kiosk.store.roster reads the columns.
"""
from __future__ import annotations

import csv
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from xml.etree import ElementTree

from capture.errors import CodedError, error_name

__all__ = ["RosterError", "Table", "read_table", "LOST_DIGITS"]

SUFFIXES = (".csv", ".xlsx")
MAX_FILE_BYTES = 50 * 1024 * 1024  # a class list of a whole province is far smaller; also caps each xlsx member
#: a cell an .xlsx stored as a number too long to keep every digit (Excel keeps 15 significant digits)
LOST_DIGITS = "\x00lost-digits"
_NS = "{*}"  # any namespace: transitional and strict OOXML name the same elements in different namespaces
_CELL_REF = re.compile(r"([A-Z]+)([0-9]+)")


class RosterError(CodedError):
    """A class-list file that cannot be read at all, or one of its rows: `code` is one of
    kiosk.store.errors.ROSTER_CODES, `subject` the file (None for a row: its line is reported beside it)."""

    domain = "store"

    def __init__(self, path: str | Path | None, code: str, **fields: object) -> None:
        super().__init__(code, str(path) if path is not None else None, **fields)


@dataclass(frozen=True)
class Table:
    """A file's non-empty rows: (line or row number, cells as stripped text), in file order, the header first.
    `encoding` is how the file was read ("utf-8", "utf-8-sig", "gbk", "utf-16" or "xlsx")."""

    rows: tuple[tuple[int, tuple[str, ...]], ...]
    encoding: str


def read_table(path: str | Path) -> Table:
    """Return the Table of the .csv or .xlsx file at `path`; RosterError ("roster_missing", "roster_kind",
    "roster_unreadable", "roster_encoding", "roster_xlsx") when it cannot be read as one."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise RosterError(path, "roster_missing")
    if suffix not in SUFFIXES:
        raise RosterError(path, "roster_kind")
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise RosterError(path, "roster_unreadable", error=f"larger than {MAX_FILE_BYTES // 2**20} MB")
        if suffix == ".xlsx":
            return Table(tuple(_non_empty(_xlsx_rows(path))), "xlsx")
        data = path.read_bytes()
    except OSError as exc:
        raise RosterError(path, "roster_unreadable", error=error_name(exc)) from None
    text, encoding = _decode(path, data)
    return Table(tuple(_non_empty(_csv_rows(text))), encoding)


def _non_empty(rows):
    """Yield the rows with at least one non-empty cell, each cell stripped (BOMs and spaces)."""
    for line, cells in rows:
        cleaned = tuple((c or "").replace("\ufeff", "").strip() for c in cells)
        if any(cleaned):
            yield line, cleaned


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    """Return (text, encoding name) of CSV bytes: UTF-16 with its BOM, UTF-8 (BOM or not), else GBK (GB 18030, its
    superset, as Excel on Chinese Windows saves "CSV"); RosterError "roster_encoding" otherwise."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise RosterError(path, "roster_encoding") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8-sig":
            return text, "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
        if "\x00" not in text:
            return text, "gbk"
    raise RosterError(path, "roster_encoding")


def _csv_rows(text: str):
    """Yield (line number where the row ends, cells) of CSV `text`, the separator guessed from the first line."""
    first = text.split("\n", 1)[0]
    delimiter = max((",", "\t", ";"), key=first.count) if any(d in first for d in ",\t;") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for cells in reader:
        yield reader.line_num, cells


# --- .xlsx ------------------------------------------------------------------------------------------------------------

def _xml(zf: zipfile.ZipFile, name: str) -> ElementTree.Element:
    info = zf.getinfo(name)
    if info.file_size > MAX_FILE_BYTES:
        raise ValueError(f"{name} is too large")
    return ElementTree.fromstring(zf.read(info))


def _first_sheet(zf: zipfile.ZipFile) -> str:
    """Return the zip member name of the workbook's first sheet (by the workbook's order, not the file names)."""
    workbook = _xml(zf, "xl/workbook.xml")
    sheet = workbook.find(f"{_NS}sheets/{_NS}sheet")
    if sheet is None:
        raise ValueError("the workbook has no sheet")
    rel_id = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)  # r:id, in either namespace
    rels = _xml(zf, "xl/_rels/workbook.xml.rels")
    for rel in rels.iterfind(f".//{_NS}Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
    raise ValueError("the workbook's first sheet is not in the package")


def _shared_strings(zf: zipfile.ZipFile) -> list[str]:
    """Return the workbook's shared strings; a rich-text string is the text of its runs (phonetic guides left out)."""
    if "xl/sharedStrings.xml" not in zf.namelist():
        return []
    return [_string_item(si) for si in _xml(zf, "xl/sharedStrings.xml").iterfind(f".//{_NS}si")]


def _string_item(item: ElementTree.Element) -> str:
    """Return the text of a string item (<si> or <is>): its <t>, or the <t> of each run <r>."""
    plain = item.find(f"{_NS}t")
    if plain is not None:
        return plain.text or ""
    return "".join(t.text or "" for r in item.findall(f"{_NS}r") for t in r.findall(f"{_NS}t"))


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ord(ch) - ord("A") + 1)
    return index - 1


def number_cell(value: str) -> str:
    """Return a numeric cell's value as a person typed it: 2023001 (not 2023001.0 or 2.023001E6), or LOST_DIGITS
    when the number has more digits than Excel keeps (an 18-digit ID number typed into a number cell)."""
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        return value.strip()
    if number == number.to_integral_value():
        digits = f"{number:f}".split(".")[0]
        return LOST_DIGITS if len(digits.lstrip("-")) > 15 else digits
    return f"{number:f}"


def _cell_text(cell: ElementTree.Element, shared: list[str]) -> str:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(f"{_NS}is")
        return _string_item(inline) if inline is not None else ""
    value = cell.find(f"{_NS}v")
    raw = value.text if value is not None and value.text is not None else ""
    if kind == "s":
        return shared[int(raw)] if raw.strip().isdigit() and int(raw) < len(shared) else ""
    if kind == "n" and raw:
        return number_cell(raw)
    return raw  # "str" (a formula's text), "b", "e", or a date's serial number as it is


def _xlsx_rows(path: Path):
    """Yield (row number, cells) of the first sheet of the workbook at `path`; RosterError "roster_xlsx"."""
    try:
        with zipfile.ZipFile(path) as zf:
            shared = _shared_strings(zf)
            sheet = _xml(zf, _first_sheet(zf))
    except (zipfile.BadZipFile, KeyError, ValueError, ElementTree.ParseError, EOFError) as exc:
        detail = str(exc) if type(exc) is ValueError else type(exc).__name__  # our own words, or the kind of damage
        raise RosterError(path, "roster_xlsx", detail=detail) from None
    next_row = 1
    for row in sheet.iterfind(f".//{_NS}row"):
        number = int(row.get("r") or next_row)
        next_row = number + 1
        cells: list[str] = []
        for position, cell in enumerate(row.findall(f"{_NS}c")):
            match = _CELL_REF.fullmatch(cell.get("r") or "")
            column = _column_index(match.group(1)) if match else position
            if column >= 16384:  # beyond Excel's last column: a damaged file
                continue
            cells.extend([""] * (column + 1 - len(cells)))
            cells[column] = _cell_text(cell, shared)
        yield number, cells
