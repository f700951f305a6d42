"""Eyes: lid opening (OFIQ-style), and the glasses readings of capture.measures.glasses (glare, tint) per eye.

Lengths are normalised by T, the eye-midpoint-to-chin distance (OFIQ). Lens glare and tint are measured in
capture/measures/glasses.py; this module gathers them with the lid openings into one EyesMeasure. Values that
cannot be measured (an eye outside the frame) are NaN, which fails any threshold comparison.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from capture.measures.context import FaceContext
from capture.measures.glasses import LEFT_EYE, RIGHT_EYE, EyePoints, measure_lens, skin_stats, tint_ratio

#: kept for callers of the older name
_EyePoints = EyePoints


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
    tint_ratio: float  # darker eye's lens ÷ same-side cheek brightness less the colour term (tinted lenses ≪ 1)
    colour_shift_right: float = 0.0  # ln(T_R / T_B) of the skin seen through the right lens (> 0 warmer, 0 neutral)
    colour_shift_left: float = 0.0


def lid_opening_ratio(ctx: FaceContext, eye: EyePoints) -> float:
    """Return the eye's largest distance between facing upper/lower lid points ÷ T."""
    p = ctx.face.points[:, :2].astype(np.float64)
    pairs = np.asarray(eye.lid_pairs)
    gap = float(np.max(np.linalg.norm(p[pairs[:, 0]] - p[pairs[:, 1]], axis=1)))
    return gap / max(ctx.eye_to_chin_px, 1e-6)


#: the right eye's lid pairs then the left eye's: upper points, lower points (index arrays, made once)
_UPPER_LIDS = np.array([a for eye in (RIGHT_EYE, LEFT_EYE) for a, _ in eye.lid_pairs])
_LOWER_LIDS = np.array([b for eye in (RIGHT_EYE, LEFT_EYE) for _, b in eye.lid_pairs])
_RIGHT_PAIRS = len(RIGHT_EYE.lid_pairs)


def lid_opening_ratios(ctx: FaceContext) -> tuple[float, float]:
    """Return (right, left) `lid_opening_ratio`: the same values, both eyes in one pass over their lid points."""
    points = ctx.face.points
    gaps = np.linalg.norm(points[_UPPER_LIDS, :2].astype(np.float64) - points[_LOWER_LIDS, :2].astype(np.float64),
                          axis=1)
    t = max(ctx.eye_to_chin_px, 1e-6)
    return float(gaps[:_RIGHT_PAIRS].max()) / t, float(gaps[_RIGHT_PAIRS:].max()) / t


def measure_eyes(ctx: FaceContext) -> EyesMeasure:
    """Return the eye opening, glare and tint measures of the subject in `ctx`."""
    open_r, open_l = lid_opening_ratios(ctx)
    skin = skin_stats(ctx)
    right, left = measure_lens(ctx, RIGHT_EYE, skin), measure_lens(ctx, LEFT_EYE, skin)
    # each eye against the cheek on its own side, so side lighting does not read as a tint
    tint = tint_ratio((right.brightness, left.brightness), (skin.right_value, skin.left_value),
                      (right.colour_shift, left.colour_shift))
    return EyesMeasure(
        open_right_ratio=open_r,
        open_left_ratio=open_l,
        open_min_ratio=min(open_r, open_l),
        glare_right_ratio=right.glare,
        glare_left_ratio=left.glare,
        glare_max_ratio=math.nan if math.isnan(right.glare + left.glare) else max(right.glare, left.glare),
        brightness_right=right.brightness,
        brightness_left=left.brightness,
        skin_brightness=float(np.mean([skin.right_value, skin.left_value])),
        tint_ratio=tint,
        colour_shift_right=right.colour_shift,
        colour_shift_left=left.colour_shift,
    )


def with_openness(measure: EyesMeasure, ctx: FaceContext) -> EyesMeasure:
    """Return `measure` with the lid openings re-measured on `ctx` (landmarks only, microseconds); the pixel
    values (glare, brightness, tint) are kept. The live kiosk uses it between full analyses: blinks are fast,
    lighting and lenses change slowly."""
    open_r, open_l = lid_opening_ratios(ctx)
    return replace(measure, open_right_ratio=open_r, open_left_ratio=open_l, open_min_ratio=min(open_r, open_l))
