"""Reading the hall's records a page at a time, finding them by the start of their number, and the settings saved
from the operator console, for PostgresRecordStore (a mixin: the store provides `_tx`, `station` and the record
columns). Same behaviour as the SQLite store's kiosk.store.pages: pages newest change first (to the second, then by
number) with the total, prefix search with an exact match first, settings per station as JSON."""
from __future__ import annotations

import json
from typing import Any, Callable, ContextManager

from kiosk.store.lifecycle import Status
from kiosk.store.model import Record
from kiosk.store.pages import MAX_PAGE, RecordPage, like_prefix

__all__ = ["PostgresPages", "SETTINGS_SQL", "hall_saved_settings"]

#: schema step 2's share (kiosk.store.postgres_schema): the saved settings and the index pages are read by
SETTINGS_SQL = """
CREATE TABLE settings (
    station  text NOT NULL,
    name     text NOT NULL,
    value    jsonb NOT NULL,
    operator text,
    updated  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (station, name)
);
CREATE INDEX records_updated ON records(updated)
"""

#: the records' order on a page: the last change to the second (as the SQLite store keeps it), then the number
_ORDER = "date_trunc('second', updated) DESC, identity"


def hall_saved_settings(url: str, station: str, timeout_s: int = 5) -> dict[str, Any]:
    """Return the settings saved for `station` on the hall server at `url`, read-only (the server counterpart of
    kiosk.store.saved.saved_settings): {} when the database has no settings table yet (empty, or not migrated) or
    the server cannot be used now (the kiosk then opens the store itself and says what is wrong)."""
    from kiosk.store.errors import StoreError
    from kiosk.store.postgres_url import connect_once

    try:
        db = connect_once(url, timeout_s=timeout_s)
    except StoreError:
        return {}
    import psycopg

    try:
        db.read_only = True  # (not the URL's `options`: those may set the schema)
        if db.execute("SELECT to_regclass('settings') IS NULL").fetchone()[0]:
            return {}
        rows = db.execute("SELECT name, value FROM settings WHERE station = %s ORDER BY name", (station,)).fetchall()
        return {name: value for name, value in rows}
    except psycopg.Error:
        return {}
    finally:
        db.close()


class PostgresPages:
    """page, search, settings and save_setting of PostgresRecordStore (see the module text)."""

    station: str
    _tx: Callable[[], ContextManager[Any]]
    _columns: str
    _to_record: Callable[[tuple], Record]

    def page(self, status: Status | None = None, offset: int = 0, limit: int = 50) -> RecordPage:
        """Return records `offset`..`offset+limit` (newest change first, then by number; at most MAX_PAGE rows) of
        `status` (all when None) with how many there are in all: one LIMIT/OFFSET query, never the whole table."""
        limit = max(1, min(int(limit), MAX_PAGE))
        offset = max(0, int(offset))
        where, params = ("", ()) if status is None else (" WHERE status = %s", (Status(status).value,))
        with self._tx() as db:
            total = int(db.execute(f"SELECT count(*) FROM records{where}", params).fetchone()[0])
            rows = db.execute(f"SELECT {self._columns} FROM records{where} ORDER BY {_ORDER} LIMIT %s OFFSET %s",
                              (*params, limit, offset)).fetchall()
        return RecordPage([self._to_record(r) for r in rows], total, offset)

    def search(self, prefix: str, limit: int = 50) -> list[Record]:
        """Return up to `limit` records whose number starts with `prefix` (case-insensitive; an exact match first,
        then by number; % and _ are taken literally). An empty prefix finds nothing."""
        text = (prefix or "").strip().upper()
        if not text:
            return []
        limit = max(1, min(int(limit), MAX_PAGE))
        with self._tx() as db:
            rows = db.execute(f"SELECT {self._columns} FROM records WHERE identity LIKE %s ESCAPE '\\' "
                              "ORDER BY identity <> %s, identity LIMIT %s", (like_prefix(text), text, limit)).fetchall()
        return [self._to_record(r) for r in rows]

    def settings(self) -> dict[str, Any]:
        """Return the settings saved from the operator console for this station, by setting name (JSON values)."""
        with self._tx() as db:
            rows = db.execute("SELECT name, value FROM settings WHERE station = %s ORDER BY name",
                              (self.station,)).fetchall()
        return {name: value for name, value in rows}

    def save_setting(self, name: str, value: Any, operator: str | None = None) -> None:
        """Save setting `name` = `value` (a JSON value) for this station, with who changed it and the server's time
        (replacing an older value)."""
        with self._tx() as db:
            db.execute("INSERT INTO settings (station, name, value, operator) VALUES (%s, %s, %s::jsonb, %s) "
                       "ON CONFLICT (station, name) DO UPDATE SET value = EXCLUDED.value, "
                       "operator = EXCLUDED.operator, updated = now()",
                       (self.station, name, json.dumps(value, ensure_ascii=False), operator))
