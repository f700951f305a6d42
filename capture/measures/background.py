"""The backdrop behind the head: its colour (CIE L*a*b*, ΔE2000 to the allowed colours) and its uniformity.

Background pixels are those outside the person mask (probability < 0.5), kept a few px away from the person's edge,
within the part of the frame that ends up in a picture: a window `WINDOW_HALF_WIDTH` face widths either side of the
face centre, from `WINDOW_ABOVE_CROWN` head heights above the crown down to the chin (the shoulders and anything far
above the head are ignored). The window is resized so the face is `WORK_FACE_WIDTH_PX` px wide before measuring,
so gradients describe the backdrop relative to the face, whatever the camera distance or resolution.

Uniformity follows OFIQ (mean Scharr gradient magnitude over background pixels, OpenCV's unnormalised 3×3 Scharr,
so a clean 1-level step reads 16) with two changes found on the development photos: the gradient is taken on the
gamma-encoded 8-bit luma Y' (what the eye and a histogram see; in linear light a dark, busy curtain looks flat), after
a Gaussian of `GRADIENT_SIGMA_PX` working px (webcam noise on a plain wall would otherwise read as texture).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import cv2
import numpy as np

from capture.faces.parts import face_oval_indices
from capture.measures.context import FaceContext
from capture.measures.colour import srgb_to_lab
from capture.measures.light import luma8
from capture.measures.resample import shrink
from capture.settings import ENGINE

#: face width (cheek to cheek) at the working resolution, px
WORK_FACE_WIDTH_PX = 100.0
#: the window reaches this many face widths left and right of the face centre
WINDOW_HALF_WIDTH = 1.2
#: the window starts this many head heights (crown to chin) above the crown
WINDOW_ABOVE_CROWN = 0.4
#: background pixels closer than this to the person (working px) are dropped: halo, stray hair
EDGE_MARGIN_PX = 3
#: Gaussian smoothing before the gradient, working px: sensor and JPEG noise on a plain wall is not "texture"
GRADIENT_SIGMA_PX = 1.0

@dataclass(frozen=True)
class BackgroundMeasure:
    """Colour and texture of the backdrop around the head (NaN fields when no background pixel is visible)."""

    mean_rgb: tuple[float, float, float]  # mean sRGB 0..255
    mean_lab: tuple[float, float, float]  # mean CIE L*a*b* (D65) of the pixels
    colour_std: float  # RMS ΔE76 of the pixels from mean_lab (spread of colour, L*a*b* units)
    gradient_mean: float  # mean Scharr gradient magnitude of 8-bit luma Y' at the working scale (see module doc)
    coverage: float  # share of the window (inside the frame) that counts as background, 0..1
    pixels: int  # background pixels measured at the working scale


def delta_e_2000(
    lab1: Sequence[float], lab2: Sequence[float], k_l: float = 1.0, k_c: float = 1.0, k_h: float = 1.0
) -> float:
    """Return the CIEDE2000 colour difference between two CIE L*a*b* colours (k_l, k_c, k_h: parametric factors)."""
    tl, tc, th, r_t = _delta_e_terms(lab1, lab2, k_l, k_c, k_h)
    return math.sqrt(max(0.0, tl * tl + tc * tc + th * th + r_t * tc * th))


@dataclass(frozen=True)
class ColourOffset:
    """How a measured colour differs from a reference, in CIEDE2000's own weighted terms (ΔE2000 units, signed
    measured − reference): lightness (> 0 lighter), chroma (> 0 more colourful) and hue (magnitude only)."""

    lightness: float
    chroma: float
    hue: float

    @property
    def word(self) -> str:
        """Return the code of the largest term: "too_dark", "too_light", "too_colourful", "too_dull" (greyer than
        the reference) or "wrong_hue"."""
        terms = {"lightness": abs(self.lightness), "chroma": abs(self.chroma), "hue": abs(self.hue)}
        largest = max(terms, key=terms.get)
        if largest == "lightness":
            return "too_light" if self.lightness > 0 else "too_dark"
        if largest == "chroma":
            return "too_colourful" if self.chroma > 0 else "too_dull"
        return "wrong_hue"


def colour_offset(measured_lab: Sequence[float], reference_rgb: Sequence[int]) -> ColourOffset:
    """Return the ColourOffset of `measured_lab` (CIE L*a*b*) from the sRGB colour `reference_rgb` (0..255)."""
    ref = _labs_of((tuple(float(v) for v in reference_rgb),))[0]
    tl, tc, th, _ = _delta_e_terms(ref, measured_lab)
    return ColourOffset(float(tl), float(tc), float(abs(th)))


def _delta_e_terms(
    lab1: Sequence[float], lab2: Sequence[float], k_l: float = 1.0, k_c: float = 1.0, k_h: float = 1.0
) -> tuple[float, float, float, float]:
    """Return CIEDE2000's weighted terms (ΔL'/S_L, ΔC'/S_C, ΔH'/S_H, R_T) of `lab2` − `lab1`."""
    l1, a1, b1 = (float(x) for x in lab1)
    l2, a2, b2 = (float(x) for x in lab2)
    c_mean = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_mean**7 / (c_mean**7 + 25.0**7)))
    a1p, a2p = a1 * (1 + g), a2 * (1 + g)
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0

    d_l = l2 - l1
    d_c = c2p - c1p
    if c1p * c2p == 0:
        d_h_angle = 0.0
    else:
        d_h_angle = h2p - h1p
        if d_h_angle > 180:
            d_h_angle -= 360
        elif d_h_angle < -180:
            d_h_angle += 360
    d_h = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(d_h_angle) / 2)

    l_bar = (l1 + l2) / 2
    c_bar = (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_bar = (h1p + h2p) / 2
    elif h1p + h2p < 360:
        h_bar = (h1p + h2p + 360) / 2
    else:
        h_bar = (h1p + h2p - 360) / 2

    t = (
        1
        - 0.17 * math.cos(math.radians(h_bar - 30))
        + 0.24 * math.cos(math.radians(2 * h_bar))
        + 0.32 * math.cos(math.radians(3 * h_bar + 6))
        - 0.20 * math.cos(math.radians(4 * h_bar - 63))
    )
    d_theta = 30 * math.exp(-(((h_bar - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(c_bar**7 / (c_bar**7 + 25.0**7))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / math.sqrt(20 + (l_bar - 50) ** 2)
    s_c = 1 + 0.045 * c_bar
    s_h = 1 + 0.015 * c_bar * t
    r_t = -math.sin(math.radians(2 * d_theta)) * r_c
    return d_l / (k_l * s_l), d_c / (k_c * s_c), d_h / (k_h * s_h), r_t


@lru_cache(maxsize=32)
def _labs_of(colours_rgb: tuple[tuple[float, ...], ...]) -> np.ndarray:
    """Return the CIELAB of a profile's allowed colours (sRGB 0..255 triples), converted once per colour set."""
    labs = srgb_to_lab(np.asarray(colours_rgb, np.float64).reshape(-1, 3))
    labs.flags.writeable = False
    return labs


