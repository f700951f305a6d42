"""Mouth: inner-lip gap (OFIQ-style) and the share of teeth-like pixels between the lips.

The gap is normalised by T, the eye-midpoint-to-chin distance (OFIQ). Pixel work is limited to a small crop
around the lips. The teeth share is informational (a hint such as "teeth showing"): on the dev set every photo
showing teeth already had an inner-lip gap above the mouth-closed threshold.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import cv2
import numpy as np

from capture.faces.parts import INNER_LIP_PAIRS, INNER_LIP_RING, OUTER_LIP_RING
from capture.measures.context import FaceContext

#: teeth-like pixel: saturation below TEETH_S_OF_LIPS × the lips' median saturation (at most TEETH_MAX_S) and
#: grey level above TEETH_OVER_LIPS × the lips' median grey level (teeth are paler than lips; the mouth cavity
#: is darker)
TEETH_S_OF_LIPS = 0.6
TEETH_MAX_S = 0.35
TEETH_OVER_LIPS = 1.0


@dataclass(frozen=True)
class MouthMeasure:
    """Mouth opening values."""

    open_ratio: float  # largest upper-to-lower inner-lip distance ÷ T
    teeth_ratio: float  # share (0..1) of the inner-lip polygon paler and greyer than the lips (teeth); noisy
    #                     when the lips are closed (the polygon is a sliver) and 0 on grey-scale images


#: the upper and the lower points of INNER_LIP_PAIRS (index arrays, made once)
_UPPER_INNER = np.array([a for a, _ in INNER_LIP_PAIRS])
_LOWER_INNER = np.array([b for _, b in INNER_LIP_PAIRS])


def inner_lip_gap_ratio(ctx: FaceContext) -> float:
    """Return the largest distance between facing upper/lower inner-lip points ÷ T."""
    p = ctx.face.points
    upper = p[_UPPER_INNER, :2].astype(np.float64)
    lower = p[_LOWER_INNER, :2].astype(np.float64)
    gap = float(np.max(np.linalg.norm(upper - lower, axis=1)))
    return gap / max(ctx.eye_to_chin_px, 1e-6)


def teeth_share(ctx: FaceContext) -> float:
    """Return the share of the inner-lip polygon's pixels that are teeth-like (paler and greyer than the lips)."""
    pts = ctx.face.points[:, :2].astype(np.float64)
    inner = pts[list(INNER_LIP_RING)]
    outer = pts[list(OUTER_LIP_RING)]
    x0 = int(max(0, math.floor(outer[:, 0].min()) - 1))
    y0 = int(max(0, math.floor(outer[:, 1].min()) - 1))
    x1 = int(min(ctx.width, math.ceil(outer[:, 0].max()) + 2))
    y1 = int(min(ctx.height, math.ceil(outer[:, 1].max()) + 2))
    if x1 - x0 < 3 or y1 - y0 < 3:
        return 0.0
    crop = ctx.rgb[y0:y1, x0:x1]
    mouth = np.zeros(crop.shape[:2], np.uint8)
    cv2.fillPoly(mouth, [np.round(inner - (x0, y0)).astype(np.int32)], 1)
    lips = np.zeros_like(mouth)
    cv2.fillPoly(lips, [np.round(outer - (x0, y0)).astype(np.int32)], 1)
    inside, lip_band = mouth.astype(bool), lips.astype(bool) & ~mouth.astype(bool)
    n = int(inside.sum())
    if n == 0 or not lip_band.any():
        return 0.0
    crop = np.ascontiguousarray(crop)
    sat = cv2.cvtColor(crop, cv2.COLOR_RGB2HSV)[..., 1]  # 0..255
    grey = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
    max_s = min(255.0 * TEETH_MAX_S, TEETH_S_OF_LIPS * float(np.median(sat[lip_band])))
    teeth = inside & (sat < max_s) & (grey > TEETH_OVER_LIPS * float(np.median(grey[lip_band])))
    return float(teeth.sum()) / n


def measure_mouth(ctx: FaceContext) -> MouthMeasure:
    """Return the mouth opening measures of the subject in `ctx`."""
    return MouthMeasure(open_ratio=inner_lip_gap_ratio(ctx), teeth_ratio=teeth_share(ctx))


def with_gap(measure: MouthMeasure, ctx: FaceContext) -> MouthMeasure:
    """Return `measure` with the inner-lip gap re-measured on `ctx` (landmarks only); the teeth share is kept."""
    return replace(measure, open_ratio=inner_lip_gap_ratio(ctx))
