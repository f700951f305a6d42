"""The not-ready state (暂停服务): a camera that cannot make the chosen profile's picture keeps students off the guide
screen, is logged with the numbers, and the station comes back once the operator's change makes it fit."""
from __future__ import annotations

import logging
from types import SimpleNamespace

import numpy as np
import pygame
import pytest

from capture.gates import GATE_ORDER, GateResult
from kiosk.station.flow import State
from kiosk.station.loop import KioskApp
from kiosk.station.settings import KioskOptions
from kiosk.station.view_model import ViewModel
from kiosk.station.worker import AnalysedFrame
from kiosk.ui.common import Typesetter
from kiosk.ui.not_ready import draw
from tests.conftest import FakeClock as Clock


def _face(index: int) -> AnalysedFrame:
    analysis = SimpleNamespace(face=object(), complete=True, sharpness=50.0)
    gates = {n: GateResult(n, True, 0.0, 1.0, n) for n in GATE_ORDER}
    return AnalysedFrame(index, np.zeros((8, 8, 3), np.uint8), analysis, gates, 0.0)


@pytest.fixture
def app(all_profiles, tmp_path):
    options = KioskOptions(profile=all_profiles["chsi-graduation"], store=tmp_path / "store", sound=False,
                           identity="2023001")
    kiosk = KioskApp(options, Clock(10.0))
    yield kiosk
    kiosk.ctx.close()
    kiosk.store.close()


def test_a_small_camera_stops_students_until_the_operator_changes_the_profile(app, all_profiles, caplog):
    with caplog.at_level(logging.INFO, logger="idphoto.kiosk"):
        fit = app.check_camera_fit((320, 240))
    assert (fit.ok, fit.code) == (False, "frame_too_small")
    assert ("camera fit frame_too_small: profile chsi-graduation, frame 320x240, need at least 320x427, distance "
            "band 2.13-2.00, backdrop replaced False") in caplog.text
    for i in range(3):  # a face in view: still no session, no hint
        app.clock.t += 1.0
        app.step(_face(i))
        assert app.flow.state is State.NOT_READY and app.guidance.last is None
    assert app.check_camera_fit((320, 240)) is fit  # nothing changed: not checked (nor logged) again
    app.clock.t += 30.0  # the not-ready screen times out (every state but idle does) and is taken again at once
    app.step(None)
    assert app.flow.state is State.NOT_READY
    assert [(t.source, t.target) for t in app.flow.history[-2:]] == [(State.NOT_READY, State.IDLE),
                                                                     (State.IDLE, State.NOT_READY)]
    app.o.profile = all_profiles["zikao-hunan"]  # what the console's profile switch does
    assert app.check_camera_fit((320, 240)).ok
    app.step(_face(3))
    assert app.flow.state is State.IDLE


def test_the_check_follows_a_switch_of_backdrop_replacement(app):
    assert not app.check_camera_fit((640, 400)).ok  # 400 rows < 427
    app.step(None)
    assert app.flow.state is State.NOT_READY
    app.o.replace_backdrop = True  # 换底 makes up the rows above the hair: 354 rows are enough
    assert app.check_camera_fit((640, 400)).ok
    app.step(None)
    assert app.flow.state is State.IDLE


def test_a_fitting_camera_changes_nothing(app):
    assert app.check_camera_fit((1280, 720)).ok
    app.step(None)
    assert app.flow.state is State.IDLE


def test_the_not_ready_screen_draws_in_both_languages_and_cannot_be_dismissed(all_profiles):
    pygame.display.init()
    pixels = {}
    for lang in ("zh", "en"):
        surface = pygame.Surface((1280, 800))
        targets = draw(surface, Typesetter(800), ViewModel(State.NOT_READY, lang, all_profiles["chsi-graduation"]))
        assert targets.rects == {}  # no touch target: only the operator's change ends it
        pixels[lang] = pygame.surfarray.array3d(surface)
    assert (pixels["zh"] != pixels["en"]).any()  # the first language's lines differ


def test_camera_size_is_a_station_setting_with_a_flag_and_a_key(tmp_path, all_profiles):
    from kiosk.commands.kiosk import kiosk_settings
    from kiosk.commands.main import build_parser
    from kiosk.station.settings import station_settings

    def settings(*argv: str) -> dict:
        return kiosk_settings(build_parser().parse_args(["kiosk", *argv]))

    assert settings()["camera_size"] == "1280x720"
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text('camera_size = "1920x1080"\n', encoding="utf-8")
    assert settings("--config", str(cfg))["camera_size"] == "1920x1080"
    values = settings("--config", str(cfg), "--camera-size", "640x480")
    assert station_settings(values, all_profiles["zikao-hunan"], "0").camera_size == (640, 480)
