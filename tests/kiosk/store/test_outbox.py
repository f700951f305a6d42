"""A station in a hall keeps working when the network does not (kiosk.store.outbox.HallStore): filings go to the
server, into the local outbox when the cable is cut (marked offline), and back to the server exactly once when it
is mended; a number filed elsewhere meanwhile is a conflict naming that station, never an overwrite. The cable is
kiosk.hall.proxy.TcpRelay between the station and the test session's server."""
from __future__ import annotations

import os
import stat
import time
from urllib.parse import urlsplit

import pytest

from kiosk.store.errors import StoreError
from kiosk.store.lifecycle import Status
from kiosk.store.open import open_store
from kiosk.store.outbox import HallStore
from kiosk.store.postgres import PostgresRecordStore
from kiosk.store.roster import RosterEntry
from tests.kiosk.store.test_records import GATES_OK, PROFILE, picture

psycopg = pytest.importorskip("psycopg")


@pytest.fixture(scope="module")
def pics() -> list[bytes]:
    return [picture(0), picture(1)]


@pytest.fixture
def station(pg_url, relay, tmp_path):
    s = open_store(relay.url_for(pg_url), station="desk-1", local=tmp_path / "local")
    yield s
    relay.mend()
    s.close()


def _capture_ids(url: str, identity: str) -> list[tuple]:
    with psycopg.connect(url, autocommit=True) as db:
        return db.execute("SELECT capture_id, offline, station FROM attempts WHERE identity = %s AND accepted "
                          "ORDER BY id", (identity,)).fetchall()


def test_open_store_gives_a_station_a_hall_store_and_a_command_the_server_store(pg_url, tmp_path):
    with open_store(pg_url, station="desk-1", local=tmp_path / "local") as s:
        assert isinstance(s, HallStore) and s.online and s.pending() == 0
        assert stat.S_IMODE(os.stat(tmp_path / "local" / "outbox").st_mode) == 0o700
    with open_store(pg_url, station="desk-1") as s:
        assert isinstance(s, PostgresRecordStore)


def test_a_hall_store_answers_every_method_of_the_protocol(station):
    import inspect

    from kiosk.store.records import RecordStore

    for name in (n for n, v in vars(RecordStore).items() if callable(v) and not n.startswith("_")):
        wanted = list(inspect.signature(getattr(RecordStore, name)).parameters)[1:]
        assert list(inspect.signature(getattr(station, name)).parameters)[:len(wanted)] == wanted or \
            "args" in inspect.signature(getattr(station, name)).parameters, name


def test_online_filing_lands_on_the_server(station, pg_url, pics):
    record = station.file_picture("2023001", PROFILE, pics[0], GATES_OK)
    assert record.status is Status.FILED and station.online
    [(capture_id, offline, name)] = _capture_ids(pg_url, "2023001")
    assert len(capture_id) == 32 and (offline, name) == (False, "desk-1")
    assert station.outbox.get("2023001") is None and station.pending() == 0


@pytest.mark.parametrize("silent", [False, True], ids=["loud", "silent"])
def test_a_cut_cable_files_into_the_outbox_and_the_mended_one_sends_it_once(station, relay, pg_url, pics, silent):
    station.file_picture("2023001", PROFILE, pics[0], GATES_OK)
    relay.cut(silent=silent)
    record = station.file_picture("2023002", PROFILE, pics[1], GATES_OK)
    assert not station.online and record.status is Status.FILED and station.pending() == 1
    [attempt] = station.outbox.attempts("2023002")
    assert attempt.offline and attempt.capture_id and attempt.station == "desk-1"
    assert station.get("2023002").status is Status.FILED  # read from the outbox while offline
    with pytest.raises(StoreError) as refused:
        station.mark_recapture("2023001", "blurred")
    assert (refused.value.code, refused.value.fields["name"]) == ("server_offline", "mark_recapture")
    with pytest.raises(StoreError) as no_claim:  # offline a station cannot claim: its filings are "offline"
        station.claim("2023003")
    assert no_claim.value.code == "server_offline"
    station.heartbeat()  # nothing to tell while offline
    station.release()
    assert _capture_ids(pg_url, "2023002") == []
    relay.mend()
    report = station.resend()
    assert (report.sent, report.already_there, report.conflicts, report.still_offline) == (1, 0, [], False)
    assert station.online and station.pending() == 0
    assert _capture_ids(pg_url, "2023002") == [(attempt.capture_id, True, "desk-1")]
    assert station.get("2023002").station == "desk-1"  # from the server again
    station.heartbeat()
    assert station.claim("2023003") is None and [st.name for st in station.stations()] == ["desk-1"]
    second = station.resend()
    assert (second.sent, second.already_there, second.still_offline) == (0, 0, False)
    assert len(_capture_ids(pg_url, "2023002")) == 1
    assert station.outbox.get("2023002").status is Status.FILED  # kept in the outbox until a purge


