"""One person, one station: two headless kiosks, A and B, on the same hall server (the test session's PostgreSQL,
tests/conftest.py), driven through their public methods with a fake clock. A identifies a number and holds it; B's
identify refuses it naming A; when A's visit ends (given up, filed and confirmed, a new session) B can. A's hall link
renews A's claim with its heartbeat; a station that stops beating frees the number once its lease runs out.
Waiting here is for something to happen (a lease to run out), never a timing assertion."""
from __future__ import annotations

import time

import pytest

from kiosk.station.flow import State
from kiosk.station.hall_link import HallLink
from kiosk.station.loop import KioskApp
from kiosk.station.settings import KioskOptions
from kiosk.store.hall_model import LEASE_S
from kiosk.store.outbox import HallStore
from tests.conftest import FakeClock as Clock

NUMBER = "2023001"


def server_of(store: HallStore):
    """Return the station's store that talks to the server (a HallStore's `server`)."""
    assert isinstance(store, HallStore)
    return store.server


def kiosk(profile, url: str, name: str, folder) -> KioskApp:
    """Return a headless station `name` on the hall `url` with its own folder `folder` (its outbox)."""
    options = KioskOptions(profile=profile, store=url, station=name, sound=False, local=folder)
    return KioskApp(options, clock=Clock())


@pytest.fixture
def hall(all_profiles, pg_url, tmp_path):
    """Yield stations A and B on one fresh hall schema (their links stopped and stores closed after)."""
    profile = all_profiles["chsi-graduation"]
    a, b = kiosk(profile, pg_url, "A", tmp_path / "A"), kiosk(profile, pg_url, "B", tmp_path / "B")
    for app in (a, b):
        app.hall.check()  # the first round of each link (a beat), as run() starts it
    yield a, b
    for app in (a, b):
        app.hall.stop()
        app.ctx.close()
        app.store.close()


def identify(app: KioskApp, number: str = NUMBER) -> None:
    """Start a visit at the idle screen and type `number` at the identify screen."""
    if app.flow.state is State.IDLE:
        app.act("start")
    assert app.flow.state is State.IDENTIFY
    app.type_text(number)
    app.act("ok")


def wait_for(predicate, limit_s: float = 30.0, every_s: float = 0.1) -> bool:
    """Wait until `predicate()` holds (at most `limit_s` seconds); return whether it did."""
    deadline = time.monotonic() + limit_s
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(every_s)
    return True


def test_a_number_captured_at_a_goes_nowhere_else_until_as_visit_ends(hall):
    a, b = hall
    identify(a)
    assert a.flow.state is State.GUIDE and a.session.claimed == NUMBER
    identify(b)
    assert b.flow.state is State.IDENTIFY and b.session.identity == ""
    reason = b.session.typed_reason
    assert (reason.code, reason.fields) == ("held_elsewhere", {"station": "A"})
    vm = b.view_model(None, "ok")
    assert vm.identity_error and vm.identity_reason is reason
    assert [(s.name, s.capturing) for s in b.store.stations()] == [("A", NUMBER), ("B", None)]
    a.act("back")  # A's student gives up: back to idle, the claim let go
    assert a.flow.state is State.IDLE and a.session.claimed == ""
    assert [(s.name, s.capturing) for s in b.store.stations()] == [("A", None), ("B", None)]
    for _ in NUMBER:
        b.act("delete")
    identify(b)
    assert b.flow.state is State.GUIDE and b.session.claimed == NUMBER
    identify(a)  # now A is the one refused, naming B
    assert a.flow.state is State.IDENTIFY and a.session.typed_reason.fields == {"station": "B"}


def test_a_timed_out_visit_and_quitting_let_the_number_go(hall):
    a, b = hall
    identify(a)
    a.clock.t += 600.0  # the student walked away: the guide screen times out back to idle
    a.step(None)
    assert a.flow.state is State.IDLE
    identify(b)
    assert b.flow.state is State.GUIDE and b.session.claimed == NUMBER
    b.hall.stop()  # B quits: every claim of B is released
    assert [(s.name, s.capturing) for s in a.store.stations()] == [("A", None), ("B", None)]


