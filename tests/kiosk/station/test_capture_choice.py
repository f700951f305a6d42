"""The filed frame is clean: the eyes are watched across frames before a frame may become the picture."""
from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from capture.gates import GATE_ORDER, GateResult
from kiosk.station.capture_choice import LID_MIN_FRAMES, LID_OPEN_SHARE, CaptureChooser, choose_frame
from kiosk.station.guidance import GuidanceView
from kiosk.station.worker import AnalysedFrame
from tests.conftest import astronaut

STEADY = GuidanceView({"yaw": True}, "ok", None, 1.0, True)


def _gates(eyes_ok: bool = True) -> dict[str, GateResult]:
    return {n: GateResult(n, eyes_ok or n != "eyes_open", 0.0, 1.0, n) for n in GATE_ORDER}


def _fake(index: int, opening: float, complete: bool = True, sharpness: float = 50.0) -> AnalysedFrame:
    """A frame whose eyes-open gate passes, with a lid opening of `opening` (÷ eye-to-chin)."""
    eyes = SimpleNamespace(open_min_ratio=opening)
    analysis = SimpleNamespace(face=object(), complete=complete, sharpness=sharpness,
                               measurements=SimpleNamespace(eyes=eyes))
    return AnalysedFrame(index, np.zeros((4, 4, 3), np.uint8), analysis, _gates(), 0.0)


def _run(openings: list[float], complete_every: int = 1) -> tuple[AnalysedFrame | None, list[int]]:
    """Feed frames with these lid openings; return the final best and the indices that ever became the best."""
    chooser, best, chosen = CaptureChooser(), None, []
    for i, o in enumerate(openings):
        best = chooser.keep(best, STEADY, _fake(i, o, complete=i % complete_every == 0, sharpness=float(i)))
        if best is not None and best.index not in chosen:
            chosen.append(best.index)
    return best, chosen


def test_a_frame_waits_for_the_next_one_to_show_open_eyes():
    best, chosen = _run([0.06] * 12)
    assert LID_MIN_FRAMES == 8
    assert chosen == [7, 8, 9, 10]  # the open level is known from the 8th frame on; frame 11 has no successor yet
    assert choose_frame(best).index == 10


def test_a_blink_starting_right_after_the_frame_keeps_it_out():
    # frame 11 is open, frame 12 starts a blink: 11 is never a candidate; 10 is (12 comes after 11, not after 10)
    openings = [0.06] * 12 + [0.02, 0.005, 0.03] + [0.06] * 3
    _, chosen = _run(openings)
    assert chosen == [7, 8, 9, 10, 15, 16]


def test_half_closed_lids_that_pass_the_eyes_gate_are_not_filed():
    # the person's eyes are open at 0.06; 0.04 passes the eyes-open gate (the fakes say so) but is 2/3 of their level
    openings = [0.06] * 30 + [0.04] * 5
    assert 0.04 < LID_OPEN_SHARE * 0.06
    _, chosen = _run(openings)
    assert max(chosen) == 29 - 1  # the last open frame waits for a successor that turns out half-closed


def test_closing_lids_are_not_filed():
    # still above the open share, but falling fast from the frames just before
    openings = [0.06] * 20 + [0.054, 0.049] + [0.06] * 3
    _, chosen = _run(openings)
    assert 21 not in chosen  # 0.049 is 0.011 below the frames before it (> 0.1 × 0.06): closing
    assert 20 in chosen  # 0.054 dropped only 0.006


def test_gates_that_stop_being_steady_drop_the_waiting_frame():
    chooser = CaptureChooser()
    assert chooser.keep(None, STEADY, _fake(0, 0.06)) is None
    unsteady = GuidanceView({"yaw": False}, "turn_left", "yaw", 0.0, False)
    assert chooser.keep(None, unsteady, _fake(1, 0.06)) is None
    assert chooser.pending is None
    chooser.reset()  # a retake: the same person's lid openings are kept
    assert len(chooser.lids) == 2


