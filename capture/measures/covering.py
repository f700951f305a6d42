"""Head covering: how much of the head above the forehead has a colour that neither hair nor skin has.

Top region (px): the person pixels between the crown (top of the person mask, ctx.head.crown_y) and the forehead
line (FaceMesh point 10), over the middle 0.6 face width, at most 0.7 face width tall.

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

What it cannot see: a covering in a natural hair colour (a black beret or hood, a dark-brown felt hat, a plain
black cap). It is fooled by dyed hair in a vivid colour (purple, pink), by a coloured headband, and by coloured
highlights or background showing through the hair. The constants and the gate threshold were calibrated on the
development photos (22 hats among 275): about 0.93 balanced accuracy in-sample, 0.87–0.91 held out.
Crown height above the forehead alone separated hats poorly (≈ 0.73 balanced accuracy) and is not used.
"""
from __future__ import annotations

from dataclasses import dataclass

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
    pixels = ctx.rgb[rows, cols]
    if ctx.person_mask is not None:
        pixels = pixels[ctx.person_mask[rows, cols] > ENGINE.mask_threshold]
    pixels = pixels.reshape(-1, 1, 3)
    n = len(pixels)
    if n == 0:
        return CoveringMeasure(0.0, 0.0, 0.0, 0)
    lab = srgb_to_lab(pixels).reshape(-1, 3)  # only the pixels that count are converted
    model = skin if skin is not None else skin_model(ctx)
    skin_like = model.distance(lab) <= SKIN_DISTANCE_MAX
    covering, white, skin = classify(lab, model.mean, skin_like)
    return CoveringMeasure(float(covering.mean()), float(skin.mean()), float(white.mean()), int(n) * step * step)
