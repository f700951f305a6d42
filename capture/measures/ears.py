"""Ears: is anything of the person other than bare skin where the ears are, or beside the jaw below them?

An ID photo that asks for both ears wants them clear of hair. On a frontal portrait the ears sit just outside the face
contour (FaceMesh face oval through 234 / 454) between the eye line and the nose base; hair over them reaches down
beside the jaw. Per side we look at two bands just outside the contour, starting BAND_GAP face widths out:

- the ear band, eye line to nose base, EAR_BAND_WIDTH wide: the share of it that the person mask calls person but
  that is not the subject's skin colour (hair, a hood, a hand). The segmenter usually trims bare ears to the
  backdrop, so a visible ear adds nothing here; hair over it is person and not skin;
- the jaw band, nose base to chin, JAW_BAND_WIDTH wide: the share that is person but not smooth skin. Hair hanging
  beside the face is the clearest sign on real photos that it also covers the ears; "smooth" (local lightness
  spread at most SMOOTH_OF_CHEEK × the cheeks') keeps blond or red hair, which has skin's colour but not its
  texture, from counting as skin.

A side's visible ratio is 1 − the larger of its two shares. A turned head hides the far ear behind the face, so the
gate value `min_visible_ratio` (the smaller side) loses TURN_PENALTY per degree of yaw beyond TURN_FREE_DEG; it can
go below 0. Skin colour: a CIELAB Gaussian learned from the cheeks (`skin_model`, shared with the head covering).

Limits (development photos): long hair tucked behind the ears but hanging beside the jaw reads as covered; a scarf or
a collar up to the jaw too; a backdrop the segmenter takes for the person confuses both bands. No standard defines
this; the constants were chosen on the development photos (docs/accuracy.md).
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from capture.faces.parts import CHEEKS, CHIN, FACE_CONTOUR_LEFT, FACE_CONTOUR_RIGHT, SUBNASALE
from capture.measures.colour import srgb_to_lab
from capture.measures.context import FaceContext
from capture.measures.pose import yaw_deg

#: band geometry, shares of the face width (234–454): gap from the contour and the width of each band
BAND_GAP = 0.02
EAR_BAND_WIDTH = 0.10
JAW_BAND_WIDTH = 0.15
#: Cheek patch side, share of the face width.
CHEEK_PATCH = 0.08
#: Mahalanobis distance (CIELAB) below which a pixel counts as skin.
SKIN_DISTANCE_MAX = 2.5
#: Smallest per-channel standard deviation of the skin model (L*, a*, b*): ears are often shaded or redder.
SKIN_SIGMA_FLOOR = (12.0, 3.0, 4.0)
#: person-mask probability above which a pixel is the person
PERSON_MIN = 0.5
#: texture: the spread (standard deviation of L*) in a window of TEXTURE_WINDOW face widths; skin is smooth when its
#: spread is at most SMOOTH_OF_CHEEK × the median spread on the cheeks (never less than CHEEK_SPREAD_FLOOR L*)
TEXTURE_WINDOW = 0.04
SMOOTH_OF_CHEEK = 2.0
CHEEK_SPREAD_FLOOR = 0.5
#: the bands are read on every n-th px, n chosen so that at least WORK_FACE_WIDTH px span the face (speed)
WORK_FACE_WIDTH = 80
#: yaw beyond which a turned head is taken to hide an ear, degrees, and the value lost per further degree
TURN_FREE_DEG = 8.0
TURN_PENALTY = 0.1


@dataclass(frozen=True)
class EarsMeasure:
    """How clear of hair each ear is (1 − the share of its bands that is person but not bare skin); right/left are
    the subject's own. Clear ears on frontal ID-style photos score about 0.5–1, ears under hair 0–0.3."""

    right_visible_ratio: float  # subject's right ear = image left
    left_visible_ratio: float
    min_visible_ratio: float  # the smaller side less the turn penalty (may be negative): the gate value
    right_ear_hair_ratio: float = 0.0  # share of the ear band that is person but not skin
    left_ear_hair_ratio: float = 0.0
    right_jaw_hair_ratio: float = 0.0  # share of the jaw band that is person but not smooth skin
    left_jaw_hair_ratio: float = 0.0
    turn_penalty: float = 0.0  # TURN_PENALTY × degrees of yaw beyond TURN_FREE_DEG


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


