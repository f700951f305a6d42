"""The class list (名单): the numbers a school expects at the kiosk, with names and classes kept private.

A list is read from a .csv or .xlsx file with a header row (kiosk.store.roster_file reads the cells). The number
column is the one headed `number`, 学号, 考生号, 身份证号(码) or 采集码, else the first column that is not the name
(姓名 / name) or class (班级 / class) column; a first row whose number cell is already a valid number and that names
no known column is read as data (a file without a header). Each number gets the station's own check
(kiosk.store.identity.validate_identity as a command-line number, so collection codes are accepted too).

Bad rows (an empty number, a number the identity rules refuse, one Excel rounded, a number already on an earlier
line) are reported by line. The store replaces its list in one transaction (SqliteRecordStore.replace_roster), so a
list is never half-loaded; whether a file with bad rows is loaded at all is the caller's choice (`idphoto roster
import` loads nothing unless --skip-bad).

With a list loaded, `roster_problem` is the one check the identify screen, `--identity` and `idphoto import` call.
Names are personal data: they stay in the records file (owner-only) and in the files and listings an operator asks
for (`roster show`, the export's missing list, 0600); never in logs or the audit.
"""
from __future__ import annotations

import csv
import io
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from capture.files import write_atomic
from kiosk.store.errors import StoreError
from kiosk.store.identity import DEFAULT_RULES, IdentityError, IdentityRules, validate_identity
from kiosk.store.lifecycle import Status
from kiosk.store.roster_file import LOST_DIGITS, RosterError, Table, read_table

if TYPE_CHECKING:
    from kiosk.store.records import RecordStore

__all__ = ["RosterEntry", "RowProblem", "ParsedRoster", "RosterChange", "ClassCount", "Missing", "RosterError",
           "parse_roster", "read_roster", "roster_problem", "missing_students", "class_counts", "write_missing_csv",
           "DONE_STATUSES", "MISSING_FIELDS"]

#: header names, compared after stripping spaces and ignoring case
NUMBER_HEADERS = ("number", "学号", "考生号", "身份证号", "身份证号码", "采集码")
NAME_HEADERS = ("name", "姓名")
CLASS_HEADERS = ("class", "班级")
#: a student is done when their record holds a picture that will be (or has been) handed over
DONE_STATUSES = (Status.FILED, Status.RECAPTURED, Status.LOCKED)
#: the missing list's columns (a missing list can be imported again as a class list)
MISSING_FIELDS = ("number", "name", "class", "status")


@dataclass(frozen=True)
class RosterEntry:
    """One expected person: `identity` the cleaned number, `name` and `group` (the class) as written, `line` where
    the file had it."""

    identity: str
    name: str = ""
    group: str = ""
    line: int = 0


@dataclass(frozen=True)
class RowProblem:
    """A row left out: `line`, the `value` in its number cell, and why: `error` (an IdentityError or a store-domain
    RosterError code with fields, both worded by kiosk.texts.error_text)."""

    line: int
    value: str
    error: Exception

    @property
    def code(self) -> str:
        return getattr(self.error, "code", "")


@dataclass
class ParsedRoster:
    """A file read as a class list: the good `entries`, the `problems` by line, and which columns were used
    (0-based; None when the file has no such column)."""

    entries: list[RosterEntry] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    number_column: int = 0
    name_column: int | None = None
    class_column: int | None = None
    header: bool = True
    encoding: str = ""


@dataclass(frozen=True)
class RosterChange:
    """What a new list changed against the old one (numbers compared): `added`, `removed`, `unchanged` (on both;
    `updated` of them with a new name or class), `total` on the new list."""

    added: int
    removed: int
    unchanged: int
    updated: int
    total: int

    def to_dict(self) -> dict[str, int]:
        return {"added": self.added, "removed": self.removed, "unchanged": self.unchanged, "updated": self.updated,
                "total": self.total}


def _header_key(cell: str) -> str:
    return "".join(cell.split()).lower()


def _find(header: tuple[str, ...], names: tuple[str, ...]) -> int | None:
    keys = [_header_key(c) for c in header]
    return next((i for i, k in enumerate(keys) if k in names), None)


def _columns(header: tuple[str, ...]) -> tuple[int | None, int | None, int | None]:
    """Return (number, name, class) column indexes named in `header` (number None when no header names it)."""
    return _find(header, NUMBER_HEADERS), _find(header, NAME_HEADERS), _find(header, CLASS_HEADERS)


def _is_number(cell: str, rules: IdentityRules) -> bool:
    try:
        validate_identity(cell, rules, "command")
    except IdentityError:
        return False
    return True


