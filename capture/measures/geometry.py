"""Framing measurements: how many faces, where the head is in the frame, and how large."""
from __future__ import annotations

from dataclasses import dataclass

from capture.measures.context import FaceContext
from capture.settings import ENGINE, EngineSettings


@dataclass(frozen=True)
class FramingMeasure:
    """Faces and head placement in the frame (px unless named)."""

    face_count: int  # faces at least `second_face_min_ratio` as wide as the subject's
    second_face_ratio: float  # width of the next-largest face ÷ the subject's (0 when alone)
    face_box: tuple[float, float, float, float]  # landmarks' box (left, top, right, bottom)
    inter_eye_px: float
    face_width_px: float
    centre_offset_ratio: float  # (face centre x − frame centre x) ÷ frame width; > 0 = subject on the image's right
    head_margin_px: float  # smallest distance from the head box (crown..chin, widened sides) to a frame edge; < 0 = cut
    head_cut_off: bool


def measure_framing(ctx: FaceContext, settings: EngineSettings = ENGINE) -> FramingMeasure:
    """Return the FramingMeasure of `ctx`'s subject."""
    fw = ctx.face.face_width_px
    widths = [f.face_width_px for f in ctx.other_faces] + list(ctx.detected_face_widths)
    others = [w / fw for w in widths if fw > 0]
    count = 1 + sum(r >= settings.second_face_min_ratio for r in others)
    cx = ctx.face.face_centre_x
    left, right = cx - fw * settings.head_side_margin_ratio, cx + fw * settings.head_side_margin_ratio
    margins = (left, ctx.head.crown_y, ctx.width - right, ctx.height - ctx.head.chin_y)
    return FramingMeasure(
        face_count=count,
        second_face_ratio=max(others, default=0.0),
        face_box=ctx.face.box,
        inter_eye_px=ctx.face.inter_eye_px,
        face_width_px=fw,
        centre_offset_ratio=(cx - ctx.width / 2) / ctx.width,
        head_margin_px=float(min(margins)),
        head_cut_off=ctx.head.head_cut_off,
    )
