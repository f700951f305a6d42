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


def rotate_body(analyzer, rgb: np.ndarray, degrees: float) -> np.ndarray:
    """Return `rgb` with everything below the chin rotated counter-clockwise by `degrees` about the point under the
    face centre at chin height; the head above stays as it was (a person leaning one shoulder down)."""
    ctx = analyzer.context(rgb)
    chin = int(ctx.head.chin_y)
    h, w = rgb.shape[:2]
    matrix = cv2.getRotationMatrix2D((ctx.head.face_centre_x, chin), degrees, 1.0)
    turned = cv2.warpAffine(rgb, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    out = rgb.copy()
    out[chin:] = turned[chin:]
    return out


def crop_below_chin(analyzer, rgb: np.ndarray, face_widths: float) -> np.ndarray:
    """Return `rgb` cut off `face_widths` face widths below the chin (a tight head-and-shoulders crop)."""
    ctx = analyzer.context(rgb)
    return np.ascontiguousarray(rgb[: int(ctx.head.chin_y + face_widths * ctx.head.face_width)])


def shoulders_gate(m):
    """Return the shoulders_level verdict on shoulder measure `m` (None: not measured) under chsi-graduation."""
    from types import SimpleNamespace

    from capture.gates.spec import SPECS_BY_NAME
    from capture.settings import ENGINE
    from profiles import load_profiles

    return SPECS_BY_NAME["shoulders_level"].judge(SimpleNamespace(shoulders=m), load_profiles()["chsi-graduation"],
                                                  ENGINE)


def test_outline_tops_skips_the_head_and_holes_in_the_body():
    """Columns under the head give the shoulder below the backdrop gap; a hole inside the body changes nothing;
    a column that is all backdrop, or whose person starts at the bottom edge, gives NaN."""
    from capture.measures.shoulders import outline_tops

    mask = np.zeros((100, 6), np.float32)
    mask[0:30, 0] = 1.0  # hair from the top row, then backdrop, then the shoulder from row 50
    mask[50:, 0] = 1.0
    mask[40:, 1] = 1.0  # backdrop, then the shoulder from row 40 ...
    mask[70:80, 1] = 0.0  # ... with a hole the mask missed (a dark patch on the clothes)
    mask[98:, 3] = 1.0  # person only in the last two rows
    mask[:, 4] = 1.0  # person all the way: nothing to see
    tops = outline_tops(mask, 10, 3.0)
    assert tops[0] == 50.0 and tops[1] == 40.0
    assert np.isnan(tops[2]) and np.isnan(tops[3]) and np.isnan(tops[4]) and np.isnan(tops[5])


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
    assert (m.visible, m.source) == (True, "mask")
    assert m.pairs >= 3
    assert abs(m.tilt_deg) <= TILT_MAX
    assert shoulders_gate(m).ok and shoulders_gate(m).value == pytest.approx(m.tilt_deg)


@pytest.mark.parametrize("degrees", [15.0, -15.0])
def test_rotating_the_body_tilts_the_shoulders_and_fails_the_gate(analyzer, studio, pose_detector, degrees):
    """Only the body below the chin turns (the head stays level): counter-clockwise (+) lifts the image-right
    shoulder, a negative tilt; clockwise a positive one. Both fail the gate with its hint."""
    rgb = rotate_body(analyzer, studio("grace", GREY), degrees)
    m = measure_shoulders(analyzer.context(rgb), pose_detector.process(rgb))
    assert m.visible
    assert abs(m.tilt_deg) > TILT_MAX
    assert np.sign(m.tilt_deg) == -np.sign(degrees)
    result = shoulders_gate(m)
    assert (result.ok, result.hint) == (False, "shoulders_level")


@pytest.mark.parametrize("degrees", [15.0, -15.0])
def test_rotating_the_frame_15_degrees_tilts_the_shoulders(analyzer, studio, pose_detector, degrees):
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


@pytest.mark.parametrize("face_widths", [0.3, 0.5])
def test_tight_head_and_shoulders_crop_is_judged(analyzer, studio, pose_detector, face_widths):
    """Cut 0.3 or 0.5 face widths under the chin (an ID-style crop, the shoulders run off the sides and the pose
    model's points may lie below the frame): the outline still gives a level line."""
    rgb = crop_below_chin(analyzer, studio("grace", GREY), face_widths)
    m = measure_shoulders(analyzer.context(rgb), pose_detector.process(rgb))
    assert (m.visible, m.source) == (True, "mask")
    assert abs(m.tilt_deg) <= 3.0


def test_mask_outline_without_pose_uses_the_face_centre(analyzer, studio):
    m = measure_shoulders(analyzer.context(studio("grace", GREY)), None)
    assert (m.visible, m.source) == (True, "mask")
    assert abs(m.tilt_deg) <= TILT_MAX


def test_pose_points_without_mask(analyzer, studio, pose_detector):
    """No person mask: the pose model's two shoulder points, well inside the frame, give the line."""
    from dataclasses import replace

    rgb = studio("grace", GREY)
    ctx = replace(analyzer.context(rgb), person_mask=None)
    m = measure_shoulders(ctx, pose_detector.process(rgb))
    assert (m.visible, m.source, m.pairs) == (True, "pose", 0)
    assert abs(m.tilt_deg) <= TILT_MAX


def _pose_line(pose, degrees: float):
    """Return `pose` with the subject's left shoulder (image right) moved so the shoulder line is `degrees` steep."""
    import math
    from dataclasses import replace

    r, l = pose.shoulder_right, pose.shoulder_left
    y = r.y + math.tan(math.radians(degrees)) * (l.x - r.x)
    return replace(pose, shoulder_left=replace(l, y=y))


@pytest.mark.parametrize(("degrees", "source"), [(20.0, "pose"), (-20.0, "pose"), (10.0, "mask")])
def test_a_steep_pose_line_wins_over_a_level_outline(analyzer, studio, pose_detector, degrees, source):
    """A body leaning hard (one shoulder off the frame or hidden) shows in the pose points, not the outline: a pose
    line of 20° or more is taken over the level outline; a 10° one is not."""
    rgb = studio("grace", GREY)
    m = measure_shoulders(analyzer.context(rgb), _pose_line(pose_detector.process(rgb), degrees))
    assert (m.visible, m.source) == (True, source)
    if source == "pose":
        assert m.tilt_deg == pytest.approx(degrees, abs=0.01)
        assert not shoulders_gate(m).ok
    else:
        assert abs(m.tilt_deg) <= 3.0


def test_shoulders_out_of_the_frame_cannot_be_judged(analyzer, grace_framed, pose_detector):
    """Cropped just below the chin there is nothing to measure: not visible, and the gate passes with no value
    (cannot judge) rather than telling the person to level shoulders the camera does not see."""
    cropped = crop_below_chin(analyzer, grace_framed, 0.05)
    m = measure_shoulders(analyzer.context(cropped), pose_detector.process(cropped))
    assert (m.visible, m.source, m.tilt_deg) == (False, "none", 0.0)
    result = shoulders_gate(m)
    assert (result.ok, result.value) == (True, None)
    assert not result.blocks


def test_no_measurement_at_all_is_missing():
    result = shoulders_gate(None)
    assert (result.ok, result.value, result.hint) == (False, None, "shoulders_level")


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
        assert calls == [grace_framed.shape] and m.shoulders.visible and m.shoulders.source == "mask"


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


def paint_headband(analyzer, rgb: np.ndarray, colour: tuple[int, int, int]) -> np.ndarray:
    """Return `rgb` with a band of `colour`, 0.12 face widths tall and 1.2 wide, just above the forehead line."""
    ctx = analyzer.context(rgb)
    face, fw = ctx.face, ctx.face.face_width_px
    out = rgb.copy()
    bottom = int(face.forehead_y - 0.05 * fw)
    cx = face.face_centre_x
    cv2.rectangle(out, (int(cx - 0.6 * fw), int(bottom - 0.12 * fw)), (int(cx + 0.6 * fw), bottom), colour, -1)
    return out


@pytest.mark.parametrize("colour", [(230, 60, 150), (40, 160, 70)])
def test_coloured_headband_is_a_covering(analyzer, astronaut_framed, colour):
    """A pink or green headband across the astronaut's blond hair: a fifth of the top region, over the limit."""
    assert measure_head_covering(analyzer.context(astronaut_framed)).covering_ratio == 0.0
    m = measure_head_covering(analyzer.context(paint_headband(analyzer, astronaut_framed, colour)))
    assert 0.15 < m.covering_ratio < 0.35
    assert m.covering_ratio > COVERING_MAX


def test_dark_navy_beanie_is_a_covering(analyzer, astronaut_framed):
    """Dark but blue, no hair colour: a navy beanie over the head top is seen (a black one is not: docs/accuracy.md)."""
    m = measure_head_covering(analyzer.context(paint_cap(analyzer, astronaut_framed, (30, 40, 90))))
    assert m.covering_ratio > 0.8 and m.white_ratio == 0.0


def test_a_mask_reaching_into_a_blue_backdrop_is_not_a_covering(analyzer, studio):
    """A soft webcam's person mask reaches past the hair into the backdrop (franck's fringe on a blue wall): that rim
    is left out, so the hair is not read as a blue cap. With the rim counted the same frame read 0.105."""
    from dataclasses import replace

    import capture.measures.covering as covering

    ctx = analyzer.context(studio("astronaut", (40, 90, 230)))
    grow = int(round(0.06 * ctx.face.face_width_px))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * grow + 1, 2 * grow + 1))
    wide = replace(ctx, person_mask=cv2.dilate(ctx.person_mask, kernel),
                   head=replace(ctx.head, crown_y=ctx.head.crown_y - grow))
    assert measure_head_covering(wide).covering_ratio == 0.0
    rim_counted = covering.OUTLINE_DEPTH
    try:
        covering.OUTLINE_DEPTH = 0.0
        assert measure_head_covering(wide).covering_ratio > COVERING_MAX
    finally:
        covering.OUTLINE_DEPTH = rim_counted


