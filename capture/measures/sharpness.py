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

import math
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
#: inter-eye distances (px, falling) the focus is also measured at: pictures whose face is smaller than WORK_IED_PX
LADDER_IED_PX = (WORK_IED_PX, 35.0, 25.0)
#: the face oval's points (an index array, made once)
_OVAL = np.array(face_oval_indices())


@dataclass(frozen=True)
class SharpnessMeasure:
    """Focus of the face at a normalised scale (inter-eye distance = `WORK_IED_PX` px); grey levels 0..255."""

    laplacian_var: float  # variance of the 3×3 Laplacian of the smoothed grey face (IED = 50 px), grey levels²
    tenengrad: float  # mean squared 3×3 Sobel gradient magnitude over the same face, grey levels²
    scale: float  # factor the frame was resized by (>1: the face was enlarged, so fine detail is missing)
    face_pixels: int  # pixels measured at the working scale
    #: the Laplacian variance at each inter-eye distance of LADDER_IED_PX, same order (the first is laplacian_var)
    ladder: tuple[float, ...] = ()
    anisotropy: float = 0.0  # structure-tensor coherence of the face's gradients, 0 (all directions) .. 1 (one)

    @property
    def frame_ied_px(self) -> float:
        """Return the inter-eye distance in the frame, px."""
        return WORK_IED_PX / self.scale if self.scale > 0 else float("nan")

    def at_ied(self, ied_px: float) -> float:
        """Return the Laplacian variance (grey levels²) the face would have at an inter-eye distance of `ied_px`
        px: interpolated on the ladder in log–log terms; `laplacian_var` at WORK_IED_PX or more; the smallest
        rung's value below it (never more generous than measured)."""
        if not self.ladder or not ied_px > 0 or ied_px >= LADDER_IED_PX[0]:
            return self.laplacian_var
        rungs = LADDER_IED_PX[:len(self.ladder)]
        for (d0, v0), (d1, v1) in zip(zip(rungs, self.ladder), zip(rungs[1:], self.ladder[1:])):
            if d1 <= ied_px <= d0:
                if not (v0 > 0 and v1 > 0):
                    return min(v0, v1)
                t = math.log(d0 / ied_px) / math.log(d0 / d1)
                return float(math.exp(math.log(v0) + t * (math.log(v1) - math.log(v0))))
        return self.ladder[-1]


def measure_sharpness(ctx: FaceContext) -> SharpnessMeasure:
    """Return the SharpnessMeasure of the subject's face in `ctx` (about a millisecond at 1280×720)."""
    face = ctx.face
    pts = np.asarray(face.points, np.float32)  # no copy: FaceMesh gives float32
    ied = max(face.inter_eye_px, 1.0)
    scale = WORK_IED_PX / ied
    centre = pts[NOSE_TIP, :2]
    inner = centre + (pts[_OVAL, :2] - centre) * _OVAL_SHRINK
    pad = 3.0 / min(scale, 1.0)  # a few working px of real context for the filters
    x0, y0, x1, y1 = crop_box(inner, ctx.rgb.shape, margin=pad)
    crop = ctx.rgb[y0:y1, x0:x1]
    if crop.strides[-2:] != (3, 1):  # OpenCV reads a window of whole RGB rows in place; anything else is copied
        crop = np.ascontiguousarray(crop)
    gray = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
    w, h = max(1, round((x1 - x0) * scale)), max(1, round((y1 - y0) * scale))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    raw = cv2.resize(gray, (w, h), interpolation=interpolation).astype(np.float32)
    work = raw
    if PRE_BLUR_SIGMA > 0:
        work = cv2.GaussianBlur(raw, (0, 0), PRE_BLUR_SIGMA, borderType=cv2.BORDER_REFLECT)

    mask = np.zeros((h, w), np.uint8)
    cv2.fillPoly(mask, [np.round((inner - np.array([x0, y0], np.float32)) * scale).astype(np.int32)], 1)
    n = cv2.countNonZero(mask)
    if n < 16:
        return SharpnessMeasure(float("nan"), float("nan"), scale, n)

    gx = cv2.Sobel(work, cv2.CV_32F, 1, 0, ksize=3, borderType=cv2.BORDER_REFLECT)
    gy = cv2.Sobel(work, cv2.CV_32F, 0, 1, ksize=3, borderType=cv2.BORDER_REFLECT)
    ladder = (_laplacian_var(work, mask), *_ladder(raw, mask))
    jxx, jyy = cv2.mean(gx * gx, mask=mask)[0], cv2.mean(gy * gy, mask=mask)[0]
    return SharpnessMeasure(
        laplacian_var=ladder[0],
        tenengrad=float(jxx + jyy),
        scale=float(scale),
        face_pixels=n,
        ladder=ladder,
        anisotropy=_coherence(jxx, jyy, cv2.mean(gx * gy, mask=mask)[0]),
    )


def _laplacian_var(smoothed: np.ndarray, mask: np.ndarray) -> float:
    """Return the variance (grey levels²) inside `mask` of the 3×3 Laplacian of `smoothed`."""
    lap = cv2.Laplacian(smoothed, cv2.CV_32F, ksize=1, borderType=cv2.BORDER_REFLECT)
    _, lap_std = cv2.meanStdDev(lap, mask=mask)
    return float(lap_std[0, 0]) ** 2


def _log_var(work: np.ndarray, mask: np.ndarray) -> float:
    """Return the variance (grey levels²) inside `mask` of the Laplacian of `work` smoothed by PRE_BLUR_SIGMA."""
    if PRE_BLUR_SIGMA > 0:
        work = cv2.GaussianBlur(work, (0, 0), PRE_BLUR_SIGMA, borderType=cv2.BORDER_REFLECT)
    return _laplacian_var(work, mask)


def _ladder(raw: np.ndarray, mask: np.ndarray) -> list[float]:
    """Return the Laplacian variance of the working face `raw` (unsmoothed, IED = WORK_IED_PX) at each smaller
    inter-eye distance of LADDER_IED_PX, reduced with area averaging (as a picture is); NaN where too little face
    is left."""
    out = []
    h, w = raw.shape
    for ied in LADDER_IED_PX[1:]:
        k = ied / WORK_IED_PX
        size = (max(1, round(w * k)), max(1, round(h * k)))
        small = cv2.resize(raw, size, interpolation=cv2.INTER_AREA)
        small_mask = cv2.resize(mask, size, interpolation=cv2.INTER_NEAREST)
        out.append(_log_var(small, small_mask) if cv2.countNonZero(small_mask) >= 16 else float("nan"))
    return out


def _coherence(jxx: float, jyy: float, jxy: float) -> float:
    """Return the coherence of the structure tensor with mean entries `jxx`, `jyy`, `jxy` (gradient products):
    0 when edges run every way, 1 when all run one way (a smear)."""
    total = jxx + jyy
    return float(math.sqrt((jxx - jyy) ** 2 + 4 * jxy * jxy) / total) if total > 0 else 0.0
