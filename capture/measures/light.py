"""Light on the face: left/right balance, ICAO-style zones, overall level and clipping.

Everything is measured on a crop around the face oval (the FaceMesh silhouette), never on the whole frame.
Luminance is relative luminance Y (0..1) of linearised sRGB with Rec. 709 weights (as OFIQ);
"8-bit luma" for clipping is the gamma-encoded Rec. 709 luma Y' (0..255) of the sRGB values, so "clipped" means what a
camera histogram shows (see `clipped_dark_ratio`).

Patches follow the face's own axes (the eye line and its perpendicular), so a rolled head keeps its zones on the skin.
Sizes scale with the inter-eye distance IED (iris centre to iris centre).

Level and clipping are measured on the face *skin*: the face oval shrunk towards the nose tip (`SKIN_OVAL_SHRINK`, keeps
the hairline and the face edge out) without the eyes with their brows and the lips (each grown by `HOLE_GROW_IED`).
Dark pupils, brows, lashes, fringes, sunglasses lenses and open mouths would otherwise count as "clipped dark": on
the development photos this halves the false alarms of the clipping rule without losing over-exposure.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from capture.faces.parts import (CHIN, IRIS_LEFT, IRIS_RIGHT, LOWER_LIP_BOTTOM, MID_FOREHEAD, NOSE_TIP, UPPER_LIP_TOP,
                                 face_oval_indices, face_part_indices)
from capture.measures.context import FaceContext

#: 8-bit luma at or below which a pixel counts as clipped dark, and at or above which it counts as clipped bright
DARK_LEVEL = 25
BRIGHT_LEVEL = 247
#: side of every patch (cheeks, forehead, chin) as a share of the inter-eye distance (OFIQ, ICAO implementations)
PATCH_SIDE_IED = 0.3
#: a patch keeps only its pixels inside the face oval unless fewer than this share remains (then it is used whole)
_MIN_INSIDE_SHARE = 0.3
#: the face is sampled every n-th px so that at least this many samples span the inter-eye distance (speed)
SAMPLES_PER_IED = 50
#: the skin region is the face oval scaled by this factor about the nose tip ...
SKIN_OVAL_SHRINK = 0.9
#: ... without the eyes+brows and the lips, each grown by this share of the IED
HOLE_GROW_IED = 0.06

def _linear_lut() -> np.ndarray:
    c = np.arange(256, dtype=np.float64) / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4).astype(np.float32)


#: sRGB code value (0..255) → linear light (0..1)
SRGB_TO_LINEAR = _linear_lut()


def crop_box(points: np.ndarray, shape: tuple[int, ...], margin: float = 2.0) -> tuple[int, int, int, int]:
    """Return the integer box (x0, y0, x1, y1) px around `points` ((N, 2) px), widened by `margin` px, clipped."""
    h, w = shape[:2]
    lo, hi = points.min(axis=0), points.max(axis=0)
    (x_lo, y_lo), (x_hi, y_hi) = lo.tolist(), hi.tolist()  # exact, as Python floats: the same arithmetic, faster
    if not math.isfinite(x_lo + y_lo + x_hi + y_hi):  # NaN or inf: as NumPy's floor and ceil take them
        return (int(max(0, np.floor(lo[0] - margin))), int(max(0, np.floor(lo[1] - margin))),
                int(min(w, np.ceil(hi[0] + margin) + 1)), int(min(h, np.ceil(hi[1] + margin) + 1)))
    return (max(0, math.floor(x_lo - margin)), max(0, math.floor(y_lo - margin)),
            min(w, math.ceil(x_hi + margin) + 1), min(h, math.ceil(y_hi + margin) + 1))


def linear_luminance(rgb: np.ndarray) -> np.ndarray:
    """Return relative luminance Y (0..1, float32) of an sRGB uint8 image (table look-up, fast on crops)."""
    lin = SRGB_TO_LINEAR[rgb]
    return lin[..., 0] * 0.2126 + lin[..., 1] * 0.7152 + lin[..., 2] * 0.0722


def luma8(rgb: np.ndarray) -> np.ndarray:
    """Return the gamma-encoded Rec. 709 luma Y' (0..255, float32) of an sRGB uint8 image."""
    c = rgb.astype(np.float32)
    return c[..., 0] * 0.2126 + c[..., 1] * 0.7152 + c[..., 2] * 0.0722


