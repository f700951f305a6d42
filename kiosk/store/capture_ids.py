"""Capture ids: every filing a station makes carries an id the station chose (uuid4 hex), so that sending it again
(after a lost reply, or from the station's offline outbox) files it exactly once. Both stores keep the id on the
attempt (`capture_id`, unique when set) with `offline` (the picture was captured while the hall's server could not be
reached, so no claim was held). Inside the filing transaction, in this order:

    (a) the capture id is already filed            -> return the current record, write nothing (a harmless resend);
    (b) an offline filing meets a record that is already filed or locked (lifecycle.FILED_STATUSES)
                                                    -> FiledElsewhere ("filed_elsewhere", naming that station),
                                                       write nothing: a conflict for the operator, never an overwrite;
    (c) otherwise the filing goes on as before.

This module holds that rule (`capture_check`), the error, the schema steps (PostgreSQL 4, SQLite 6) and the SQLite
store's part (`SqliteCaptureIds`, a mixin)."""
from __future__ import annotations

import json
import sqlite3
import threading
from typing import Any, Mapping

from kiosk.store.errors import StoreError
from kiosk.store.lifecycle import FILED_STATUSES
from kiosk.store.model import Record

#: PostgreSQL schema step 4 (kiosk.store.postgres_schema); safe to run twice
PG_STEP = """
ALTER TABLE attempts ADD COLUMN IF NOT EXISTS capture_id text;
ALTER TABLE attempts ADD COLUMN IF NOT EXISTS offline boolean NOT NULL DEFAULT false;
CREATE UNIQUE INDEX IF NOT EXISTS attempts_capture_id ON attempts(capture_id) WHERE capture_id IS NOT NULL
"""

#: SQLite schema step 6 (kiosk.store.migrations): the ids, and the outbox's bookkeeping of what was sent (used only
#: in a station's outbox, kiosk.store.outbox_db): one row per capture id sent, already there, or in conflict
SQLITE_STEP = """
ALTER TABLE attempts ADD COLUMN capture_id TEXT;
ALTER TABLE attempts ADD COLUMN offline INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX attempts_capture_id ON attempts(capture_id) WHERE capture_id IS NOT NULL;
CREATE TABLE outbox_sent (
    capture_id TEXT PRIMARY KEY,
    identity   TEXT NOT NULL,
    state      TEXT NOT NULL,
    station    TEXT,
    code       TEXT,
    at         TEXT NOT NULL,
    resolved   TEXT,
    operator   TEXT
)
"""


class FiledElsewhere(StoreError):
    """An offline filing met a record already filed or locked (code "filed_elsewhere"); `.identity` is the number
    (never part of the text), `.station` the station that filed the current picture (the field `name`)."""

    def __init__(self, subject: str, identity: str, station: str | None) -> None:
        self.identity = identity
        self.station = station or ""
        super().__init__(subject, "filed_elsewhere", name=self.station)


def capture_check(filed_as: str | None, before: Record, offline: bool, subject: str) -> bool:
    """Apply rules (a) and (b) of the module text: return True when the capture id is already filed (`filed_as`:
    the identity it was filed under, None when new), raise FiledElsewhere for an offline filing onto a filed or
    locked record, return False when the filing goes on."""
    if filed_as is not None:
        return True
    if offline and before.status in FILED_STATUSES:
        raise FiledElsewhere(subject, before.identity, before.station)
    return False


class SqliteCaptureIds:
    """The capture-id part of SqliteRecordStore (which provides `_db`, `_lock`, `_columns` and `station`)."""

    _db: sqlite3.Connection
    _lock: threading.RLock
    _columns: dict[str, set[str]]
    station: str

    def _has_capture_ids(self) -> bool:
        return "capture_id" in self._columns["attempts"]  # an older file opened read-only has none

    def _attempt_columns(self) -> str:
        """Return the attempt columns read for Attempt (NULL / 0 for those an older file lacks)."""
        station = "station" if "station" in self._columns["attempts"] else "NULL"
        ids = "capture_id, offline" if self._has_capture_ids() else "NULL, 0"
        return f"identity, at, gates, picture, accepted, {station}, {ids}"

    def _capture_filed_as(self, db: sqlite3.Connection, capture_id: str | None) -> str | None:
        """Return the identity the accepted attempt `capture_id` was filed under (None: not filed here)."""
        if capture_id is None or not self._has_capture_ids():
            return None
        row = db.execute("SELECT identity FROM attempts WHERE capture_id = ? AND accepted = 1",
                         (capture_id,)).fetchone()
        return row[0] if row else None

    def filed_capture(self, capture_id: str) -> str | None:
        """Return the identity capture `capture_id` was filed under here, or None when it was not."""
        with self._lock:
            return self._capture_filed_as(self._db, capture_id)

    def _insert_attempt(self, db: sqlite3.Connection, identity: str, at: str, gates: Mapping[str, Any],
                        picture: str | None, accepted: bool, capture_id: str | None = None,
                        offline: bool = False) -> int:
        """Insert one attempt (with its capture id and offline mark) and count it on the record; return its id."""
        cur = db.execute("INSERT INTO attempts (identity, at, gates, picture, accepted, station, capture_id, offline) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         (identity, at, json.dumps(dict(gates), ensure_ascii=False, default=str), picture,
                          int(accepted), self.station, capture_id, int(offline)))
        db.execute("UPDATE records SET attempts = attempts + 1 WHERE identity = ?", (identity,))
        return int(cur.lastrowid)
