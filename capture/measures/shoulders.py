"""Shoulders: the tilt of the line over the shoulders, from the person mask's outline, or else the pose model.

Sign: `tilt_deg` > 0 when the shoulder on the image's right (the subject's left) is lower, like roll.

Outline ("mask", preferred): per column, scanning down from the eye line, the first person row after the first
backdrop row (`outline_tops`). Above a shoulder that is the top of the shoulder, even when the
frame is cropped tight (an ID-style head-and-shoulders portrait whose shoulders run off the sides): hair and the
head above it are skipped by the backdrop between them. The body midline is the middle of the pose model's two
shoulder points (their x is reliable even where BlazePose puts their y below the frame), else the face centre. At
offsets d = PAIR_OFFSETS face widths either side of the midline, each pair of outline heights gives an angle over
2d; the tilt is the median angle. A column counts only when its outline lies at least BOTTOM_MARGIN face widths
above the bottom edge (else the shoulder may go on below the frame) and not more than ABOVE_CHIN_MAX face widths
above the chin (that is hair or a raised hand, not a shoulder).
"pose": when fewer than PAIRS_MIN pairs are usable, BlazePose points 12 (subject's right) and 11, both seen with
visibility ≥ VISIBILITY_MIN and lying POSE_INSIDE_MIN face widths inside the frame's bottom edge.
"pose" also when the two points make a line at least POSE_LEAN_DEG steep and the outline is flatter (`pose_lean`).
"none": neither — the shoulders are not in the frame (or cannot be told from long hair or clothes the colour of the
backdrop). The gate then cannot judge; that is not a fault of the person (capture/gates/rules.py).

On the development photos (101 rows labelled level / tilted / not_visible) this judges 55 of the 64 with shoulders
in the frame and calls 29 of the 37 without them "none"; level against tilted is far from solved (0.76 balanced
accuracy in-sample, 0.70 held out: several photos labelled tilted show a turned body whose outline reads level). docs/accuracy.md has
the figures and the method.
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
#: outline pairs: offsets either side of the body midline, face widths (start, stop, step)
PAIR_OFFSETS = (0.5, 1.3, 0.05)
#: pairs the outline needs to give a tilt
PAIRS_MIN = 3
#: an outline point must lie at least this many face widths above the bottom edge ...
BOTTOM_MARGIN = 0.04
#: ... and at most this many above the chin
ABOVE_CHIN_MAX = 0.3
#: pose fallback: both points at least this many face widths above the bottom edge
POSE_INSIDE_MIN = 0.2
#: a pose-point line at least this steep (deg) is taken over a flatter outline, wherever the points lie
POSE_LEAN_DEG = 12.0


@dataclass(frozen=True)
class ShouldersMeasure:
    """Shoulder line of the subject. Heights in px (y down); tilt in degrees, > 0 = image-right shoulder lower."""

    tilt_deg: float  # 0.0 when not visible
    visible: bool  # both shoulders found in the frame
    source: str  # "mask", "pose" or "none" (see the module notes)
    right_y: float | None = None  # subject's right shoulder (image left), px
    left_y: float | None = None
    pairs: int = 0  # outline pairs the tilt is the median of (0: not from the outline)


def _tilt(x_image_left: float, y_image_left: float, x_image_right: float, y_image_right: float) -> float:
    """Return the angle (deg) of the line from the image-left point to the image-right point, > 0 = right lower."""
    return math.degrees(math.atan2(y_image_right - y_image_left, x_image_right - x_image_left))


def _pose_sure(pose: PoseLandmarks | None) -> bool:
    """Return True when both pose shoulders are seen (visibility) and on their own sides (right on image left)."""
    if pose is None:
        return False
    r, l = pose.shoulder_right, pose.shoulder_left
    return min(r.visibility, l.visibility) >= VISIBILITY_MIN and r.x < l.x


def outline_tops(mask: np.ndarray, top_row: int, margin_px: float,
                 threshold: float = ENGINE.mask_threshold) -> np.ndarray:
    """Return per column the y (px, float) where the person starts again below `top_row` after some backdrop:
    the first person row under the column's first backdrop row (a column that starts in the backdrop gives its
    first person row). Holes lower down (a dark helmet the mask misses) do not matter. NaN where there is no such
    row, or it lies within `margin_px` of the bottom edge (the shoulder may go on below the frame)."""
    h = mask.shape[0]
    top_row = int(min(max(top_row, 0), h - 1))
    person = mask[top_row:] > threshold
    rows = person.shape[0]
    first_backdrop = (~person).argmax(axis=0)
    after = person & (np.arange(rows)[:, None] > first_backdrop[None, :])
    first = after.argmax(axis=0)
    usable = (~person).any(axis=0) & after.any(axis=0) & (first < rows - 1 - margin_px)
    tops = (first + top_row).astype(np.float64)
    tops[~usable] = np.nan
    return tops


def from_mask(ctx: FaceContext, pose: PoseLandmarks | None) -> ShouldersMeasure | None:
    """Return the measure from the person mask's shoulder outline, or None with fewer than PAIRS_MIN pairs."""
    if ctx.person_mask is None:
        return None
    fw = ctx.head.face_width
    mid = (pose.shoulder_right.x + pose.shoulder_left.x) / 2 if _pose_sure(pose) else ctx.head.face_centre_x
    start, stop, step = PAIR_OFFSETS
    pairs = [(int(round(mid - d * fw)), int(round(mid + d * fw))) for d in np.arange(start, stop + step / 2, step)]
    pairs = [(xl, xr) for xl, xr in pairs if xl >= 0 and xr < ctx.width]
    if len(pairs) < PAIRS_MIN:
        return None
    columns = np.array(pairs).T.reshape(-1)  # only the sampled columns are scanned (cost)
    tops = outline_tops(ctx.person_mask[:, columns], int(round(ctx.head.eye_y)), max(2.0, BOTTOM_MARGIN * fw))
    tops_left, tops_right = tops[:len(pairs)], tops[len(pairs):]
    highest = ctx.head.chin_y - ABOVE_CHIN_MAX * fw
    angles, lefts, rights = [], [], []
    for (xl, xr), yl, yr in zip(pairs, tops_left, tops_right):
        if np.isnan(yl) or np.isnan(yr) or min(yl, yr) < highest:
            continue
        angles.append(_tilt(xl, yl, xr, yr))
        lefts.append(yl)
        rights.append(yr)
    if len(angles) < PAIRS_MIN:
        return None
    return ShouldersMeasure(float(np.median(angles)), True, "mask", float(np.median(lefts)),
                            float(np.median(rights)), len(angles))


