"""The records store's behaviour, the same on SQLite (a station's folder) and on PostgreSQL (a hall's server started
by the test session, see conftest.py): filing, the lifecycle and its refusals, attempts with their station, the audit
trail, operators, purge and today's counts, pages and search, the settings saved from the console and the class
list. Tests of SQLite's own files stay in test_records.py (and test_pages.py, test_roster.py)."""
from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from kiosk.store.open import open_store
from kiosk.store.pages import MAX_PAGE
from kiosk.store.roster import RosterEntry, class_counts, missing_students
from kiosk.store.roster_file import RosterError
from kiosk.store.sqlite import SqliteRecordStore

from kiosk.store.lifecycle import Status, TransitionError
from kiosk.store.records import OperatorError, PictureRejected, RecordMissing
from kiosk.texts import error_text
from tests.kiosk.store.conftest import filed_bytes
from tests.kiosk.store.test_records import GATES_BAD, GATES_OK, PROFILE, picture


@pytest.fixture(scope="module")
def pics() -> list[bytes]:
    return [picture(0), picture(1), picture(2)]


def test_a_record_goes_through_its_life_with_its_pictures(either_store, pics):
    s = either_store
    s.record_attempt("2023001", PROFILE.id, GATES_BAD)
    record = s.file_picture("2023001", PROFILE, pics[0], GATES_OK)
    assert (record.status, record.attempts, record.station) == (Status.FILED, 2, "desk-1")
    assert record.picture == "pictures/2023001.jpg" and filed_bytes(s, record) == pics[0]
    assert len(record.created) == 19 and record.updated >= record.created
    reopened = s.mark_recapture("2023001", "shadow on the face", operator="Li Wei")
    assert reopened.status is Status.NEEDS_RECAPTURE and filed_bytes(s, reopened) == pics[0]  # kept until replaced
    record = s.file_picture("2023001", PROFILE, pics[1], GATES_OK)
    assert record.status is Status.RECAPTURED and record.reason is None and filed_bytes(s, record) == pics[1]
    assert [r.status for r in s.lock(["2023001"], reason="batch-1")] == [Status.LOCKED]
    attempts = s.attempts("2023001")
    assert [(a.accepted, a.station, a.picture) for a in attempts] == [
        (False, "desk-1", None), (True, "desk-1", "pictures/2023001.jpg"), (True, "desk-1", "pictures/2023001.jpg")]
    assert attempts[1].gates == GATES_OK and attempts[0].gates == GATES_BAD
    assert [(e.action, e.from_status, e.to_status, e.operator, e.station, e.reason) for e in s.audit("2023001")] == [
        ("reopen", "FILED", "NEEDS_RECAPTURE", "Li Wei", "desk-1", "shadow on the face"),
        ("lock", "RECAPTURED", "LOCKED", None, "desk-1", "batch-1")]
    assert [r.identity for r in s.list(Status.LOCKED)] == ["2023001"] and s.list(Status.FILED) == []


def test_refusals_are_coded_and_change_nothing(either_store, pics):
    s = either_store
    s.file_picture("2023002", PROFILE, pics[0], GATES_OK)
    with pytest.raises(TransitionError) as info:
        s.file_picture("2023002", PROFILE, pics[1], GATES_OK)
    assert info.value.code == "already_filed"
    record = s.get("2023002")
    assert (record.status, record.attempts, filed_bytes(s, record)) == (Status.FILED, 1, pics[0])
    s.ensure("2023003", PROFILE.id)
    with pytest.raises(TransitionError) as info:
        s.mark_recapture("2023003", "blurred")
    assert info.value.code == "recapture_needs_picture"
    with pytest.raises(TransitionError) as info:
        s.mark_recapture("2023002", "  ")
    assert info.value.code == "reason_required"
    with pytest.raises(RecordMissing):
        s.mark_recapture("9999999", "blurred")
    with pytest.raises(TransitionError) as info:
        s.lock(["2023002", "2023003"])  # all or none: 2023002 stays filed
    assert info.value.code == "lock_needs_filed" and s.get("2023002").status is Status.FILED
    assert s.audit() == []