def test_a_running_countdown_holds_its_confirmed_candidates_when_the_gates_break():
    chooser, best = CaptureChooser(), None
    for i in range(12):
        best = chooser.keep(best, STEADY, _fake(i, 0.06, sharpness=float(i)))
    confirmed = list(chooser.candidates)
    assert best is not None and confirmed
    unsteady = GuidanceView({"yaw": False}, "turn_left", "yaw", 0.0, False)
    assert chooser.keep(best, unsteady, _fake(12, 0.06, sharpness=99.0), hold=True) is best
    assert chooser.candidates == confirmed and chooser.pending is None  # the waiting frame 11 is not confirmed
    assert chooser.keep(best, unsteady, _fake(13, 0.06)) is None and chooser.candidates == []  # guiding: dropped


# ----- synthetic blinks on a packaged face, through the live analyser --------------------------------------------
@pytest.fixture(scope="module")
def blink_frames():
    """The astronaut, eyes open, then shut (capture.synth.close_eyes), as frames of a webcam-sized stream."""
    from capture.faces.landmarks import FaceMeshDetector
    from capture.synth import close_eyes

    rgb = np.ascontiguousarray(astronaut())
    with FaceMeshDetector(static=True) as mesh:
        shut = close_eyes(rgb, mesh.process(rgb)[0])
    return rgb, shut


def test_a_synthetic_blink_through_the_live_analyser_is_never_chosen(blink_frames):
    """Frames 0–9 open, 10–12 shut, 13–24 open; the analyser fully analyses frames 0, 8, 16 and 24 (frame 0 comes
    before the person's open level is known). Frame 8 is followed by open frame 9 (a candidate). With the blink
    moved to start at frame 9, frame 8 must not be chosen."""
    from capture.gates import evaluate
    from capture.live import FrameAnalyzer
    from profiles import get_profile

    open_rgb, shut_rgb = blink_frames
    profile = get_profile("chsi-graduation")
    for blink_from, expected in ((10, [8, 16]), (9, [16])):
        chooser, chosen, closed = CaptureChooser(), [], []
        with FrameAnalyzer() as analyzer:
            for i in range(25):
                rgb = shut_rgb if blink_from <= i < blink_from + 3 else open_rgb
                analysis = analyzer.analyse(rgb)
                gates = _gates(evaluate(analysis.measurements, profile)["eyes_open"].ok)
                if not gates["eyes_open"].ok:
                    closed.append(i)
                frame = AnalysedFrame(i, rgb, analysis, gates, i / 25)
                confirmed = chooser.keep(None, STEADY, frame)  # with no earlier best: the frame confirmed now
                if confirmed is not None:
                    chosen.append(confirmed.index)
        assert closed == list(range(blink_from, blink_from + 3))  # the synthetic blink reads as closed eyes
        assert sorted(chosen) == expected, (blink_from, chosen)
        assert not math.isnan(chooser.open_level())


def test_a_fully_analysed_frame_never_rests_on_carried_shoulder_points(grace_framed):
    """Body pose every 3rd full analysis. The one run gives steeply leaning shoulder points (a stand-in model);
    the two full analyses after it must not carry that lean into their verdict: their shoulders come from their own
    person mask, and they stay complete. The first frame, judged on its own points, shows the lean."""
    from dataclasses import replace

    from capture.faces.landmarks import PoseLandmarks, PosePoint
    from capture.live import FrameAnalyzer
    from capture.settings import ENGINE

    h, w = grace_framed.shape[:2]
    leaning = PoseLandmarks(PosePoint(250, 820, 0.99), PosePoint(560, 700, 0.99), PosePoint(300, 400, 0.9),
                            PosePoint(500, 400, 0.9), w, h)
    settings = replace(ENGINE, live_full_every=1, live_body_pose_every=3)
    with FrameAnalyzer(settings) as analyzer:
        analyzer.body.process = lambda rgb: leaning
        runs = [analyzer.analyse(grace_framed) for _ in range(3)]
    assert [r.complete for r in runs] == [True, True, True]
    assert runs[0].measurements.shoulders.source == "pose"  # the lean, from points measured on this frame
    assert [r.measurements.shoulders.source for r in runs[1:]] == ["mask", "mask"]
    assert abs(runs[1].measurements.shoulders.tilt_deg) < abs(runs[0].measurements.shoulders.tilt_deg)