def _cheek_boxes(ctx: FaceContext, points: tuple[int, ...], side: float) -> list[tuple[slice, slice]]:
    """Return the square boxes (side px) around the cheek points that lie in the frame."""
    boxes = []
    for i in points:
        x, y = ctx.face.xy(i)
        box = crop(ctx.rgb.shape, x - side / 2, y - side / 2, x + side / 2, y + side / 2)
        if box is not None:
            boxes.append(box)
    return boxes


def skin_model(ctx: FaceContext, points: tuple[int, ...] = CHEEKS, patch: float | None = None,
               sigma_floor: tuple[float, float, float] | None = None) -> SkinModel:
    """Return the skin model learned from square patches (side `patch` × face width) around the cheek points."""
    patch = CHEEK_PATCH if patch is None else patch
    sigma_floor = SKIN_SIGMA_FLOOR if sigma_floor is None else sigma_floor
    side = max(3.0, patch * ctx.face.face_width_px)
    samples = [srgb_to_lab(ctx.rgb[box]).reshape(-1, 3) for box in _cheek_boxes(ctx, points, side)]
    lab = np.concatenate(samples) if samples else np.zeros((1, 3), np.float32)
    mean = lab.mean(axis=0)
    cov = np.cov(lab, rowvar=False) if len(lab) > 3 else np.zeros((3, 3))
    cov = cov + np.diag(np.square(sigma_floor))
    return SkinModel(mean.astype(np.float64), np.linalg.inv(cov))


def lightness_spread(lightness: np.ndarray, window: int) -> np.ndarray:
    """Return the local standard deviation of an L* image (float32) in a `window`-px square, per pixel."""
    mean = cv2.blur(lightness, (window, window))
    mean_sq = cv2.blur(lightness * lightness, (window, window))
    return np.sqrt(np.maximum(mean_sq - mean * mean, 0.0))