def test_a_lock_with_an_expected_state_refuses_a_record_changed_since_it_was_read(either_store, pics):
    s = either_store
    s.file_picture("2023004", PROFILE, pics[0], GATES_OK)
    s.file_picture("2023005", PROFILE, pics[0], GATES_OK)
    read = {i: (s.get(i).status, s.get(i).attempts) for i in ("2023004", "2023005")}
    s.mark_recapture("2023005", "eyes closed")  # another station reopens and files it again meanwhile
    s.file_picture("2023005", PROFILE, pics[1], GATES_OK)
    with pytest.raises(TransitionError) as info:
        s.lock(["2023004", "2023005"], reason="batch-2", expected=read)
    assert info.value.code == "changed_meanwhile"
    assert [s.get(i).status for i in ("2023004", "2023005")] == [Status.FILED, Status.RECAPTURED]  # all or none
    assert "changed" in error_text(info.value, "en") and "导出" in error_text(info.value, "zh")
    read["2023005"] = (Status.RECAPTURED, 2)
    assert [r.status for r in s.lock(["2023004", "2023005"], expected=read)] == [Status.LOCKED, Status.LOCKED]


def test_a_picture_that_does_not_meet_the_profile_is_not_filed(either_store, pics):
    s = either_store
    with pytest.raises(PictureRejected) as info:
        s.file_picture("2023004", PROFILE, pics[0][: len(pics[0]) // 3], GATES_OK)
    assert info.value.code == "picture_rejected"
    record = s.get("2023004")
    assert (record.status, record.picture, record.attempts) == (Status.NOT_UPLOADED, None, 1)
    assert [a.accepted for a in s.attempts("2023004")] == [False]


def test_operators_have_names_and_pins(either_store):
    s = either_store
    assert s.operators() == []
    s.add_operator("operator 1", "pbkdf2$1$00$11")
    s.add_operator("Li Wei", "pbkdf2$1$22$33")
    with pytest.raises(OperatorError) as info:
        s.add_operator(" Li Wei ", "x")
    assert info.value.code == "operator_exists"
    with pytest.raises(OperatorError) as info:
        s.add_operator("", "x")
    assert info.value.code == "operator_name"
    s.set_operator_pin("operator 1", "pbkdf2$1$44$55")
    assert [(o.name, o.pin_hash) for o in s.operators()] == [("operator 1", "pbkdf2$1$44$55"),
                                                            ("Li Wei", "pbkdf2$1$22$33")]
    with pytest.raises(OperatorError) as info:
        s.set_operator_pin("nobody", "x")
    assert info.value.code == "operator_unknown"


def test_purge_removes_what_was_handed_over_and_keeps_counts_only(either_store, pics):
    s = either_store
    s.file_picture("2023005", PROFILE, pics[0], GATES_OK)
    s.file_picture("2023006", PROFILE, pics[1], GATES_OK)
    s.lock(["2023005"], operator="Li Wei")
    assert s.purge(dt.date.today(), operator="Li Wei").records == 0  # locked today: not before today
    report = s.purge(dt.date.today() + dt.timedelta(days=1), operator="Li Wei")
    assert (report.records, report.attempts) == (1, 1) and report.pictures >= 1
    assert s.get("2023005") is None and s.get("2023006").status is Status.FILED
    lock, nothing, purge = s.audit()
    assert (lock.action, lock.identity) == ("lock", None)  # the number is erased, the row stays
    assert (nothing.action, nothing.detail["records"]) == ("purge", 0)
    assert (purge.action, purge.identity, purge.operator, purge.station) == ("purge", None, "Li Wei", "desk-1")
    assert purge.detail["records"] == 1


def test_counts_today_cover_attempts_filings_and_statuses(either_store, pics):
    s = either_store
    s.record_attempt("2023007", PROFILE.id, GATES_BAD)
    s.file_picture("2023007", PROFILE, pics[0], GATES_OK)
    s.ensure("2023008", PROFILE.id)
    counts = s.counts_today()
    assert (counts["attempts"], counts["filed"], counts["records"]) == (2, 1, 2)
    assert (counts["FILED"], counts["NOT_UPLOADED"], counts["LOCKED"]) == (1, 1, 0)


def _records_a_minute_apart(store, n: int) -> None:
    """Make records 2023000..(n-1), last changed one minute apart on 2026-11-23 (2023000 the oldest)."""
    mark = "?" if isinstance(store, SqliteRecordStore) else "%s"
    for i in range(n):
        store.ensure(f"2023{i:03d}", PROFILE.id)
    with store._tx() as db:
        for i in range(n):
            at = f"2026-11-23T{8 + i // 60:02d}:{i % 60:02d}:00"
            db.execute(f"UPDATE records SET created = {mark}, updated = {mark} WHERE identity = {mark}",
                       (at, at, f"2023{i:03d}"))


def test_pages_are_newest_change_first_with_the_total(either_store, pics):
    s = either_store
    _records_a_minute_apart(s, 30)
    first = s.page(None, 0, 10)
    assert first.total == 30 and first.offset == 0
    assert [r.identity for r in first.records] == [f"2023{i:03d}" for i in range(29, 19, -1)]
    assert first.records[0].updated == "2026-11-23T08:29:00"
    assert [r.identity for r in s.page(None, 25, 10).records] == [f"2023{i:03d}" for i in range(4, -1, -1)]
    beyond = s.page(None, 100, 10)
    assert (beyond.records, beyond.total, beyond.offset) == ([], 30, 100)
    assert [r.identity for r in s.page(None, -5, 0).records] == ["2023029"]  # at least one row, from the start
    s.file_picture("2023007", PROFILE, pics[0], GATES_OK)  # changed now: the newest
    assert [r.identity for r in s.page(None, 0, 2).records] == ["2023007", "2023029"]
    filed = s.page(Status.FILED, 0, 10)
    assert (filed.total, [r.identity for r in filed.records]) == (1, ["2023007"])
    assert s.page(Status.NOT_UPLOADED, 0, 5).total == 29 and s.page(Status.LOCKED).total == 0


def test_records_on_one_second_are_paged_by_number(either_store):
    s = either_store
    _records_a_minute_apart(s, 1)
    mark = "?" if isinstance(s, SqliteRecordStore) else "%s"
    for identity in ("2023102", "2023100", "2023101"):
        s.ensure(identity, PROFILE.id)
    with s._tx() as db:
        db.execute(f"UPDATE records SET updated = {mark} WHERE identity <> '2023000'", ("2026-11-24T09:00:00",))
    assert [r.identity for r in s.page(None, 0, 10).records] == ["2023100", "2023101", "2023102", "2023000"]


def test_search_by_the_start_of_a_number(either_store):
    s = either_store
    _records_a_minute_apart(s, 150)
    s.ensure("2023X1", PROFILE.id)
    assert [r.identity for r in s.search("202314", 50)] == [f"2023{i}" for i in range(140, 150)]
    assert [r.identity for r in s.search(" 2023001 ", 5)] == ["2023001"]
    assert [r.identity for r in s.search("20231", 3)] == ["2023100", "2023101", "2023102"]
    assert [r.identity for r in s.search("2023x", 5)] == ["2023X1"]  # case-insensitive
    assert [r.identity for r in s.search("202300", 3)] == ["2023000", "2023001", "2023002"]
    assert s.search("", 5) == [] and s.search("   ", 5) == [] and s.search("9", 5) == []
    assert s.search("2023_", 5) == [] and s.search("2023%", 5) == [] and s.search("2023\\", 5) == []
    assert len(s.search("2023", MAX_PAGE + 100)) == 151


def test_the_exact_number_comes_first(either_store):
    s = either_store
    for identity in ("20230011", "2023001", "20230010"):
        s.ensure(identity, PROFILE.id)
    assert [r.identity for r in s.search("2023001", 2)] == ["2023001", "20230010"]


def test_settings_are_saved_per_station_with_json_values(either_store, store_spec):
    s = either_store
    assert s.settings() == {}
    s.save_setting("camera", "0", "王老师")
    s.save_setting("replace_backdrop", True, "王老师")
    s.save_setting("camera", "demo", "李老师")
    s.save_setting("profile", {"id": "chsi-graduation", "背景": "白"})
    s.save_setting("retries", 3)
    assert s.settings() == {"camera": "demo", "replace_backdrop": True, "retries": 3,
                            "profile": {"id": "chsi-graduation", "背景": "白"}}
    other = open_store(store_spec, station="desk-2")
    try:
        assert other.settings() == {}  # another station's settings are its own
        other.save_setting("camera", "1")
        assert other.settings() == {"camera": "1"} and s.settings()["camera"] == "demo"
    finally:
        other.close()


def test_a_new_class_list_replaces_the_old_and_says_what_changed(either_store):
    s = either_store
    assert s.roster() == [] and s.on_list("2023001") is None and s.on_list("bad number!") is None
    assert class_counts(s) == [] and missing_students(s) == []
    first = [RosterEntry("2023001", "张三", "1班", 2), RosterEntry("2023002", "李四", "1班", 3),
             RosterEntry("2023003", "王五", "2班", 4)]
    assert s.replace_roster(first, operator="Li Wei").to_dict() == {
        "added": 3, "removed": 0, "unchanged": 0, "updated": 0, "total": 3}
    second = [RosterEntry("2023004", "赵六", "3班", 2), RosterEntry("2023001", "张三", "1班", 3),
              RosterEntry("2023003", "王五", "3班", 4)]
    assert s.replace_roster(second).to_dict() == {"added": 1, "removed": 1, "unchanged": 2, "updated": 1,
                                                  "total": 3}
    assert s.roster() == second  # in file order, with names and classes
    assert (s.on_list("2023004"), s.on_list("2023002"), s.on_list(" 2023001 "), s.on_list("bad number!")) == (
        True, False, True, False)
    imported, again = s.audit()
    assert (imported.action, imported.identity, imported.operator, imported.station) == (
        "roster_import", None, "Li Wei", "desk-1")
    assert again.detail == {"added": 1, "removed": 1, "unchanged": 2, "updated": 1, "total": 3}  # counts only
    assert s.clear_roster(operator="Li Wei") == 3 and s.roster() == [] and s.on_list("2023002") is None
    cleared = s.audit()[-1]
    assert (cleared.action, cleared.detail, cleared.operator) == ("roster_clear", {"removed": 3}, "Li Wei")
    assert s.clear_roster() == 0
    assert "张三" not in repr(s.audit()) and "1班" not in repr(s.audit())  # names never reach the audit


def test_a_failed_class_list_keeps_the_old_one(either_store):
    s = either_store
    s.replace_roster([RosterEntry("2023001", "张三", "1班", 2)])
    with pytest.raises((sqlite3.IntegrityError, RosterError)) as info:
        s.replace_roster([RosterEntry("2023005", "钱七", "", 2), RosterEntry("2023005", "钱七", "", 3)])  # a clash
    if not isinstance(s, SqliteRecordStore):  # refused before the server, whose message would name the number
        assert (info.value.code, info.value.fields) == ("roster_row_duplicate", {"count": 2})
        assert "2023005" not in error_text(info.value, "en") and "2023005" not in error_text(info.value, "zh")
    assert s.roster() == [RosterEntry("2023001", "张三", "1班", 2)] and s.on_list("2023005") is False
    assert [e.action for e in s.audit()] == ["roster_import"]


def test_who_is_missing_by_class(either_store, pics):
    s = either_store
    s.replace_roster([RosterEntry("2023001", "张三", "1班", 2), RosterEntry("2023002", "李四", "1班", 3),
                      RosterEntry("2023003", "王五", "2班", 4), RosterEntry("2023004", "赵六", "2班", 5)])
    s.file_picture("2023001", PROFILE, pics[0], GATES_OK)
    s.file_picture("2023003", PROFILE, pics[1], GATES_OK)
    s.mark_recapture("2023003", "blurred")  # waiting for a new picture: missing again
    s.record_attempt("2023004", PROFILE.id, GATES_OK)  # tried, nothing filed
    assert [c.to_dict() for c in class_counts(s)] == [
        {"class": "1班", "expected": 2, "done": 1, "missing": 1},
        {"class": "2班", "expected": 2, "done": 0, "missing": 2}]
    assert [m.row() for m in missing_students(s)] == [
        {"number": "2023002", "name": "李四", "class": "1班", "status": Status.NOT_UPLOADED.value},
        {"number": "2023003", "name": "王五", "class": "2班", "status": Status.NEEDS_RECAPTURE.value},
        {"number": "2023004", "name": "赵六", "class": "2班", "status": Status.NOT_UPLOADED.value}]
