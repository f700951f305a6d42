"""The records store's behaviour, the same on SQLite (a station's folder) and on PostgreSQL (a hall's server started
by the test session, see conftest.py): filing, the lifecycle and its refusals, attempts with their station, the audit
trail, operators, purge and today's counts. Tests of SQLite's own files stay in test_records.py."""
from __future__ import annotations

import datetime as dt

import pytest

from kiosk.store.lifecycle import Status, TransitionError
from kiosk.store.records import OperatorError, PictureRejected, RecordMissing
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
