"""Reading the records a page at a time (for a console with thousands of records), finding them by the start of
their number, reading a record's picture, and the settings saved from the operator console. A mixin of
SqliteRecordStore (it uses the store's connection, lock and columns); the settings table is kiosk.store.saved."""
from __future__ import annotations

import sqlite3
from pathlib import Path
from dataclasses import dataclass
from typing import Any, Callable

from kiosk.store import saved
from kiosk.store.lifecycle import Status
from kiosk.store.model import Record, now_local

__all__ = ["RecordPage", "StorePages", "like_prefix", "MAX_PAGE"]

MAX_PAGE = 500  # rows one call returns at most


@dataclass(frozen=True)
class RecordPage:
    """One page of records, newest change first, and how many records there are in all (of that status)."""

    records: list[Record]
    total: int
    offset: int


def like_prefix(prefix: str) -> str:
    """Return a LIKE pattern (ESCAPE '\\') matching texts that start with `prefix` (its % and _ taken literally)."""
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class StorePages:
    """Paging, search, picture bytes and saved settings for SqliteRecordStore (see the module text)."""

    # provided by SqliteRecordStore
    folder: Path
    station: str
    _db: sqlite3.Connection
    _lock: Any
    _select: Callable[[], str]
    _tx: Callable[[], Any]

    def page(self, status: Status | None = None, offset: int = 0, limit: int = 50) -> RecordPage:
        """Return records `offset`..`offset+limit` (newest change first, then by number) of `status` (all when
        None) with the total count: one LIMIT/OFFSET query on the `updated` index, never the whole table."""
        from kiosk.store.sqlite import _record

        limit = max(1, min(int(limit), MAX_PAGE))
        offset = max(0, int(offset))
        where, params = ("", ()) if status is None else (" WHERE status = ?", (Status(status).value,))
        with self._lock:
            total = int(self._db.execute(f"SELECT COUNT(*) FROM records{where}", params).fetchone()[0])
            rows = self._db.execute(
                f"SELECT {self._select()} FROM records{where} ORDER BY updated DESC, identity LIMIT ? OFFSET ?",
                (*params, limit, offset)).fetchall()
        return RecordPage([_record(r) for r in rows], total, offset)

    def search(self, prefix: str, limit: int = 50) -> list[Record]:
        """Return up to `limit` records whose number starts with `prefix` (case-insensitive; an exact match
        first, then by number). An empty prefix finds nothing."""
        from kiosk.store.sqlite import _record

        text = (prefix or "").strip().upper()
        if not text:
            return []
        limit = max(1, min(int(limit), MAX_PAGE))
        with self._lock:
            rows = self._db.execute(
                f"SELECT {self._select()} FROM records WHERE identity LIKE ? ESCAPE '\\' "
                "ORDER BY identity != ?, identity LIMIT ?", (like_prefix(text), text, limit)).fetchall()
        return [_record(r) for r in rows]

    def picture_bytes(self, record: Record | None) -> bytes | None:
        """Return the bytes of `record`'s filed picture, or None when it has none or the file cannot be read."""
        if record is None or not record.picture:
            return None
        path = self.folder / record.picture
        try:
            return path.read_bytes()
        except OSError:
            return None

    def settings(self) -> dict[str, Any]:
        """Return the settings saved from the operator console for this station, by setting name (JSON values)."""
        from kiosk.store.migrations import columns

        with self._lock:
            if not columns(self._db, "settings"):
                return {}  # an older file opened read-only
            return saved.read_settings(self._db, self.station)

    def save_setting(self, name: str, value: Any, operator: str | None = None) -> None:
        """Save setting `name` = `value` (a JSON value) for this station, with who changed it and when."""
        with self._tx() as db:
            saved.write_setting(db, self.station, name, value, operator,
                                now_local())