def test_the_links_heartbeat_renews_as_claim_and_a_station_that_stops_beating_frees_it(hall):
    a, b = hall
    server_of(a.store).lease_s = 3.0  # A's claims last 3 s unless renewed (beats every 0.2 s: a wide margin)
    a.hall.every_s = 0.2
    identify(a)
    assert a.session.claimed == NUMBER
    a.hall.start()
    time.sleep(7.0)  # more than two leases long: only A's heartbeat kept the claim
    identify(b)
    assert b.flow.state is State.IDENTIFY and b.session.typed_reason.code == "held_elsewhere"
    assert a.hall.snapshot.stations[0].capturing == NUMBER and a.hall.snapshot.stations[0].live
    a.hall.halt()  # A dies: no more beats, nothing released
    assert not a.hall.running

    def b_may() -> bool:
        b.act("ok")  # the number is still typed at B's keypad
        return b.flow.state is State.GUIDE

    assert wait_for(b_may)
    assert b.session.claimed == NUMBER and (b.session.typed_reason is None)
    assert server_of(b.store).lease_s == LEASE_S  # B's own lease is the hall's


def test_identify_goes_on_without_a_claim_when_the_claim_fails(hall, caplog):
    a, b = hall

    class Broken:
        def __getattr__(self, name):
            return getattr(a.store, name)

        def claim(self, identity):
            from kiosk.store.errors import StoreError

            raise StoreError("postgresql://kiosk:***@hall/idphoto", "server_failed", detail="")

    a.hall = a.ctx.hall = HallLink(Broken(), server=True)
    with caplog.at_level("WARNING", logger="idphoto.kiosk"):
        identify(a)
    assert a.flow.state is State.GUIDE and a.session.claimed == ""
    assert "claim not taken at identify: server_failed" in caplog.text and NUMBER not in caplog.text


def test_a_filed_and_confirmed_picture_lets_the_number_go_at_the_saved_screen(hall, studio):
    from tests.kiosk.station.test_states import _feed, _frame, _until_made

    a, b = hall
    face = studio("astronaut_closed", a.o.profile.backgrounds[0].rgb)  # passes `idphoto check` once made
    identify(a)
    _feed(a, a.clock, (_frame(i, face) for i in range(1, 100)))
    _until_made(a, a.clock, _frame(99, face))
    assert a.flow.state is State.REVIEW and a.session.claimed == NUMBER
    a.act("confirm")
    assert a.flow.state is State.SAVED and a.filed == 1 and a.session.claimed == ""
    assert [(s.name, s.capturing, s.filed_today) for s in b.store.stations()] == [("A", None, 1), ("B", None, 0)]
    identify(b)  # the number is free, but filed: B refuses it for that reason, not for a claim
    assert b.session.typed_reason.code == "record_filed"


def test_the_stations_console_reads_its_hall_page_from_the_links_snapshot(hall):
    a, b = hall
    identify(b)
    a.hall.check()
    a.console_bridge.open_console()
    c = a.console
    for pin in ("0000", "2468", "2468"):
        for key in pin:
            c.handle(f"key:{key}")
        c.handle("ok")
    c.handle("goto:hall")
    view = c.state().hall
    assert c.hall_source() is a.hall.snapshot and view.server and view.station == "A"
    assert [(r["name"], r["live"], r["capturing"], r["this"]) for r in view.rows] == [
        ("A", True, "", True), ("B", True, NUMBER, False)]


def test_a_number_given_with_identity_is_claimed_like_a_typed_one(all_profiles, pg_url, tmp_path, hall):
    a, _ = hall
    identify(a)
    profile = all_profiles["chsi-graduation"]
    options = KioskOptions(profile=profile, store=pg_url, station="C", sound=False, local=tmp_path / "C",
                           identity=NUMBER)
    c = KioskApp(options, clock=Clock())
    try:
        c.hall.check()
        c.act("start")
        assert c.flow.state is State.ERROR
        assert (c.session.error_code, c.session.error_fields) == ("identity.held_elsewhere", {"station": "A"})
    finally:
        c.hall.stop()
        c.ctx.close()
        c.store.close()


def test_the_idle_screen_says_the_photo_stays_on_the_halls_server(hall, all_profiles, tmp_path):
    a, _ = hall
    assert a.flow.state is State.IDLE and a.view_model(None, "ok").privacy_key == "idle_privacy_hall"
    options = KioskOptions(profile=all_profiles["chsi-graduation"], store=tmp_path / "own", sound=False)
    own = KioskApp(options, clock=Clock())
    try:
        assert own.view_model(None, "ok").privacy_key == "idle_privacy"
    finally:
        own.hall.stop()
        own.ctx.close()
        own.store.close()