@pytest.mark.parametrize(("step", "first_inner_row"), [(1, 26), (2, 26), (3, 28)])
def test_outline_rim_is_under_the_outline_but_not_along_the_frame_edges(step, first_inner_row):
    """A person from row 20 down to the frame's bottom edge, across the whole width, sampled every `step` px from row
    10: the samples less than 6 px (rounded up to whole samples) under the top outline are the rim; the frame's left,
    right and bottom edges are no outline, so every later row is inside, whole."""
    from capture.measures.covering import outline_rim

    mask = np.zeros((100, 60), np.float32)
    mask[20:] = 1.0
    rows, cols = slice(10, 100, step), slice(0, 60, step)
    person, rim = outline_rim(mask, rows, cols, depth_px=6.0)
    assert person.shape == rim.shape == mask[rows, cols].shape
    for r, on, edge in zip(range(10, 100, step), person, rim):
        assert on.all() == (r >= 20) and not on.any() == (r < 20), r
        assert edge.all() if 20 <= r < first_inner_row else not edge.any(), r


def test_a_rim_sample_counts_only_when_the_covering_goes_on_below_it():
    """Column 0: a blue rim over hair (dropped); column 1: a cap's rim over more cap (kept); column 2: covering
    inside, not on the rim (kept); column 3: a rim sample at the grid's bottom keeps its own verdict."""
    from capture.measures.covering import confirmed

    covering = np.array([[1, 1, 0, 0],
                         [0, 1, 0, 0],
                         [0, 1, 1, 0],
                         [0, 0, 0, 1]], bool)
    rim = np.array([[1, 1, 0, 0],
                    [0, 0, 0, 0],
                    [0, 0, 0, 0],
                    [0, 0, 0, 1]], bool)
    assert confirmed(covering, rim, 2).astype(int).tolist() == [[0, 1, 0, 0], [0, 1, 0, 0], [0, 1, 1, 0], [0, 0, 0, 1]]
    assert (confirmed(covering, rim, 0) == covering).all()