def nearest_background(mean_lab: Sequence[float], colours_rgb: Sequence[Sequence[int]]) -> tuple[int, float]:
    """Return (index, ΔE2000) of the allowed colour (sRGB 0..255 triples) nearest to `mean_lab`."""
    if not len(colours_rgb):
        raise ValueError("no background colours to compare with")
    return _nearest(tuple(float(v) for v in mean_lab), tuple(tuple(float(v) for v in c) for c in colours_rgb))


@lru_cache(maxsize=64)
def _nearest(mean_lab: tuple[float, ...], colours_rgb: tuple[tuple[float, ...], ...]) -> tuple[int, float]:
    """nearest_background on hashable values: the live kiosk asks again for the same backdrop between full
    analyses (the measure is carried over), and gets the answer without the ΔE2000 arithmetic."""
    distances = [delta_e_2000(mean_lab, lab) for lab in _labs_of(colours_rgb)]
    best = int(np.argmin(distances))
    return best, float(distances[best])


@dataclass(frozen=True)
class BackdropMatch:
    """The measured backdrop against one allowed colour: which (index into the profile's list), the ΔE2000, the
    tolerance it is held to, and how it is off (ColourOffset)."""

    index: int
    delta_e: float
    tolerance: float
    offset: ColourOffset

    @property
    def ok(self) -> bool:
        """Return True when the ΔE is within this colour's tolerance."""
        return self.delta_e <= self.tolerance


def match_backdrop(mean_lab: Sequence[float], colours_rgb: Sequence[Sequence[int]],
                   tolerances: Sequence[float]) -> BackdropMatch:
    """Return the BackdropMatch the backdrop `mean_lab` is judged by: among the allowed colours it is within the
    tolerance of, the nearest in units of that tolerance (ΔE2000 ÷ tolerance); when it is within none, the colour
    nearest in plain ΔE2000 (the one a person would say it should have been)."""
    if not len(colours_rgb) or len(colours_rgb) != len(tolerances):
        raise ValueError("need one tolerance per background colour")
    lab = tuple(float(v) for v in mean_lab)
    distances = [_nearest(lab, (tuple(float(v) for v in c),))[1] for c in colours_rgb]
    within = [i for i, d in enumerate(distances) if d <= tolerances[i]]
    if within:
        best = min(within, key=lambda i: distances[i] / max(float(tolerances[i]), 1e-6))
    else:
        best = min(range(len(distances)), key=lambda i: distances[i])
    return BackdropMatch(best, distances[best], float(tolerances[best]), colour_offset(lab, colours_rgb[best]))


