"""Head covering: how much of the head above the forehead has a colour that neither hair nor skin has.

Top region (px): the person pixels between the crown (top of the person mask, ctx.head.crown_y) and the forehead
line (FaceMesh point 10), over the middle 0.6 face width, at most 0.7 face width tall.

The rim along the person mask's outline (OUTLINE_DEPTH face widths deep) is where the mask's soft edge and the
camera's colour bleed (a webcam's compressed chroma has half the resolution or less) mix the backdrop into the hair:
brown hair or a fringe in front of a blue wall reads as a blue band there, and a blue band a tenth of the region was
enough to refuse a bare head. A hat's colour fills the hat, not only its rim: so a rim pixel counts as covering only
when the pixel CONFIRM_DEPTH × OUTLINE_DEPTH further down (inside the head) is covering too.

Each pixel there is classed (CIELAB):
- skin-like: close to the subject's cheek colour model (Mahalanobis, as for the ears), or of the cheeks' hue and
  similar chroma at any lightness (a bald or shiny scalp);
- hair-like: natural hair colours: near-neutral (black, grey; C* ≤ HAIR_NEUTRAL_C) or an orange-to-yellow hue
  (HAIR_HUE_DEG) of moderate chroma (C* ≤ HAIR_CHROMA_MAX) — black, brown, blond, red, grey hair — but not
  near-white (L* > WHITE_L_MIN with C* ≤ WHITE_C_MAX);
- covering: neither — a white cap or turban, a red/blue/green cap, a pink helmet, an orange hood.
`covering_ratio` is the share of covering pixels. Shares are counted on every n-th px (rows and columns) so that
about SAMPLES_PER_FACE_WIDTH samples span the face width: a share needs no more, and the cost stays flat however
close the camera is.

What it cannot see: a covering in a natural hair colour (a black beret or hood, a dark-brown felt hat, a plain black
cap), nor one that lies only on the rim (a small cap less than about a fifth of a face width tall). It is fooled by
dyed hair in a vivid colour (purple, pink), by a coloured headband, and by coloured highlights or background showing
through the hair. The colour constants were calibrated on the development photos (22 hats among 275). With the rim
rule (OUTLINE_DEPTH, CONFIRM_DEPTH) on the 391 development photos (28 hats): 0.908 balanced accuracy in-sample at
the gate's 0.07 (0.897 before at 0.09; bare heads refused 23 → 15, the same 24 hats caught), 0.905 held out by
5-fold cross-validation (0.895 before); on the development webcam clips no frame reads above 0.006 (franck's fringe
on a blue wall read 0.11–0.16 before).
Crown height above the forehead alone separated hats poorly (≈ 0.73 balanced accuracy) and is not used.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from capture.measures.context import FaceContext
from capture.measures.colour import srgb_to_lab
from capture.measures.ears import SkinModel, crop, skin_model
from capture.settings import ENGINE

#: the region is sampled every n-th px so that at least this many samples span the face width (speed)
SAMPLES_PER_FACE_WIDTH = 80
#: top region: half-width and greatest height above the forehead line, shares of the face width
TOP_HALF_WIDTH = 0.3
TOP_HEIGHT_MAX = 0.7
#: the rim along the person mask's outline whose covering colour must be confirmed further in, share of the face
#: width, and how far down (× OUTLINE_DEPTH) the confirming pixel lies (module notes)
OUTLINE_DEPTH = 0.15
CONFIRM_DEPTH = 1.5
#: hair gamut (CIE L*a*b*): neutral up to this chroma, or this hue range (deg) up to HAIR_CHROMA_MAX
HAIR_NEUTRAL_C = 7.0
HAIR_HUE_DEG = (15.0, 110.0)
HAIR_CHROMA_MAX = 45.0
#: lighter than this L* is white (cap, turban), not hair
WHITE_L_MIN = 82.0
#: ... and at most this chroma (a highlight on a scalp or blond hair keeps some colour)
WHITE_C_MAX = 6.0
#: skin: Mahalanobis distance to the cheek model, or the cheek hue ± SKIN_HUE_DEG with chroma within
#: SKIN_CHROMA_RANGE × the cheek chroma
SKIN_DISTANCE_MAX = 3.0
SKIN_HUE_DEG = 12.0
SKIN_CHROMA_RANGE = (0.6, 1.6)


@dataclass(frozen=True)
class CoveringMeasure:
    """Estimate that a hat/cap/hood covers the head, with how the top region was classed (shares 0..1)."""

    covering_ratio: float  # neither skin nor hair colour
    skin_ratio: float  # skin-like (bald scalp, high forehead)
    white_ratio: float  # part of covering_ratio that is near-white
    top_px: int  # person pixels in the top region (0: nothing above the forehead → ratio 0), estimated from samples


def _hue_chroma(lab: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the hue angle (deg, −180..180) and chroma C* of (..., 3) CIELAB values."""
    a, b = lab[..., 1], lab[..., 2]
    return np.degrees(np.arctan2(b, a)), np.hypot(a, b)


