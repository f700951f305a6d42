"""Focus on the face: Laplacian variance and Tenengrad at a fixed face scale.

The face crop is resized so the inter-eye distance (iris centre to iris centre) is `WORK_IED_PX` px, then smoothed
with a Gaussian of `PRE_BLUR_SIGMA` working px before the Laplacian (a Laplacian of Gaussian). Both make the value
describe detail relative to the face, not to the camera: the same face gives about the same value near or far, and
the resampling filter (which mostly changes the finest, near-Nyquist detail) hardly matters. In frame terms the
measured detail is about 0.02 × IED across: eyelashes, iris rim, lip and nostril edges, skin pores when close.

Only the inside of the face oval (shrunk towards the nose tip so the face/background edge and the hairline do not
count) is measured; filters see real neighbours around it.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from capture.faces.parts import NOSE_TIP, face_oval_indices
from capture.measures.context import FaceContext
from capture.measures.light import crop_box

#: inter-eye distance the face crop is resized to before filtering, px
WORK_IED_PX = 50.0
#: the face oval is shrunk towards the nose tip by this factor to keep the contour and hairline out
_OVAL_SHRINK = 0.8
#: Gaussian smoothing before the derivatives, working px (0 = none): keeps resampling details out of the value
PRE_BLUR_SIGMA = 1.0


@dataclass(frozen=True)
class SharpnessMeasure:
    """Focus of the face at a normalised scale (inter-eye distance = `WORK_IED_PX` px); grey levels 0..255."""

    laplacian_var: float  # variance of the 3×3 Laplacian of the smoothed grey face (IED = 50 px), grey levels²
    tenengrad: float  # mean squared 3×3 Sobel gradient magnitude over the same face, grey levels²
    scale: float  # factor the frame was resized by (>1: the face was enlarged, so fine detail is missing)
    face_pixels: int  # pixels measured at the working scale


def measure_sharpness(ctx: FaceContext) -> SharpnessMeasure:
    """Return the SharpnessMeasure of the subject's face in `ctx` (about a millisecond at 1280×720)."""
    face = ctx.face
    pts = face.points[:, :2].astype(np.float32)
    ied = max(face.inter_eye_px, 1.0)
    scale = WORK_IED_PX / ied
    centre = pts[NOSE_TIP]
    inner = centre + (pts[list(face_oval_indices())] - centre) * _OVAL_SHRINK
    pad = 3.0 / min(scale, 1.0)  # a few working px of real context for the filters
    x0, y0, x1, y1 = crop_box(inner, ctx.rgb.shape, margin=pad)
    crop = ctx.rgb[y0:y1, x0:x1]
    if crop.strides[-2:] != (3, 1):  # OpenCV reads a window of whole RGB rows in place; anything else is copied
        crop = np.ascontiguousarray(crop)
    gray = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
    w, h = max(1, round((x1 - x0) * scale)), max(1, round((y1 - y0) * scale))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    work = cv2.resize(gray, (w, h), interpolation=interpolation).astype(np.float32)
    if PRE_BLUR_SIGMA > 0:
        work = cv2.GaussianBlur(work, (0, 0), PRE_BLUR_SIGMA, borderType=cv2.BORDER_REFLECT)

    mask = np.zeros((h, w), np.uint8)
    cv2.fillPoly(mask, [np.round((inner - np.array([x0, y0], np.float32)) * scale).astype(np.int32)], 1)
    n = cv2.countNonZero(mask)
    if n < 16:
        return SharpnessMeasure(float("nan"), float("nan"), scale, n)

    lap = cv2.Laplacian(work, cv2.CV_32F, ksize=1, borderType=cv2.BORDER_REFLECT)
    _, lap_std = cv2.meanStdDev(lap, mask=mask)
    gx = cv2.Sobel(work, cv2.CV_32F, 1, 0, ksize=3, borderType=cv2.BORDER_REFLECT)
    gy = cv2.Sobel(work, cv2.CV_32F, 0, 1, ksize=3, borderType=cv2.BORDER_REFLECT)
    return SharpnessMeasure(
        laplacian_var=float(lap_std[0, 0]) ** 2,
        tenengrad=float(cv2.mean(gx * gx + gy * gy, mask=mask)[0]),
        scale=float(scale),
        face_pixels=n,
    )
