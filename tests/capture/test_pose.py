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
