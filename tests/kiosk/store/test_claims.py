"""The hall on both stores (SQLite: stores on one folder; PostgreSQL: the test session's server, see conftest.py):
claims as leases (take, renew, release; another station refused with the holder's name; an expired lease taken
over; two stations claiming the same number at once: exactly one wins), heartbeats renewing claims, and the view of
the stations with their liveness, what they capture and today's counts. No test waits on a clock: a lease or a
liveness of 0 seconds is over at once."""
from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from kiosk.store.hall_model import HEARTBEAT_S, LEASE_S, LIVE_S, StationStatus
from kiosk.store.identity import IdentityError
from kiosk.store.open import open_store
from tests.kiosk.store.test_records import GATES_OK, PROFILE


def _sql(spec: str, statement: str) -> list[tuple]:
    """Run one statement (no parameters, SQL both databases read) on the store `spec` names; return its rows."""
    if spec.startswith("postgresql"):
        import psycopg

        with psycopg.connect(spec, autocommit=True) as db:
            cur = db.execute(statement)
            return cur.fetchall() if cur.description else []
    db = sqlite3.connect(Path(spec) / "records.sqlite3", isolation_level=None)
    try:
        return db.execute(statement).fetchall()
    finally:
        db.close()


@pytest.fixture
def pair(store_spec):
    """Yield two stores on the same folder or database, stations "s1" and "s2"."""
    one, two = open_store(store_spec, station="s1"), open_store(store_spec, station="s2")
    yield one, two
    one.close()
    two.close()


def test_the_hall_constants_and_the_store_defaults(either_store):
    assert (LEASE_S, LIVE_S, HEARTBEAT_S) == (45.0, 30.0, 10.0)
    assert (either_store.lease_s, either_store.live_s) == (LEASE_S, LIVE_S)
    assert either_store.stations() == []


def test_a_claim_is_taken_renewed_refused_to_another_and_released(pair):
    s1, s2 = pair
    assert s1.claim("2023001") is None
    assert s1.claim("2023001") is None  # renewing one's own claim
    assert s2.claim("2023001") == "s1" and s2.claim(" 2023001 ") == "s1"  # the same number, cleaned
    assert s2.claim("2023002") is None and s1.claim("2023002") == "s2"
    s2.release("2023001")  # not s2's: nothing happens
    assert s2.claim("2023001") == "s1"
    s1.release("2023001")
    assert s2.claim("2023001") is None and s1.claim("2023001") == "s2"
    with pytest.raises(IdentityError):
        s1.claim("../etc")


def test_an_expired_lease_is_taken_over_and_a_live_one_is_not(pair):
    s1, s2 = pair
    s1.lease_s = 0  # every claim of s1 is expired at once
    assert s1.claim("2023001") is None and s2.claim("2023001") is None
    assert s1.claim("2023001") == "s2"  # s2's lease is live (45 s)
    assert [(st.name, st.capturing) for st in s1.stations()] == []  # no heartbeat, no attempt: not in the hall
    s2.heartbeat()
    assert [(st.name, st.capturing) for st in s1.stations()] == [("s2", "2023001")]


def test_release_of_none_drops_all_of_this_stations_claims_only(pair):
    s1, s2 = pair
    for number in ("2023001", "2023002", "2023003"):
        assert s1.claim(number) is None
    assert s2.claim("2023004") is None
    s1.release()
    assert [s2.claim(n) for n in ("2023001", "2023002", "2023003")] == [None, None, None]
    assert s1.claim("2023004") == "s2"


def test_a_heartbeat_renews_this_stations_live_claims_to_now_plus_the_lease(pair):
    s1, s2 = pair
    assert s1.claim("2023001") is None and s2.claim("2023002") is None
    s1.lease_s = 0
    s1.heartbeat()  # renews s1's claim to now + 0 s: over at once
    assert s2.claim("2023001") is None
    assert s1.claim("2023002") == "s2"  # s2's claim was not touched by s1's beat
    s1.lease_s = 3600
    assert s1.claim("2023003") is None
    s1.heartbeat()
    assert s2.claim("2023003") == "s1"


def test_a_heartbeat_does_not_revive_an_expired_claim(pair):
    s1, s2 = pair
    s1.lease_s = 0
    assert s1.claim("2023001") is None
    s1.lease_s = 3600
    s1.heartbeat()
    assert s2.claim("2023001") is None


def test_a_heartbeat_deletes_expired_claims_so_no_number_lingers(pair, store_spec):
    s1, s2 = pair
    s1.lease_s = 0
    assert s1.claim("2023001") is None and s2.claim("2023002") is None
    assert _sql(store_spec, "SELECT identity FROM claims ORDER BY identity") == [("2023001",), ("2023002",)]
    s2.heartbeat()  # any station's beat clears every expired claim; live ones stay
    assert _sql(store_spec, "SELECT identity, station FROM claims") == [("2023002", "s2")]


def test_a_station_last_seen_before_today_is_not_in_the_hall(pair, store_spec):
    s1, s2 = pair
    s1.heartbeat()
    s2.heartbeat()
    _sql(store_spec, "UPDATE stations SET last_seen = '2020-01-02T03:04:05' WHERE name = 's2'")
    assert [st.name for st in s1.stations()] == ["s1"]


def test_stations_lists_beats_and_todays_attempts_with_liveness_and_counts(pair):
    s1, s2 = pair
    s1.heartbeat()
    assert s1.claim("2023001") is None
    s1.record_attempt("2023001", PROFILE.id, GATES_OK)
    s1.record_attempt("2023001", PROFILE.id, GATES_OK, picture="pictures/2023001.jpg", accepted=True)
    s2.record_attempt("2023002", PROFILE.id, GATES_OK)  # s2 never beat: known from its attempt only
    s2.claim("2023002")  # a claim without a beat does not make s2 live
    first, second = s2.stations()
    assert (first.name, first.live, first.capturing, first.filed_today, first.attempts_today) == (
        "s1", True, "2023001", 1, 2)
    assert len(first.last_seen) == 19 and first.last_seen[10] == "T" and first.last_seen[:10] == (
        s1.get("2023001").updated[:10])
    assert second == StationStatus("s2", False, None, "2023002", 0, 1)
    s2.live_s = 0  # nobody's beat is newer than now
    assert [st.live for st in s2.stations()] == [False, False]
    s1.release()
    s1.heartbeat("paused")
    assert [(st.name, st.live, st.capturing) for st in s1.stations()] == [("s1", True, None), ("s2", False, "2023002")]


def test_two_stations_claiming_the_same_number_at_once_exactly_one_wins(pair):
    s1, s2 = pair
    for round_ in range(30):
        number = f"2024{round_:03d}"
        barrier = threading.Barrier(2)
        results: dict[str, object] = {}

        def go(store) -> None:
            barrier.wait()
            try:
                results[store.station] = store.claim(number)
            except Exception as exc:  # noqa: BLE001 - reported below
                results[store.station] = exc

        threads = [threading.Thread(target=go, args=(s,)) for s in pair]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(results, key=str) == ["s1", "s2"]
        winners = [name for name, got in results.items() if got is None]
        assert len(winners) == 1, results
        loser = "s2" if winners == ["s1"] else "s1"
        assert results[loser] == winners[0], results
        assert pair[0 if loser == "s1" else 1].claim(number) == winners[0]  # and it stays the winner's