def classify(
    lab: np.ndarray, skin_mean: np.ndarray, skin_like: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (covering, white covering, skin) bool arrays for (N, 3) CIELAB pixels.

    `skin_mean` is the cheek model's mean colour (L*, a*, b*); `skin_like` its Mahalanobis test per pixel.
    """
    hue, chroma = _hue_chroma(lab)
    skin_hue, skin_chroma = _hue_chroma(skin_mean)
    d_hue = np.abs((hue - skin_hue + 180.0) % 360.0 - 180.0)
    lo, hi = SKIN_CHROMA_RANGE
    skin = skin_like | ((d_hue <= SKIN_HUE_DEG) & (chroma >= lo * skin_chroma) & (chroma <= hi * skin_chroma)
                        & (skin_chroma > HAIR_NEUTRAL_C))
    white = (lab[:, 0] > WHITE_L_MIN) & (chroma <= WHITE_C_MAX)
    hair_hue = (hue >= HAIR_HUE_DEG[0]) & (hue <= HAIR_HUE_DEG[1]) & (chroma <= HAIR_CHROMA_MAX)
    hair = ((chroma <= HAIR_NEUTRAL_C) | hair_hue) & ~white
    covering = ~skin & ~hair
    return covering, covering & white, skin


def outline_rim(mask: np.ndarray, rows: slice, cols: slice, depth_px: float) -> tuple[np.ndarray, np.ndarray]:
    """Return (person, rim): bool arrays shaped like `mask[rows, cols]` (slices with one step, the same for both).
    `person`: the sample is on the person (mask > the engine's threshold); `rim`: a person sample less than
    `depth_px` px inside the mask's outline. The frame's edges are no outline (a head cut off at the top edge has no
    rim there)."""
    step = rows.step or 1
    pad = int(np.ceil(depth_px / step))
    top, left = min(pad, rows.start // step), min(pad, cols.start // step)
    grid = mask[rows.start - top * step:rows.stop + pad * step:step,
                cols.start - left * step:cols.stop + pad * step:step] > ENGINE.mask_threshold
    inner = grid
    if pad > 0:
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * pad + 1, 2 * pad + 1))
        inner = cv2.erode(grid.astype(np.uint8), kernel, borderType=cv2.BORDER_REPLICATE).astype(bool)
    n_rows, n_cols = len(range(rows.start, rows.stop, step)), len(range(cols.start, cols.stop, step))
    person = grid[top:top + n_rows, left:left + n_cols]
    return person, person & ~inner[top:top + n_rows, left:left + n_cols]


def confirmed(covering: np.ndarray, rim: np.ndarray, shift: int) -> np.ndarray:
    """Return `covering` (a 2-D bool grid) with each rim sample kept only when the sample `shift` rows below it is
    covering too; a rim sample with nothing `shift` rows below in the grid keeps its own verdict."""
    if shift <= 0:
        return covering
    below = covering.copy()
    below[:-shift] = covering[shift:]
    return covering & (~rim | below)


def measure_head_covering(ctx: FaceContext, skin: SkinModel | None = None) -> CoveringMeasure:
    """Return the share of the region above the forehead whose colour is neither hair nor skin (module notes).

    `skin` is the subject's skin model when the caller already has it (`skin_model(ctx)`), else it is learned here.
    """
    face, fw = ctx.face, ctx.face.face_width_px
    bottom = face.forehead_y
    top = max(ctx.head.crown_y, bottom - TOP_HEIGHT_MAX * fw)
    cx = face.face_centre_x
    box = crop(ctx.rgb.shape, cx - TOP_HALF_WIDTH * fw, top, cx + TOP_HALF_WIDTH * fw, bottom)
    if box is None:
        return CoveringMeasure(0.0, 0.0, 0.0, 0)
    step = max(1, int(fw // SAMPLES_PER_FACE_WIDTH))
    rows, cols = slice(box[0].start, box[0].stop, step), slice(box[1].start, box[1].stop, step)
    grid = ctx.rgb[rows, cols]
    if ctx.person_mask is None:
        person, rim = np.ones(grid.shape[:2], bool), np.zeros(grid.shape[:2], bool)
    else:
        person, rim = outline_rim(ctx.person_mask, rows, cols, OUTLINE_DEPTH * fw)
    n = int(person.sum())
    if n == 0:
        return CoveringMeasure(0.0, 0.0, 0.0, 0)
    lab = srgb_to_lab(grid[person].reshape(-1, 1, 3)).reshape(-1, 3)  # only the pixels that count are converted
    model = skin if skin is not None else skin_model(ctx)
    skin_like = model.distance(lab) <= SKIN_DISTANCE_MAX
    covering, white, skin = classify(lab, model.mean, skin_like)
    covering_grid = np.zeros(person.shape, bool)
    covering_grid[person] = covering
    shift = int(round(CONFIRM_DEPTH * np.ceil(OUTLINE_DEPTH * fw / step)))
    kept = confirmed(covering_grid, rim, shift)[person]
    return CoveringMeasure(float(kept.mean()), float(skin.mean()), float((white & kept).mean()), n * step * step)
