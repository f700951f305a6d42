"""The console's hall page (大厅): the stations of a real hall server (the test session's PostgreSQL) as the station's
hall link sees them (live or not with the time last seen, filed and attempts today, the number each captures,
masked), this station's outbox (waiting, conflicts naming the other station, masked), a SQLite station listing
itself, paging, and the page drawn in Chinese and English."""
from __future__ import annotations

import pygame
import pytest

from kiosk.console.console import OperatorConsole
from kiosk.console.hall_page import ResolveConflict
from kiosk.station.hall_link import HallLink, HallSnapshot
from kiosk.store.hall_model import StationStatus
from kiosk.store.open import open_store
from tests.kiosk.store.test_records import GATES_OK, PROFILE, picture
from tests.conftest import FakeClock as Clock

ID_NUMBER = "11010519491231002X"


def console(source, rows: int = 8) -> OperatorConsole:
    """Return a console past its PIN (a light PIN hash), its hall page fed by `source`."""
    c = OperatorConsole(lambda: [], None, lang="en", clock=Clock(), pin_iterations=1000, rows_per_page=rows)
    for pin in ("0000", "2468", "2468"):
        for key in pin:
            c.handle(f"key:{key}")
        c.handle("ok")
    assert c.page == "queue"
    c.hall_source = source
    c.handle("goto:hall")
    assert c.page == "hall"
    return c


@pytest.fixture
def hall(pg_url):
    """Yield stores of stations desk-1 .. desk-5 on one fresh hall schema."""
    stores = {name: open_store(pg_url, station=name) for name in ("desk-1", "desk-2", "desk-3", "desk-4", "desk-5")}
    yield stores
    for s in stores.values():
        s.close()


def _age(pg_url: str, station: str, minutes: int) -> None:
    """Make `station`'s last beat `minutes` older (a station that stopped beating that long ago)."""
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as db:
        db.execute("UPDATE stations SET last_seen = last_seen - make_interval(mins => %s) WHERE name = %s",
                   (minutes, station))


def test_the_hall_page_lists_every_station_with_its_state_and_todays_counts(hall, pg_url):
    d1, d2, d3, d4, d5 = hall.values()
    for s in (d1, d2, d3, d4):
        s.heartbeat()
    d2.file_picture("2023002", PROFILE, picture(1), GATES_OK)
    d2.file_picture("2023003", PROFILE, picture(2), GATES_OK)
    d2.record_attempt("2023004", PROFILE.id, GATES_OK)
    d3.record_attempt("2023005", PROFILE.id, GATES_OK)
    _age(pg_url, "desk-3", 5)  # desk-3 died five minutes ago
    assert d4.claim(ID_NUMBER) is None  # desk-4 is capturing an ID number
    d5.record_attempt("2023006", PROFILE.id, GATES_OK)  # desk-5 never beat: known from today's attempt only
    link = HallLink(d1, server=True)
    snap = link.check()
    assert snap.failed == "" and snap.online and not snap.outboxed and snap.station == "desk-1"
    page = console(lambda: link.snapshot).state()
    assert page.page == "hall" and (page.page_index, page.page_count) == (0, 1)
    view = page.hall
    assert (view.known, view.station, view.server, view.live, view.total) == (True, "desk-1", True, 3, 5)
    seen = {s.name: s.last_seen for s in snap.stations}
    assert [r["last_seen"] for r in view.rows] == [seen[n][11:19] if seen[n] else "" for n in sorted(seen)]
    assert seen["desk-5"] is None
    assert [{k: v for k, v in r.items() if k != "last_seen"} for r in view.rows] == [
        {"name": "desk-1", "live": True, "filed_today": 0, "attempts_today": 0, "capturing": "", "this": True},
        {"name": "desk-2", "live": True, "filed_today": 2, "attempts_today": 3, "capturing": "", "this": False},
        {"name": "desk-3", "live": False, "filed_today": 0, "attempts_today": 1, "capturing": "", "this": False},
        {"name": "desk-4", "live": True, "filed_today": 0, "attempts_today": 0, "capturing": "110105********002X",
         "this": False},
        {"name": "desk-5", "live": False, "filed_today": 0, "attempts_today": 1, "capturing": "", "this": False},
    ]