@dataclass(frozen=True)
class LightZones:
    """Mean relative luminance (0..1) of four patches of side 0.3·IED; cheeks named as the subject's own."""

    forehead: float
    chin: float
    cheek_right: float  # subject's right = image left
    cheek_left: float


@dataclass(frozen=True)
class LightMeasure:
    """How the face is lit. Luminances are linear-light Y in 0..1; ratios are 0..1 (1 = perfectly even)."""

    balance_ratio: float  # darker cheek ÷ brighter cheek mean luminance
    zones: LightZones
    zone_min_ratio: float  # darkest zone ÷ brightest zone (ICAO-style, 4 zones)
    face_luma_mean: float  # mean Y over the face skin, 0..1
    face_luma8_mean: float  # mean gamma-encoded luma Y' over the face skin, 0..255 (what a histogram shows)
    clipped_dark_ratio: float  # share of face-skin pixels with 8-bit luma Y' <= 25
    clipped_bright_ratio: float  # share of face-skin pixels with 8-bit luma Y' >= 247
    histogram_intersection: float  # overlap (0..1) of the two cheeks' normalised 64-bin Y' histograms (OFIQ-style)
    face_pixels: int  # skin samples measured (every n-th frame px, see SAMPLES_PER_IED)

    @property
    def clipped_ratio(self) -> float:
        """Return the share of face pixels clipped dark or bright."""
        return self.clipped_dark_ratio + self.clipped_bright_ratio


def _square(centre: np.ndarray, u: np.ndarray, v: np.ndarray, side: float) -> np.ndarray:
    """Return the 4 corners (px) of a square of `side` px centred on `centre`, with edges along unit vectors u, v."""
    a, b = u * side / 2, v * side / 2
    return np.array([centre - a - b, centre + a - b, centre + a + b, centre - a + b], np.float32)


def _patch_mask(shape: tuple[int, int], corners: np.ndarray, oval: np.ndarray) -> np.ndarray:
    """Return the bool mask of a patch, restricted to the face oval unless little of it is inside."""
    patch = np.zeros(shape, np.uint8)
    cv2.fillConvexPoly(patch, np.round(corners).astype(np.int32), 1)
    patch = patch.astype(bool)
    inside = patch & oval
    total = int(patch.sum())
    if total and inside.sum() >= _MIN_INSIDE_SHARE * total:
        return inside
    return patch


def _skin_mask(shape: tuple[int, int], pts: np.ndarray, ied: float) -> np.ndarray:
    """Return the bool face-skin mask: the shrunk face oval without eyes+brows and lips (see module doc)."""
    nose = pts[NOSE_TIP]
    oval = nose + (pts[list(face_oval_indices())] - nose) * SKIN_OVAL_SHRINK
    skin = np.zeros(shape, np.uint8)
    cv2.fillPoly(skin, [np.round(oval).astype(np.int32)], 1)
    holes = np.zeros(shape, np.uint8)
    for part in face_part_indices():
        cv2.fillConvexPoly(holes, cv2.convexHull(np.round(pts[list(part)]).astype(np.int32)), 1)
    grow = 2 * max(1, round(HOLE_GROW_IED * ied)) + 1
    holes = cv2.dilate(holes, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (grow, grow)))
    return (skin > 0) & (holes == 0)


def _mean(values: np.ndarray, mask: np.ndarray) -> float:
    return float(values[mask].mean()) if mask.any() else float("nan")


def _min_max_ratio(values: tuple[float, ...]) -> float:
    """Return min ÷ max of the finite `values` (1.0 when all are 0; NaN when fewer than two are finite)."""
    finite = [x for x in values if np.isfinite(x)]
    if len(finite) < 2:
        return float("nan")
    hi = max(finite)
    return float(min(finite) / hi) if hi > 0 else 1.0


