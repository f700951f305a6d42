"""Eye and mouth measures on the packaged real faces, and on synthetic perturbations of them.

Closed eyes and parted lips are made by moving FaceMesh points; glare and tinted lenses by painting pixels.
Every perturbation test also checks the unperturbed value, so it fails if the measure ignores the change.
"""
from __future__ import annotations

import dataclasses
import math

import cv2
import numpy as np
import pytest

from capture.measures.context import FaceContext
from capture.measures.eyes import measure_eyes
from capture.measures.mouth import measure_mouth
from profiles.defaults import GATE_DEFAULTS

EYES_OPEN_MIN = GATE_DEFAULTS["eyes_open_min_ratio"]
MOUTH_OPEN_MAX = GATE_DEFAULTS["mouth_open_max_ratio"]
GLARE_MAX = GATE_DEFAULTS["glare_max_ratio"]
TINT_MIN = GATE_DEFAULTS["tint_min_ratio"]

# FaceMesh points, written out here (not imported) so the tests do not share the module's choices.
# Lid contours between the corners, outer → inner; upper[i] faces lower[i].
UPPER_LIDS = {"right": (246, 161, 160, 159, 158, 157, 173), "left": (466, 388, 387, 386, 385, 384, 398)}
LOWER_LIDS = {"right": (7, 163, 144, 145, 153, 154, 155), "left": (249, 390, 373, 374, 380, 381, 382)}
CORNERS = {"right": (33, 133), "left": (263, 362)}
IRIS = {"right": (468, (469, 470, 471, 472)), "left": (473, (474, 475, 476, 477))}
UPPER_INNER_LIP = (191, 80, 81, 82, 13, 312, 311, 310, 415)
LOWER_INNER_LIP = (95, 88, 178, 87, 14, 317, 402, 318, 324)


@pytest.fixture(scope="module")
def contexts(analyzer, grace_framed, astronaut_framed) -> dict[str, FaceContext]:
    return {"grace": analyzer.context(grace_framed), "astronaut": analyzer.context(astronaut_framed)}


def with_points(ctx: FaceContext, points: np.ndarray) -> FaceContext:
    """Return `ctx` with the subject's landmarks replaced."""
    return dataclasses.replace(ctx, face=dataclasses.replace(ctx.face, points=points.astype(np.float32)))


def with_pixels(ctx: FaceContext, rgb: np.ndarray) -> FaceContext:
    """Return `ctx` with the frame replaced (same landmarks)."""
    return dataclasses.replace(ctx, rgb=rgb)


def close_lids(ctx: FaceContext, sides: tuple[str, ...], keep: float = 0.1) -> FaceContext:
    """Return `ctx` with each upper lid point moved towards its lower partner, leaving `keep` of the gap."""
    pts = ctx.face.points.copy()
    for side in sides:
        upper, lower = list(UPPER_LIDS[side]), list(LOWER_LIDS[side])
        mid = (pts[upper, :2] + pts[lower, :2]) / 2
        pts[upper, :2] = mid + keep * (pts[upper, :2] - mid)
        pts[lower, :2] = mid + keep * (pts[lower, :2] - mid)
    return with_points(ctx, pts)


def eye_frame(ctx: FaceContext, side: str) -> tuple[np.ndarray, float, float]:
    """Return the eye centre (corner midpoint, px), its corner-to-corner width (px) and tilt (degrees)."""
    a, b = (ctx.face.xy(i).astype(np.float64) for i in CORNERS[side])
    return (a + b) / 2, float(np.linalg.norm(b - a)), math.degrees(math.atan2(b[1] - a[1], b[0] - a[0]))


def iris_circle(ctx: FaceContext, side: str) -> tuple[np.ndarray, float]:
    """Return the iris centre (px) and radius (px)."""
    centre, ring = IRIS[side]
    c = ctx.face.xy(centre).astype(np.float64)
    return c, float(np.mean([np.linalg.norm(ctx.face.xy(i) - c) for i in ring]))


def paint_ellipse(rgb: np.ndarray, centre: np.ndarray, axes: tuple[float, float], angle: float,
                  colour: tuple[int, int, int]) -> None:
    """Fill an ellipse of `colour` in place (px)."""
    cv2.ellipse(rgb, (round(centre[0]), round(centre[1])), (max(1, round(axes[0])), max(1, round(axes[1]))),
                angle, 0, 360, colour, -1)