def _inside(p: PosePoint, ctx: FaceContext) -> bool:
    return 0 <= p.x < ctx.width and 0 <= p.y < ctx.height - POSE_INSIDE_MIN * ctx.head.face_width


def from_pose(ctx: FaceContext, pose: PoseLandmarks | None) -> ShouldersMeasure | None:
    """Return the measure from the pose's shoulder points, or None when either is unsure or not well inside."""
    if not _pose_sure(pose):
        return None
    r, l = pose.shoulder_right, pose.shoulder_left
    if not (_inside(r, ctx) and _inside(l, ctx)):
        return None
    return ShouldersMeasure(_tilt(r.x, r.y, l.x, l.y), True, "pose", r.y, l.y)


def shoulders_can_show(face: FaceLandmarks, settings: EngineSettings = ENGINE) -> bool:
    """Return False when the frame ends so close below the chin that no shoulder can be in it (the body-pose
    model, the slowest model, need not run)."""
    room = face.frame_height - face.chin_y
    return room >= settings.shoulders_min_room_below_chin * face.face_width_px


def pose_lean(pose: PoseLandmarks | None) -> ShouldersMeasure | None:
    """Return the pose points' line when both are seen and it is at least POSE_LEAN_DEG steep, else None.

    A body leaning or turned hard puts one shoulder off the frame or under the other's outline, where the mask's
    columns do not reach; BlazePose still places it (outside the frame if need be), and on the development photos
    no photo labelled level gave a line this steep (the steepest: 10.5°)."""
    if not _pose_sure(pose):
        return None
    r, l = pose.shoulder_right, pose.shoulder_left
    tilt = _tilt(r.x, r.y, l.x, l.y)
    return ShouldersMeasure(tilt, True, "pose", r.y, l.y) if abs(tilt) >= POSE_LEAN_DEG else None


def measure_shoulders(ctx: FaceContext, pose: PoseLandmarks | None) -> ShouldersMeasure:
    """Return the shoulder tilt from the mask outline (preferred) or the pose points; `visible` False when the
    shoulders are not in the frame (neither gives a line). A steep pose-point line (`pose_lean`) wins over a
    flatter outline."""
    outline, lean = from_mask(ctx, pose), pose_lean(pose)
    if lean is not None and (outline is None or abs(outline.tilt_deg) < abs(lean.tilt_deg)):
        return lean
    return outline or from_pose(ctx, pose) or ShouldersMeasure(0.0, False, "none")
