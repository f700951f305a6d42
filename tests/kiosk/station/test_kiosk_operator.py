"""The operator console inside the running kiosk: opened by five corner taps, PIN change, mark a re-capture, export."""
from __future__ import annotations

import json
import zipfile

import pytest

from kiosk.station.loop import KioskApp
from kiosk.station.flow import State
from kiosk.store.records import Status
from tests.kiosk.station.test_kiosk_e2e import _options, _replay  # noqa: F401  (shared helpers)


@pytest.fixture(scope="module")
def demo_still():
    from capture.camera import find_demo_still
    from capture.images import read_photo

    return read_photo(find_demo_still()).rgb


def test_console_marks_recapture_and_exports(all_profiles, tmp_path, demo_still):
    profile = all_profiles["chsi-graduation"]
    app = KioskApp(_options(profile, tmp_path, lambda: _replay(demo_still), exit_after=1))
    assert app.run() == 0
    store = app.store.__class__(tmp_path / "store")
    try:
        assert store.get("2023001").status is Status.FILED
    finally:
        store.close()

    # a second run: the operator opens the console and works it with keys, as at a desk
    app = KioskApp(_options(profile, tmp_path, lambda: _replay(demo_still), exit_after=None, max_runtime_s=6.0))
    app.store.recover()
    app.handle_input("operator")  # F12
    for key in "0000":
        app.handle_input(f"key:{key}")
    app.handle_input("ok")
    for pin in ("2468", "2468"):  # the default PIN must be changed first, typed twice
        for key in pin:
            app.handle_input(f"key:{key}")
        app.handle_input("ok")
    from kiosk.console.pin import verify_pin

    [operator] = app.store.operators()  # the first operator, with the new PIN, in the store
    assert operator.name == "operator 1" and verify_pin("2468", operator.pin_hash)
    assert app.console is not None and app.console.page == "queue"
    app.handle_input("open:2023001")
    app.handle_input("recapture:blurred")  # the record page's button
    assert app.store.get("2023001").status is Status.NEEDS_RECAPTURE
    [reopen] = app.store.audit("2023001")
    assert (reopen.operator, reopen.reason, reopen.station) == ("operator 1", "blurred", app.store.station)
    app.handle_input("lock")  # not allowed while waiting for a new picture: said, not failed
    assert app.console.state().message == "store.lock_needs_filed"
    from kiosk.console.console import Export

    app.console_bridge.carry_out(Export())
    assert app.console.state().message == "op_export_nothing"
    app.store.close()
    zips = list((tmp_path / "store" / "exports").glob("*.zip"))
    # the record needs a re-capture, so nothing is exported yet
    assert not zips


def test_a_locked_record_reopens_from_the_console_and_the_export_says_where(all_profiles, tmp_path, demo_still):
    from capture.files import write_atomic
    from kiosk.console.console import Export, MarkRecapture
    from kiosk.console.pin import hash_pin

    profile = all_profiles["chsi-graduation"]
    app = KioskApp(_options(profile, tmp_path, lambda: _replay(demo_still), exit_after=1, station="desk-7"))
    assert app.run() == 0
    # an older station's shared PIN file (already changed from the factory PIN) becomes "operator 1"
    write_atomic(tmp_path / "store" / "operator-pin.txt", hash_pin("5173", 1000).encode("ascii"))
    app = KioskApp(_options(profile, tmp_path, None, station="desk-7"))
    try:
        bridge = app.console_bridge
        app.handle_input("operator")
        for key in "5173":
            app.handle_input(f"key:{key}")
        app.handle_input("ok")
        assert app.console.page == "queue"  # the old PIN works and needs no change
        assert [o.name for o in app.store.operators()] == ["operator 1"]
        bridge.carry_out(Export("operator 1"))
        state = app.console.state()
        zips = list((tmp_path / "store" / "exports").glob("*.zip"))
        assert state.message == "op_export_done_where" and state.message_fields == {"n": 1, "path": str(zips[0])}
        assert app.store.get("2023001").status is Status.LOCKED
        bridge.carry_out(MarkRecapture("2023001", "student_request", "operator 1"))  # was: 操作未完成
        assert app.store.get("2023001").status is Status.NEEDS_RECAPTURE and not app.console.state().message_bad
        bridge.carry_out(MarkRecapture("2023001", "blurred", "operator 1"))  # twice: refused with its sentence
        assert app.console.state().message == "store.already_reopened" and app.console.state().message_bad
        audit = app.store.audit("2023001")
        assert [(e.action, e.operator, e.station) for e in audit] == [("lock", None, "desk-7"),
                                                                     ("reopen", "operator 1", "desk-7")]
        assert {a.station for a in app.store.attempts("2023001")} == {"desk-7"}
    finally:
        app.store.close()


