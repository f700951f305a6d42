"""The console for hundreds of students: search by number (keypad, keyboard-wedge scanner, a QR at the camera), pages
read from the store a page at a time, the picture in the record, the print button, and a camera tried before it is
saved (through the console's and the station bridge's public methods)."""
from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

from kiosk.console.console import OperatorConsole, PrintSheet, hash_pin, rows_for_height  # noqa: E402
from kiosk.console.source import StoreSource  # noqa: E402
from kiosk.store.records import SqliteRecordStore, Status  # noqa: E402
from profiles import get_profile  # noqa: E402
from tests.kiosk.store.test_records import GATES_BAD, GATES_OK, picture  # noqa: E402

PIN = "4826"
PROFILE = get_profile("chsi-graduation")
TODAY = dt.date(2026, 11, 23)


class NoListStore:
    """A store whose `list` must not be called: the console reads pages and searches, never the whole table."""

    def __init__(self, store: SqliteRecordStore) -> None:
        self.store = store

    def __getattr__(self, name: str):
        if name == "list":
            raise AssertionError("the console read the whole table")
        return getattr(self.store, name)


def _store(tmp_path: Path, n: int) -> SqliteRecordStore:
    store = SqliteRecordStore(tmp_path / "store", station="desk-1")
    with store._tx() as db:
        for i in range(n):
            at = f"2026-11-23T{8 + i // 60:02d}:{i % 60:02d}:00"
            db.execute("INSERT INTO records (identity, profile_id, status, attempts, created, updated) "
                       "VALUES (?, 'chsi-graduation', ?, 0, ?, ?)", (f"2023{i:03d}", Status.NOT_UPLOADED.value, at, at))
    return store


def _console(store, rows: int = 10, letters: bool = False) -> OperatorConsole:
    stored = hash_pin(PIN, iterations=1000)
    c = OperatorConsole(None, None, source=StoreSource(NoListStore(store)), rows_per_page=rows, letters=letters,
                        clock=lambda: 0.0, today=lambda: TODAY, pin_iterations=1000, operators=[("王老师", stored)])
    for key in PIN:
        c.handle(f"key:{key}")
    c.handle("ok")
    assert c.page == "queue"
    return c


def test_rows_follow_the_screen_height():
    assert rows_for_height(800) == 11 and rows_for_height(1080) == 15 and rows_for_height(1920) == 15
    assert rows_for_height(300) == 5


def test_pages_are_read_from_the_store_with_first_and_last(tmp_path):
    store = _store(tmp_path, 1000)
    try:
        c = _console(store, rows=12)
        state = c.state()
        assert (state.page_count, state.total_records, len(state.records)) == (84, 1000, 12)
        assert state.records[0]["identity"] == "2023999"
        c.handle("page:last")
        state = c.state()
        assert state.page_index == 83 and [r["identity"] for r in state.records] == [
            "2023003", "2023002", "2023001", "2023000"]
        c.handle("page:next")  # already the last: stays
        assert c.state().page_index == 83
        c.handle("page:prev")
        assert c.state().records[0]["identity"] == "2023015"
        c.handle("page:first")
        assert c.state().page_index == 0
    finally:
        store.close()


def test_a_scanner_types_the_number_and_enter_opens_the_record(tmp_path):
    store = _store(tmp_path, 300)
    try:
        c = _console(store)
        c.type_text("2023123")  # a keyboard-wedge scanner on the queue page
        assert c.page == "search" and c.state().query == "2023123"
        c.handle("ok")  # its Enter
        state = c.state()
        assert c.page == "record" and state.record["identity"] == "2023123"
        c.type_text("2023124")  # the next student's code, scanned on the record page
        c.handle("ok")
        assert c.state().record["identity"] == "2023124"
        c.handle("back")  # back to the matches of the search
        assert c.page == "search"
    finally:
        store.close()


def test_partial_matches_are_listed_and_none_is_said(tmp_path):
    store = _store(tmp_path, 300)
    try:
        c = _console(store, rows=5)
        c.handle("goto:search")
        for key in "20231":
            c.handle(f"key:{key}")
        c.handle("key:A")  # no letters on this station's keypad: ignored
        state = c.state()
        assert state.query == "20231" and state.matches == 100 and state.page_count == 20
        assert [r["identity"] for r in state.records] == ["2023100", "2023101", "2023102", "2023103", "2023104"]
        c.handle("ok")  # 100 matches: no jump, pick one
        assert c.page == "search" and c.state().message == "op_search_pick"
        c.handle("open:2023104")
        assert c.page == "record" and c.state().record["identity"] == "2023104"
        c.handle("back")
        c.handle("clear")
        for key in "99":
            c.handle(f"key:{key}")
        c.handle("ok")
        assert c.state().message == "op_search_none" and c.state().message_bad and c.state().matches == 0
        c.handle("key:delete")
        assert c.state().query == "9"
    finally:
        store.close()


