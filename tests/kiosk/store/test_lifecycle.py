"""The record lifecycle without dead ends: reopening any filed record (locked ones too) for re-capture, the audit
trail (operator, station, time, reason), stations on attempts and filings, operators, and an office day."""
from __future__ import annotations

import hashlib
import zipfile

import pytest

from kiosk.store.export import export_batch
from kiosk.store.lifecycle import REOPENABLE, Status, TransitionError, refusal
from kiosk.store.records import OperatorError, RecordMissing, SqliteRecordStore
from kiosk.texts import error_text
from tests.kiosk.store.test_records import GATES_BAD, GATES_OK, PROFILE, picture


@pytest.fixture(scope="module")
def pics() -> list[bytes]:
    return [picture(0), picture(1), picture(2)]


@pytest.fixture
def store(tmp_path):
    s = SqliteRecordStore(tmp_path / "store", station="desk-1")
    yield s
    s.close()


def test_every_filed_status_can_be_reopened_and_the_rest_says_why_not():
    assert set(REOPENABLE) == {Status.FILED, Status.RECAPTURED, Status.LOCKED}
    assert refusal(Status.LOCKED, Status.NEEDS_RECAPTURE) is None
    assert refusal(Status.NOT_UPLOADED, Status.NEEDS_RECAPTURE) == "recapture_needs_picture"
    assert refusal(Status.NEEDS_RECAPTURE, Status.NEEDS_RECAPTURE) == "already_reopened"
    assert refusal(Status.NOT_UPLOADED, Status.LOCKED) == "lock_needs_filed"
    assert refusal(Status.LOCKED, Status.LOCKED) == "locked"


def test_a_locked_record_reopens_with_an_audited_reason_and_refiles_as_recaptured(store, pics):
    store.file_picture("2023001", PROFILE, pics[0], GATES_OK)
    store.lock(["2023001"], reason="export batch-1.zip")
    record = store.mark_recapture("2023001", "authority rejected: shadow on face", operator="Li Wei")
    assert record.status is Status.NEEDS_RECAPTURE and record.reason == "authority rejected: shadow on face"
    assert (store.folder / record.picture).read_bytes() == pics[0]  # kept until the new one is filed
    lock, reopen = store.audit("2023001")
    assert (lock.action, lock.from_status, lock.to_status, lock.operator, lock.station, lock.reason) == (
        "lock", "FILED", "LOCKED", None, "desk-1", "export batch-1.zip")
    assert (reopen.action, reopen.from_status, reopen.to_status, reopen.operator, reopen.station, reopen.reason) == (
        "reopen", "LOCKED", "NEEDS_RECAPTURE", "Li Wei", "desk-1", "authority rejected: shadow on face")
    assert reopen.at >= lock.at and len(reopen.at) == 19
    record = store.file_picture("2023001", PROFILE, pics[1], GATES_OK)
    assert record.status is Status.RECAPTURED and record.reason is None
    assert (store.folder / record.picture).read_bytes() == pics[1]


def test_refusals_are_coded_with_sentences_and_change_nothing(store, pics):
    store.ensure("2023002", PROFILE.id)
    with pytest.raises(TransitionError) as info:
        store.mark_recapture("2023002", "blurred", operator="Li Wei")
    assert info.value.code == "recapture_needs_picture"
    assert "just take the photo" in error_text(info.value, "en") and "直接拍摄" in error_text(info.value, "zh")
    with pytest.raises(RecordMissing) as missing:
        store.mark_recapture("9999999", "blurred")
    assert isinstance(missing.value, KeyError) and error_text(missing.value, "en") == "No record has this number."
    store.file_picture("2023003", PROFILE, pics[0], GATES_OK)
    store.mark_recapture("2023003", "blurred")
    with pytest.raises(TransitionError) as info:
        store.mark_recapture("2023003", "again")
    assert info.value.code == "already_reopened"
    assert [e.action for e in store.audit("2023002")] == [] and len(store.audit("2023003")) == 1
    assert store.get("2023002").status is Status.NOT_UPLOADED


def test_the_station_is_kept_on_every_attempt_and_filing(tmp_path, pics):
    with SqliteRecordStore(tmp_path / "s", station="hall-3") as s:
        s.record_attempt("A1", PROFILE.id, GATES_BAD)
        record = s.file_picture("A1", PROFILE, pics[0], GATES_OK)
        assert record.station == "hall-3"
        assert [(a.accepted, a.station) for a in s.attempts("A1")] == [(False, "hall-3"), (True, "hall-3")]
    with SqliteRecordStore(tmp_path / "s") as s:  # no name given: the host's name
        import socket

        assert s.station == (socket.gethostname() or "station")


def test_operators_have_names_and_pins(store):
    assert store.operators() == []
    first = store.add_operator("operator 1", "pbkdf2$1000$00$11")
    store.add_operator("Li Wei", "pbkdf2$1000$22$33")
    with pytest.raises(OperatorError) as info:
        store.add_operator(" Li Wei ", "x")
    assert info.value.code == "operator_exists" and "Li Wei" in error_text(info.value, "en")
    with pytest.raises(OperatorError):
        store.add_operator("", "x")
    store.set_operator_pin("operator 1", "pbkdf2$1000$44$55")
    assert [(o.name, o.pin_hash) for o in store.operators()] == [("operator 1", "pbkdf2$1000$44$55"),
                                                                ("Li Wei", "pbkdf2$1000$22$33")]
    assert first.created == store.operators()[0].created
    with pytest.raises(OperatorError) as info:
        store.set_operator_pin("nobody", "x")
    assert info.value.code == "operator_unknown"


def test_an_office_day_capture_export_reopen_capture_export_again(store, pics, tmp_path):
    store.file_picture("2023001", PROFILE, pics[0], GATES_OK)
    store.file_picture("2023002", PROFILE, pics[1], GATES_OK)
    first = export_batch(store, tmp_path / "batch-1.zip")
    assert first.exported == ["2023001", "2023002"]
    assert {r.status for r in store.list()} == {Status.LOCKED}
    # the authority rejects 2023002: the office reopens it, the student is captured again
    store.mark_recapture("2023002", "authority rejected", operator="Li Wei")
    store.file_picture("2023002", PROFILE, pics[2], GATES_OK)
    assert store.get("2023002").status is Status.RECAPTURED
    second = export_batch(store, tmp_path / "batch-2.zip")
    assert second.exported == ["2023002"]
    with zipfile.ZipFile(tmp_path / "batch-2.zip") as z:
        pictures = [n for n in z.namelist() if n.endswith(".jpg")]
        assert pictures == ["2023002.jpg"]
        assert hashlib.sha256(z.read("2023002.jpg")).digest() == hashlib.sha256(pics[2]).digest()
    assert store.get("2023002").status is Status.LOCKED
    assert [e.action for e in store.audit("2023002")] == ["lock", "reopen", "lock"]


def test_the_sqlite_store_implements_the_protocol_exactly():
    """What callers may use is the RecordStore protocol; the SQLite store gives every method with its parameters
    (a server store for issue #14 implements the same list)."""
    import inspect

    from kiosk.store.records import RecordStore

    members = [n for n, v in vars(RecordStore).items() if callable(v) and not n.startswith("_")]
    assert {"mark_recapture", "lock", "audit", "operators", "add_operator", "set_operator_pin", "purge"} <= set(members)
    for name in members:
        wanted = list(inspect.signature(getattr(RecordStore, name)).parameters)
        given = list(inspect.signature(getattr(SqliteRecordStore, name)).parameters)
        assert given == wanted, name