def test_corner_taps_open_the_console(all_profiles, tmp_path):
    profile = all_profiles["chsi-graduation"]
    ticks = iter(i * 0.2 for i in range(100))
    app = KioskApp(_options(profile, tmp_path, None), clock=lambda: next(ticks))
    for _ in range(4):
        app.handle_input("corner")
    assert app.console is None
    app.handle_input("corner")
    assert app.console is not None and app.console.page == "pin"
    app.store.close()


def test_records_and_export_commands(all_profiles, tmp_path, demo_still, capsys):
    from kiosk.commands.main import main

    profile = all_profiles["chsi-graduation"]
    app = KioskApp(_options(profile, tmp_path, lambda: _replay(demo_still), exit_after=1))
    assert app.run() == 0
    capsys.readouterr()
    store = str(tmp_path / "store")
    assert main(["records", "--store", store, "--json"]) == 0
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["identity"] == "2023001" and line["status"] == Status.FILED.value and line["attempts"] >= 1
    assert line["picture"] and line["profile"] == "chsi-graduation"
    out = tmp_path / "batch.zip"
    assert main(["export", "--store", store, "-o", str(out)]) == 0
    with zipfile.ZipFile(out) as z:
        names = set(z.namelist())
        assert "2023001.jpg" in names and "manifest.csv" in names
        assert "2023001" in z.read("manifest.csv").decode("utf-8-sig")
    assert main(["records", "--store", store, "--status", "locked", "--json"]) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["status"] == Status.LOCKED.value
    assert main(["export", "--store", store, "-o", str(tmp_path / "again.zip")]) == 0
    assert "nothing to export" in capsys.readouterr().out
    assert main(["records", "--store", str(tmp_path / "nowhere")]) == 2


def test_identify_screen_applies_the_configured_rules(all_profiles, tmp_path):
    import dataclasses

    from kiosk.store.identity import DEFAULT_RULES, id_number_check_digit

    profile = all_profiles["chsi-graduation"]
    rules = dataclasses.replace(DEFAULT_RULES, kinds=("id_number",))
    app = KioskApp(_options(profile, tmp_path, None, identity=None, identity_rules=rules))
    app.act("start")
    assert app.flow.state is State.IDENTIFY
    app.type_text("2023001")
    app.act("ok")
    assert app.flow.state is State.IDENTIFY and app.session.typed_error  # a student number is not accepted here
    first17 = "11010519491231002"
    wrong = "0" if id_number_check_digit(first17) != "0" else "1"
    for _ in range(7):
        app.act("delete")
    app.type_text(first17 + wrong)
    app.act("ok")
    assert app.session.typed_error and app.session.typed_reason.code == "id_check_digit"
    app.act("delete")
    app.type_text(id_number_check_digit(first17))
    app.act("ok")
    assert app.flow.state is State.GUIDE and app.session.identity == first17 + id_number_check_digit(first17)
    app.store.close()


def test_switching_camera_from_the_console_restarts_the_feed(all_profiles, tmp_path):
    """The kiosk starts on a camera that shows nobody; the operator switches to the demo camera; the demo subject
    then walks in and is captured and filed, all in one run."""
    import threading

    import numpy as np
    from PIL import Image

    from kiosk.console.console import ChooseCamera

    empty_room = tmp_path / "empty-room"
    empty_room.mkdir()
    for i in range(3):
        Image.fromarray(np.full((720, 1280, 3), 180 + i, np.uint8)).save(empty_room / f"frame{i}.png")
    profile = all_profiles["chsi-graduation"]
    app = KioskApp(_options(profile, tmp_path, None, camera=str(empty_room), exit_after=1, max_runtime_s=40.0))
    from kiosk.station.console_bridge import check_camera

    # the real check, with room for a loaded test machine (the demo camera must still deliver a frame)
    app.console_bridge.camera_check = lambda spec: check_camera(spec, timeout_s=30.0)
    seen_before_switch: list[int] = []

    stop = threading.Event()

    def switch() -> None:
        # switch once the first camera has shown a few frames, however slow the machine is (no fixed delay)
        while app.frames_shown < 5 and not stop.wait(0.05):
            pass
        if not stop.is_set():
            seen_before_switch.append(app.frames_shown)
            app.console_bridge.carry_out(ChooseCamera("demo"))

    switcher = threading.Thread(target=switch, daemon=True)
    switcher.start()
    try:
        assert app.run() == 0
    finally:
        stop.set()
        switcher.join(5.0)
    assert seen_before_switch and seen_before_switch[0] > 0  # the first camera was running, showing nobody
    assert app.o.camera == "demo" and app.filed == 1
    store = app.store.__class__(tmp_path / "store")
    try:
        assert store.get("2023001").status is Status.FILED
    finally:
        store.close()