def test_a_resend_while_still_cut_sends_nothing_and_keeps_the_filing(station, relay, pics):
    relay.cut()
    station.file_picture("2023003", PROFILE, pics[0], GATES_OK)
    report = station.resend()
    assert (report.sent, report.still_offline, station.pending(), station.online) == (0, True, 1, False)


def test_a_lost_reply_is_not_filed_twice(station, relay, pg_url, pics):
    # the server filed it, the reply never came back: the station filed the same capture id into its outbox
    station.server.file_picture("2023004", PROFILE, pics[0], GATES_OK, capture_id="lost-reply")
    relay.cut()
    station.file_picture("2023004", PROFILE, pics[0], GATES_OK, capture_id="lost-reply")
    assert station.pending() == 1
    relay.mend()
    report = station.resend()
    assert (report.sent, report.already_there, report.conflicts) == (0, 1, [])
    assert _capture_ids(pg_url, "2023004") == [("lost-reply", False, "desk-1")] and station.pending() == 0


def test_a_number_filed_elsewhere_meanwhile_is_a_conflict_naming_that_station(station, relay, pg_url, pics):
    relay.cut()
    station.file_picture("2023005", PROFILE, pics[0], GATES_OK)
    with PostgresRecordStore(pg_url, station="desk-2") as other:
        other.file_picture("2023005", PROFILE, pics[1], GATES_OK)
        relay.mend()
        report = station.resend()
        [conflict] = report.conflicts
        assert (report.sent, conflict.identity, conflict.station, conflict.code) == (0, "2023005", "desk-2",
                                                                                        "filed_elsewhere")
        record = other.get("2023005")
        assert record.station == "desk-2" and other.picture_bytes(record) == pics[1]
    assert station.pending() == 0 and station.conflicts() == [conflict]
    assert station.resend().conflicts == [conflict]  # listed until an operator resolves it
    assert station.resolve(conflict.capture_id, "operator 1") and station.conflicts() == []
    assert not station.resolve(conflict.capture_id)


def test_offline_numbers_are_checked_against_the_cached_class_list(pg_url, relay, tmp_path):
    with PostgresRecordStore(pg_url, station="desk-0") as desk:
        desk.replace_roster([RosterEntry("2023001", "Li Lei", "3-1", 2), RosterEntry("2023002", "Han Mei", "3-1", 3)])
    with open_store(relay.url_for(pg_url), station="desk-1", local=tmp_path / "local") as s:
        relay.cut(silent=True)
        s.file_picture("2023009", PROFILE, picture(0), GATES_OK)  # notices the cut
        assert not s.online
        assert (s.on_list("2023001"), s.on_list("2023009")) == (True, False)
        assert [e.identity for e in s.roster()] == ["2023001", "2023002"]
        relay.mend()


def test_a_station_opened_while_the_server_is_down_starts_offline_and_catches_up(pg_url, relay, tmp_path, pics):
    open_store(relay.url_for(pg_url), station="desk-1", local=tmp_path / "local").close()  # it was here before
    relay.cut()
    with open_store(relay.url_for(pg_url), station="desk-1", local=tmp_path / "local") as s:
        assert not s.online and s.server is None
        s.file_picture("2023006", PROFILE, pics[0], GATES_OK)
        relay.mend()
        assert s.resend().sent == 1 and s.online
    assert len(_capture_ids(pg_url, "2023006")) == 1


def test_a_first_opening_without_the_server_is_refused_and_creates_nothing(pg_url, relay, tmp_path):
    relay.cut()
    with pytest.raises(StoreError) as refused:
        open_store(relay.url_for(pg_url), station="desk-1", local=tmp_path / "local")
    assert refused.value.code == "server_unreachable" and not (tmp_path / "local").exists()


def test_a_wrong_password_is_still_refused_at_opening(pg_url, tmp_path):
    parts = urlsplit(pg_url)
    bad = pg_url.replace(f":{parts.password}@", ":wrong@")
    with pytest.raises(StoreError) as refused:
        open_store(bad, station="desk-1", local=tmp_path / "local")
    assert refused.value.code == "server_login_refused"


