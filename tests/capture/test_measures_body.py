"""Shoulders and head covering on the packaged portraits and synthetic changes of them."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from capture.faces.landmarks import PoseDetector
from capture.measures.covering import measure_head_covering
from capture.measures.shoulders import measure_shoulders, shoulders_can_show
from profiles.defaults import GATE_DEFAULTS

TILT_MAX = GATE_DEFAULTS["shoulders_tilt_max_deg"]
COVERING_MAX = GATE_DEFAULTS["head_covering_max_ratio"]
GREY = (200, 200, 200)


@pytest.fixture(scope="module")
def pose_detector():
    with PoseDetector(static=True) as detector:
        yield detector


def rotate(rgb: np.ndarray, degrees: float) -> np.ndarray:
    """Return `rgb` rotated counter-clockwise by `degrees` about its centre (edges repeated)."""
    h, w = rgb.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(rgb, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def paint_cap(analyzer, rgb: np.ndarray, colour: tuple[int, int, int]) -> np.ndarray:
    """Return `rgb` with a cap-like half-ellipse of `colour` from the forehead line up over the head."""
    ctx = analyzer.context(rgb)
    face, fw = ctx.face, ctx.face.face_width_px
    out = rgb.copy()
    centre = (int(face.face_centre_x), int(face.forehead_y))
    cv2.ellipse(out, centre, (int(0.6 * fw), int(0.55 * fw)), 0, 180, 360, colour, -1)
    return out


# --- shoulders --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["grace", "astronaut"])
def test_pose_detector_finds_shoulders_on_studio_images(analyzer, studio, pose_detector, name):
    rgb = studio(name, GREY)
    pose = pose_detector.process(rgb)
    assert pose is not None
    ctx = analyzer.context(rgb)
    h, w = rgb.shape[:2]
    right, left = pose.shoulder_right, pose.shoulder_left
    for p in (right, left):
        assert p.visibility >= 0.5
        assert 0 <= p.x < w and ctx.head.chin_y < p.y < h
    # subject's right shoulder is on the image left, about two face widths from the other
    assert right.x < ctx.head.face_centre_x < left.x
    assert 1.2 * ctx.head.face_width < left.x - right.x < 3.5 * ctx.head.face_width
    assert (pose.frame_width, pose.frame_height) == (w, h)


@pytest.mark.parametrize("name", ["grace", "astronaut"])
def test_studio_shoulders_are_level(analyzer, studio, pose_detector, name):
    rgb = studio(name, GREY)
    m = measure_shoulders(analyzer.context(rgb), pose_detector.process(rgb))
    assert m.visible
    assert m.source == "pose+mask"
    assert abs(m.tilt_deg) <= TILT_MAX


@pytest.mark.parametrize("degrees", [10.0, -10.0])
def test_rotating_the_frame_10_degrees_tilts_the_shoulders(analyzer, studio, pose_detector, degrees):
    """Counter-clockwise (+) lifts the image-right shoulder: negative tilt; clockwise gives positive tilt."""
    rgb = rotate(studio("grace", GREY), degrees)
    m = measure_shoulders(analyzer.context(rgb), pose_detector.process(rgb))
    assert m.visible
    assert abs(m.tilt_deg) > TILT_MAX
    assert np.sign(m.tilt_deg) == -np.sign(degrees)


@pytest.mark.parametrize("degrees", [1.0, -1.0])
def test_rotating_the_frame_1_degree_stays_level(analyzer, studio, pose_detector, degrees):
    rgb = rotate(studio("grace", GREY), degrees)
    m = measure_shoulders(analyzer.context(rgb), pose_detector.process(rgb))
    assert m.visible
    assert abs(m.tilt_deg) <= TILT_MAX


def test_mask_fallback_without_pose(analyzer, studio):
    m = measure_shoulders(analyzer.context(studio("grace", GREY)), None)
    assert m.source == "mask"
    assert m.visible
    assert abs(m.tilt_deg) <= TILT_MAX


def test_no_pose_and_no_shoulders_in_frame_is_not_visible(analyzer, grace_framed):
    """Cropped just below the chin there is nothing to measure."""
    ctx = analyzer.context(grace_framed)
    cropped = np.ascontiguousarray(grace_framed[: int(ctx.head.chin_y + 0.05 * ctx.head.face_width)])
    m = measure_shoulders(analyzer.context(cropped), None)
    assert not m.visible
    assert m.source == "none"


def test_body_pose_runs_only_when_shoulders_can_show(analyzer, grace_framed, monkeypatch):
    """Cut at the chin, the checker skips the body-pose model (the slowest) and reports no shoulders; with room
    below the chin it runs the model, on its own thread, and finds them."""
    from capture.check import StillChecker

    ctx = analyzer.context(grace_framed)
    cropped = np.ascontiguousarray(grace_framed[: int(ctx.head.chin_y + 0.1 * ctx.head.face_width)])
    assert shoulders_can_show(ctx.face) and not shoulders_can_show(analyzer.context(cropped).face)
    with StillChecker() as checker:
        calls = []
        run = checker.body.process
        monkeypatch.setattr(checker.body, "process", lambda rgb: calls.append(rgb.shape) or run(rgb))
        _, m = checker.measure(cropped)
        assert calls == [] and not m.shoulders.visible
        _, m = checker.measure(grace_framed)
        assert calls == [grace_framed.shape] and m.shoulders.visible and m.shoulders.source.startswith("pose")


# --- head covering ----------------------------------------------------------------------------------------------


def test_astronauts_hair_is_not_a_covering(analyzer, astronaut_framed, studio):
    for rgb in (astronaut_framed, studio("astronaut", GREY)):
        m = measure_head_covering(analyzer.context(rgb))
        assert m.top_px > 0
        assert m.covering_ratio <= COVERING_MAX


def test_no_person_above_the_forehead_is_no_covering(analyzer, astronaut_framed):
    """A mask with nobody in the top region (a bald crown lost by the model, a bad mask) reads 0, not an error."""
    from dataclasses import replace

    ctx = analyzer.context(astronaut_framed)
    m = measure_head_covering(replace(ctx, person_mask=np.zeros_like(ctx.person_mask)))
    assert (m.covering_ratio, m.top_px) == (0.0, 0)


def test_grace_hoppers_naval_cap_is_a_covering(analyzer, grace_framed, studio):
    """Found through the white crown and the badge; the black band alone would pass as dark hair."""
    for rgb in (grace_framed, studio("grace", GREY)):
        assert measure_head_covering(analyzer.context(rgb)).covering_ratio > COVERING_MAX


@pytest.mark.parametrize("colour", [(245, 245, 245), (200, 30, 40), (40, 70, 190)])
def test_painted_cap_is_a_covering(analyzer, astronaut_framed, colour):
    """A white, red or blue cap painted over the astronaut's hair."""
    before = measure_head_covering(analyzer.context(astronaut_framed)).covering_ratio
    after = measure_head_covering(analyzer.context(paint_cap(analyzer, astronaut_framed, colour))).covering_ratio
    assert after > COVERING_MAX
    assert after > before + 0.3
