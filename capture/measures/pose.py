"""Head pose (yaw, pitch, roll in degrees) from the geometry of FaceMesh's 3-D landmarks.

Method (no camera model: MediaPipe's z shares the x scale, and we keep both in frame px):
- yaw: the left/right lean of the normal of the plane fitted (least squares, SVD) to all 468 mesh points;
- pitch: how far the forehead-to-nose-base midline leans out of the image plane. Both ends are rigid, so an open
  mouth or a smile does not move it (the whole-mesh plane and the forehead-to-chin line both do). A level head
  reads about 8° here; that neutral offset lives in settings;
- roll: the tilt of the line through the two iris centres, as ICAO defines it.
Convention (as AFLW2000/300W-LP): yaw > 0 = face turned towards the image's left (the subject's right);
pitch > 0 = chin up; roll > 0 = the eye on the image's right is lower.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from capture.faces.landmarks import FaceLandmarks
from capture.faces.parts import FOREHEAD, MESH_POINTS, SUBNASALE
from capture.settings import ENGINE, EngineSettings



@dataclass(frozen=True)
class PoseMeasure:
    """Head rotation, degrees."""

    yaw_deg: float
    pitch_deg: float
    roll_deg: float


# FOREHEAD and SUBNASALE (base of the nose), both on the midline, give a vertical axis that smiles do not move.


def face_normal(face: FaceLandmarks) -> np.ndarray:
    """Return the unit normal (x, y, z) of the plane fitted to the mesh points, pointing at the camera (z < 0)."""
    p = face.points[:MESH_POINTS].astype(np.float64)
    centred = p - p.mean(axis=0)
    # the plane's normal is the direction of least spread: the scatter matrix's eigenvector of the smallest
    # eigenvalue (eigh sorts ascending); same as the last right-singular vector of `centred`, a tenth of the work
    _, vectors = np.linalg.eigh(centred.T @ centred)
    n = vectors[:, 0]
    return -n if n[2] > 0 else n


def midline_tilt_deg(face: FaceLandmarks) -> float:
    """Return how far the forehead-to-nose-base axis leans out of the image plane, degrees (> 0: chin up)."""
    d = (face.points[SUBNASALE] - face.points[FOREHEAD]).astype(np.float64)
    return -math.degrees(math.atan2(d[2], math.hypot(d[0], d[1])))


def measure_pose(face: FaceLandmarks, settings: EngineSettings = ENGINE) -> PoseMeasure:
    """Return yaw, pitch and roll (degrees) of `face` from its 3-D landmarks (see module docstring)."""
    n = face_normal(face)
    yaw = -math.degrees(math.atan2(n[0], -n[2]))
    pitch = midline_tilt_deg(face) - settings.pitch_neutral_deg
    right, left = face.eye_right, face.eye_left
    roll = math.degrees(math.atan2(float(left[1] - right[1]), float(left[0] - right[0])))
    return PoseMeasure(yaw_deg=yaw, pitch_deg=pitch, roll_deg=roll)
