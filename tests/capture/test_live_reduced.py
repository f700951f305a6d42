"""A 1080p frame is analysed on a reduced copy: the same verdicts as the full frame, lengths in the frame's pixels."""
from __future__ import annotations

import numpy as np
import pytest

from capture.camera import Keyframe, StillMotionFrames, find_demo_still
from capture.gates import evaluate
from capture.images import read_photo
from capture.live import FrameAnalyzer, reduced_copy, reduction_factor
from profiles import get_profile

#: the demo subject settled where the gates like her
SETTLED = (Keyframe(0.0, 0.103, 0.2777, 2.05, 0.0), Keyframe(60.0, 0.103, 0.2777, 2.05, 0.0))
#: how far a value read on the 960×540 copy may be from the full frame's: angles (deg), shares, and relative for
#: lengths (the distance gate's enlargement) and focus (the copy's own pixels read a little softer or sharper)
ANGLE_DEG, SHARE, LENGTH_REL, FOCUS_REL = 0.5, 0.012, 0.02, 0.1


def test_reduction_factor_is_whole_and_leaves_720p_alone():
    assert [reduction_factor(h) for h in (480, 720, 721, 1080, 1440, 2160)] == [1, 1, 2, 2, 2, 3]
    rgb = np.arange(4 * 6 * 3, dtype=np.uint8).reshape(4, 6, 3)
    assert reduced_copy(rgb, 1) is rgb
    small = reduced_copy(rgb, 2)
    assert small.shape == (2, 3, 3) and small[0, 0, 0] == 11  # the mean of 0, 3, 18, 21 (10.5), rounded half up


@pytest.fixture(scope="module")
def both():
    """Gate verdicts on 4 settled 1920×1080 frames, analysed whole and on the reduced copy."""
    still = read_photo(find_demo_still()).rgb
    frames = StillMotionFrames(still, SETTLED, size=(1920, 1080), fps=30.0, noise_sigma=1.5)
    rgbs = [frames.frame_at(i) for i in range(4)]
    profile = get_profile("chsi-graduation")
    out = {}
    for name, max_height in (("full", 4000), ("reduced", 720)):
        with FrameAnalyzer(max_height=max_height) as analyzer:
            analyses = [analyzer.analyse(rgb) for rgb in rgbs]
        out[name] = (analyses, [evaluate(a.measurements, profile) for a in analyses])
    return out


def test_the_copy_gives_the_full_frames_verdicts(both):
    (full_a, full_g), (red_a, red_g) = both["full"], both["reduced"]
    assert all("reduce" in a.timings_ms for a in red_a) and not any("reduce" in a.timings_ms for a in full_a)
    for f, r in zip(full_g, red_g):
        assert {n: g.ok for n, g in f.items()} == {n: g.ok for n, g in r.items()}
        assert f["distance"].threshold == r["distance"].threshold  # the same frame size and enlargement limits
        for name, g in f.items():
            a, b = g.value, r[name].value
            if a is None or b is None:
                assert a == b, name
            elif g.unit == "deg":
                assert abs(a - b) <= ANGLE_DEG, name
            elif name == "distance":
                assert abs(a - b) <= LENGTH_REL * a, name
            elif name == "sharpness":
                assert abs(a - b) <= FOCUS_REL * a, name
            elif g.unit == "ratio":
                assert abs(a - b) <= SHARE, name


def test_lengths_come_back_in_the_frames_pixels(both):
    (full_a, _), (red_a, _) = both["full"], both["reduced"]
    for f, r in zip(full_a, red_a):
        fm, rm = f.measurements, r.measurements
        assert (rm.frame_width, rm.frame_height) == (1920, 1080)
        assert (r.face.frame_width, r.face.frame_height) == (1920, 1080)
        assert abs(rm.head.face_width - fm.head.face_width) <= LENGTH_REL * fm.head.face_width
        assert abs(rm.framing.inter_eye_px - fm.framing.inter_eye_px) <= LENGTH_REL * fm.framing.inter_eye_px
        assert abs(rm.head.eye_y - fm.head.eye_y) <= 3.0  # px of the 1080-row frame


def test_a_copy_made_by_the_caller_is_read_as_is_and_a_wrong_one_is_not():
    still = read_photo(find_demo_still()).rgb
    frames = StillMotionFrames(still, SETTLED, size=(1920, 1080), fps=30.0, noise_sigma=1.5)
    rgbs = [frames.frame_at(i) for i in range(3)]
    runs = {}
    for name in ("own", "shared", "wrong"):
        with FrameAnalyzer() as analyzer:
            out = []
            for rgb in rgbs:
                given = {"own": None, "shared": reduced_copy(rgb, 2), "wrong": rgb[:700, :1200]}[name]
                out.append(analyzer.analyse(rgb, given))
            runs[name] = out
    assert all("reduce" in a.timings_ms for a in runs["own"] + runs["wrong"])
    assert not any("reduce" in a.timings_ms for a in runs["shared"])
    for own, shared, wrong in zip(runs["own"], runs["shared"], runs["wrong"]):
        assert shared.measurements == own.measurements == wrong.measurements
        assert np.array_equal(shared.face.points, own.face.points)
