"""The made picture is judged as `idphoto check` judges it before it is filed (kiosk/station/states/countdown.py):
a picture failing a blocking gate is not filed, the next candidate frame is tried, and with none left the student is
guided again with that gate's hint. Headless station, fake clock, packaged faces (no camera, no window)."""
from __future__ import annotations

import logging
import time
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image

from capture.gates import GATE_ORDER, GateResult
from kiosk.station.capture_choice import MAX_CANDIDATES, CaptureChooser, choose_frames
from kiosk.station.flow import Event, State
from kiosk.station.loop import KioskApp
from kiosk.station.settings import KioskOptions
from kiosk.station.states.countdown import picture_refusal
from kiosk.station.worker import AnalysedFrame
from tests.conftest import FakeClock as Clock


def _frame(index: int, rgb: np.ndarray, sharpness: float) -> AnalysedFrame:
    """A fully analysed frame on which every gate passed (the live verdicts), with a real image to make."""
    gates = {n: GateResult(n, True, 0.0, 1.0, n) for n in GATE_ORDER}
    return AnalysedFrame(index, rgb, SimpleNamespace(face=object(), complete=True, sharpness=sharpness), gates, 0.0)


@pytest.fixture(scope="module")
def faces(studio, all_profiles):
    """(a face whose picture passes check, the same face tilted 20°: its picture fails `roll`) for chsi-graduation."""
    colour = all_profiles["chsi-graduation"].backgrounds[0].rgb
    level = studio("astronaut_closed", colour)
    tilted = np.asarray(Image.fromarray(level).rotate(20, resample=Image.BICUBIC, fillcolor=tuple(colour)))
    return level, tilted


def _run_to_capture(app: KioskApp, clock: Clock, frames: list[AnalysedFrame], limit_s: float = 120.0) -> None:
    """Feed `frames` at 30 per second (the last one repeated) until the countdown's picture job has ended."""
    app.act("start")
    deadline = time.monotonic() + limit_s
    i = 0
    while time.monotonic() < deadline:
        frame = frames[min(i, len(frames) - 1)]
        i += 1
        clock.t += 1 / 30
        app.step(frame)
        if app.flow.state is State.COUNTDOWN and app.session.job is not None:
            app.session.job.done.wait(limit_s)
            app.step(frame)
            return
    raise AssertionError("no capture")


def test_the_first_candidate_fails_the_picture_check_and_the_second_is_filed(station, faces, caplog):
    app, clock = station
    level, tilted = faces
    # the tilted frame is the sharpest candidate, so it is tried first; the level ones come next
    frames = [_frame(i, level, 50.0) for i in range(1, 10)] + [_frame(10, tilted, 90.0)] + \
        [_frame(i, level, 40.0 + i) for i in range(11, 40)]
    with caplog.at_level(logging.WARNING, logger="idphoto.kiosk"):
        _run_to_capture(app, clock, frames)
    assert app.flow.state is State.REVIEW and app.flow.history[-1].event is Event.COUNTDOWN_DONE
    filing = app.session.last_filing
    assert filing.tried == 2 and filing.refused is None
    assert [(c.frame, c.gate) for c in filing.checks] == [(10, "roll"), (filing.frame.index, None)]
    assert app.session.captured_index == filing.frame.index != 10 and filing.frame.rgb is level
    assert app.session.picture is filing.picture
    assert [r.getMessage() for r in caplog.records] == ["picture refused by check: gate=roll frame=10"]
    assert picture_refusal(app.ctx.still_checker().check_picture(filing.picture.data, app.o.profile)) is None


def test_when_every_candidate_fails_the_student_is_guided_again_with_that_gates_hint(station, faces, caplog):
    app, clock = station
    _, tilted = faces
    frames = [_frame(i, tilted, 50.0 + i) for i in range(1, 40)]
    with caplog.at_level(logging.WARNING, logger="idphoto.kiosk"):
        _run_to_capture(app, clock, frames)
    assert app.flow.state is State.GUIDE and app.flow.history[-1].event is Event.CAPTURE_FAILED
    assert app.session.error_code is None and app.session.picture is None and app.filed == 0  # no error screen
    filing = app.session.last_filing
    assert filing.tried == MAX_CANDIDATES and filing.picture is None and filing.refused == ("roll", "tilt_left")
    assert [(c.frame, c.gate) for c in filing.checks] == [(38, "roll"), (37, "roll"), (36, "roll")]
    assert [r.getMessage() for r in caplog.records] == [
        f"picture refused by check: gate=roll frame={i}" for i in (38, 37, 36)]
    clock.t += 1 / 30
    app.step(_frame(40, tilted, 50.0))  # the live verdicts still pass: the refused gate's hint shows all the same
    view = app.view_model(None, "ok").guidance
    assert view.hint == "tilt_left" and view.hint_gate == "roll" and not view.checklist["roll"]


def test_candidates_are_the_sharpest_confirmed_frames_best_first():
    chooser = CaptureChooser()
    view = SimpleNamespace(blocking_ok=True, ready=True)
    rgb = np.zeros((8, 8, 3), np.uint8)
    best = None
    for i, sharp in enumerate((10.0, 30.0, 20.0, 50.0, 40.0, 5.0)):
        best = chooser.keep(best, view, _frame(i, rgb, sharp))
    assert [f.index for f in chooser.candidates] == [3, 4, 1]  # frame 5 waits for the next one to confirm it
    assert [f.index for f in choose_frames(best, chooser.candidates)] == [3, 4, 1]
    assert choose_frames(None, chooser.candidates) == []
    chooser.keep(best, SimpleNamespace(blocking_ok=False, ready=False), _frame(6, rgb, 60.0))
    assert chooser.candidates == []  # the gates broke: no candidate from before stands


def test_a_picture_refused_on_a_file_rule_names_the_rule_and_has_no_gate_hint():
    from capture.check import CheckResult
    from capture.filespec import SpecRule

    gates = {n: GateResult(n, True, 0.0, 1.0, n) for n in GATE_ORDER}
    passing = CheckResult("p", "x", gates=gates, file_spec={"kb": SpecRule("kb", 30, [20, 40], True)})
    assert picture_refusal(passing) is None
    too_big = CheckResult("p", "x", gates=gates, file_spec={"kb": SpecRule("kb", 50, [20, 40], False)})
    assert picture_refusal(too_big) == ("file_spec", "kb")
    tilted = CheckResult("p", "x", gates={**gates, "roll": GateResult("roll", False, 16.9, 9.0, "tilt_left")},
                         file_spec=too_big.file_spec)
    assert picture_refusal(tilted) == ("roll", "tilt_left")  # a gate first: it has a hint the student can follow
