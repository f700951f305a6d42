"""The console's class-list page (名单): per class expected / done / missing, a class's missing students by number
and name, a student's record opened from there, paging, and the page without a list (through the console's public
methods, over the store itself and over a plain list)."""
from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest

from kiosk.console.console import OperatorConsole, hash_pin
from kiosk.console.source import StoreSource
from kiosk.store.records import SqliteRecordStore, Status
from kiosk.store.roster import RosterEntry

PIN = "4826"
TODAY = dt.date(2026, 11, 23)
ROSTER = [RosterEntry("2023001", "王子涵", "高三(1)班", 2), RosterEntry("2023002", "李浩然", "高三(1)班", 3),
          RosterEntry("2023003", "张雨桐", "高三(1)班", 4), RosterEntry("2023004", "刘欣怡", "高三(2)班", 5),
          RosterEntry("2023005", "陈梓萱", "高三(2)班", 6)]
# 2023002 has no record; 2023009 has a record but is not on the list
STATUSES = {"2023001": Status.FILED, "2023003": Status.NEEDS_RECAPTURE, "2023004": Status.LOCKED,
            "2023005": Status.NOT_UPLOADED, "2023009": Status.FILED}


def _store_console(tmp_path: Path, roster: bool, rows: int) -> OperatorConsole:
    store = SqliteRecordStore(tmp_path / "store", station="desk-1")
    with store._tx() as db:
        for i, (identity, status) in enumerate(STATUSES.items()):
            at = f"2026-11-23T09:{i:02d}:00"
            db.execute("INSERT INTO records (identity, profile_id, status, attempts, created, updated) "
                       "VALUES (?, 'chsi-graduation', ?, 0, ?, ?)", (identity, status.value, at, at))
    if roster:
        store.replace_roster(ROSTER)
    return _login(OperatorConsole(None, source=StoreSource(store), **_common(rows)))


def _list_console(tmp_path: Path, roster: bool, rows: int) -> OperatorConsole:
    records = [{"identity": i, "status": s, "updated": dt.datetime(2026, 11, 23, 9, n), "attempts": 1}
               for n, (i, s) in enumerate(STATUSES.items())]
    return _login(OperatorConsole(lambda: records, roster=(lambda: ROSTER) if roster else None, **_common(rows)))


def _common(rows: int) -> dict:
    return dict(rows_per_page=rows, clock=lambda: 0.0, today=lambda: TODAY, pin_iterations=1000,
                operators=[("王老师", hash_pin(PIN, iterations=1000))])


def _login(c: OperatorConsole) -> OperatorConsole:
    for key in PIN:
        c.handle(f"key:{key}")
    c.handle("ok")
    assert c.page == "queue"
    return c


CONSOLES = pytest.mark.parametrize("make", [_store_console, _list_console], ids=["store", "list"])


@CONSOLES
def test_classes_then_a_class_missing_students_then_a_record(tmp_path, make, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    c = make(tmp_path, True, 10)
    c.handle("goto:roster")
    view = c.state().roster
    assert c.state().page == "roster" and view.loaded and view.group is None
    assert [dict(r) for r in view.classes] == [
        {"index": 0, "class": "高三(1)班", "expected": 3, "done": 1, "missing": 2},
        {"index": 1, "class": "高三(2)班", "expected": 2, "done": 1, "missing": 1}]
    assert dict(view.totals) == {"expected": 5, "done": 2, "missing": 3}
    c.handle("class:0")
    view = c.state().roster
    assert view.group == "高三(1)班" and dict(view.totals) == {"expected": 3, "done": 1, "missing": 2}
    assert [(r["identity"], r["name"], r["status"], r["has_record"]) for r in view.missing] == [
        ("2023002", "李浩然", "", False), ("2023003", "张雨桐", "needs_recapture", True)]
    c.handle("open:2023002")  # no record yet: stays, and says so
    assert c.page == "roster" and c.state().message == "op_roster_no_record" and c.state().message_bad
    c.handle("open:2023001")  # done, so not on the missing list: nothing happens
    assert c.page == "roster"
    c.handle("open:2023003")
    assert c.page == "record" and c.state().record["identity"] == "2023003"
    c.handle("back")  # back to the class it was opened from
    assert c.page == "roster" and c.state().roster.group == "高三(1)班"
    c.handle("back")
    assert c.state().roster.group is None
    c.handle("back")
    assert c.page == "queue"
    names = [e.name for e in ROSTER]
    assert not [r for r in caplog.records if any(n in r.getMessage() for n in names)]


@CONSOLES
def test_roster_pages_by_rows_per_page(tmp_path, make) -> None:
    c = make(tmp_path, True, 1)
    c.handle("goto:roster")
    state = c.state()
    assert (state.page_index, state.page_count) == (0, 2)
    assert [r["class"] for r in state.roster.classes] == ["高三(1)班"]
    c.handle("page:next")
    state = c.state()
    assert (state.page_index, state.page_count) == (1, 2)
    assert [r["class"] for r in state.roster.classes] == ["高三(2)班"]
    c.handle("class:1")  # a class chosen starts at its first page
    state = c.state()
    assert (state.page_index, state.page_count) == (0, 1)
    assert [r["identity"] for r in state.roster.missing] == ["2023005"]
    c.handle("back")
    c.handle("class:0")
    c.handle("page:last")
    state = c.state()
    assert (state.page_index, state.page_count) == (1, 2)
    assert [r["identity"] for r in state.roster.missing] == ["2023003"]
    c.handle("page:next")  # past the last page: stays
    assert c.state().page_index == 1


@CONSOLES
def test_without_a_class_list_the_page_says_so(tmp_path, make) -> None:
    c = make(tmp_path, False, 10)
    c.handle("goto:roster")
    state = c.state()
    assert state.page == "roster" and not state.roster.loaded and not state.roster.failed
    assert state.roster.classes == () and state.roster.missing == ()
    c.handle("class:0")
    assert c.state().roster.group is None


def test_a_failing_list_is_one_notice(tmp_path) -> None:
    def broken() -> list:
        raise OSError("disk gone")

    c = _login(OperatorConsole(lambda: [], roster=broken, **_common(10)))
    c.handle("goto:roster")
    state = c.state()
    assert state.roster.failed and state.message == "op_roster_failed" and state.message_bad


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_draws_its_targets(tmp_path, lang) -> None:
    import os

    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    import pygame

    from kiosk.ui.common import Typesetter
    from kiosk.ui.operator import draw

    surface, ts = pygame.Surface((1280, 800)), Typesetter(800)
    c = _list_console(tmp_path, True, 10)
    c.lang = lang
    assert "goto:roster" in draw(surface, ts, c.state()).rects  # the tab beside the records
    c.handle("goto:roster")
    assert {"class:0", "class:1", "goto:queue", "goto:settings", "goto:export"} <= set(
        draw(surface, ts, c.state()).rects)
    c.handle("class:0")
    targets = draw(surface, ts, c.state()).rects
    assert {"open:2023002", "open:2023003", "back"} <= set(targets) and "open:2023001" not in targets
    empty = _list_console(tmp_path, False, 10)
    empty.handle("goto:roster")
    assert not [t for t in draw(surface, ts, empty.state()).rects if t.startswith(("class:", "open:"))]
