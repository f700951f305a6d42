"""Is the photo in colour? The chroma (CIE C*ab) of the face, where a colour photo of a person always has some.

A greyscale photo (a grey PNG, a black-and-white scan, an RGB file whose three channels are equal) has C*ab ≈ 0
everywhere; a faded or desaturated one has only a little. The face is the one region every ID photo has and whose
colour is never neutral in a colour photo (skin, lips, eyes): the measure is the 90th percentile of C*ab over the
face oval, after shrinking the face to `WORK_FACE_WIDTH_PX` px (sensor noise averages out, a few ms at most).
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from capture.faces.parts import face_oval_indices
from capture.measures.colour import srgb_to_lab
from capture.measures.context import FaceContext
from capture.measures.resample import shrink

#: face width (cheek to cheek) at the working resolution, px
WORK_FACE_WIDTH_PX = 60.0
#: the percentile of C*ab over the face that is reported (high: lips and cheeks carry the colour)
CHROMA_PERCENTILE = 90.0


@dataclass(frozen=True)
class ChromaMeasure:
    """How colourful the face is: `face_chroma` the CHROMA_PERCENTILE-th percentile of CIE C*ab over the face oval
    (CIELAB units; 0 for a greyscale photo, 7 and more for colour photos of faces); `pixels` the face pixels measured
    at the working scale."""

    face_chroma: float
    pixels: int


def chroma_of(rgb: np.ndarray) -> np.ndarray:
    """Return CIE C*ab (CIELAB units, float32) of every pixel of sRGB array `rgb` (..., 3)."""
    lab = srgb_to_lab(rgb)
    return np.hypot(lab[..., 1], lab[..., 2])


def measure_chroma(ctx: FaceContext) -> ChromaMeasure:
    """Return the ChromaMeasure of the subject's face (about 0.5 ms at 1280×720; live, on full analyses only)."""
    points = ctx.face.points[list(face_oval_indices()), :2]
    x0, y0 = np.floor(points.min(axis=0)).astype(int)
    x1, y1 = np.ceil(points.max(axis=0)).astype(int)
    x0, y0 = max(0, x0), max(0, y0)
    x1, y1 = min(ctx.width, x1), min(ctx.height, y1)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return ChromaMeasure(float("nan"), 0)
    scale = min(1.0, WORK_FACE_WIDTH_PX / max(float(x1 - x0), 1.0))
    w, h = max(2, round((x1 - x0) * scale)), max(2, round((y1 - y0) * scale))
    frame = ctx.rgb if ctx.rgb.strides[-2:] == (3, 1) else np.ascontiguousarray(ctx.rgb)  # OpenCV needs rows of RGB
    face = shrink(frame[y0:y1, x0:x1], (w, h))
    mask = np.zeros((h, w), np.uint8)
    cv2.fillPoly(mask, [np.round((points - (x0, y0)) * scale).astype(np.int32)], 1)
    values = chroma_of(face)[mask.astype(bool)]
    if values.size == 0:
        return ChromaMeasure(float("nan"), 0)
    return ChromaMeasure(float(np.percentile(values, CHROMA_PERCENTILE)), int(values.size))