def background_window(ctx: FaceContext) -> tuple[int, int, int, int]:
    """Return the frame window (x0, y0, x1, y1) px whose backdrop is measured, clipped to the frame."""
    head = ctx.head
    fw = max(head.face_width, 1.0)
    head_h = max(head.chin_y - head.crown_y, fw)
    x0 = int(max(0, math.floor(head.face_centre_x - WINDOW_HALF_WIDTH * fw)))
    x1 = int(min(ctx.width, math.ceil(head.face_centre_x + WINDOW_HALF_WIDTH * fw)))
    y0 = int(max(0, math.floor(head.crown_y - WINDOW_ABOVE_CROWN * head_h)))
    y1 = int(min(ctx.height, math.ceil(head.chin_y)))
    return x0, y0, x1, y1


def _empty(coverage: float = 0.0) -> BackgroundMeasure:
    nan = float("nan")
    return BackgroundMeasure((nan, nan, nan), (nan, nan, nan), nan, nan, coverage, 0)


def measure_background(ctx: FaceContext) -> BackgroundMeasure:
    """Return the BackgroundMeasure of the backdrop around the subject's head (a few ms at 1280×720)."""
    x0, y0, x1, y1 = background_window(ctx)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return _empty()
    scale = WORK_FACE_WIDTH_PX / max(ctx.head.face_width, 1.0)
    w, h = max(3, round((x1 - x0) * scale)), max(3, round((y1 - y0) * scale))
    frame = ctx.rgb if ctx.rgb.strides[-2:] == (3, 1) else np.ascontiguousarray(ctx.rgb)  # OpenCV needs rows of RGB
    rgb = shrink(frame[y0:y1, x0:x1], (w, h))
    if ctx.person_mask is not None:
        person = cv2.resize(ctx.person_mask[y0:y1, x0:x1], (w, h), interpolation=cv2.INTER_LINEAR)
        background = (person < ENGINE.mask_threshold).astype(np.uint8)
    else:
        background = np.ones((h, w), np.uint8)
    # the face oval is never background, whatever the mask says
    oval = (ctx.face.points[list(face_oval_indices()), :2] - np.array([x0, y0], np.float32)) * scale
    cv2.fillPoly(background, [np.round(oval).astype(np.int32)], 0)
    size = 2 * EDGE_MARGIN_PX + 1
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    # pixels outside the window are not the person: pad with background so the frame edge does not erode
    background = cv2.erode(background, kernel, borderType=cv2.BORDER_CONSTANT, borderValue=1).astype(bool)
    n = int(background.sum())
    coverage = n / float(w * h)
    if n == 0:
        return _empty(coverage)

    mask8 = background.view(np.uint8)
    mean_rgb = cv2.mean(rgb, mask=mask8)[:3]
    # colour statistics from every other working px: same mean and spread, a quarter of the work
    sub_mask = np.ascontiguousarray(mask8[::2, ::2])
    if not sub_mask.any():
        sub_mask = mask8
        lab = srgb_to_lab(rgb)
    else:
        lab = srgb_to_lab(np.ascontiguousarray(rgb[::2, ::2]))
    lab_mean, lab_std = cv2.meanStdDev(lab, mask=sub_mask)

    y8 = luma8(rgb)
    if GRADIENT_SIGMA_PX > 0:
        y8 = cv2.GaussianBlur(y8, (0, 0), GRADIENT_SIGMA_PX, borderType=cv2.BORDER_REFLECT)
    gx = cv2.Scharr(y8, cv2.CV_32F, 1, 0, borderType=cv2.BORDER_REFLECT)
    gy = cv2.Scharr(y8, cv2.CV_32F, 0, 1, borderType=cv2.BORDER_REFLECT)
    gradient = cv2.magnitude(gx, gy)

    return BackgroundMeasure(
        mean_rgb=(float(mean_rgb[0]), float(mean_rgb[1]), float(mean_rgb[2])),
        mean_lab=(float(lab_mean[0, 0]), float(lab_mean[1, 0]), float(lab_mean[2, 0])),
        colour_std=float(np.sqrt(np.sum(lab_std**2))),
        gradient_mean=float(cv2.mean(gradient, mask=mask8)[0]),
        coverage=float(coverage),
        pixels=n,
    )