def test_letters_on_the_keypad_when_the_patterns_allow_them(tmp_path):
    store = _store(tmp_path, 3)
    store.ensure("AB12345", PROFILE.id)
    try:
        c = _console(store, letters=True)
        c.handle("goto:search")
        for key in "AB1":
            c.handle(f"key:{key}")
        c.handle("ok")  # the only match opens
        assert c.page == "record" and c.state().record["identity"] == "AB12345"
    finally:
        store.close()


def test_a_scanned_code_opens_its_record(tmp_path):
    store = _store(tmp_path, 20)
    try:
        c = _console(store)
        c.scanned("2023007")
        assert c.page == "record" and c.state().record["identity"] == "2023007"
        store.ensure("QR-3F2A9C1B7E4D5A60", PROFILE.id)
        c.scanned("QR-3F2A9C1B7E4D5A60")  # a collection code's key, as the QR reader gives it
        assert c.page == "record" and c.state().record["identity"] == "QR-3F2A9C1B7E4D5A60"
        c.scanned("2024")  # no such record: the search page says so
        assert c.page == "search" and c.state().message == "op_search_none"
    finally:
        store.close()


def test_the_record_shows_its_picture_and_failed_gates(tmp_path):
    store = SqliteRecordStore(tmp_path / "store")
    try:
        store.record_attempt("2023001", PROFILE.id, GATES_BAD)
        data = picture(3)
        store.file_picture("2023001", PROFILE, data, GATES_OK)
        c = _console(store)
        c.handle("open:2023001")
        record = c.state().record
        assert record["picture_bytes"] == data
        assert [a["failed"] for a in record["attempts"]] == [["eyes_open"], []]
        assert [a["thumb"] for a in record["attempts"]] == [False, True]
        assert c.handle("print") == [PrintSheet("2023001", "王老师")]
        store.ensure("2023002", PROFILE.id)
        c.handle("back")
        c.handle("open:2023002")
        assert c.state().record["picture_bytes"] is None
        assert c.handle("print") == [] and c.state().message == "op_print_no_picture"
    finally:
        store.close()


# --- the station's side: print, camera check, QR ---------------------------------------------------------------

def _bridge(tmp_path, camera: str = "demo"):
    from kiosk.station.console_bridge import ConsoleBridge
    from kiosk.station.settings import KioskOptions

    options = KioskOptions(profile=PROFILE, camera=camera, store=tmp_path / "store", headless=True,
                           origins={"camera": "default"})
    store = SqliteRecordStore(options.store, station="desk-1")
    store.add_operator("王老师", hash_pin(PIN, iterations=1000))
    bridge = ConsoleBridge(options, store, lambda: 0.0, lambda: "zh")
    bridge.open_console()
    bridge.console.pin_iterations = 1000
    for key in PIN:
        bridge.console_input(f"key:{key}", None)
    bridge.console_input("ok", None)
    assert bridge.console.page == "queue"
    return bridge, store


def test_print_without_lp_saves_the_sheet_in_exports(tmp_path, monkeypatch):
    from PIL import Image

    import kiosk.station.console_print as console_print

    monkeypatch.setattr(console_print.shutil, "which", lambda name: None)
    bridge, store = _bridge(tmp_path)
    try:
        store.file_picture("2023001", PROFILE, picture(2), GATES_OK)
        bridge.console_input("open:2023001", None)
        bridge.console_input("print", None)
        state = bridge.console.state()
        assert state.message == "op_print_saved" and not state.message_bad
        [sheet] = (tmp_path / "store" / "exports").glob("2023001-sheet-*.jpg")
        assert state.message_fields["path"] == str(sheet)
        assert stat.S_IMODE(sheet.stat().st_mode) == 0o600
        assert stat.S_IMODE(sheet.parent.stat().st_mode) == 0o700
        with Image.open(sheet) as image:
            assert image.size in ((1205, 1795), (1795, 1205))  # a 6-inch sheet at 300 dpi
    finally:
        store.close()


def test_print_goes_through_lp_when_there_is_one(tmp_path, monkeypatch):
    import kiosk.station.console_print as console_print

    log = tmp_path / "lp.log"
    lp = tmp_path / "lp"
    lp.write_text(f"#!/bin/sh\necho \"$@\" >> {log}\n", encoding="utf-8")
    lp.chmod(0o755)
    monkeypatch.setattr(console_print.shutil, "which", lambda name: str(lp) if name == "lp" else None)
    bridge, store = _bridge(tmp_path)
    try:
        store.file_picture("2023001", PROFILE, picture(2), GATES_OK)
        bridge.console_input("open:2023001", None)
        bridge.console_input("print", None)
        assert bridge.console.state().message == "op_print_sent"
        [sheet] = (tmp_path / "store" / "exports").glob("2023001-sheet-*.jpg")
        assert log.read_text(encoding="utf-8").strip() == str(sheet)
    finally:
        store.close()


