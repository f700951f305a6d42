"""The store a page at a time (kiosk.store.pages): LIMIT/OFFSET pages newest first, prefix search, the picture's
bytes, and the settings saved from the operator console (kiosk.store.saved, schema step 3)."""
from __future__ import annotations

import sqlite3

import pytest

from kiosk.store import migrations
from kiosk.store.pages import like_prefix
from kiosk.store.records import SqliteRecordStore, Status
from kiosk.store.saved import saved_settings
from profiles import get_profile
from tests.kiosk.store.test_records import GATES_OK, picture

PROFILE = get_profile("chsi-graduation")


def _store_with(tmp_path, n: int) -> SqliteRecordStore:
    store = SqliteRecordStore(tmp_path / "store", station="desk-1")
    with store._tx() as db:  # made-up records, one minute apart: 2023000 oldest
        for i in range(n):
            at = f"2026-11-23T{8 + i // 60:02d}:{i % 60:02d}:00"
            db.execute("INSERT INTO records (identity, profile_id, status, attempts, created, updated) "
                       "VALUES (?, 'chsi-graduation', ?, 0, ?, ?)", (f"2023{i:03d}", Status.NOT_UPLOADED.value, at, at))
    return store


def test_a_page_is_newest_first_with_the_total(tmp_path):
    store = _store_with(tmp_path, 250)
    try:
        first = store.page(None, 0, 20)
        assert first.total == 250 and [r.identity for r in first.records][:3] == ["2023249", "2023248", "2023247"]
        assert len(first.records) == 20
        last = store.page(None, 240, 20)
        assert [r.identity for r in last.records] == [f"2023{i:03d}" for i in range(9, -1, -1)]
        assert store.page(None, 1000, 20).records == [] and store.page(None, 1000, 20).total == 250
        assert store.page(Status.FILED, 0, 20).total == 0
        assert store.page(Status.NOT_UPLOADED, 0, 5).total == 250
    finally:
        store.close()


def test_the_page_query_uses_the_updated_index(tmp_path):
    store = _store_with(tmp_path, 3)
    try:
        plan = " ".join(str(row[-1]) for row in store._db.execute(
            "EXPLAIN QUERY PLAN SELECT identity FROM records ORDER BY updated DESC, identity LIMIT 5"))
        assert "records_updated" in plan
    finally:
        store.close()


def test_search_by_the_start_of_a_number(tmp_path):
    store = _store_with(tmp_path, 150)
    try:
        assert [r.identity for r in store.search("202314", 50)] == [f"2023{i}" for i in range(140, 150)]
        assert [r.identity for r in store.search("2023001", 5)] == ["2023001"]  # the exact match first
        assert [r.identity for r in store.search("20231", 3)] == ["2023100", "2023101", "2023102"]
        assert store.search("", 5) == [] and store.search("9", 5) == []
        assert store.search("2023_", 5) == [] and store.search("2023%", 5) == []  # wildcards are literal
        assert like_prefix("a_b%") == "a\\_b\\%%"
    finally:
        store.close()


def test_picture_bytes(tmp_path):
    store = SqliteRecordStore(tmp_path / "store")
    try:
        data = picture(1)
        record = store.file_picture("2023001", PROFILE, data, GATES_OK)
        assert store.picture_bytes(record) == data
        assert store.picture_bytes(store.ensure("2023002", PROFILE.id)) is None  # no picture yet
        assert store.picture_bytes(None) is None
        (tmp_path / "store" / record.picture).unlink()
        assert store.picture_bytes(record) is None  # gone from disk: None, no error
    finally:
        store.close()


def test_settings_are_saved_by_station_and_read_without_opening_the_store(tmp_path):
    folder = tmp_path / "store"
    assert saved_settings(folder, "desk-1") == {}  # no records file yet: nothing saved, nothing created
    assert not folder.exists()
    store = SqliteRecordStore(folder, station="desk-1")
    try:
        assert store.settings() == {}
        store.save_setting("camera", "0", "王老师")
        store.save_setting("replace_backdrop", True, "王老师")
        store.save_setting("camera", "demo", "李老师")
        assert store.settings() == {"camera": "demo", "replace_backdrop": True}
        other = SqliteRecordStore(folder, station="desk-2")
        assert other.settings() == {}  # another station's settings are its own
        other.close()
        row = store._db.execute("SELECT operator FROM settings WHERE name = 'camera'").fetchone()
        assert row == ("李老师",)
    finally:
        store.close()
    assert saved_settings(folder, "desk-1") == {"camera": "demo", "replace_backdrop": True}


def test_a_version_2_file_migrates_to_the_settings_table(tmp_path):
    folder = tmp_path / "store"
    folder.mkdir()
    db = sqlite3.connect(folder / "records.sqlite3", isolation_level=None)
    for version, sql in migrations.STEPS[:2]:
        for statement in (s.strip() for s in sql.split(";")):
            if statement:
                db.execute(statement)
    db.execute("PRAGMA user_version = 2")
    db.close()
    assert saved_settings(folder, "desk-1") == {}  # an older file: no settings table, nothing saved
    store = SqliteRecordStore(folder, station="desk-1")
    try:
        assert store.schema_version() == migrations.SCHEMA_VERSION >= 3
        store.save_setting("profile", "id-card")
        assert store.settings() == {"profile": "id-card"}
    finally:
        store.close()


@pytest.mark.parametrize("limit", [0, -5])
def test_a_page_has_at_least_one_row(tmp_path, limit):
    store = _store_with(tmp_path, 3)
    try:
        assert len(store.page(None, 0, limit).records) == 1
    finally:
        store.close()