def test_the_records_page_on_a_hall_server_lists_the_whole_halls_records(hall):
    d1, d2 = hall["desk-1"], hall["desk-2"]
    d1.file_picture("2023001", PROFILE, picture(1), GATES_OK)
    d2.file_picture("2023002", PROFILE, picture(2), GATES_OK)
    from kiosk.console.source import StoreSource

    c = OperatorConsole(lambda: [], None, lang="en", clock=Clock(), pin_iterations=1000, source=StoreSource(d1))
    assert sorted(r["identity"] for r in c.records()) == ["2023001", "2023002"]


def test_a_sqlite_station_lists_itself_and_has_no_outbox(tmp_path):
    store = open_store(tmp_path / "store", station="kiosk-7")
    try:
        store.file_picture("2023001", PROFILE, picture(1), GATES_OK)
        link = HallLink(store)
        link.check()
        view = console(lambda: link.snapshot).state().hall
        assert (view.server, view.outboxed, view.online, view.live, view.total) == (False, False, True, 1, 1)
        assert [{k: v for k, v in r.items() if k != "last_seen"} for r in view.rows] == [
            {"name": "kiosk-7", "live": True, "filed_today": 1, "attempts_today": 1, "capturing": "", "this": True}]
    finally:
        store.close()


def _snapshot(n: int) -> HallSnapshot:
    stations = tuple(StationStatus(f"desk-{i:02d}", i % 3 != 0, f"2026-11-29T09:{i:02d}:05", None, i, 2 * i)
                     for i in range(1, n + 1))
    return HallSnapshot("desk-01", True, True, False, 2, ((ID_NUMBER, "desk-02", "c1"), ("2023009", "", "c2")),
                        stations, "09:30:07")


def test_the_outbox_state_is_shown_masked_and_the_stations_are_paged():
    c = console(lambda: _snapshot(11), rows=4)
    view = c.state().hall
    assert (view.outboxed, view.online, view.pending, view.checked_at) == (True, False, 2, "09:30:07")
    assert view.conflicts == ({"index": 0, "identity": "110105********002X", "station": "desk-02"},
                              {"index": 1, "identity": "2023009", "station": ""})
    assert [r["name"] for r in view.rows] == ["desk-01", "desk-02", "desk-03", "desk-04"]
    assert [r["last_seen"] for r in view.rows] == ["09:01:05", "09:02:05", "09:03:05", "09:04:05"]
    assert (view.live, view.total, c.state().page_count) == (8, 11, 3)
    c.handle("page:last")
    assert [r["name"] for r in c.state().hall.rows] == ["desk-09", "desk-10", "desk-11"]
    c.handle("page:prev")
    assert c.state().page_index == 1 and c.state().hall.rows[0]["name"] == "desk-05"
    c.handle("back")
    assert c.page == "queue"


def test_done_on_a_conflict_asks_the_station_to_resolve_it_by_its_capture_id():
    c = console(lambda: _snapshot(2))
    assert c.handle("resolve:0") == [ResolveConflict("c1", "operator 1")]
    state = c.state()
    assert (state.message, state.message_fields) == ("op_hall_resolved", {"number": "110105********002X"})
    assert c.handle("resolve:2") == [] and c.handle("resolve:x") == []


def test_a_console_without_a_hall_link_shows_an_empty_hall_page():
    view = console(None).state().hall
    assert view.known is False and view.rows == ()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_hall_page_draws_its_rows_and_paging_in_both_languages(lang):
    from kiosk.ui.common import Typesetter
    from kiosk.ui.operator import draw
    from tests.kiosk.texts.test_texts import CJK

    class Recording(Typesetter):
        drawn: list[str] = []

        def draw(self, surface, line, *args, **kwargs):
            self.drawn.append(line)
            return super().draw(surface, line, *args, **kwargs)

    c = console(lambda: _snapshot(11), rows=4)
    c.lang = lang
    pygame.init()
    surface = pygame.Surface((1280, 800))
    ts = Recording(800)
    ts.drawn = []
    targets = draw(surface, ts, c.state())
    assert {"page:next", "page:last", "goto:hall", "goto:queue", "exit", "resolve:0", "resolve:1"} <= set(
        targets.rects)
    drawn = ts.drawn
    assert ID_NUMBER not in "".join(drawn)  # never the full number
    if lang == "zh":
        assert "8 台在线 / 共 11 台" in drawn and "待发送：2 张" in drawn and "已由 desk-02 存档" in drawn
        assert "最后在线 09:03:05" in drawn
    else:
        assert "8 of 11 stations live" in drawn and "Waiting to send: 2" in drawn
        assert "filed by desk-02" in drawn and "last seen 09:03:05" in drawn
        assert not any(CJK.search(line) for line in drawn if line != "中文")
