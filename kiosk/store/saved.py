"""The settings saved from the operator console (profile, camera, 换底), one row per station and setting, values as
JSON, with who changed them and when. The station reads them at start (`saved_settings`) as the layer between the
config file and the command-line flags (kiosk.station.settings.resolve)."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote

__all__ = ["SETTINGS_SQL", "read_settings", "write_setting", "saved_settings"]

#: the migration step's statements (kiosk.store.migrations)
SETTINGS_SQL = """
CREATE TABLE settings (
    station  TEXT NOT NULL,
    name     TEXT NOT NULL,
    value    TEXT NOT NULL,
    operator TEXT,
    updated  TEXT NOT NULL,
    PRIMARY KEY (station, name)
);
CREATE INDEX records_updated ON records(updated)
"""


def read_settings(db: sqlite3.Connection, station: str) -> dict[str, Any]:
    """Return {name: value} saved for `station` (a value that is not JSON is skipped)."""
    out: dict[str, Any] = {}
    for name, value in db.execute("SELECT name, value FROM settings WHERE station = ? ORDER BY name", (station,)):
        try:
            out[name] = json.loads(value)
        except (TypeError, ValueError):
            continue
    return out


def write_setting(db: sqlite3.Connection, station: str, name: str, value: Any, operator: str | None,
                  at: str) -> None:
    """Save `name` = `value` for `station` inside the caller's transaction (replacing an older value)."""
    db.execute("INSERT INTO settings (station, name, value, operator, updated) VALUES (?, ?, ?, ?, ?) "
               "ON CONFLICT(station, name) DO UPDATE SET value = excluded.value, operator = excluded.operator, "
               "updated = excluded.updated", (station, name, json.dumps(value, ensure_ascii=False), operator, at))


def saved_settings(folder: str | Path, station: str) -> dict[str, Any]:
    """Return the settings saved for `station` in the store at `folder`, read-only: {} when there is no records
    file yet, it has no settings table (older, not yet migrated) or it cannot be read (the kiosk then opens the
    store itself and says what is wrong)."""
    path = Path(folder) / "records.sqlite3"
    if not path.is_file():
        return {}
    try:
        db = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True, timeout=10)
    except sqlite3.Error:
        return {}
    try:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'settings'").fetchone():
            return {}
        return read_settings(db, station)
    except sqlite3.Error:
        return {}
    finally:
        db.close()
