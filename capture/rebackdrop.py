"""Backdrop replacement (换底): the person kept, everything else painted the spec's colour, room added above.

For photos brought on a USB stick or by mail whose backdrop has the wrong colour or is busy, or that are cut so
close above the hair that the spec's hair-top band cannot be met. Three steps:

1. **Matte.** Only the person region that holds the face is kept. The person mask (selfie segmentation, about 256 px across whatever the photo size) is refined with a
   guided filter that takes the photo itself as the guide, so the edge follows the hair and shoulders at full
   resolution instead of the model's coarse grid (He, Sun & Tang, "Guided Image Filtering", 2010).
2. **Decontamination.** Along a soft edge each pixel mixes the person with the old backdrop; blending it with the
   new colour would leave a rim of the old one (a grey halo on blue). Edge pixels, and a thin ring just inside the
   matte whose pixels still mix in the old colour, take the person's colour F from the nearest sure-person pixels
   instead (spread outwards by a normalised blur).
3. **Composite** α·F + (1 − α)·C on a canvas extended by `extend_top` rows of the new colour above the photo.

A head cut off by the top edge is not repaired (hair cannot be invented): the caller refuses such photos first.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from capture.settings import ENGINE

#: guided-filter window radius as a share of the face width, and its regularisation (on 0..1 images)
GUIDE_RADIUS_FACE = 0.012
GUIDE_EPS = 1e-3
#: the coarse mask's probabilities are steepened by this factor around 0.5 before the guided filter
MASK_CONTRAST = 8.0
#: alpha at or below this is backdrop, at or above 1 − this is person (clean, no mixing)
ALPHA_CLEAN = 0.04
#: the outer ring of the full-alpha matte this wide (face widths) also takes its colour from further in
EDGE_RING_FACE = 0.008
#: the person's colours are spread outwards over the soft edge with a Gaussian of this many face widths
EDGE_SPREAD_FACE = 0.01


@dataclass(frozen=True)
class Rebackdropped:
    """A photo on its new backdrop: the image, the refined matte and how many rows were added on top."""

    rgb: np.ndarray  # (H + extend_top)×W×3 uint8
    alpha: np.ndarray  # H×W float32 0..1, the refined person matte of the original photo
    extend_top: int


def subject_only(mask: np.ndarray, face_xy: tuple[float, float]) -> np.ndarray:
    """Return `mask` (H×W float32 0..1) with every person region not connected to the face cleared: a lamp, a
    poster or a passer-by the model took for a person would otherwise stay on the new backdrop."""
    binary = (mask > ENGINE.mask_threshold).astype(np.uint8)
    count, labels = cv2.connectedComponents(binary, connectivity=8)
    if count <= 2:
        return mask
    h, w = mask.shape[:2]
    x, y = int(min(max(face_xy[0], 0), w - 1)), int(min(max(face_xy[1], 0), h - 1))
    keep = labels[y, x]
    if keep == 0:  # the face point fell outside the mask: keep the largest region
        keep = int(np.argmax(np.bincount(labels.ravel())[1:])) + 1
    return np.where((labels != keep) & (binary > 0), 0.0, mask).astype(np.float32)


def refine_matte(rgb: np.ndarray, mask: np.ndarray, face_width_px: float) -> np.ndarray:
    """Return the person matte (H×W float32, 0..1) of `rgb`: the coarse `mask` guided by the photo's own edges."""
    radius = max(2, int(round(GUIDE_RADIUS_FACE * face_width_px)))
    guide = rgb.astype(np.float32) / 255.0
    # the model's probabilities fade over many px at its coarse scale: steepen them around 0.5 first
    coarse = np.clip((mask.astype(np.float32) - 0.5) * MASK_CONTRAST + 0.5, 0.0, 1.0)
    alpha = cv2.ximgproc.guidedFilter(guide, coarse, radius, GUIDE_EPS)
    alpha = np.clip((alpha - ALPHA_CLEAN) / (1.0 - 2.0 * ALPHA_CLEAN), 0.0, 1.0)
    return alpha


def inner_person(alpha: np.ndarray, face_width_px: float) -> np.ndarray:
    """Return the bool pixels that are surely the person and not on its rim: the matte's full-alpha part shrunk by
    EDGE_RING_FACE face widths (the outermost full-alpha pixels still mix in the old backdrop)."""
    ring = max(1, int(round(EDGE_RING_FACE * face_width_px)))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * ring + 1, 2 * ring + 1))
    return cv2.erode((alpha >= 1.0).astype(np.uint8), kernel).astype(bool)


def edge_foreground(rgb: np.ndarray, alpha: np.ndarray, face_width_px: float) -> np.ndarray:
    """Return the person's colour (H×W×3 float32) behind every pixel, spread outwards from the sure-person pixels.

    Along the matte's soft edge an observed pixel mixes the person with the old backdrop; its person colour is
    taken from the nearest sure-person pixels instead (normalised blur), so no trace of the old backdrop is kept.
    """
    sure = inner_person(alpha, face_width_px).astype(np.float32)
    sigma = max(1.0, EDGE_SPREAD_FACE * face_width_px)
    weight = cv2.GaussianBlur(sure, (0, 0), sigma)
    spread = cv2.GaussianBlur(rgb.astype(np.float32) * sure[..., None], (0, 0), sigma)
    return np.where(weight[..., None] > 1e-3, spread / np.maximum(weight, 1e-6)[..., None], rgb.astype(np.float32))


def replace_backdrop(rgb: np.ndarray, mask: np.ndarray, colour: tuple[int, int, int], face_width_px: float,
                     face_xy: tuple[float, float], extend_top: int = 0) -> Rebackdropped:
    """Return `rgb` with its backdrop replaced by `colour` (sRGB 0..255) and `extend_top` rows of it added above.

    `mask` is the person probability (H×W, 0..1) of `rgb`; only the region holding the face point `face_xy` (px)
    is kept; `face_width_px` scales the filters to the subject.
    """
    alpha = refine_matte(rgb, subject_only(mask, face_xy), face_width_px)
    image = rgb.astype(np.float32)
    a = alpha[..., None]
    inner = inner_person(alpha, face_width_px)[..., None]
    foreground = np.where(inner, image, edge_foreground(rgb, alpha, face_width_px))
    new = np.asarray(colour, np.float32)
    out = a * foreground + (1.0 - a) * new
    h, w = rgb.shape[:2]
    canvas = np.empty((h + extend_top, w, 3), np.uint8)
    canvas[:extend_top] = np.asarray(colour, np.uint8)
    canvas[extend_top:] = np.clip(out + 0.5, 0, 255).astype(np.uint8)
    return Rebackdropped(canvas, alpha, extend_top)
