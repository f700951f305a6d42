"""The records file's schema, versioned: every step from an empty file (or one made before versions were kept) to
today's, in order. The version lives in SQLite's `PRAGMA user_version` (0: made before versions were kept).

    1  records + attempts (the schema of the first stores; a file without a version has exactly this)
    2  the station on records and attempts; the audit trail; operators with their own PINs
    3  the class list (名单): the numbers expected at this store, with names and classes (kiosk.store.roster)
    4  settings saved from the operator console (kiosk.store.saved), an index for paging by last change
    5  station heartbeats and claims as leases (kiosk.store.claims_db, kiosk.store.hall_model)
    6  capture ids and the offline mark on attempts, the outbox's record of what was sent (kiosk.store.capture_ids)

`migrate` runs the missing steps, each in one IMMEDIATE transaction that re-reads the version first, so two
processes opening the same old file cannot both migrate it; a file newer than this program is refused.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from kiosk.store.errors import StoreError

V1 = """
CREATE TABLE IF NOT EXISTS records (
    identity   TEXT PRIMARY KEY,
    profile_id TEXT NOT NULL,
    status     TEXT NOT NULL,
    picture    TEXT,
    pending    TEXT,
    attempts   INTEGER NOT NULL DEFAULT 0,
    reason     TEXT,
    created    TEXT NOT NULL,
    updated    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS attempts (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    identity TEXT NOT NULL REFERENCES records(identity),
    at       TEXT NOT NULL,
    gates    TEXT NOT NULL,
    picture  TEXT,
    accepted INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS attempts_identity ON attempts(identity);
CREATE INDEX IF NOT EXISTS attempts_at ON attempts(at)
"""

V2 = """
ALTER TABLE records ADD COLUMN station TEXT;
ALTER TABLE attempts ADD COLUMN station TEXT;
CREATE TABLE audit (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    identity    TEXT,
    action      TEXT NOT NULL,
    from_status TEXT,
    to_status   TEXT,
    operator    TEXT,
    station     TEXT,
    reason      TEXT,
    detail      TEXT
);
CREATE INDEX audit_identity ON audit(identity);
CREATE TABLE operators (
    name     TEXT PRIMARY KEY,
    pin_hash TEXT NOT NULL,
    created  TEXT NOT NULL,
    updated  TEXT NOT NULL
)
"""



def roster_step() -> str:
    """Return the SQL of the class-list step: one row per expected number, with the person's name and class (personal
    data: the records file is owner-only) and the line of the file it came from. Kept apart from the other steps so
    that it can be renumbered when steps are added alongside it."""
    return """
CREATE TABLE roster (
    identity TEXT PRIMARY KEY,
    name     TEXT NOT NULL DEFAULT '',
    class    TEXT NOT NULL DEFAULT '',
    line     INTEGER NOT NULL,
    loaded   TEXT NOT NULL
);
CREATE INDEX roster_class ON roster(class)
"""


def v4_settings() -> str:
    """Return step 4's statements: the console's saved settings and the records' `updated` index."""
    from kiosk.store.saved import SETTINGS_SQL

    return SETTINGS_SQL


def v5_hall() -> str:
    """Return step 5's statements: the `stations` (heartbeats) and `claims` (leases) tables."""
    from kiosk.store.claims_db import CLAIMS_SQL

    return CLAIMS_SQL



def capture_ids_step() -> str:
    """Return step 6's statements: capture ids on attempts and the outbox's bookkeeping (kiosk.store.capture_ids)."""
    from kiosk.store.capture_ids import SQLITE_STEP

    return SQLITE_STEP


#: (version, SQL statements separated by ";") in order; the last version is the one this program writes
STEPS: tuple[tuple[int, str], ...] = ((1, V1), (2, V2), (3, roster_step()), (4, v4_settings()), (5, v5_hall()),
                                     (6, capture_ids_step()))
SCHEMA_VERSION = STEPS[-1][0]


def schema_version(db: sqlite3.Connection) -> int:
    """Return the file's schema version (0: made before versions were kept, or empty)."""
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def check_not_newer(db: sqlite3.Connection, path: str | Path) -> int:
    """Return the file's schema version; StoreError "schema_newer" when this program does not know it."""
    version = schema_version(db)
    if version > SCHEMA_VERSION:
        raise StoreError(path, "schema_newer", count=version, max=SCHEMA_VERSION)
    return version


def migrate(db: sqlite3.Connection, path: str | Path) -> list[int]:
    """Bring the file at `path` (open as `db`, autocommit mode) to SCHEMA_VERSION; return the versions applied."""
    applied: list[int] = []
    if check_not_newer(db, path) == SCHEMA_VERSION:
        return applied
    for version, sql in STEPS:
        db.execute("BEGIN IMMEDIATE")
        try:
            if check_not_newer(db, path) < version:  # re-read under the write lock: another process may have won
                for statement in (s.strip() for s in sql.split(";")):
                    if statement:
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {int(version)}")
                applied.append(version)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    return applied


def columns(db: sqlite3.Connection, table: str) -> set[str]:
    """Return the column names of `table` (empty when there is no such table): a read-only opener of an older
    file reads only what it has."""
    return {row[1] for row in db.execute(f"PRAGMA table_info({table})").fetchall()}
