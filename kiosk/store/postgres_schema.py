"""The hall database's schema, versioned: every step from an empty database to today's, run by the program.

The version lives in the table `idphoto_schema` (one row: the program's name and the version). `migrate` runs in
one transaction holding a transaction-level advisory lock (pg_advisory_xact_lock), so stations of two versions
starting together never both migrate: the second waits, re-reads the version and finds nothing to do (or refuses
a schema newer than it knows). A database with tables but without that row belongs to another program and is
left untouched.

    1  records, attempts (with the station), pictures (the bytes of every filed picture, kept when a newer one
       replaces it), audit, operators
    2  the class list (kiosk.store.postgres_roster), the console's saved settings and the records' `updated` index
       (kiosk.store.postgres_pages)
    3  station heartbeats and claims as leases (kiosk.store.postgres_claims, kiosk.store.hall_model)
    4  capture ids and the offline mark on attempts (kiosk.store.capture_ids)
"""
from __future__ import annotations

from kiosk.store.capture_ids import PG_STEP
from kiosk.store.errors import StoreError
from kiosk.store.postgres_claims import CLAIMS_SQL
from kiosk.store.postgres_pages import SETTINGS_SQL
from kiosk.store.postgres_roster import ROSTER_SQL

PROGRAM = "idphoto"
#: the advisory lock key of schema changes (any fixed 64-bit number; "idphoto" in ASCII)
LOCK_KEY = 0x6964_7068_6F74_6F

V1 = """
CREATE TABLE idphoto_schema (
    program text PRIMARY KEY,
    version integer NOT NULL
);
CREATE TABLE records (
    identity   text PRIMARY KEY,
    profile_id text NOT NULL,
    status     text NOT NULL,
    picture    text,
    picture_id bigint,
    attempts   integer NOT NULL DEFAULT 0,
    reason     text,
    created    timestamptz NOT NULL DEFAULT now(),
    updated    timestamptz NOT NULL DEFAULT now(),
    station    text
);
CREATE TABLE attempts (
    id       bigserial PRIMARY KEY,
    identity text NOT NULL REFERENCES records(identity),
    at       timestamptz NOT NULL DEFAULT now(),
    gates    jsonb NOT NULL,
    picture  text,
    accepted boolean NOT NULL,
    station  text NOT NULL
);
CREATE INDEX attempts_identity ON attempts(identity);
CREATE INDEX attempts_at ON attempts(at);
CREATE TABLE pictures (
    attempt_id bigint PRIMARY KEY REFERENCES attempts(id),
    identity   text NOT NULL REFERENCES records(identity),
    name       text NOT NULL,
    data       bytea NOT NULL,
    size       integer NOT NULL
);
CREATE INDEX pictures_identity ON pictures(identity);
ALTER TABLE records ADD FOREIGN KEY (picture_id) REFERENCES pictures(attempt_id) DEFERRABLE INITIALLY DEFERRED;
CREATE TABLE audit (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    identity    text,
    action      text NOT NULL,
    from_status text,
    to_status   text,
    operator    text,
    station     text,
    reason      text,
    detail      text
);
CREATE INDEX audit_identity ON audit(identity);
CREATE TABLE operators (
    seq      bigserial UNIQUE,
    name     text PRIMARY KEY,
    pin_hash text NOT NULL,
    created  timestamptz NOT NULL DEFAULT now(),
    updated  timestamptz NOT NULL DEFAULT now()
)
"""

V2 = ROSTER_SQL + ";" + SETTINGS_SQL
V3 = CLAIMS_SQL

#: (version, SQL statements separated by ";") in order; the last version is the one this program writes
STEPS: tuple[tuple[int, str], ...] = ((1, V1), (2, V2), (3, V3), (4, PG_STEP))
SCHEMA_VERSION = STEPS[-1][0]


def schema_version(db, subject: str) -> int:
    """Return the database's schema version (0: empty, nothing of ours and nothing else); StoreError
    "server_foreign_database" when it holds tables of another program."""
    ours = db.execute("SELECT to_regclass('idphoto_schema') IS NOT NULL").fetchone()[0]
    if ours:
        row = db.execute("SELECT version FROM idphoto_schema WHERE program = %s", (PROGRAM,)).fetchone()
        if row is None:
            raise StoreError(subject, "server_foreign_database")
        return int(row[0])
    others = db.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()").fetchone()[0]
    if others:
        raise StoreError(subject, "server_foreign_database")
    return 0


def check_version(db, subject: str, readonly: bool) -> int:
    """Return the version; StoreError "schema_newer" when this program is older than the database, and for a
    read-only opening "server_empty" / "schema_older" when it has no records or an older schema."""
    version = schema_version(db, subject)
    if version > SCHEMA_VERSION:
        raise StoreError(subject, "schema_newer", count=version, max=SCHEMA_VERSION)
    if readonly and version == 0:
        raise StoreError(subject, "server_empty")
    if readonly and version < SCHEMA_VERSION:
        raise StoreError(subject, "schema_older", count=version, max=SCHEMA_VERSION)
    return version


def migrate(db, subject: str) -> list[int]:
    """Bring the database open as `db` (a psycopg connection, autocommit off) to SCHEMA_VERSION under the schema
    lock, in one transaction; return the versions applied (empty when there was nothing to do)."""
    applied: list[int] = []
    with db.transaction():
        db.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
        version = check_version(db, subject, readonly=False)  # re-read under the lock: another station may have won
        for step, sql in STEPS:
            if version < step:
                for statement in (s.strip() for s in sql.split(";")):
                    if statement:
                        db.execute(statement)
                db.execute("INSERT INTO idphoto_schema (program, version) VALUES (%s, %s) "
                           "ON CONFLICT (program) DO UPDATE SET version = EXCLUDED.version", (PROGRAM, step))
                applied.append(step)
    return applied
