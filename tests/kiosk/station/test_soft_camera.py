"""A soft camera told apart from a moving person, and what the student and the staff then see."""
from __future__ import annotations

import logging
from types import SimpleNamespace

import numpy as np

from capture.gates import GATE_ORDER, GateResult
from kiosk.station.guidance import Guidance, GuidanceView
from kiosk.station.soft_camera import SOFT_AFTER_S, SoftCameraWatch, camera_label
from kiosk.station.worker import AnalysedFrame


def _frame(i: int, x: float, anisotropy: float = 0.4) -> AnalysedFrame:
    face = SimpleNamespace(eye_mid=np.array([x, 200.0]), inter_eye_px=50.0)
    m = SimpleNamespace(sharpness=SimpleNamespace(anisotropy=anisotropy))
    gates = {n: GateResult(n, n != "sharpness", 6.0 if n == "sharpness" else 0.0, 10.0, n) for n in GATE_ORDER}
    return AnalysedFrame(i, np.zeros((300, 400, 3), np.uint8), SimpleNamespace(face=face, measurements=m), gates, 0.0)


def _view(red: tuple[str, ...] = ("sharpness",)) -> GuidanceView:
    return GuidanceView({n: n not in red for n in GATE_ORDER}, "sharpness", "sharpness", 0.0, False,
                        frozenset({"ears_visible"}))


def _watch(frames, views, fps: float = 25.0) -> tuple[SoftCameraWatch, float | None]:
    """Run the watch; return it and the time (s) the camera was first reported soft (None: never)."""
    watch, first = SoftCameraWatch(), None
    for i, (frame, view) in enumerate(zip(frames, views)):
        if watch.update(frame, view, i / fps, "cam") and first is None:
            first = i / fps
    return watch, first


def test_a_still_face_failing_only_sharpness_is_reported_after_ten_seconds(caplog):
    n = int(12 * 25)
    with caplog.at_level(logging.INFO, logger="idphoto.kiosk"):
        _, first = _watch([_frame(i, 200.0 + 0.1 * (i % 2)) for i in range(n)], [_view()] * n)
    assert first is not None and SOFT_AFTER_S <= first < SOFT_AFTER_S + 0.1
    assert [r.getMessage() for r in caplog.records] == ["soft_camera camera=cam sharpness=6.00 min=10.00 still_s=10.0"]


def test_a_moving_or_smeared_face_is_not_a_soft_camera():
    n = int(15 * 25)
    moving = [_frame(i, 200.0 + 30 * np.sin(i / 10)) for i in range(n)]  # swaying: up to 1.2 IED/s
    assert _watch(moving, [_view()] * n)[1] is None
    smeared = [_frame(i, 200.0, anisotropy=0.7) for i in range(n)]
    assert _watch(smeared, [_view()] * n)[1] is None


def test_another_red_gate_means_the_student_has_something_to_fix():
    n = int(15 * 25)
    assert _watch([_frame(i, 200.0) for i in range(n)], [_view(("sharpness", "pitch"))] * n)[1] is None
    # advisory gates do not count
    assert _watch([_frame(i, 200.0) for i in range(n)], [_view(("sharpness", "ears_visible"))] * n)[1] is not None


def test_the_report_clears_after_sharpness_holds_green():
    n = int(11 * 25)
    watch, _ = _watch([_frame(i, 200.0) for i in range(n)], [_view()] * n)
    assert watch.soft
    for k in range(int(3 * 25) + 1):
        watch.update(_frame(n + k, 200.0), _view(()), (n + k) / 25, "cam")
    assert not watch.soft


def test_guidance_says_please_wait_instead_of_hold_still_for_a_quiet_gate():
    results = {n: GateResult(n, n != "sharpness", 0.0, 1.0, n) for n in GATE_ORDER}
    guidance = Guidance()
    for t in range(6):  # the other gates turn steadily green
        view = guidance.update(results, t * 0.1)
    assert (view.hint, view.hint_gate) == ("sharpness", "sharpness")
    guidance.quiet = frozenset({"sharpness"})
    view = guidance.update(results, 0.6)
    assert (view.hint, view.hint_gate) == ("wait", "sharpness")


def test_the_camera_is_named_by_its_device_or_file_and_frame_size():
    assert camera_label("/videos/clip.mp4", (300, 400, 3)) == "clip.mp4 400x300"
    assert camera_label("0", (720, 1280, 3)) == "0 1280x720"
