"""Shoulders: the tilt of the line between the shoulders, from the pose model or else from the person mask.

Sign: `tilt_deg` > 0 when the shoulder on the image's right (the subject's left) is lower, like roll.

Preferred ("pose+mask"): BlazePose points 12 (subject's right) and 11, both inside the frame with visibility ≥ 0.5,
give where the shoulders are; the tilt is taken from the person mask's outline (top of the shoulder) above each
point, scanning down from the chin. On rotated development photos this tracks the rotation with slope ≈ 0.9, where
the pose points alone give ≈ 0.8 (BlazePose pulls shoulders toward level) and are noisier. Where the outline is
steep above a point (bulky clothes, a turned body) a small shift of the point moves it a lot, so when the outline
tilt and the pose-point tilt differ by more than AGREEMENT_DEG the measure is their mean.
"pose": the pose points themselves, when the outline above them is not usable (hair on the shoulder, no mask).
"mask" (no pose, or the pose is unsure): the outline at ±1.2 face widths from the face centre. It over-states a
whole-body lean (slope ≈ 1.4: the sample columns stay with the face while the sloping shoulders move under them).
A column already inside the person at the chin (hair, a hand) is skipped.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from capture.faces.landmarks import FaceLandmarks, PoseLandmarks, PosePoint
from capture.measures.context import FaceContext
from capture.settings import ENGINE, EngineSettings

#: pose visibility a shoulder needs
VISIBILITY_MIN = 0.5
#: mask fallback: sample columns at this many face widths either side of the face centre, over ± this half-width
MASK_OFFSET = 1.2
MASK_HALF_WIDTH = 0.1
#: share of sample columns that must give an outline
MASK_COLUMNS_MIN = 0.5
#: the outline must lie at least this many face widths above the bottom edge (else the shoulder may be cut off)
MASK_BOTTOM_MARGIN = 0.05
#: outline and pose-point tilts further apart than this (deg) are averaged
AGREEMENT_DEG = 2.5
#: the outline above a pose shoulder must lie between the chin and this many face widths below the pose point
OUTLINE_BELOW_POINT_MAX = 0.3


@dataclass(frozen=True)
class ShouldersMeasure:
    """Shoulder line of the subject. Heights in px (y down); tilt in degrees, > 0 = image-right shoulder lower."""

    tilt_deg: float  # 0.0 when not visible
    visible: bool  # both shoulders found in the frame
    source: str  # "pose+mask", "pose", "mask" or "none" (see the module notes)
    right_y: float | None = None  # subject's right shoulder (image left), px
    left_y: float | None = None


def _inside(p: PosePoint, width: int, height: int) -> bool:
    return 0 <= p.x < width and 0 <= p.y < height


def _tilt(x_image_left: float, y_image_left: float, x_image_right: float, y_image_right: float) -> float:
    """Return the angle (deg) of the line from the image-left point to the image-right point, > 0 = right lower."""
    return math.degrees(math.atan2(y_image_right - y_image_left, x_image_right - x_image_left))


def from_pose(ctx: FaceContext, pose: PoseLandmarks | None) -> ShouldersMeasure | None:
    """Return the measure from the pose's shoulder points, or None when either is missing, outside or unsure."""
    if pose is None:
        return None
    r, l = pose.shoulder_right, pose.shoulder_left
    if min(r.visibility, l.visibility) < VISIBILITY_MIN:
        return None
    if not (_inside(r, ctx.width, ctx.height) and _inside(l, ctx.width, ctx.height)):
        return None
    # subject's right shoulder is normally on the image left; order by x so a crossed pose still gives a sane angle
    a, b = (r, l) if r.x <= l.x else (l, r)
    points_tilt = _tilt(a.x, a.y, b.x, b.y)
    ya, yb = _outline_above(ctx, a), _outline_above(ctx, b)
    if ya is None or yb is None:
        return ShouldersMeasure(points_tilt, True, "pose", r.y, l.y)
    tilt = _tilt(a.x, ya, b.x, yb)
    if abs(tilt - points_tilt) > AGREEMENT_DEG:
        tilt = (tilt + points_tilt) / 2
    ry, ly = (ya, yb) if a is r else (yb, ya)
    return ShouldersMeasure(tilt, True, "pose+mask", ry, ly)


def _outline_above(ctx: FaceContext, p: PosePoint) -> float | None:
    """Return the y (px) of the person outline above pose point `p` (top of the shoulder), or None if unusable."""
    if ctx.person_mask is None:
        return None
    fw = ctx.head.face_width
    half = max(1, int(round(MASK_HALF_WIDTH * fw)))
    x = int(round(p.x))
    y = outline_y(ctx.person_mask, x - half, x + half + 1, int(round(ctx.head.chin_y)))
    if y is None or y > p.y + OUTLINE_BELOW_POINT_MAX * fw:
        return None
    return y


def outline_y(mask: np.ndarray, x0: int, x1: int, start_row: int, threshold: float = ENGINE.mask_threshold) -> float | None:
    """Return the median first person row (px) at or below `start_row` over columns x0..x1, or None.

    Columns already inside the person at `start_row` (hair, a raised hand) and columns with no person are skipped.
    """
    h, w = mask.shape[:2]
    x0, x1 = max(0, x0), min(w, x1)
    if x1 <= x0 or not 0 <= start_row < h:
        return None
    region = mask[start_row:, x0:x1] > threshold
    usable = region.any(axis=0) & ~region[0]
    if usable.mean() < MASK_COLUMNS_MIN:
        return None
    first = region.argmax(axis=0)[usable]
    return float(np.median(first)) + start_row


def from_mask(ctx: FaceContext) -> ShouldersMeasure | None:
    """Return the measure from the person mask's outline beside the neck, or None when it gives no outline."""
    if ctx.person_mask is None:
        return None
    fw, cx = ctx.head.face_width, ctx.head.face_centre_x
    start = int(round(ctx.head.chin_y))
    half = max(1, int(round(MASK_HALF_WIDTH * fw)))
    ys = []
    for side in (-1, 1):  # image left = subject's right first
        x = int(round(cx + side * MASK_OFFSET * fw))
        if not half <= x < ctx.width - half:
            return None  # the shoulder is beyond the frame edge
        y = outline_y(ctx.person_mask, x - half, x + half + 1, start)
        if y is None or y > ctx.height - 1 - MASK_BOTTOM_MARGIN * fw:
            return None
        ys.append(y)
    dx = 2 * MASK_OFFSET * fw
    return ShouldersMeasure(_tilt(0.0, ys[0], dx, ys[1]), True, "mask", ys[0], ys[1])


def shoulders_can_show(face: FaceLandmarks, settings: EngineSettings = ENGINE) -> bool:
    """Return False when the frame ends so close below the chin that no shoulder can be in it (the body-pose
    model, the slowest model, need not run)."""
    room = face.frame_height - face.chin_y
    return room >= settings.shoulders_min_room_below_chin * face.face_width_px


def measure_shoulders(ctx: FaceContext, pose: PoseLandmarks | None) -> ShouldersMeasure:
    """Return the shoulder tilt from the pose (preferred) or the person mask; `visible` False when neither works."""
    return from_pose(ctx, pose) or from_mask(ctx) or ShouldersMeasure(0.0, False, "none")
