"""Eyes: lid opening (OFIQ-style), specular glare on glasses, and tinted lenses.

Lengths are normalised by T, the eye-midpoint-to-chin distance (OFIQ). Pixel work is done on small crops: a
"lens region" per eye (an ellipse where a spectacle lens sits, 1.7 × 1.2 eye widths) and cheek patches below the
eyes, so a call costs a few ms whatever the frame size.

Glare: specular pixels (bright, white, whiter than any ordinary skin on the cheeks) grouped into blobs; a blob
counts when it sits on the lens and reaches the eye, and not when it is a catchlight (a small lamp reflection
wholly on the iris of a bare eye). Glare over the iris weighs triple. Tint: each lens region's median brightness
against the cheek on the same side. Values that cannot be measured (an eye outside the frame) are NaN, which
fails any threshold comparison.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import cv2
import numpy as np

from capture.faces.parts import (IRIS_LEFT, IRIS_RIGHT, LEFT_EYE_INNER, LEFT_EYE_OUTER, LEFT_EYE_RING, LEFT_IRIS_RING,
                                 LEFT_LID_PAIRS, LEFT_UNDER_EYE_CHEEK, RIGHT_EYE_INNER, RIGHT_EYE_OUTER, RIGHT_EYE_RING,
                                 RIGHT_IRIS_RING, RIGHT_LID_PAIRS, RIGHT_UNDER_EYE_CHEEK)
from capture.measures.context import FaceContext

#: lens ellipse semi-axes as multiples of the eye's corner-to-corner width (a lens is ~1.7 eye widths across)
LENS_HALF_WIDTH = 0.85
LENS_HALF_HEIGHT = 0.6
#: half-side of each cheek patch, share of the inter-eye distance
SKIN_PATCH_HALF = 0.06
#: specular pixel: HSV value above SPEC_MIN_V, saturation below SPEC_S_OF_SKIN × the cheeks' median saturation
#: (kept within SPEC_MIN_S..SPEC_MAX_S), and whiteness (the smallest of R, G, B) above the cheeks' 98th
#: percentile + SPEC_OVER_SKIN. The skin terms keep shiny or pale skin around the eyes from counting: its
#: highlights keep some skin colour (S ≈ 0.15–0.25 on the dev set), while light reflected by a lens is as white
#: as the lamp (S < 0.07). Whiteness, unlike HSV value, is not fooled by skin whose red channel clips.
SPEC_MIN_V = 0.9
SPEC_OVER_SKIN = 0.03
SPEC_S_OF_SKIN = 0.35
SPEC_MIN_S = 0.06
SPEC_MAX_S = 0.25
#: glare counts only in blobs reaching the eye zone: an ellipse of these semi-axes (× eye width) around the eye
#: (reflections at the rim of a lens, and white hat brims or hair above it, do not hide the eye)
EYE_ZONE_HALF_WIDTH = 0.65
EYE_ZONE_HALF_HEIGHT = 0.4
#: a specular blob wholly within the iris disc enlarged CATCHLIGHT_DISC times (the cornea, with room for landmark
#: error) and smaller than CATCHLIGHT_MAX_IRIS_SHARE of the iris disc is a catchlight (the lamp mirrored by the
#: cornea of a bare eye), not glare
CATCHLIGHT_DISC = 1.25
CATCHLIGHT_MAX_IRIS_SHARE = 0.3
#: weight of glare pixels on the visible iris (glare hiding the eye matters most); sclera pixels weigh 0
IRIS_WEIGHT = 3.0


@dataclass(frozen=True)
class _EyePoints:
    """FaceMesh indices describing one eye (the subject's own side)."""

    ring: tuple[int, ...]  # eye-opening contour, corner → upper lid → corner → lower lid
    lid_pairs: tuple[tuple[int, int], ...]  # upper/lower lid points facing each other across the opening
    corners: tuple[int, int]  # outer, inner corner
    iris: int  # iris centre
    iris_ring: tuple[int, ...]  # four points on the iris edge
    cheek: tuple[int, ...]  # skin reference below this eye, clear of where most lenses sit


RIGHT_EYE = _EyePoints(
    ring=RIGHT_EYE_RING, lid_pairs=RIGHT_LID_PAIRS, corners=(RIGHT_EYE_OUTER, RIGHT_EYE_INNER), iris=IRIS_RIGHT,
    iris_ring=RIGHT_IRIS_RING, cheek=RIGHT_UNDER_EYE_CHEEK,
)
LEFT_EYE = _EyePoints(
    ring=LEFT_EYE_RING, lid_pairs=LEFT_LID_PAIRS, corners=(LEFT_EYE_OUTER, LEFT_EYE_INNER), iris=IRIS_LEFT,
    iris_ring=LEFT_IRIS_RING, cheek=LEFT_UNDER_EYE_CHEEK,
)


@dataclass(frozen=True)
class EyesMeasure:
    """Eye opening, glare and tint values. Right/left are the subject's own."""

    open_right_ratio: float  # largest upper-to-lower lid distance of the right eye ÷ T
    open_left_ratio: float  # same for the left eye
    open_min_ratio: float  # the smaller of the two (the eyes-open gate)
    glare_right_ratio: float  # weighted share of the right lens region that is lens glare (0..~3; catchlights excluded)
    glare_left_ratio: float
    glare_max_ratio: float  # the larger of the two (the glare gate)
    brightness_right: float  # median HSV value (0..1) of the right lens region
    brightness_left: float
    skin_brightness: float  # median HSV value (0..1) of the cheek patches, mean of both sides
    tint_ratio: float  # min over eyes of lens-region brightness ÷ same-side cheek brightness (sunglasses ≪ 1)


@dataclass(frozen=True)
class _Skin:
    """Cheek statistics, HSV 0..1."""

    right_value: float  # median value below the right eye
    left_value: float
    high_white: float  # 98th percentile over both cheeks of min(R, G, B) (0..1): the whitest ordinary skin
    saturation: float  # median saturation over both cheeks


def lid_opening_ratio(ctx: FaceContext, eye: _EyePoints) -> float:
    """Return the eye's largest distance between facing upper/lower lid points ÷ T."""
    p = ctx.face.points[:, :2].astype(np.float64)
    pairs = np.asarray(eye.lid_pairs)
    gap = float(np.max(np.linalg.norm(p[pairs[:, 0]] - p[pairs[:, 1]], axis=1)))
    return gap / max(ctx.eye_to_chin_px, 1e-6)


def _value_saturation(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return HSV value and saturation (uint8, 0..255 for 0..1) of an H×W×3 uint8 RGB image."""
    hsv = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2HSV)
    return hsv[..., 2], hsv[..., 1]


def _whiteness(rgb: np.ndarray) -> np.ndarray:
    """Return min(R, G, B) (uint8) of an H×W×3 uint8 RGB image: high only where all three channels are."""
    r, g, b = cv2.split(np.ascontiguousarray(rgb))
    return cv2.min(cv2.min(r, g), b)


def _crop(ctx: FaceContext, centre: np.ndarray, half: float) -> tuple[np.ndarray, int, int]:
    """Return the square crop of half-side `half` px around `centre` (clipped) and its top-left x, y."""
    x0, y0 = int(max(0, math.floor(centre[0] - half))), int(max(0, math.floor(centre[1] - half)))
    x1 = int(min(ctx.width, math.ceil(centre[0] + half) + 1))
    y1 = int(min(ctx.height, math.ceil(centre[1] + half) + 1))
    return ctx.rgb[y0:max(y0, y1), x0:max(x0, x1)], x0, y0


def _cheek_pixels(ctx: FaceContext, eye: _EyePoints) -> np.ndarray:
    """Return the (N, 3) uint8 pixels of square patches around the cheek points below `eye`."""
    half = max(2.0, SKIN_PATCH_HALF * ctx.face.inter_eye_px)
    crops = [c.reshape(-1, 3) for c in (_crop(ctx, ctx.face.xy(i), half)[0] for i in eye.cheek) if c.size]
    return np.concatenate(crops) if crops else np.zeros((0, 3), np.uint8)


def skin_stats(ctx: FaceContext) -> _Skin:
    """Return the cheeks' brightness (median per side, 98th percentile of both) and median saturation."""
    right, left = _cheek_pixels(ctx, RIGHT_EYE), _cheek_pixels(ctx, LEFT_EYE)
    if right.size + left.size == 0:
        return _Skin(math.nan, math.nan, 1.0, 0.0)
    both = np.concatenate([right, left])[None]
    v, s = _value_saturation(both)
    v_right, v_left = v[0, : len(right)], v[0, len(right):]
    side = lambda vals: float(np.median(vals if vals.size else v)) / 255.0  # noqa: E731
    white = float(np.percentile(_whiteness(both), 98)) / 255.0
    return _Skin(side(v_right), side(v_left), white, float(np.median(s)) / 255.0)


def _glare_weight(spec: np.ndarray, lens: np.ndarray, zone: np.ndarray, iris: np.ndarray, sclera: np.ndarray,
                  cornea: np.ndarray, iris_area: float) -> float:
    """Return the weighted count of glare pixels inside the `lens` (bool masks of one crop).

    A blob counts when it reaches the eye `zone`, is not a catchlight (small, wholly on the `cornea`), and has at least half of its pixels inside
    the lens (otherwise it is something beyond the lens: a white cap brim, a bright background, a shiny forehead).
    Pixels on the visible iris weigh IRIS_WEIGHT, on the sclera 0 (a bright sclera is not glare), elsewhere 1.
    """
    n, labels = cv2.connectedComponents(spec.astype(np.uint8), connectivity=8)
    total = np.bincount(labels.ravel(), minlength=n).astype(np.float64)
    area = np.bincount(labels[lens], minlength=n).astype(np.float64)
    on_iris = np.bincount(labels[iris], minlength=n).astype(np.float64)
    on_sclera = np.bincount(labels[sclera], minlength=n).astype(np.float64)
    on_cornea = np.bincount(labels[cornea], minlength=n)
    catchlight = (on_cornea >= total) & (total <= CATCHLIGHT_MAX_IRIS_SHARE * iris_area)
    keep = ~catchlight & (np.bincount(labels[zone], minlength=n) > 0) & (area >= total - area)
    keep[0] = False  # background label
    return float(np.sum((area - on_sclera - on_iris + IRIS_WEIGHT * on_iris)[keep]))


def _lens_region(ctx: FaceContext, eye: _EyePoints, skin: _Skin) -> tuple[float, float]:
    """Return (glare ratio, median HSV value) of the lens-shaped ellipse around `eye`; NaN if out of frame."""
    pts = ctx.face.points[:, :2].astype(np.float64)
    a, b = pts[eye.corners[0]], pts[eye.corners[1]]
    width = float(np.linalg.norm(b - a))
    centre = (a + b) / 2
    crop, x0, y0 = _crop(ctx, centre, LENS_HALF_WIDTH * width)
    if width < 2 or min(crop.shape[:2]) < 3:
        return math.nan, math.nan
    origin = np.array([x0, y0], np.float64)
    cc = np.round(centre - origin).astype(int)
    angle = math.degrees(math.atan2(*(b - a)[::-1]))
    lens = np.zeros(crop.shape[:2], np.uint8)
    axes = (round(LENS_HALF_WIDTH * width), round(LENS_HALF_HEIGHT * width))
    cv2.ellipse(lens, (int(cc[0]), int(cc[1])), axes, angle, 0, 360, 1, -1)
    in_lens = lens.astype(bool)
    if not in_lens.any():
        return math.nan, math.nan
    v, s = _value_saturation(crop)
    brightness = float(np.median(v[in_lens])) / 255.0

    max_s = min(SPEC_MAX_S, max(SPEC_MIN_S, SPEC_S_OF_SKIN * skin.saturation))
    spec = (v > 255.0 * SPEC_MIN_V) & (s < 255.0 * max_s)
    spec &= _whiteness(crop) > 255.0 * (skin.high_white + SPEC_OVER_SKIN)
    if not (spec & in_lens).any():
        return 0.0, brightness
    opening = np.zeros_like(lens)
    cv2.fillPoly(opening, [np.round(pts[list(eye.ring)] - origin).astype(np.int32)], 1)
    disc = np.zeros_like(lens)
    radius = float(np.mean(np.linalg.norm(pts[list(eye.iris_ring)] - pts[eye.iris], axis=1)))
    ic = np.round(pts[eye.iris] - origin).astype(int)
    cv2.circle(disc, (int(ic[0]), int(ic[1])), max(1, round(radius)), 1, -1)
    iris = (opening & disc).astype(bool)
    sclera = opening.astype(bool) & ~iris
    cornea = np.zeros_like(lens)
    cv2.circle(cornea, (int(ic[0]), int(ic[1])), max(1, round(CATCHLIGHT_DISC * radius)), 1, -1)
    zone = np.zeros_like(lens)
    axes = (round(EYE_ZONE_HALF_WIDTH * width), round(EYE_ZONE_HALF_HEIGHT * width))
    cv2.ellipse(zone, (int(cc[0]), int(cc[1])), axes, angle, 0, 360, 1, -1)
    weight = _glare_weight(spec, in_lens, zone.astype(bool), iris, sclera, cornea.astype(bool),
                           max(1.0, math.pi * radius * radius))
    return weight / float(in_lens.sum()), brightness


def measure_eyes(ctx: FaceContext) -> EyesMeasure:
    """Return the eye opening, glare and tint measures of the subject in `ctx`."""
    open_r, open_l = lid_opening_ratio(ctx, RIGHT_EYE), lid_opening_ratio(ctx, LEFT_EYE)
    skin = skin_stats(ctx)
    glare_r, bright_r = _lens_region(ctx, RIGHT_EYE, skin)
    glare_l, bright_l = _lens_region(ctx, LEFT_EYE, skin)
    # each eye against the cheek on its own side, so side lighting does not read as a tint
    tints = [b / k if k > 1e-3 else math.nan for b, k in ((bright_r, skin.right_value), (bright_l, skin.left_value))]
    return EyesMeasure(
        open_right_ratio=open_r,
        open_left_ratio=open_l,
        open_min_ratio=min(open_r, open_l),
        glare_right_ratio=glare_r,
        glare_left_ratio=glare_l,
        glare_max_ratio=math.nan if math.isnan(glare_r + glare_l) else max(glare_r, glare_l),
        brightness_right=bright_r,
        brightness_left=bright_l,
        skin_brightness=float(np.mean([skin.right_value, skin.left_value])),
        tint_ratio=math.nan if math.isnan(sum(tints)) else min(tints),
    )


def with_openness(measure: EyesMeasure, ctx: FaceContext) -> EyesMeasure:
    """Return `measure` with the lid openings re-measured on `ctx` (landmarks only, microseconds); the pixel
    values (glare, brightness, tint) are kept. The live kiosk uses it between full analyses: blinks are fast,
    lighting and lenses change slowly."""
    open_r, open_l = lid_opening_ratio(ctx, RIGHT_EYE), lid_opening_ratio(ctx, LEFT_EYE)
    return replace(measure, open_right_ratio=open_r, open_left_ratio=open_l, open_min_ratio=min(open_r, open_l))