def parse_roster(table: Table, rules: IdentityRules = DEFAULT_RULES) -> ParsedRoster:
    """Return the ParsedRoster of `table` under identity `rules` (see the module text for the columns)."""
    out = ParsedRoster(encoding=table.encoding)
    if not table.rows:
        return out
    _, header = table.rows[0]
    number, out.name_column, out.class_column = _columns(header)
    named = {i for i in (out.name_column, out.class_column) if i is not None}
    if number is None:
        number = next((i for i in range(max(len(header), 1)) if i not in named), 0)
        out.header = bool(named) or not _is_number(header[number] if number < len(header) else "", rules)
    out.number_column = number
    seen: dict[str, int] = {}
    for line, cells in table.rows[1:] if out.header else table.rows:
        def cell(i: int | None) -> str:
            return cells[i] if i is not None and i < len(cells) else ""

        entry_or_problem = _entry(line, cell(number), cell(out.name_column), cell(out.class_column), rules, seen)
        if isinstance(entry_or_problem, RowProblem):
            out.problems.append(entry_or_problem)
        else:
            out.entries.append(entry_or_problem)
    return out


def _entry(line: int, raw: str, name: str, group: str, rules: IdentityRules, seen: dict[str, int]
           ) -> RosterEntry | RowProblem:
    """Return the RosterEntry of one row, or the RowProblem that leaves it out; `seen` maps numbers to lines."""
    if raw == LOST_DIGITS:
        return RowProblem(line, "", RosterError(None, "roster_row_lost_digits"))
    if not raw:
        return RowProblem(line, "", RosterError(None, "roster_row_empty"))
    try:
        code = validate_identity(raw, rules, "command").code
    except IdentityError as exc:
        return RowProblem(line, raw, exc)
    if code in seen:
        return RowProblem(line, raw, RosterError(None, "roster_row_duplicate", count=seen[code]))
    seen[code] = line
    return RosterEntry(code, name, group, line)


def read_roster(path: str | Path, rules: IdentityRules = DEFAULT_RULES) -> ParsedRoster:
    """Return the ParsedRoster of the class-list file at `path`; RosterError when the file cannot be read, or has
    no rows under its header ("roster_no_rows")."""
    parsed = parse_roster(read_table(path), rules)
    if not parsed.entries and not parsed.problems:
        raise RosterError(path, "roster_no_rows")
    return parsed


# --- the check at the kiosk and at import --------------------------------------------------------------------------

def roster_problem(store: "RecordStore", identity: str) -> IdentityError | None:
    """Return IdentityError "not_on_list" when `store` has a class list and `identity` is not on it, else None (no
    list loaded, or on it)."""
    return IdentityError("not_on_list") if store.on_list(identity) is False else None


def roster_problem_at(folder: str | Path, identity: str) -> IdentityError | None:
    """Return roster_problem for the store in `folder`, read without changing anything; None when there is no store
    there yet or it cannot be read (the kiosk reports that when it opens the store)."""
    from kiosk.store.sqlite import DB_NAME, SqliteRecordStore  # here: sqlite.py imports this module (via roster_db)

    if not (Path(folder) / DB_NAME).is_file():
        return None
    try:
        store = SqliteRecordStore(folder, readonly=True)
    except (OSError, sqlite3.Error, StoreError):  # reported when the kiosk opens the store
        return None
    try:
        return roster_problem(store, identity)
    finally:
        store.close()


# --- who is still missing ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Missing:
    """A student on the list without a picture to hand over: the entry and their record's status (None: no record)."""

    entry: RosterEntry
    status: Status | None

    def row(self) -> dict[str, str]:
        """Return the missing list's CSV row (MISSING_FIELDS)."""
        status = self.status.value if self.status is not None else Status.NOT_UPLOADED.value
        return {"number": self.entry.identity, "name": self.entry.name, "class": self.entry.group, "status": status}


@dataclass(frozen=True)
class ClassCount:
    """One class's figures: `expected` on the list, `done` with a picture (DONE_STATUSES), `missing` the rest."""

    group: str
    expected: int
    done: int

    @property
    def missing(self) -> int:
        return self.expected - self.done

    def to_dict(self) -> dict[str, object]:
        return {"class": self.group, "expected": self.expected, "done": self.done, "missing": self.missing}


def _statuses(store: "RecordStore") -> dict[str, Status]:
    return {r.identity: r.status for r in store.list()}


def missing_students(store: "RecordStore") -> list[Missing]:
    """Return the students on the store's list without a picture to hand over, by class then list order."""
    statuses = _statuses(store)
    missing = [Missing(e, statuses.get(e.identity)) for e in store.roster()
               if statuses.get(e.identity) not in DONE_STATUSES]
    return sorted(missing, key=lambda m: (m.entry.group, m.entry.line))


def class_counts(store: "RecordStore") -> list[ClassCount]:
    """Return each class's figures, by class name ("" for rows without a class)."""
    statuses = _statuses(store)
    groups: dict[str, list[int]] = {}
    for entry in store.roster():
        figures = groups.setdefault(entry.group, [0, 0])
        figures[0] += 1
        figures[1] += statuses.get(entry.identity) in DONE_STATUSES
    return [ClassCount(g, n, done) for g, (n, done) in sorted(groups.items())]


def write_missing_csv(path: str | Path, missing: Iterable[Missing]) -> Path:
    """Write the missing students to CSV `path` (UTF-8 with BOM for Excel, owner-only 0600, atomic); return it."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=MISSING_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for m in missing:
        writer.writerow(m.row())
    write_atomic(Path(path), buffer.getvalue().encode("utf-8-sig"), mode=0o600)
    return Path(path)