# --- unperturbed faces -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["grace", "astronaut"])
def test_real_faces_pass_eye_rules(name, contexts):
    """Both packaged portraits have open eyes, no glasses: every eye rule passes at the default thresholds."""
    m = measure_eyes(contexts[name])
    assert m.open_min_ratio >= EYES_OPEN_MIN
    assert m.open_min_ratio == min(m.open_right_ratio, m.open_left_ratio)
    assert m.glare_max_ratio <= GLARE_MAX
    assert m.tint_ratio >= TINT_MIN


def test_grace_mouth_is_closed(contexts):
    assert measure_mouth(contexts["grace"]).open_ratio <= MOUTH_OPEN_MAX


def test_astronaut_smile_with_teeth_fails_mouth_closed(contexts):
    """A real open mouth: the astronaut smiles with her teeth showing, which an ID photo does not allow."""
    m = measure_mouth(contexts["astronaut"])
    assert m.open_ratio > MOUTH_OPEN_MAX
    assert m.teeth_ratio > 0.2
    assert measure_mouth(contexts["grace"]).teeth_ratio < 0.05


# --- eyes open ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["grace", "astronaut"])
def test_closed_lids_fail_eyes_open(name, contexts):
    ctx = contexts[name]
    assert measure_eyes(ctx).open_min_ratio >= EYES_OPEN_MIN
    closed = measure_eyes(close_lids(ctx, ("right", "left")))
    assert closed.open_right_ratio < EYES_OPEN_MIN
    assert closed.open_left_ratio < EYES_OPEN_MIN


def test_wink_fails_eyes_open(contexts):
    """One closed eye is enough to fail: the gate uses the smaller opening."""
    m = measure_eyes(close_lids(contexts["grace"], ("left",)))
    assert m.open_right_ratio >= EYES_OPEN_MIN
    assert m.open_left_ratio < EYES_OPEN_MIN
    assert m.open_min_ratio < EYES_OPEN_MIN


def test_eye_opening_is_normalised_by_eye_to_chin(contexts, grace_framed, analyzer):
    """The same face at twice the resolution gives the same opening ratio (within landmark noise)."""
    big = cv2.resize(grace_framed, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_CUBIC)
    small = measure_eyes(contexts["grace"]).open_min_ratio
    assert measure_eyes(analyzer.context(big)).open_min_ratio == pytest.approx(small, rel=0.15)


# --- glare ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["grace", "astronaut"])
def test_specular_spots_over_irises_fail_glare(name, contexts):
    """Lens reflections hiding both irises (white, iris-sized ellipses) fail the glare rule."""
    ctx = contexts[name]
    assert measure_eyes(ctx).glare_max_ratio <= GLARE_MAX
    rgb = ctx.rgb.copy()
    for side in ("right", "left"):
        centre, radius = iris_circle(ctx, side)
        paint_ellipse(rgb, centre, (1.1 * radius, 0.9 * radius), 20.0, (255, 255, 255))
    m = measure_eyes(with_pixels(ctx, rgb))
    assert m.glare_right_ratio > GLARE_MAX and m.glare_left_ratio > GLARE_MAX
    assert m.glare_max_ratio == max(m.glare_right_ratio, m.glare_left_ratio)


@pytest.mark.parametrize("name", ["grace", "astronaut"])
def test_catchlight_in_bare_eye_is_not_glare(name, contexts):
    """A small lamp reflection on the iris is a catchlight; the same spot on the lens below the eye is glare."""
    ctx = contexts[name]
    on_iris, below_eye = ctx.rgb.copy(), ctx.rgb.copy()
    for side in ("right", "left"):
        centre, radius = iris_circle(ctx, side)
        eye_centre, width, _ = eye_frame(ctx, side)
        spot = (0.3 * radius, 0.3 * radius)
        paint_ellipse(on_iris, centre + (0.25 * radius, -0.25 * radius), spot, 0.0, (255, 255, 255))
        paint_ellipse(below_eye, eye_centre + (0.0, 0.3 * width), spot, 0.0, (255, 255, 255))
    before = measure_eyes(ctx)
    catchlights = measure_eyes(with_pixels(ctx, on_iris))
    assert catchlights.glare_right_ratio == before.glare_right_ratio
    assert catchlights.glare_left_ratio == before.glare_left_ratio
    spots = measure_eyes(with_pixels(ctx, below_eye))
    assert spots.glare_right_ratio > before.glare_right_ratio and spots.glare_left_ratio > before.glare_left_ratio


