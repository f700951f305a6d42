"""Ears: how much of the place where each ear should be looks like the subject's own skin.

For each side we take a band just outside the face contour (FaceMesh face oval through 234 / 454): from the eye line
down to a little below the nose base, 0.14 face widths wide, starting 0.04 face widths outside the contour. A
skin-colour model (CIELAB mean and covariance) is learned from the subject's cheeks; band pixels inside the person
mask within a Mahalanobis distance of 2.5 count as skin. The ratio is skin pixels over the person pixels of the band
(never over less than 30% of the band, so a band that is mostly background cannot score high on a few pixels).
Hair, a hood or a scarf over the ear is person but not skin, so it scores low; so does an ear cut off by the frame
edge or hidden behind a turned head (the yaw gate reports turning; this only measures).

No standard exists for this; the constants and the gate threshold were calibrated on the development photos.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from capture.faces.parts import CHEEKS, FACE_CONTOUR_LEFT, FACE_CONTOUR_RIGHT, SUBNASALE
from capture.measures.colour import srgb_to_lab
from capture.measures.context import FaceContext

#: Band geometry as shares of the face width (234–454): gap from the contour, band width, rows above the eye line,
#: rows below the nose base.
BAND_GAP = 0.04
BAND_WIDTH = 0.14
BAND_ABOVE_EYES = 0.0
BAND_BELOW_NOSE = 0.1
#: Cheek patch side, share of the face width.
CHEEK_PATCH = 0.08
#: Mahalanobis distance (CIELAB) below which a pixel counts as skin.
SKIN_DISTANCE_MAX = 2.5
#: Smallest per-channel standard deviation of the skin model (L*, a*, b*): ears are often shaded or redder.
SKIN_SIGMA_FLOOR = (12.0, 3.0, 4.0)
#: The ratio's denominator is the person part of the band but at least this share of the whole band.
PERSON_SHARE_FLOOR = 0.3
#: person-mask probability counted as person here; lower on purpose than the engine's mask_threshold (0.5) used
#: everywhere else, because the segmenter often trims ears and an ear it half-misses must still be measured
EAR_MASK_THRESHOLD = 0.3


@dataclass(frozen=True)
class EarsMeasure:
    """Share (0..1) of each ear band's person pixels that look like the subject's skin; right/left = subject's own.

    Clear ears score about 0.35–0.85 on the development photos, ears under hair 0–0.26.
    """

    right_visible_ratio: float  # subject's right ear = image left
    left_visible_ratio: float
    min_visible_ratio: float


@dataclass(frozen=True)
class SkinModel:
    """Gaussian skin-colour model in CIELAB (L* 0..100, a*, b*) learned from cheek pixels."""

    mean: np.ndarray  # (3,)
    inv_cov: np.ndarray  # (3, 3)

    def distance(self, lab: np.ndarray) -> np.ndarray:
        """Return the Mahalanobis distance of each pixel of an (..., 3) CIELAB array to the model."""
        d = lab.reshape(-1, 3).astype(np.float32) - self.mean.astype(np.float32)
        q = ((d @ self.inv_cov.astype(np.float32)) * d).sum(axis=1)
        return np.sqrt(np.maximum(q, 0)).reshape(lab.shape[:-1])


def crop(shape: tuple[int, ...], x0: float, y0: float, x1: float, y1: float) -> tuple[slice, slice] | None:
    """Return (rows, cols) slices of the box clipped to the frame, or None if nothing is left."""
    h, w = shape[:2]
    a, b = int(max(0, np.floor(x0))), int(min(w, np.ceil(x1)))
    c, d = int(max(0, np.floor(y0))), int(min(h, np.ceil(y1)))
    if b <= a or d <= c:
        return None
    return slice(c, d), slice(a, b)


def skin_model(ctx: FaceContext, points: tuple[int, ...] = CHEEKS, patch: float | None = None,
               sigma_floor: tuple[float, float, float] | None = None) -> SkinModel:
    """Return the skin model learned from square patches (side `patch` × face width) around the cheek points."""
    patch = CHEEK_PATCH if patch is None else patch
    sigma_floor = SKIN_SIGMA_FLOOR if sigma_floor is None else sigma_floor
    side = max(3.0, patch * ctx.face.face_width_px)
    samples = []
    for i in points:
        x, y = ctx.face.xy(i)
        box = crop(ctx.rgb.shape, x - side / 2, y - side / 2, x + side / 2, y + side / 2)
        if box is not None:
            samples.append(srgb_to_lab(ctx.rgb[box]).reshape(-1, 3))
    lab = np.concatenate(samples) if samples else np.zeros((1, 3), np.float32)
    mean = lab.mean(axis=0)
    cov = np.cov(lab, rowvar=False) if len(lab) > 3 else np.zeros((3, 3))
    cov = cov + np.diag(np.square(sigma_floor))
    return SkinModel(mean.astype(np.float64), np.linalg.inv(cov))


def _band_mask(ctx: FaceContext, contour: tuple[int, ...], outward: int, rows: slice, cols: slice) -> np.ndarray:
    """Return a bool mask over the crop (rows, cols) of the band just outside the face contour (outward −1 = left)."""
    fw = ctx.face.face_width_px
    pts = np.array([ctx.face.xy(i) for i in contour], np.float64)
    order = np.argsort(pts[:, 1])
    ys = np.arange(rows.start, rows.stop, dtype=np.float64) + 0.5
    edge = np.interp(ys, pts[order, 1], pts[order, 0])  # contour x per row
    near = edge + outward * BAND_GAP * fw
    far = edge + outward * (BAND_GAP + BAND_WIDTH) * fw
    lo, hi = np.minimum(near, far), np.maximum(near, far)
    xs = np.arange(cols.start, cols.stop, dtype=np.float64) + 0.5
    return (xs[None, :] >= lo[:, None]) & (xs[None, :] < hi[:, None])


def ear_ratio(ctx: FaceContext, model: SkinModel, contour: tuple[int, ...], outward: int) -> float:
    """Return the share of one side's ear band that is skin (0..1; see the module notes for the denominator)."""
    face, fw = ctx.face, ctx.face.face_width_px
    top = float(face.eye_mid[1]) - BAND_ABOVE_EYES * fw
    bottom = float(face.xy(SUBNASALE)[1]) + BAND_BELOW_NOSE * fw
    if bottom <= top:
        return 0.0
    anchor = float(face.xy(contour[3])[0])  # 234 or 454
    reach = (BAND_GAP + BAND_WIDTH) * fw
    expected = BAND_WIDTH * fw * (bottom - top)  # band area if it were wholly inside the frame, px²
    # widen the crop by the contour's slant so the band fits whatever its shape
    pad = 0.2 * fw
    x0, x1 = (anchor - reach - pad, anchor + pad) if outward < 0 else (anchor - pad, anchor + reach + pad)
    box = crop(ctx.rgb.shape, x0, top, x1, bottom)
    if box is None or expected <= 0:
        return 0.0
    rows, cols = box
    band = _band_mask(ctx, contour, outward, rows, cols)
    if ctx.person_mask is not None:
        band &= ctx.person_mask[rows, cols] > EAR_MASK_THRESHOLD
    if not band.any():
        return 0.0
    lab = srgb_to_lab(ctx.rgb[rows, cols][band].reshape(-1, 1, 3))  # only the band's pixels are converted
    skin = model.distance(lab) <= SKIN_DISTANCE_MAX
    # Share of the person part of the band, but never of less than PERSON_SHARE_FLOOR of the whole band: a band that
    # is mostly background (ear turned away, tight hair) must not score high on a few skin pixels.
    return float(min(1.0, skin.sum() / max(band.sum(), PERSON_SHARE_FLOOR * expected)))


def measure_ears(ctx: FaceContext, skin: SkinModel | None = None) -> EarsMeasure:
    """Return how much of each expected ear band looks like skin (about 1 ms for a 240 px wide face).

    `skin` is the subject's skin model when the caller already has it (`skin_model(ctx)`), else it is learned here.
    """
    model = skin if skin is not None else skin_model(ctx)
    right = ear_ratio(ctx, model, FACE_CONTOUR_RIGHT, outward=-1)
    left = ear_ratio(ctx, model, FACE_CONTOUR_LEFT, outward=+1)
    return EarsMeasure(right_visible_ratio=right, left_visible_ratio=left, min_visible_ratio=min(right, left))
