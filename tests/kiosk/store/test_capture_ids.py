"""Capture ids on both stores (kiosk.store.capture_ids): a capture id filed once is never filed twice, an offline
filing never overwrites a number filed meanwhile (FiledElsewhere naming that station), and the attempt keeps its id
and its offline mark."""
from __future__ import annotations

import pytest

from kiosk.store.capture_ids import FiledElsewhere
from kiosk.store.lifecycle import Status, TransitionError
from kiosk.store.open import open_store
from kiosk.texts import error_text
from tests.kiosk.store.conftest import filed_bytes
from tests.kiosk.store.test_records import GATES_OK, PROFILE, picture


@pytest.fixture(scope="module")
def pics() -> list[bytes]:
    return [picture(0), picture(1)]


def test_a_capture_id_filed_twice_is_filed_once(either_store, pics):
    first = either_store.file_picture("2023001", PROFILE, pics[0], GATES_OK, capture_id="c1")
    again = either_store.file_picture("2023001", PROFILE, pics[1], GATES_OK, capture_id="c1")
    assert first.status is again.status is Status.FILED and again.attempts == first.attempts == 1
    assert filed_bytes(either_store, again) == pics[0]  # the resend wrote nothing
    [attempt] = either_store.attempts("2023001")
    assert (attempt.capture_id, attempt.offline, attempt.accepted) == ("c1", False, True)
    assert either_store.filed_capture("c1") == "2023001" and either_store.filed_capture("c2") is None


def test_positional_filing_without_a_capture_id_still_works(either_store, pics):
    record = either_store.file_picture("2023002", PROFILE, pics[0], GATES_OK)
    assert record.status is Status.FILED
    assert [(a.capture_id, a.offline) for a in either_store.attempts("2023002")] == [(None, False)]


def test_an_offline_filing_onto_a_filed_record_is_a_conflict_naming_the_station(store_spec, pics):
    other = open_store(store_spec, station="desk-2")
    mine = open_store(store_spec, station="desk-1")
    try:
        other.file_picture("2023003", PROFILE, pics[0], GATES_OK, capture_id="b1")
        with pytest.raises(FiledElsewhere) as caught:
            mine.file_picture("2023003", PROFILE, pics[1], GATES_OK, capture_id="a1", offline=True)
        assert caught.value.code == "filed_elsewhere" and caught.value.station == "desk-2"
        assert caught.value.identity == "2023003"
        assert "desk-2" in error_text(caught.value, "en") and "desk-2" in error_text(caught.value, "zh")
        assert "2023003" not in error_text(caught.value, "en")
        record = mine.get("2023003")
        assert (record.station, record.attempts) == ("desk-2", 1)  # nothing written
        assert filed_bytes(mine, record) == pics[0] and mine.filed_capture("a1") is None
        # an online filing onto a filed record is the lifecycle's refusal, as before
        with pytest.raises(TransitionError):
            mine.file_picture("2023003", PROFILE, pics[1], GATES_OK, capture_id="a2")
    finally:
        other.close()
        mine.close()


def test_an_offline_filing_onto_a_reopened_record_is_filed_and_marked_offline(either_store, pics):
    either_store.file_picture("2023004", PROFILE, pics[0], GATES_OK)
    either_store.mark_recapture("2023004", "blurred")
    record = either_store.file_picture("2023004", PROFILE, pics[1], GATES_OK, capture_id="o1", offline=True)
    assert record.status is Status.RECAPTURED and filed_bytes(either_store, record) == pics[1]
    assert [(a.capture_id, a.offline) for a in either_store.attempts("2023004")] == [(None, False), ("o1", True)]


def test_a_resend_of_a_filed_capture_wins_over_the_conflict_rule(either_store, pics):
    either_store.file_picture("2023005", PROFILE, pics[0], GATES_OK, capture_id="k1", offline=True)
    again = either_store.file_picture("2023005", PROFILE, pics[0], GATES_OK, capture_id="k1", offline=True)
    assert again.status is Status.FILED and again.attempts == 1