def test_glare_over_the_iris_weighs_more(contexts):
    """The same white spot counts for more over the iris (it hides the eye) than on the lens below the eye."""
    ctx = contexts["grace"]
    on_iris, below_eye = ctx.rgb.copy(), ctx.rgb.copy()
    for side in ("right", "left"):
        centre, radius = iris_circle(ctx, side)
        eye_centre, width, _ = eye_frame(ctx, side)
        paint_ellipse(on_iris, centre, (0.8 * radius, 0.8 * radius), 0.0, (255, 255, 255))
        paint_ellipse(below_eye, eye_centre + (0.0, 0.35 * width), (0.8 * radius, 0.8 * radius), 0.0, (255, 255, 255))
    assert measure_eyes(with_pixels(ctx, on_iris)).glare_max_ratio > 1.5 * measure_eyes(
        with_pixels(ctx, below_eye)).glare_max_ratio


def test_skin_coloured_highlight_is_not_glare(contexts):
    """A bright patch that keeps a skin tint (shiny skin, S ≈ 0.22) is not glare; the same patch in white is."""
    ctx = contexts["grace"]
    tinted, white = ctx.rgb.copy(), ctx.rgb.copy()
    for side in ("right", "left"):
        centre, width, angle = eye_frame(ctx, side)
        patch = (centre + (0.0, 0.35 * width), (0.4 * width, 0.12 * width), angle)
        paint_ellipse(tinted, *patch, (255, 215, 200))
        paint_ellipse(white, *patch, (250, 250, 250))
    assert measure_eyes(with_pixels(ctx, tinted)).glare_max_ratio <= GLARE_MAX
    assert measure_eyes(with_pixels(ctx, white)).glare_max_ratio > GLARE_MAX


@pytest.mark.parametrize(("name", "gain"), [("grace", 1.8), ("astronaut", 1.5)])
def test_overexposed_pale_skin_is_not_glare(name, gain, contexts):
    """Skin pushed to near-white by overexposure is no whiter than the cheeks, so it is not lens glare."""
    ctx = contexts[name]
    rgb = np.clip(ctx.rgb.astype(np.float32) * gain, 0, 255).astype(np.uint8)
    assert measure_eyes(with_pixels(ctx, rgb)).glare_max_ratio <= GLARE_MAX


def test_coloured_coating_reflection_fails_glare(contexts):
    """A green or purple reflection (an anti-reflection coating) on the lens beside the eye is glare; the same
    patch in the subject's own skin colour is not."""
    ctx = contexts["grace"]
    assert measure_eyes(ctx).glare_max_ratio <= GLARE_MAX
    for colour in ((150, 235, 170), (215, 170, 250)):
        rgb = ctx.rgb.copy()
        for side in ("right", "left"):
            centre, width, angle = eye_frame(ctx, side)
            paint_ellipse(rgb, centre + (0.0, 0.3 * width), (0.35 * width, 0.12 * width), angle, colour)
        m = measure_eyes(with_pixels(ctx, rgb))
        assert m.glare_right_ratio > GLARE_MAX and m.glare_left_ratio > GLARE_MAX, colour


def test_blue_green_iris_is_not_coloured_glare(contexts):
    """A coloured iris is no reflection: pixels inside the eye opening never count as coloured glare."""
    ctx = contexts["astronaut"]
    rgb = ctx.rgb.copy()
    for side in ("right", "left"):
        centre, radius = iris_circle(ctx, side)
        paint_ellipse(rgb, centre, (radius, radius), 0.0, (90, 190, 200))
    assert measure_eyes(with_pixels(ctx, rgb)).glare_max_ratio == measure_eyes(ctx).glare_max_ratio


# --- tinted lenses -----------------------------------------------------------------------------------------


def darken_lenses(ctx: FaceContext, factor: float) -> FaceContext:
    """Return `ctx` with lens-shaped ellipses around both eyes multiplied by `factor` (tinted glasses)."""
    mask = np.zeros(ctx.rgb.shape[:2], np.uint8)
    for side in ("right", "left"):
        centre, width, angle = eye_frame(ctx, side)
        paint_ellipse(mask, centre + (0.0, 0.05 * width), (0.95 * width, 0.7 * width), angle, (1, 1, 1))
    rgb = ctx.rgb.astype(np.float32)
    rgb[mask.astype(bool)] *= factor
    return with_pixels(ctx, np.clip(np.round(rgb), 0, 255).astype(np.uint8))


@pytest.mark.parametrize("name", ["grace", "astronaut"])
def test_dark_lenses_fail_tint(name, contexts):
    ctx = contexts[name]
    assert measure_eyes(ctx).tint_ratio >= TINT_MIN
    assert measure_eyes(darken_lenses(ctx, 0.3)).tint_ratio < TINT_MIN