def test_a_station_killed_while_filing_or_resending_loses_nothing_and_sends_nothing_twice(pg_url, tmp_path):
    import random
    import signal
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    child_py = root / "tests" / "kiosk" / "store" / "outbox_child.py"
    local = tmp_path / "local"
    rng = random.Random(14)
    confirmed: set[str] = set()
    figures = {"kills": 0, "sent": 0, "already": 0}
    for run in range(8):
        hold = run % 2 == 0  # every other run is killed between the server's commit and the outbox's mark
        child = subprocess.Popen([sys.executable, str(child_py), pg_url, str(local), str(run * 10_000)]
                                 + (["hold"] if hold else []),
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0,
                                 env=dict(os.environ, PYTHONPATH=str(root)))
        assert child.stdout.readline().strip() == b"ready", child.stderr.read().decode()
        lines = []
        wait_for = b"between\n" if hold else b"sending\n"  # held at the worst moment / a resend begins
        while not lines or lines[-1] != wait_for:
            lines.append(child.stdout.readline())
            assert lines[-1], child.stderr.read().decode()
        if not hold:
            time.sleep(rng.uniform(0.0, 0.5))  # the kill lands while it sends, marks or files the next round
        child.kill()
        out, err = child.communicate()
        assert child.returncode == -signal.SIGKILL, err.decode()
        figures["kills"] += 1
        for line in (b"".join(lines) + out).decode().splitlines():
            if line.startswith("filed "):
                confirmed.add(line.split()[1])
            elif line.startswith("resent "):
                figures["sent"] += int(line.split()[1])
    with HallStore(pg_url, local, station="crash-1") as s:
        s.recover()
        report = s.resend()
        assert (report.conflicts, report.still_offline, s.pending()) == ([], False, 0)
        # each held run left one filing the server had and the outbox did not know: found, not sent again
        figures["already"] = s.outbox._read("SELECT count(*) FROM outbox_sent WHERE state = 'already'")[0][0]
    with psycopg.connect(pg_url, autocommit=True) as db:
        counts = dict(db.execute("SELECT identity, count(*) FROM attempts WHERE accepted GROUP BY identity"))
    print("outbox crash figures:", figures, "confirmed", len(confirmed), "on the server", len(counts))
    assert {i: counts.get(i, 0) for i in confirmed} == {i: 1 for i in confirmed}  # every confirmed one, once
    assert set(counts.values()) == {1}  # and nothing twice (one killed before it was confirmed: at most once)
    assert len(confirmed) >= 8 * 6 and figures["already"] >= figures["kills"] // 2


def test_a_filing_the_server_fails_on_stays_in_the_outbox_and_does_not_hold_up_the_others(station, relay, pics):
    relay.cut()
    station.file_picture("2023007", PROFILE, pics[0], GATES_OK)
    station.file_picture("2023008", PROFILE, pics[1], GATES_OK)
    relay.mend()
    real = station.server.file_picture

    def failing(identity, *args, **kwargs):
        if identity == "2023007":
            raise StoreError(station.shown, "server_failed", detail="deadlock detected")
        return real(identity, *args, **kwargs)

    station.server.file_picture = failing
    report = station.resend()
    assert (report.sent, report.failed, report.still_offline, station.pending()) == (1, 1, False, 1)
    station.server.file_picture = real
    assert station.resend().sent == 1 and station.pending() == 0


def test_a_number_sent_from_the_outbox_and_reopened_in_the_hall_can_be_captured_offline_again(station, relay,
                                                                                              pg_url, pics):
    relay.cut()
    station.file_picture("2023010", PROFILE, pics[0], GATES_OK)
    with pytest.raises(StoreError) as twice:  # a second offline filing while the first still waits
        station.file_picture("2023010", PROFILE, pics[1], GATES_OK)
    assert twice.value.code == "filed_elsewhere" and station.pending() == 1
    relay.mend()
    assert station.resend().sent == 1
    with PostgresRecordStore(pg_url, station="desk-0") as desk:
        desk.mark_recapture("2023010", "eyes closed")
    relay.cut()
    station.file_picture("2023010", PROFILE, pics[1], GATES_OK)  # the station did not hear of the reopening
    assert not station.online and station.pending() == 1
    relay.mend()
    report = station.resend()
    assert (report.sent, report.conflicts) == (1, [])
    with PostgresRecordStore(pg_url, station="desk-0") as desk:
        record = desk.get("2023010")
        assert record.status is Status.RECAPTURED and desk.picture_bytes(record) == pics[1]