def test_a_missing_webcam_is_refused_and_the_demo_camera_stays(tmp_path):
    bridge, store = _bridge(tmp_path, camera="demo")
    tried: list[str] = []
    bridge.camera_check = lambda spec: tried.append(spec) or False  # webcam 1 is not there
    try:
        bridge.console_input("goto:settings", None)
        bridge.console_input("camera:1", None)
        assert bridge.console.state().message == "op_camera_checking"
        assert bridge.console.state().camera_checking == "1"
        bridge.wait_camera_check()
        state = bridge.console.state()
        assert tried == ["1"] and state.message == "op_camera_failed" and state.message_bad
        assert state.camera_spec == "demo" and bridge.o.camera == "demo" and not bridge.restart_camera
        assert store.settings() == {}  # nothing saved
        bridge.camera_check = lambda spec: True  # webcam 0 opens
        bridge.console_input("camera:0", None)
        bridge.wait_camera_check()
        state = bridge.console.state()
        assert state.message == "op_saved_setting" and state.camera_spec == "0" and state.origins["camera"] == "console"
        assert bridge.o.camera == "0" and bridge.restart_camera and store.settings() == {"camera": "0"}
    finally:
        store.close()


def test_the_real_check_refuses_a_missing_device_and_opens_the_demo():
    from kiosk.station.console_bridge import check_camera

    assert check_camera("/dev/video-none") is False
    assert check_camera("no/such/file.mp4") is False
    assert check_camera("demo") is True


def test_a_qr_held_to_the_camera_opens_its_record(tmp_path):
    import cv2
    import numpy as np

    bridge, store = _bridge(tmp_path)
    try:
        store.ensure("2023001", PROFILE.id)
        qr = cv2.QRCodeEncoder.create().encode("2023001")
        big = cv2.resize(qr, None, fx=8, fy=8, interpolation=cv2.INTER_NEAREST)
        frame = np.full((720, 1280, 3), 255, np.uint8)
        frame[100:100 + big.shape[0], 100:100 + big.shape[1]] = big[..., None]
        bridge.frame = lambda: frame
        bridge.poll()  # decoding starts on a helper thread
        bridge.wait_scan()
        assert bridge.console.page == "record" and bridge.console.state().record["identity"] == "2023001"
        bridge.console_input("back", None)
        bridge.console_input("goto:queue", None)
        now = [1.0]
        bridge.clock = lambda: now[0]
        bridge.poll()  # 1 s later the same code is still held up: the same scan, not opened again
        bridge.wait_scan()
        assert bridge.console.page == "queue"
        now[0] = 5.0  # held up again later: a new scan
        bridge.poll()
        bridge.wait_scan()
        assert bridge.console.page == "record"
    finally:
        store.close()


def test_the_record_shows_a_change_at_once(tmp_path):
    bridge, store = _bridge(tmp_path)
    try:
        store.file_picture("2023001", PROFILE, picture(2), GATES_OK)
        bridge.console_input("open:2023001", None)
        assert bridge.console.state().record["status"] == "filed"
        bridge.console_input("recapture:blurred", None)  # the clock stands still: no refresh by time
        state = bridge.console.state()
        assert state.record["status"] == "needs_recapture" and state.record["refusals"]["recapture"]
    finally:
        store.close()


def test_profile_and_backdrop_changes_are_saved(tmp_path):
    bridge, store = _bridge(tmp_path)
    try:
        bridge.console_input("goto:settings", None)
        bridge.console_input("profile:id-card", None)
        bridge.console_input("backdrop:replace", None)
        assert store.settings() == {"profile": "id-card", "replace_backdrop": True}
        assert bridge.o.profile.id == "id-card" and bridge.o.replace_backdrop is True
        row = store._db.execute("SELECT operator FROM settings WHERE name = 'profile'").fetchone()
        assert row == ("王老师",)
    finally:
        store.close()


@pytest.mark.parametrize("origin, message", [("flag", "op_saved_flag_wins"), ("file", "op_saved_setting")])
def test_a_flag_still_wins_and_the_console_says_so(tmp_path, origin, message):
    bridge, store = _bridge(tmp_path)
    try:
        bridge.console.origins["replace_backdrop"] = origin
        bridge.console_input("goto:settings", None)
        bridge.console_input("backdrop:replace", None)
        assert bridge.console.state().message == message
    finally:
        store.close()
