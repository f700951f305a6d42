"""The hall link's rounds on a scripted store (every call recorded, the server's answers chosen by the test): what it
calls offline and online, when it resends and refreshes the cache, how claims and queued releases meet, that a
failing store is logged by its code (never a number) and never stops the link, and which staff notice wins."""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from kiosk.station.hall_link import REFRESH_EVERY, Claim, HallLink, HallSnapshot, hall_notice, most_important
from kiosk.store.errors import StoreError
from kiosk.store.hall_model import StationStatus

NUMBER = "2023001"


@dataclass
class Report:
    sent: int = 0
    already_there: int = 0
    conflicts: list = field(default_factory=list)
    still_offline: bool = False


@dataclass
class ConflictRow:
    identity: str
    station: str
    capture_id: str


class ScriptedHall:
    """A HallStore look-alike: `reachable` says whether the server answers; calls are recorded by name."""

    station = "desk-1"

    def __init__(self) -> None:
        self.online, self.reachable, self.waiting, self.calls = True, True, 0, []
        self.holders: dict[str, str] = {}
        self.failing: set[str] = set()

    def _call(self, name: str) -> None:
        self.calls.append(name)
        if name in self.failing:
            raise StoreError("postgresql://kiosk:***@hall/idphoto", "server_failed", detail="")
        if not self.reachable and name not in ("pending", "conflicts"):
            self.online = False
            raise StoreError("postgresql://kiosk:***@hall/idphoto", "server_unreachable", detail="")

    def heartbeat(self, state: str = "live") -> None:
        self._call("heartbeat")

    def claim(self, identity: str) -> str | None:
        self._call("claim")
        return self.holders.get(identity)

    def release(self, identity: str | None = None) -> None:
        self._call(f"release:{identity}")

    def stations(self) -> list[StationStatus]:
        self._call("stations")
        return [StationStatus("desk-1", True, "2026-11-29T09:30:05", None, 1, 2)]

    def pending(self) -> int:
        self._call("pending")
        return self.waiting

    def conflicts(self) -> list[ConflictRow]:
        self._call("conflicts")
        return [ConflictRow("11010519491231002X", "desk-2", "c1")] if self.waiting > 1 else []

    def resend(self) -> Report:
        self.calls.append("resend")
        if not self.reachable:
            self.online = False
            return Report(still_offline=True)
        self.online, sent, self.waiting = True, self.waiting, 0
        return Report(sent=sent)

    def refresh_cache(self) -> bool:
        self._call("refresh_cache")
        return True


@pytest.fixture
def hall():
    store = ScriptedHall()
    return store, HallLink(store, server=True)


def test_an_online_round_beats_and_lists_the_stations(hall):
    store, link = hall
    snap = link.check()
    assert store.calls == ["heartbeat", "pending", "conflicts", "pending", "stations"]
    assert (snap.station, snap.server, snap.outboxed, snap.online, snap.pending, snap.failed) == (
        "desk-1", True, True, True, 0, "")
    assert [s.name for s in snap.stations] == ["desk-1"] and len(snap.checked_at) == 8


def test_offline_the_round_only_resends_and_keeps_the_last_stations(hall):
    store, link = hall
    link.check()
    store.reachable, store.online, store.waiting, store.calls = False, False, 1, []
    snap = link.check()
    assert store.calls == ["resend", "conflicts", "pending"]
    assert (snap.online, snap.pending, [s.name for s in snap.stations]) == (False, 1, ["desk-1"])
    assert hall_notice(snap) == ("station.hall_offline", {"n": 1})
    store.reachable, store.calls = True, []
    snap = link.check()  # the server answers again: the outbox goes first, then a normal round
    assert store.calls[:2] == ["resend", "heartbeat"] and (snap.online, snap.pending) == (True, 0)
    assert hall_notice(snap) is None