#: lens transmissions per linear-light channel (R, G, B): fashion tints and a clear lens
LENSES = {"orange": (0.9, 0.55, 0.2), "brown": (0.5, 0.3, 0.15), "blue": (0.35, 0.5, 0.85),
          "dark grey": (0.12, 0.12, 0.12), "clear": (0.92, 0.92, 0.92)}


def filter_lenses(ctx: FaceContext, transmission: tuple[float, float, float]) -> FaceContext:
    """Return `ctx` with lens-shaped ellipses around both eyes filtered in linear light (a coloured lens)."""
    mask = np.zeros(ctx.rgb.shape[:2], np.uint8)
    for side in ("right", "left"):
        centre, width, angle = eye_frame(ctx, side)
        paint_ellipse(mask, centre + (0.0, 0.05 * width), (0.95 * width, 0.7 * width), angle, (1, 1, 1))
    c = ctx.rgb.astype(np.float64) / 255.0
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    lin[mask.astype(bool)] *= np.asarray(transmission)
    out = np.where(lin <= 0.0031308, lin * 12.92, 1.055 * lin ** (1 / 2.4) - 0.055)
    return with_pixels(ctx, np.clip(np.round(out * 255.0), 0, 255).astype(np.uint8))


@pytest.mark.parametrize("name", ["grace", "astronaut"])
@pytest.mark.parametrize("lens", ["orange", "brown", "blue", "dark grey"])
def test_coloured_and_grey_fashion_lenses_fail_tint(name, lens, contexts):
    """Orange, brown and blue lenses fail by their colour though they take little light; a dark grey one by its
    darkness."""
    m = measure_eyes(filter_lenses(contexts[name], LENSES[lens]))
    assert m.tint_ratio < TINT_MIN
    shift = (m.colour_shift_right, m.colour_shift_left)
    if lens in ("orange", "brown"):  # red passes, blue is stopped: warmer than any shaded skin
        assert min(shift) > 0.7
    elif lens == "blue":
        assert max(shift) < -0.35
    else:  # grey: no colour, fails by darkness
        assert max(abs(x) for x in shift) < 0.35


@pytest.mark.parametrize("name", ["grace", "astronaut"])
def test_clear_lenses_pass_tint(name, contexts):
    """Clear lenses that take a little light (×0.85 in sRGB, or 8 % in linear light) still pass."""
    assert measure_eyes(darken_lenses(contexts[name], 0.85)).tint_ratio >= TINT_MIN
    m = measure_eyes(filter_lenses(contexts[name], LENSES["clear"]))
    assert m.tint_ratio >= TINT_MIN
    assert max(abs(m.colour_shift_right), abs(m.colour_shift_left)) < 0.35


def test_coloured_light_on_one_side_is_not_a_tint(contexts):
    """An orange cast over one eye only (coloured light from one side) is not a tinted pair of glasses."""
    ctx = contexts["grace"]
    tinted = filter_lenses(ctx, LENSES["orange"])
    rgb = ctx.rgb.copy()
    half = round(ctx.face.eye_mid[0])
    rgb[:, :half] = tinted.rgb[:, :half]  # the image-left lens only
    assert measure_eyes(with_pixels(ctx, rgb)).tint_ratio >= TINT_MIN


def test_tint_compares_each_eye_with_its_own_cheek(contexts):
    """Strong side light (one half of the face 4× darker) is not a tint: each eye is judged against its own cheek."""
    ctx = contexts["grace"]
    rgb = ctx.rgb.astype(np.float32)
    rgb[:, round(ctx.face.eye_mid[0]):] *= 0.25
    m = measure_eyes(with_pixels(ctx, rgb.astype(np.uint8)))
    assert m.tint_ratio >= TINT_MIN


# --- mouth ---------------------------------------------------------------------------------------------------


def test_parted_lips_fail_mouth_closed(contexts):
    ctx = contexts["grace"]
    assert measure_mouth(ctx).open_ratio <= MOUTH_OPEN_MAX
    down = ctx.face.xy(152).astype(np.float64) - ctx.face.eye_mid
    down /= np.linalg.norm(down)
    shift = 0.03 * ctx.eye_to_chin_px * down
    pts = ctx.face.points.copy()
    pts[list(UPPER_INNER_LIP), :2] -= shift
    pts[list(LOWER_INNER_LIP), :2] += shift
    assert measure_mouth(with_points(ctx, pts)).open_ratio > MOUTH_OPEN_MAX
