"""Head pose from landmark geometry: rotating a real face's 3-D landmarks must read back as that rotation."""
from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from capture.measures.pose import measure_pose
from profiles.defaults import GATE_DEFAULTS


@pytest.fixture(scope="module")
def face(analyzer, studio):
    return analyzer.faces(studio("astronaut", (100, 197, 255)))[0]


def _rotated(face, yaw=0.0, pitch=0.0, roll=0.0):
    """Return `face` with its points rotated about the head centre (yaw about y, pitch about x, roll about z)."""
    p = face.points.astype(np.float64)
    c = p.mean(axis=0)
    a, b, g = (math.radians(v) for v in (yaw, pitch, roll))
    ry = np.array([[math.cos(a), 0, math.sin(a)], [0, 1, 0], [-math.sin(a), 0, math.cos(a)]])
    rx = np.array([[1, 0, 0], [0, math.cos(b), -math.sin(b)], [0, math.sin(b), math.cos(b)]])
    rz = np.array([[math.cos(g), -math.sin(g), 0], [math.sin(g), math.cos(g), 0], [0, 0, 1]])
    q = (p - c) @ (rz @ rx @ ry).T + c
    return dataclasses.replace(face, points=q.astype(np.float32))


def test_frontal_portrait_is_within_default_limits(face):
    pose = measure_pose(face)
    assert abs(pose.yaw_deg) < GATE_DEFAULTS["yaw_max_deg"]
    assert abs(pose.pitch_deg) < GATE_DEFAULTS["pitch_max_deg"]
    assert abs(pose.roll_deg) < GATE_DEFAULTS["roll_max_deg"]


@pytest.mark.parametrize("angle", [-20, -10, 10, 20])
def test_yaw_reads_back(face, angle):
    base = measure_pose(face)
    # rotating about +y moves the image-right cheek away from the camera: the face turns to the image's left
    turned = measure_pose(_rotated(face, yaw=angle))
    assert turned.yaw_deg - base.yaw_deg == pytest.approx(angle, abs=2.5)


@pytest.mark.parametrize("angle", [-15, 15])
def test_pitch_reads_back(face, angle):
    base = measure_pose(face)
    tilted = measure_pose(_rotated(face, pitch=-angle))  # rotating the chin towards the camera = chin up
    assert tilted.pitch_deg - base.pitch_deg == pytest.approx(angle, abs=2.5)


@pytest.mark.parametrize("angle", [-12, 12])
def test_roll_reads_back(face, angle):
    base = measure_pose(face)
    rolled = measure_pose(_rotated(face, roll=angle))
    assert rolled.roll_deg - base.roll_deg == pytest.approx(angle, abs=1.0)


def _gate(name, pose):
    """Return the `name` gate's verdict on a PoseMeasure under chsi-graduation (default pose limits)."""
    from types import SimpleNamespace

    from capture.gates.spec import SPECS_BY_NAME
    from capture.settings import ENGINE
    from profiles import load_profiles

    return SPECS_BY_NAME[name].judge(SimpleNamespace(pose=pose), load_profiles()["chsi-graduation"], ENGINE)


def _rotated_to(face, axis: str, target: float):
    """Return `face` rotated about one axis so that its measured angle on that axis is about `target` degrees."""
    for _ in range(3):  # the readings are near-linear: a few corrections land within a small fraction of a degree
        now = getattr(measure_pose(face), f"{axis}_deg")
        step = target - now
        face = _rotated(face, **{axis: -step if axis == "pitch" else step})
    return face


@pytest.mark.parametrize("axis", ["yaw", "pitch", "roll"])
def test_pose_gates_pass_just_inside_and_fail_just_outside_their_limit(face, axis):
    """A head 1° inside the default limit passes its gate and one 1.5° outside it fails, either way round; for roll
    this is the ID-style portrait at 7.7° that the old 6° limit refused."""
    limit = GATE_DEFAULTS[f"{axis}_max_deg"]
    for sign in (1, -1):
        inside = measure_pose(_rotated_to(face, axis, sign * (limit - 1.0)))
        outside = measure_pose(_rotated_to(face, axis, sign * (limit + 1.5)))
        assert getattr(inside, f"{axis}_deg") == pytest.approx(sign * (limit - 1.0), abs=0.3)
        assert getattr(outside, f"{axis}_deg") == pytest.approx(sign * (limit + 1.5), abs=0.3)
        assert _gate(axis, inside).ok, (axis, inside)
        result = _gate(axis, outside)
        assert not result.ok and result.threshold == limit, (axis, outside)


def test_id_style_roll_of_7_7_degrees_passes(face):
    rolled = measure_pose(_rotated_to(face, "roll", 7.7))
    assert rolled.roll_deg == pytest.approx(7.7, abs=0.3)
    assert _gate("roll", rolled).ok


def test_pitch_ignores_the_mouth_and_jaw(face):
    """An open mouth or a dropped jaw (every point below the mouth line moved 8% of the face height down) leaves
    the pitch as it was: only points above the mouth enter the template fit."""
    from capture.measures.pose_template import RIGID_POINTS

    p = face.points.astype(np.float64)
    lower = np.setdiff1d(np.arange(468), RIGID_POINTS)
    opened = p.copy()
    opened[lower, 1] += 0.08 * (p[:468, 1].max() - p[:468, 1].min())
    before = measure_pose(face).pitch_deg
    after = measure_pose(dataclasses.replace(face, points=opened.astype(np.float32))).pitch_deg
    assert after == pytest.approx(before, abs=1e-6)


def test_pitch_does_not_depend_on_size_or_place(face):
    """The same head twice as large and elsewhere in the frame reads the same pitch."""
    moved = face.points.astype(np.float64) * 2.0 + np.array([37.0, -12.0, 5.0])
    again = measure_pose(dataclasses.replace(face, points=moved.astype(np.float32)))
    assert again.pitch_deg == pytest.approx(measure_pose(face).pitch_deg, abs=1e-3)


def test_level_template_reads_level_and_keeps_the_face_above_the_mouth():
    """The template fitted to itself reads 0°; its rigid points are the upper face (forehead 10, nose tip 1, both
    eye corners) and not the chin (152), the lower lip (14, 17) or the mouth corners (61, 291)."""
    from capture.measures.pose import pitch_from_rotation, rigid_rotation
    from capture.measures.pose_template import LEVEL_HEAD, RIGID_POINTS

    assert LEVEL_HEAD.shape == (468, 3)
    assert pitch_from_rotation(rigid_rotation(LEVEL_HEAD, LEVEL_HEAD)) == pytest.approx(0.0, abs=1e-9)
    # a mirror image is fitted with a rotation, never a reflection
    assert np.linalg.det(rigid_rotation(LEVEL_HEAD, LEVEL_HEAD * (-1.0, 1.0, 1.0))) == pytest.approx(1.0)
    rigid = set(RIGID_POINTS.tolist())
    assert {10, 1, 33, 133, 263, 362} <= rigid
    assert not rigid & {152, 17, 14, 61, 291}


def test_template_render_round_trips():
    """scripts/pose_template.py writes the template through render(); parsing the result gives it back."""
    from capture.measures import pose_template

    text = pose_template.render(pose_template.LEVEL_HEAD)
    block = text.split('_DATA = """', 1)[1].split('"""', 1)[0]
    assert np.array_equal(pose_template._parse(block), np.round(pose_template.LEVEL_HEAD, 4))
