"""The live analyser: full analyses on a cadence, fast families on every frame, carried values in between."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from capture.camera import Keyframe, StillMotionFrames, find_demo_still
from capture.faces.head import tracked_head_geometry
from capture.images import read_photo
from capture.faces.landmarks import PoseLandmarks, PosePoint
from capture.live import FrameAnalysis, FrameAnalyzer
from capture.measurements import Measurements
from capture.settings import ENGINE
from kiosk.station.worker import AnalysedFrame

#: the demo subject settled where the gates like her
SETTLED = (Keyframe(0.0, 0.103, 0.2777, 2.05, 0.0), Keyframe(60.0, 0.103, 0.2777, 2.05, 0.0))


@pytest.fixture(scope="module")
def frames() -> StillMotionFrames:
    still = read_photo(find_demo_still()).rgb
    return StillMotionFrames(still, SETTLED, size=(1280, 720), fps=30.0, noise_sigma=1.5)


@pytest.fixture()
def live():
    with FrameAnalyzer(replace(ENGINE, live_full_every=3, live_body_pose_every=2)) as analyzer:
        yield analyzer


def _shift_down(rgb: np.ndarray, dy: int) -> np.ndarray:
    """Return the frame moved down by `dy` px (the top rows repeat the top edge, the backdrop)."""
    return np.concatenate([np.repeat(rgb[:1], dy, axis=0), rgb[:-dy]], axis=0)


def test_full_analysis_on_every_nth_frame_only(live, frames):
    results = [live.analyse(frames.frame_at(i)) for i in range(7)]
    assert [r.complete for r in results] == [True, False, False, True, False, False, True]
    for r in results:
        assert ("segmentation" in r.timings_ms) == r.complete  # the person mask only on full analyses
        assert r.measurements.background is not None and r.measurements.eyes is not None
    # the body-pose model on every 2nd full analysis: frames 0 and 6
    assert ["body_pose" in r.timings_ms for r in results] == [True] + [False] * 5 + [True]


def test_fast_families_remeasured_slow_ones_carried(live, frames, analyzer):
    from capture.synth import close_eyes

    first = live.analyse(frames.frame_at(0))
    eyes_shut = close_eyes(frames.frame_at(1), analyzer.context(frames.frame_at(1)).face)
    second = live.analyse(eyes_shut)
    assert first.complete and not second.complete
    a, b = first.measurements, second.measurements
    # a blink shows at once ...
    assert b.eyes.open_min_ratio < 0.5 * a.eyes.open_min_ratio
    # ... while the slow, pixel-level values are those of the last full analysis
    assert b.eyes.glare_max_ratio == a.eyes.glare_max_ratio and b.eyes.tint_ratio == a.eyes.tint_ratio
    assert b.background is a.background and b.light is a.light and b.ears is a.ears
    assert b.covering is a.covering and b.shoulders is a.shoulders
    # focus: every other in-between frame carries the frame before's (settings.live_focus_every = 2)
    assert ENGINE.live_focus_every == 2
    assert b.sharpness is a.sharpness  # the first after a full analysis carries the full analysis's focus ...
    third = live.analyse(frames.frame_at(2)).measurements
    assert third.sharpness is not b.sharpness  # ... the next measures its own


def test_every_fully_analysed_frame_measures_its_own_focus(frames):
    with FrameAnalyzer(replace(ENGINE, live_full_every=2)) as live:
        results = [live.analyse(frames.frame_at(i)) for i in range(5)]
    assert [r.complete for r in results] == [True, False, True, False, True]
    focus = [r.measurements.sharpness for r in results]
    assert focus[1] is focus[0] and focus[3] is focus[2]  # the in-between frames carry it
    assert focus[2] is not focus[1] and focus[4] is not focus[3]  # fresh on the frames that may become the picture


def test_crown_follows_the_head_between_person_masks(live, frames):
    rgb = frames.frame_at(0)
    first = live.analyse(rgb)
    moved_rgb = _shift_down(rgb, 40)
    moved = live.analyse(moved_rgb)
    assert not moved.complete
    with FrameAnalyzer(replace(ENGINE, live_full_every=1)) as every:  # the crown from a fresh mask, for reference
        every.analyse(rgb)
        truth = every.analyse(moved_rgb)
    assert truth.complete
    h0, h1, ht = first.measurements.head, moved.measurements.head, truth.measurements.head
    assert h0.crown_from_mask and h1.crown_from_mask and ht.crown_from_mask
    assert h1.crown_y - h0.crown_y > 30  # the crown moved down with the head ...
    assert h1.crown_y == pytest.approx(ht.crown_y, abs=0.03 * ht.head_height)  # ... to where a new mask finds it


def test_tracked_crown_scales_with_the_face():
    from capture.faces.head import HeadGeometry

    reference = HeadGeometry(eye_y=300, eye_mid_x=640, face_centre_x=640, face_width=200, chin_y=420,
                             crown_y=180, crown_from_mask=True, head_cut_off=False)
    assert reference.crown_rise == pytest.approx(1.0)

    class Face:  # what tracked_head_geometry reads: a face twice as large, lower in the frame
        eye_mid = np.array([600.0, 400.0])
        chin_y = 640.0
        face_width_px = 400.0
        face_centre_x = 600.0

    head = tracked_head_geometry(Face(), reference)
    assert head.crown_y == pytest.approx(160.0) and head.head_height == pytest.approx(480.0)
    assert not head.head_cut_off
    near_top = tracked_head_geometry(type("F", (Face,), {"eye_mid": np.array([600.0, 200.0])})(), reference)
    assert near_top.crown_y < 0 and near_top.head_cut_off


def test_a_new_person_gets_a_full_analysis_at_once(live, frames):
    live.analyse(frames.frame_at(0))
    assert not live.analyse(frames.frame_at(1)).complete
    empty = live.analyse(np.full((720, 1280, 3), 200, np.uint8))
    assert empty.face is None
    assert live.analyse(frames.frame_at(2)).complete


def test_pose_points_carried_with_the_face():
    p = PoseLandmarks(PosePoint(100, 200, 0.9), PosePoint(300, 210, 0.8), PosePoint(150, 100, 0.5),
                      PosePoint(250, 100, 0.4), 640, 480)
    q = p.shifted(10.0, -5.0)
    assert (q.shoulder_right.x, q.shoulder_right.y, q.shoulder_right.visibility) == (110, 195, 0.9)
    assert (q.ear_left.x, q.ear_left.y) == (260, 95) and q.frame_width == 640


def test_only_fully_analysed_frames_may_be_captured(live, frames):
    from capture.gates import evaluate
    from profiles import get_profile

    profile = get_profile("chsi-graduation")
    full = live.analyse(frames.frame_at(0))
    partial = live.analyse(frames.frame_at(1))
    for analysis, expected in ((full, True), (partial, False)):
        gates = evaluate(analysis.measurements, profile)
        frame = AnalysedFrame(0, frames.frame_at(0), analysis, gates, 0.0)
        assert frame.all_ok  # the demo subject passes every blocking gate either way
        assert frame.capturable is expected
    nothing = FrameAnalysis(Measurements(frame_width=1280, frame_height=720), None)
    assert not AnalysedFrame(0, frames.frame_at(0), nothing, evaluate(nothing.measurements, profile), 0.0).capturable


def test_a_face_filling_the_frame_to_the_chin_skips_the_body_model(live, frames, analyzer):
    """Too close to the camera for any shoulder to show: no body-pose run, no shoulders, and no error."""
    rgb = frames.frame_at(0)
    chin = int(analyzer.context(rgb).head.chin_y)
    close = np.ascontiguousarray(rgb[: chin + 10])
    result = live.analyse(close)
    assert result.complete and "body_pose" not in result.timings_ms
    assert result.measurements.shoulders is not None and not result.measurements.shoulders.visible
    assert live.analyse(rgb).face is not None  # and the analyser carries on when the person steps back


def test_live_and_still_read_the_same_pose_on_the_same_frames(frames, analyzer):
    """FaceMesh runs in the same (static) mode live and still: every frame of a sequence reads the pose `check`'s
    analysis reads on it (in tracking mode the crop from the previous frame moved the depth guess by degrees)."""
    from capture.measures.pose import measure_pose

    with FrameAnalyzer() as live:
        for i in (0, 10, 20, 30):
            rgb = frames.frame_at(i)
            seen = live.analyse(rgb).measurements.pose
            still = measure_pose(analyzer.faces(rgb)[0])
            assert (seen.yaw_deg, seen.pitch_deg, seen.roll_deg) == pytest.approx(
                (still.yaw_deg, still.pitch_deg, still.roll_deg), abs=1e-3)


def test_a_full_analysis_between_body_runs_measures_the_shoulders_once_from_its_mask(live, frames, monkeypatch):
    """Full analysis 2 of a run (live_body_pose_every=2) has a fresh mask and carried body points: the mask's own
    shoulder line is read first and, as it shows, is the one kept; the carried points are not measured with."""
    import capture.live as live_module
    import capture.measurements as measurements_module

    calls = []

    def counted(ctx, pose):
        calls.append(pose)
        return measure(ctx, pose)

    measure = live_module.measure_shoulders
    for i in range(3):
        live.analyse(frames.frame_at(i))
    monkeypatch.setattr(live_module, "measure_shoulders", counted)
    monkeypatch.setattr(measurements_module, "measure_shoulders", counted)
    result = live.analyse(frames.frame_at(3))
    assert result.complete and "segmentation" in result.timings_ms and "body_pose" not in result.timings_ms
    assert calls == [None]  # once, from the mask alone
    shoulders = result.measurements.shoulders
    assert shoulders.visible and shoulders.source == "mask"


def test_freezing_the_start_up_heap_takes_what_is_alive_out_of_the_collectors_reach(live):
    import gc

    from capture.live import freeze_start_up_heap

    alive = []  # made before the freeze: no longer scanned, still freed by its references
    frozen = freeze_start_up_heap()
    try:
        assert frozen == gc.get_freeze_count() > 0
        assert not any(o is alive for o in gc.get_objects())
    finally:
        gc.unfreeze()


def test_a_full_analysis_reads_what_the_one_pass_measurement_reads_on_its_mask(frames):
    """The face families are taken while the person mask is made on the helper thread: the same values as
    measure_context on the same frame and mask (all but the shoulders, which use the body model's tracking)."""
    import threading

    from capture.faces.head import head_geometry
    from capture.measurements import measure_context
    from capture.measures.context import FaceContext

    rgb = frames.frame_at(0)
    with FrameAnalyzer() as live:
        result = live.analyse(rgb)
        assert result.complete and result.timings_ms["segmentation"] > 0
        faces, mask = live.mesh.process(rgb), live.segmenter.process(rgb)
        head = head_geometry(rgb, faces[0], None, live.settings, mask)
        expected = measure_context(FaceContext(rgb, faces[0], head, mask, tuple(faces[1:])), None, live.settings)
        assert repr(replace(result.measurements, shoulders=None)) == repr(replace(expected, shoulders=None))
    assert not [t for t in threading.enumerate() if t.name.startswith("person-mask")]  # closed with the analyser
