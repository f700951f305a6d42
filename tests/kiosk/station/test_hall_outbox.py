"""A station keeps capturing when its cable is cut: a headless kiosk on the test session's hall server behind a TCP
relay (kiosk.hall.proxy.TcpRelay). With the cable cut, a confirmed picture lands in the station's outbox and the
staff banner says the server is unreachable with 1 waiting; once mended, the hall link sends it, the server has it
exactly once and the banner clears. Waiting here is for the link's thread to notice, never a timing assertion."""
from __future__ import annotations


import pytest

from kiosk.station.flow import State
from kiosk.station.loop import KioskApp
from kiosk.station.settings import KioskOptions
from kiosk.store.open import open_store
from kiosk.store.outbox import HallStore
from kiosk.store.roster import RosterEntry
from tests.conftest import FakeClock as Clock
from tests.kiosk.station.test_hall_claims import identify, wait_for
from tests.kiosk.station.test_states import _feed, _frame, _until_made

NUMBER = "2023001"


@pytest.fixture
def station(all_profiles, pg_url, relay, tmp_path):
    """Yield station A on the hall behind the relay, with its own folder (its outbox)."""
    options = KioskOptions(profile=all_profiles["chsi-graduation"], store=relay.url_for(pg_url), station="A",
                           sound=False, local=tmp_path / "A")
    app = KioskApp(options, clock=Clock())
    assert isinstance(app.store, HallStore) and app.hall.outboxed and app.hall.snapshot.server
    yield app
    relay.mend()
    app.hall.stop()
    app.ctx.close()
    app.store.close()


def _to_review(app: KioskApp, face) -> None:
    """Identify NUMBER and take a picture of the real `face` up to the review screen."""
    identify(app, NUMBER)
    assert app.flow.state is State.GUIDE
    _feed(app, app.clock, (_frame(i, face) for i in range(1, 100)))
    _until_made(app, app.clock, _frame(99, face))
    assert app.flow.state is State.REVIEW


def test_a_cut_cable_files_into_the_outbox_and_the_mended_one_sends_it_exactly_once(station, relay, pg_url, studio):
    app = station
    face = studio("astronaut_closed", app.o.profile.backgrounds[0].rgb)  # passes `idphoto check` once made
    app.hall.every_s = 0.2
    app.hall.start()
    assert wait_for(lambda: app.hall.snapshot.stations != ())
    assert app.view_model(None, "ok").staff_notice is None
    _to_review(app, face)
    assert app.session.claimed == NUMBER
    relay.cut()
    app.act("confirm")
    assert app.flow.state is State.SAVED and app.filed == 1 and app.session.claimed == ""
    assert wait_for(lambda: not app.hall.snapshot.online and app.hall.snapshot.pending == 1)
    assert app.view_model(None, "ok").staff_notice == ("station.hall_offline", {"n": 1})
    assert app.store.outbox.get(NUMBER).status.name == "FILED"
    relay.mend()
    assert wait_for(lambda: app.hall.snapshot.online and app.hall.snapshot.pending == 0)
    assert app.view_model(None, "ok").staff_notice is None
    assert app.hall.snapshot.conflicts == ()
    with open_store(pg_url, station="desk") as hall:
        record = hall.get(NUMBER)
        assert record is not None and record.status.name == "FILED"
        assert [(a.accepted, a.offline) for a in hall.attempts(NUMBER)] == [(True, True)]  # once, captured offline
        assert [s.name for s in hall.stations()] == ["A"]
    app.hall.check()
    with open_store(pg_url, station="desk") as hall:
        assert [a.accepted for a in hall.attempts(NUMBER)] == [True]  # another round sends nothing again


def test_offline_identify_checks_the_cached_class_list_and_goes_on_without_a_claim(station, relay, pg_url):
    app = station
    with open_store(pg_url, station="desk") as hall:
        hall.replace_roster([RosterEntry(NUMBER, "Li Lei", "1")])
    app.hall.check()
    assert app.store.refresh_cache()  # what the link does now and then: the class list is cached
    relay.cut()
    app.hall.check()  # the link notices: the store is offline now
    assert app.hall.snapshot.online is False and app.hall.offline()
    identify(app, "2023002")
    assert app.flow.state is State.IDENTIFY and app.session.typed_reason.code == "not_on_list"
    for _ in "2023002":
        app.act("delete")
    identify(app, NUMBER)
    assert app.flow.state is State.GUIDE and app.session.claimed == ""


def test_a_conflict_is_told_on_the_banner_until_the_operator_resolves_it_on_the_hall_page(station, relay, pg_url):
    from tests.kiosk.store.test_records import GATES_OK, PROFILE, picture

    app = station
    app.hall.check()
    relay.cut()
    app.hall.check()
    app.store.file_picture(NUMBER, PROFILE, picture(1), GATES_OK)  # into the outbox: the cable is cut
    with open_store(pg_url, station="B") as other:
        other.file_picture(NUMBER, PROFILE, picture(2), GATES_OK)  # B files the same number meanwhile
    relay.mend()
    snap = app.hall.check()
    assert (snap.online, snap.pending) == (True, 0) and [c[:2] for c in snap.conflicts] == [(NUMBER, "B")]
    assert app.view_model(None, "ok").staff_notice == ("station.hall_conflicts", {"n": 1})
    app.console_bridge.open_console()
    for pin in ("0000", "2468", "2468"):
        for key in pin:
            app.handle_input(f"key:{key}")
        app.handle_input("ok")
    app.handle_input("goto:hall")
    assert app.console.state().hall.conflicts == ({"index": 0, "identity": NUMBER, "station": "B"},)
    app.handle_input("resolve:0")
    assert app.store.conflicts() == []
    app.hall.check()
    assert app.hall.snapshot.conflicts == () and app.view_model(None, "ok").staff_notice is None