def _zone_masks(shape: tuple[int, int], pts: np.ndarray,
                oval: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
    """Return the bool masks (forehead, chin, right cheek, left cheek) of the square zone patches inside the face
    `oval`, and the inter-eye distance, px of the crop; `pts` are the landmarks in the crop's px."""
    # face axes: u along the eye line (image left → right), v perpendicular, pointing down the face
    eye_r, eye_l = pts[IRIS_RIGHT], pts[IRIS_LEFT]
    ied = max(float(np.linalg.norm(eye_l - eye_r)), 1.0)
    u = (eye_l - eye_r) / ied
    v = np.array([-u[1], u[0]], np.float32)
    if v[1] < 0:
        v = -v
    side = PATCH_SIDE_IED * ied
    eye_mid = (eye_r + eye_l) / 2
    mouth = pts[UPPER_LIP_TOP]
    eye_mouth = max(float(np.dot(mouth - eye_mid, v)), 0.5 * ied)

    # cheeks: below each eye, half the eye-to-mouth distance down, shifted outward by half a patch (OFIQ-like)
    down = v * (0.5 * eye_mouth + side / 2)
    cheek_r = _patch_mask(shape, _square(eye_r + down - u * side / 2, u, v, side), oval)
    cheek_l = _patch_mask(shape, _square(eye_l + down + u * side / 2, u, v, side), oval)
    forehead = _patch_mask(shape, _square(pts[MID_FOREHEAD], u, v, side), oval)
    chin_centre = (pts[LOWER_LIP_BOTTOM] + pts[CHIN]) / 2
    chin = _patch_mask(shape, _square(chin_centre, u, v, side), oval)
    return forehead, chin, cheek_r, cheek_l, ied


def _histogram_intersection(right: np.ndarray, left: np.ndarray) -> float:
    """Return the intersection (0..1) of the 64-bin luma histograms of the two cheeks' pixels (Y' 0..255), NaN when
    a cheek has no pixels."""
    hist_r = np.bincount((right / 4).astype(np.int32), minlength=64)[:64].astype(np.float64)
    hist_l = np.bincount((left / 4).astype(np.int32), minlength=64)[:64].astype(np.float64)
    if hist_r.sum() and hist_l.sum():
        return float(np.minimum(hist_r / hist_r.sum(), hist_l / hist_l.sum()).sum())
    return float("nan")


def measure_light(ctx: FaceContext) -> LightMeasure:
    """Return the LightMeasure of the subject's face in `ctx` (a few ms on a 1280×720 frame)."""
    face = ctx.face
    pts = face.points[:, :2].astype(np.float32)
    oval_pts = pts[list(face_oval_indices())]
    x0, y0, x1, y1 = crop_box(oval_pts, ctx.rgb.shape)
    # plain subsampling (no averaging) keeps every sample a real pixel value, so clipping shares stay honest
    step = max(1, int(face.inter_eye_px // SAMPLES_PER_IED))
    rgb = ctx.rgb[y0:y1:step, x0:x1:step]
    shape = rgb.shape[:2]
    origin = np.array([x0, y0], np.float32)
    pts = (pts - origin) / step

    oval = np.zeros(shape, np.uint8)
    cv2.fillPoly(oval, [np.round(pts[list(face_oval_indices())]).astype(np.int32)], 1)
    oval = oval.astype(bool)

    y_lin = linear_luminance(rgb)
    y_prime = luma8(rgb)

    forehead, chin, cheek_r, cheek_l, ied = _zone_masks(shape, pts, oval)

    zones = LightZones(
        forehead=_mean(y_lin, forehead),
        chin=_mean(y_lin, chin),
        cheek_right=_mean(y_lin, cheek_r),
        cheek_left=_mean(y_lin, cheek_l),
    )
    cheeks = (zones.cheek_right, zones.cheek_left)
    four = (zones.forehead, zones.chin, *cheeks)

    intersection = _histogram_intersection(y_prime[cheek_r], y_prime[cheek_l])

    skin = _skin_mask(shape, pts, ied)
    face_y = y_lin[skin]
    face_y8 = y_prime[skin]
    n = int(face_y.size)
    if n == 0:
        nan = float("nan")
        return LightMeasure(nan, zones, nan, nan, nan, nan, nan, intersection, 0)
    return LightMeasure(
        balance_ratio=_min_max_ratio(cheeks),
        zones=zones,
        zone_min_ratio=_min_max_ratio(four),
        face_luma_mean=float(face_y.mean()),
        face_luma8_mean=float(face_y8.mean()),
        clipped_dark_ratio=float(np.count_nonzero(face_y8 <= DARK_LEVEL + 0.5) / n),
        clipped_bright_ratio=float(np.count_nonzero(face_y8 >= BRIGHT_LEVEL - 0.5) / n),
        histogram_intersection=intersection,
        face_pixels=n,
    )
