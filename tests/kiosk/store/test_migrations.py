"""Records files made before schema versions were kept open and migrate; a newer file is refused; a listing opens
the store read-only (no migration, no chmod)."""
from __future__ import annotations

import json
import os
import sqlite3

import pytest

from kiosk.commands.main import main
from kiosk.store import migrations
from kiosk.store.records import SqliteRecordStore, Status, StoreError
from kiosk.texts import error_text
from tests.kiosk.store.test_records import GATES_OK, PROFILE, picture

#: the schema the store created before versions were kept (kiosk/store/sqlite.py before schema 2), verbatim
OLD_SCHEMA = """
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
CREATE INDEX IF NOT EXISTS attempts_at ON attempts(at);
"""


def old_store(folder, data: bytes):
    """Make a store folder as today's released code leaves it: a locked record with its picture, one attempt."""
    (folder / "pictures" / ".pending").mkdir(parents=True)
    (folder / "pictures" / "2023001.jpg").write_bytes(data)
    db = sqlite3.connect(folder / "records.sqlite3")
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(OLD_SCHEMA)
    db.execute("INSERT INTO records VALUES ('2023001', 'chsi-graduation', ?, 'pictures/2023001.jpg', NULL, 1, NULL, "
               "'2026-11-20T09:00:00', '2026-11-20T16:00:00')", (Status.LOCKED.value,))
    db.execute("INSERT INTO records VALUES ('2023002', 'chsi-graduation', ?, NULL, NULL, 0, NULL, "
               "'2026-11-20T09:05:00', '2026-11-20T09:05:00')", (Status.NOT_UPLOADED.value,))
    db.execute("INSERT INTO attempts (identity, at, gates, picture, accepted) VALUES ('2023001', "
               "'2026-11-20T09:01:00', '{\"eyes_open\": {\"ok\": true}}', 'pictures/2023001.jpg', 1)")
    db.commit()
    db.close()
    return folder


@pytest.fixture(scope="module")
def data() -> bytes:
    return picture(0)


def _version(folder) -> int:
    db = sqlite3.connect(folder / "records.sqlite3")
    try:
        return db.execute("PRAGMA user_version").fetchone()[0]
    finally:
        db.close()


def test_an_old_store_opens_migrates_and_keeps_everything(tmp_path, data):
    folder = old_store(tmp_path / "old", data)
    assert _version(folder) == 0
    with SqliteRecordStore(folder, station="desk-1") as s:
        assert s.schema_version() == migrations.SCHEMA_VERSION == len(migrations.STEPS)
        r = s.get("2023001")
        assert (r.status, r.picture, r.attempts, r.station) == (Status.LOCKED, "pictures/2023001.jpg", 1, None)
        [a] = s.attempts("2023001")
        assert (a.accepted, a.gates, a.station) == (True, {"eyes_open": {"ok": True}}, None)
        assert s.recover().to_dict() == {"completed": [], "pending_removed": 0, "orphans": [], "missing": []}
        s.mark_recapture("2023001", "authority rejected", operator="Li Wei")  # the old dead end is open now
        assert s.file_picture("2023001", PROFILE, picture(1), GATES_OK).status is Status.RECAPTURED
        assert [e.action for e in s.audit("2023001")] == ["reopen"]
    with SqliteRecordStore(folder) as s:  # opening again migrates nothing
        assert s.schema_version() == migrations.SCHEMA_VERSION and s.get("2023001").station == "desk-1"


def test_migrate_applies_each_missing_step_once(tmp_path):
    db = sqlite3.connect(tmp_path / "x.sqlite3", isolation_level=None)
    assert migrations.migrate(db, tmp_path / "x.sqlite3") == [v for v, _ in migrations.STEPS]
    assert migrations.migrate(db, tmp_path / "x.sqlite3") == []
    assert {"station"} <= migrations.columns(db, "attempts") and migrations.columns(db, "audit")
    db.close()


def test_a_newer_file_is_refused_with_a_sentence(tmp_path, data):
    folder = old_store(tmp_path / "new", data)
    db = sqlite3.connect(folder / "records.sqlite3")
    db.execute("PRAGMA user_version = 99")
    db.close()
    for readonly in (False, True):
        with pytest.raises(StoreError) as info:
            SqliteRecordStore(folder, readonly=readonly)
        assert info.value.code == "schema_newer" and "schema 99" in error_text(info.value, "en")
    assert _version(folder) == 99


def test_a_listing_needs_no_chmod_and_does_not_migrate(tmp_path, data, monkeypatch, capsys):
    folder = old_store(tmp_path / "shared", data)

    def no_chmod(*args, **kwargs):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "chmod", no_chmod)  # an account that does not own the store
    assert main(["records", "--store", str(folder), "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(x["identity"], x["status"]) for x in lines] == [("2023001", Status.LOCKED.value),
                                                            ("2023002", Status.NOT_UPLOADED.value)]
    assert main(["records", "show", "2023001", "--store", str(folder), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["record"]["status_name"] == "LOCKED" and doc["audit"] == [] and len(doc["attempts"]) == 1
    assert _version(folder) == 0  # read-only: nothing migrated
    # a change needs the owner's account: one sentence, exit 2, no traceback
    assert main(["records", "recapture", "2023001", "--reason", "x", "--store", str(folder)]) == 2
    assert "cannot be changed from this account" in capsys.readouterr().err


def _store_at_version(folder, last: int):
    """Make a records file at schema `last` (steps 1..last) holding one record and one attempt of today."""
    folder.mkdir()
    db = sqlite3.connect(folder / "records.sqlite3", isolation_level=None)
    for version, sql in migrations.STEPS[:last]:
        for statement in filter(str.strip, sql.split(";")):
            db.execute(statement)
        db.execute(f"PRAGMA user_version = {version}")
    from kiosk.store.model import now_local

    now = now_local()
    db.execute("INSERT INTO records (identity, profile_id, status, attempts, created, updated, station) "
               "VALUES ('2023001', ?, ?, 1, ?, ?, 'desk-0')", (PROFILE.id, Status.NOT_UPLOADED.value, now, now))
    db.execute("INSERT INTO attempts (identity, at, gates, accepted, station) VALUES ('2023001', ?, '{}', 0, "
               "'desk-0')", (now,))
    db.close()
    return folder


def test_a_version_4_file_gains_the_hall_keeping_its_records(tmp_path):
    folder = _store_at_version(tmp_path / "v4", 4)
    with SqliteRecordStore(folder, readonly=True) as s:  # read-only: no hall tables, stations from attempts
        assert s.schema_version() == 4 and [(st.name, st.live, st.attempts_today) for st in s.stations()] == [
            ("desk-0", False, 1)]
    with SqliteRecordStore(folder, station="desk-1") as s:
        assert s.schema_version() == migrations.SCHEMA_VERSION >= 5 and s.get("2023001").station == "desk-0"
        assert s.claim("2023001") is None
        s.heartbeat()
        assert [(st.name, st.live, st.capturing) for st in s.stations()] == [
            ("desk-0", False, None), ("desk-1", True, "2023001")]
    assert {"stations", "claims"} <= {t for (t,) in sqlite3.connect(folder / "records.sqlite3").execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_a_file_from_before_stations_read_only_has_an_empty_hall(tmp_path, data):
    folder = old_store(tmp_path / "old", data)
    with SqliteRecordStore(folder, readonly=True) as s:
        assert s.schema_version() == 0 and s.stations() == []