def test_a_lost_cable_turns_the_snapshot_offline_and_is_logged_by_code(hall, caplog):
    store, link = hall
    store.reachable = False
    with caplog.at_level("WARNING", logger="idphoto.kiosk"):
        snap = link.check()
    assert (snap.online, snap.failed) == (False, "server_unreachable")
    assert "hall: round failed: server_unreachable" in caplog.text


def test_waiting_filings_are_resent_while_online_and_the_cache_is_refreshed_now_and_then(hall):
    store, link = hall
    store.waiting = 2
    snap = link.check()
    assert store.calls[:3] == ["heartbeat", "pending", "resend"] and snap.pending == 0
    for _ in range(REFRESH_EVERY - 1):
        link.check()
    assert store.calls.count("refresh_cache") == 1 and link.rounds == REFRESH_EVERY


def test_conflicts_are_kept_raw_in_the_snapshot_and_told_to_the_staff(hall):
    store, link = hall
    store.reachable, store.online, store.waiting = False, False, 2
    snap = link.check()
    assert snap.conflicts == (("11010519491231002X", "desk-2", "c1"),)
    assert hall_notice(HallSnapshot(outboxed=True, conflicts=snap.conflicts)) == ("station.hall_conflicts",
                                                                                   {"n": 1})


def test_claims_answer_taken_held_or_offline_without_asking(hall):
    store, link = hall
    store.holders["2023002"] = "desk-2"
    assert link.claim(NUMBER) == Claim(True, None)
    assert link.claim("2023002") == Claim(False, "desk-2")
    store.online, store.calls = False, []
    assert link.claim(NUMBER) == Claim(False, None) and store.calls == []  # offline: no waiting on the cable


def test_a_release_is_done_at_once_without_a_thread_and_a_new_claim_cancels_a_queued_one(hall):
    store, link = hall
    link.release(NUMBER)
    assert store.calls == [f"release:{NUMBER}"]
    store.calls = []
    link._releases.add(NUMBER)  # as if queued for the thread
    link.claim(NUMBER)
    link.check()
    assert f"release:{NUMBER}" not in store.calls


def test_the_thread_releases_what_the_ui_let_go_and_stop_releases_everything(hall):
    import time

    store, link = hall
    link.every_s = 30.0
    link.start()
    deadline = time.monotonic() + 10
    while "heartbeat" not in store.calls and time.monotonic() < deadline:
        time.sleep(0.02)
    link.release(NUMBER)  # the thread wakes and does it
    while f"release:{NUMBER}" not in store.calls and time.monotonic() < deadline:
        time.sleep(0.02)
    assert f"release:{NUMBER}" in store.calls
    link.stop()
    assert not link.running and store.calls[-1] == "release:None"


def test_a_halted_link_releases_nothing_and_offline_stop_does_not_wait_on_the_cable(hall):
    store, link = hall
    link.start()
    link.halt()
    assert not link.running and not [c for c in store.calls if c.startswith("release")]
    store.online = False
    link.stop()
    assert not [c for c in store.calls if c.startswith("release")]


def test_a_plain_store_only_beats_and_lists():
    class Plain:
        station = "kiosk-7"

        def __init__(self):
            self.calls = []

        def heartbeat(self, state="live"):
            self.calls.append("heartbeat")

        def stations(self):
            self.calls.append("stations")
            return []

    plain = Plain()
    snap = HallLink(plain).check()
    assert plain.calls == ["heartbeat", "stations"]
    assert (snap.server, snap.outboxed, snap.online, hall_notice(snap)) == (False, False, True, None)


def test_the_most_important_notice_wins():
    soft = ("station.soft_camera", {"camera": "0"})
    offline = ("station.hall_offline", {"n": 3})
    conflicts = ("station.hall_conflicts", {"n": 1})
    assert most_important(soft, offline) == offline
    assert most_important(conflicts, soft) == soft
    assert most_important(None, conflicts) == conflicts
    assert most_important(None, None) is None