def test_backdrop_replacement_switched_from_the_console(all_profiles, tmp_path):
    from kiosk.console.console import ChooseBackdrop
    from profiles.defaults import GATE_DEFAULTS

    profile = all_profiles["chsi-graduation"]
    app = KioskApp(_options(profile, tmp_path, None))
    try:
        assert app.new_backdrop() is None and app.gating_profile() is profile
        app.console_bridge.carry_out(ChooseBackdrop(True))
        assert app.new_backdrop() == profile.backgrounds[0]
        assert app.gating_profile().threshold("background_delta_e_max") == float("inf")
        assert app.gating_profile().threshold("background_gradient_max") == profile.threshold("background_gradient_max")
        assert set(app.gating_profile().gates) <= set(GATE_DEFAULTS)  # the new backdrop is evaluate's argument
        app.console_bridge.carry_out(ChooseBackdrop(False))
        assert app.new_backdrop() is None
    finally:
        app.store.close()


def test_the_station_name_comes_from_the_flag_the_config_or_the_host(all_profiles, tmp_path):
    import socket

    from kiosk.commands.kiosk import kiosk_settings
    from kiosk.commands.main import build_parser
    from kiosk.station.settings import station_settings

    profile = all_profiles["chsi-graduation"]
    config = tmp_path / "kiosk.toml"
    config.write_text('station = "hall-2"\n', encoding="utf-8")

    def station(*argv: str) -> str:
        values = kiosk_settings(build_parser().parse_args(["kiosk", *argv]))
        return station_settings(values, profile, "demo").station

    assert station() == socket.gethostname()
    assert station("--config", str(config)) == "hall-2"
    assert station("--config", str(config), "--station", "desk-9") == "desk-9"  # the flag wins
    app = KioskApp(_options(profile, tmp_path, None, station="desk-9"))
    try:
        assert app.store.station == "desk-9"
    finally:
        app.store.close()


def test_console_settings_survive_a_restart_flags_win_and_origins_are_known(all_profiles, tmp_path):
    from kiosk.commands.kiosk import kiosk_settings
    from kiosk.commands.main import build_parser
    from kiosk.console.console import ChooseBackdrop, ChooseProfile
    from kiosk.station.settings import resolve, station_settings

    profile = all_profiles["chsi-graduation"]
    store = tmp_path / "store"
    app = KioskApp(_options(profile, tmp_path, None, station="desk-1"))
    try:
        app.console_bridge.open_console()
        app.console_bridge.carry_out(ChooseProfile("id-card"))  # said 设置已保存: now it is
        app.console_bridge.carry_out(ChooseBackdrop(True))
    finally:
        app.store.close()
    config = tmp_path / "kiosk.toml"
    config.write_text(f'store = "{store}"\nstation = "desk-1"\nprofile = "kaoyan"\ncamera = "demo"\n',
                      encoding="utf-8")

    def settings(*argv: str):
        return kiosk_settings(build_parser().parse_args(["kiosk", "--config", str(config), *argv]))

    values = settings()  # the restart: saved values win over the config file
    assert (values["profile"], values["replace_backdrop"], values["camera"]) == ("id-card", True, "demo")
    assert values.origins["profile"] == "console" and values.origins["camera"] == "file"
    assert values.origins["lang"] == "default"
    values = settings("--profile", "cn-passport")  # a flag wins over the saved value
    assert values["profile"] == "cn-passport" and values.origins["profile"] == "flag"
    assert station_settings(values, profile, "demo").origins["replace_backdrop"] == "console"
    other = kiosk_settings(build_parser().parse_args(["kiosk", "--store", str(store), "--station", "desk-2"]))
    assert other["profile"] == "chsi-graduation" and other.origins["profile"] == "default"  # another station's
    # a saved profile that no longer exists is left out: the config file's applies
    resolved = resolve({"profile": "kaoyan"}, {}, {})
    assert resolved["profile"] == "kaoyan" and resolved.origins["profile"] == "file"
    from kiosk.store.records import SqliteRecordStore

    with SqliteRecordStore(store, station="desk-1") as s:
        s.save_setting("profile", "no-such-profile")
    assert settings()["profile"] == "kaoyan"