@dataclass(frozen=True)
class _Side:
    """What the bands of one side need, worked out once: the face width, the sampling step and texture window,
    which way is outward (−1 image left), and the face contour's points sorted by y (px)."""

    fw: float
    step: int  # every n-th row and column is read (see WORK_FACE_WIDTH)
    window: int  # odd texture window in sampled px (TEXTURE_WINDOW face widths, at least 3)
    outward: int
    ys: np.ndarray
    xs: np.ndarray

    @classmethod
    def of(cls, ctx: FaceContext, contour: tuple[int, ...], outward: int) -> "_Side":
        fw = ctx.face.face_width_px
        step = max(1, int(fw // WORK_FACE_WIDTH))
        pts = ctx.face.points[list(contour), :2].astype(np.float64)
        order = np.argsort(pts[:, 1])
        window = max(3, int(round(TEXTURE_WINDOW * fw / step)) | 1)
        return cls(fw, step, window, outward, pts[order, 1], pts[order, 0])

    def band_x(self, ys: np.ndarray, width: float) -> tuple[np.ndarray, np.ndarray]:
        """Return the band's (left, right) x (px) at rows `ys` (px), `width` face widths wide."""
        edge = np.interp(ys, self.ys, self.xs)
        near = edge + self.outward * BAND_GAP * self.fw
        far = edge + self.outward * (BAND_GAP + width) * self.fw
        return np.minimum(near, far), np.maximum(near, far)


def cheek_spread(ctx: FaceContext, side: _Side) -> float:
    """Return the median local L* spread on the cheeks (the subject's smooth skin), at least CHEEK_SPREAD_FLOOR."""
    n = side.step
    spreads = [lightness_spread(srgb_to_lab(ctx.rgb[r.start:r.stop:n, c.start:c.stop:n])[..., 0], side.window).ravel()
               for r, c in _cheek_boxes(ctx, CHEEKS, 0.2 * side.fw)]
    if not spreads:
        return CHEEK_SPREAD_FLOOR
    return max(CHEEK_SPREAD_FLOOR, float(np.median(np.concatenate(spreads))))


def _band_mask(side: _Side, rows: slice, cols: slice, width: float) -> np.ndarray:
    """Return a bool mask over the sampled crop (rows, cols) of one band `width` face widths wide."""
    lo, hi = side.band_x(np.arange(rows.start, rows.stop, rows.step, dtype=np.float64) + 0.5, width)
    xs = np.arange(cols.start, cols.stop, cols.step, dtype=np.float64) + 0.5
    return (xs[None, :] >= lo[:, None]) & (xs[None, :] < hi[:, None])


def _band_box(ctx: FaceContext, side: _Side, rows: tuple[float, float], width: float,
              margin: float) -> tuple[slice, slice] | None:
    """Return the sampled (rows, cols) slices of the box around one band, `margin` px wider on each side, or None
    when it lies outside the frame."""
    lo, hi = side.band_x(np.linspace(rows[0], rows[1], 9), width)
    box = crop(ctx.rgb.shape, float(lo.min()) - margin, rows[0], float(hi.max()) + margin, rows[1])
    if box is None:
        return None
    return slice(box[0].start, box[0].stop, side.step), slice(box[1].start, box[1].stop, side.step)


def hair_share(ctx: FaceContext, model: SkinModel, side: _Side, rows: tuple[float, float], width: float,
               smooth_max: float | None) -> float:
    """Return the share (0..1) of one band that is person but not skin; with `smooth_max` (L* spread) skin must
    also be smooth to count as skin. Rows `rows` (top, bottom) px; a band outside the frame counts as covered (1)."""
    box = _band_box(ctx, side, rows, width, side.window * side.step if smooth_max is not None else 1.0)
    if box is None:
        return 1.0
    r, c = box
    band = _band_mask(side, r, c, width)
    if not band.any():
        return 1.0
    person = band if ctx.person_mask is None else band & (ctx.person_mask[r, c] > PERSON_MIN)
    if smooth_max is None:  # only the band's pixels are converted
        skin = np.zeros_like(band)
        skin[band] = model.distance(srgb_to_lab(ctx.rgb[r, c][band])) <= SKIN_DISTANCE_MAX
    else:
        lab = srgb_to_lab(ctx.rgb[r, c])
        skin = model.distance(lab) <= SKIN_DISTANCE_MAX
        skin &= lightness_spread(np.ascontiguousarray(lab[..., 0]), side.window) <= smooth_max
    return float(np.count_nonzero(person & ~skin) / np.count_nonzero(band))


def side_shares(ctx: FaceContext, model: SkinModel, side: _Side, smooth_max: float) -> tuple[float, float]:
    """Return (ear band, jaw band) shares of one side that are not bare skin (see the module notes)."""
    eye_y, nose_y = float(ctx.face.eye_mid[1]), float(ctx.face.xy(SUBNASALE)[1])
    chin_y = float(ctx.face.xy(CHIN)[1])
    ear = hair_share(ctx, model, side, (eye_y, nose_y), EAR_BAND_WIDTH, None) if nose_y > eye_y else 1.0
    jaw = hair_share(ctx, model, side, (nose_y, chin_y), JAW_BAND_WIDTH, smooth_max) if chin_y > nose_y else 1.0
    return ear, jaw


def jaw_smooth_max(ctx: FaceContext) -> float:
    """Return the L* spread at most which jaw-band skin counts as smooth: SMOOTH_OF_CHEEK × the cheeks' median
    spread (`cheek_spread`). Reads the landmarks and the pixels only (no person mask, no head geometry)."""
    return SMOOTH_OF_CHEEK * cheek_spread(ctx, _Side.of(ctx, FACE_CONTOUR_RIGHT, -1))


def measure_ears(ctx: FaceContext, skin: SkinModel | None = None, smooth_max: float | None = None,
                 yaw: float | None = None) -> EarsMeasure:
    """Return how clear of hair each ear is (a few ms whatever the face size: the bands are sampled).

    `skin` is the subject's skin model when the caller already has it (`skin_model(ctx)`), else it is learned here;
    likewise `smooth_max` (`jaw_smooth_max(ctx)`) and `yaw` (degrees, `pose.yaw_deg(ctx.face)`).
    """
    model = skin if skin is not None else skin_model(ctx)
    right_side, left_side = _Side.of(ctx, FACE_CONTOUR_RIGHT, -1), _Side.of(ctx, FACE_CONTOUR_LEFT, +1)
    if smooth_max is None:
        smooth_max = SMOOTH_OF_CHEEK * cheek_spread(ctx, right_side)
    ear_r, jaw_r = side_shares(ctx, model, right_side, smooth_max)
    ear_l, jaw_l = side_shares(ctx, model, left_side, smooth_max)
    right, left = 1.0 - max(ear_r, jaw_r), 1.0 - max(ear_l, jaw_l)
    penalty = TURN_PENALTY * max(0.0, abs(yaw if yaw is not None else yaw_deg(ctx.face)) - TURN_FREE_DEG)
    return EarsMeasure(right_visible_ratio=right, left_visible_ratio=left, min_visible_ratio=min(right, left) - penalty,
                       right_ear_hair_ratio=ear_r, left_ear_hair_ratio=ear_l, right_jaw_hair_ratio=jaw_r,
                       left_jaw_hair_ratio=jaw_l, turn_penalty=penalty)
