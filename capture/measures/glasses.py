"""Glasses: reflections on the lenses (glare) and tinted lenses, measured in a "lens region" around each eye.

The lens region is an ellipse where a spectacle lens sits (1.7 × 1.2 eye widths); skin references are patches on the
cheek below each eye, clear of most lenses. Pixel work is done on small crops, a few ms whatever the frame size.

Glare, as people see it: something bright or coloured on the lens where the eye should be seen.
- white glare: specular pixels (bright, white, whiter than any ordinary skin on the cheeks) grouped into blobs; a
  blob counts when it sits on the lens and reaches the eye, and not when it is a catchlight (a small lamp
  reflection wholly on the iris of a bare eye). Glare over the iris weighs triple; over the sclera nothing;
- coloured glare: the green, blue or purple reflections of anti-reflection coatings: pixels on the lens (not the
  eye opening, where a blue or green iris would count) of a hue skin never has (COATING_HUE_DEG), some chroma,
  and at least as light as the cheeks, in blobs that reach the eye.
The value is the weighted share of the lens region covered by either.

Tint, by darkness and by colour. Behind a clear lens the skin below the eye has the colour of the cheek; a tinted
lens filters it. Per eye, with linear-light R, G, B:
- brightness: median HSV value of the lens region ÷ the same-side cheek's (sunglasses ≪ 1);
- colour: the per-channel transmission T_c (median of the skin under the eye, inside the lens, ÷ the cheek's) and
  its colour shift ln(T_R / T_B): an orange or brown lens passes red and stops blue (shift > 0), a blue lens the
  reverse. Skin in shade also turns warmer (up to about 0.7 on real studio portraits, bare-faced), hardly ever
  cooler (below 0.35), so each direction has its own allowance.
`tint_ratio` (the gate value) is the darker eye's brightness ratio less TINT_COLOUR_WEIGHT × the shift beyond its
allowance of the less coloured eye (a tinted pair colours both lenses; coloured light from one side, one). Values that cannot be measured (an eye outside the frame) are NaN, which fails any threshold.

Limits: a light grey lens (a third of the light or more) dims the eye area no more than shade does on real photos,
so only dark grey lenses fail; a light orange or brown lens (shift under 0.7) looks like shaded skin and passes; dim grey veils of reflected light on low-quality photos are not caught; coating
reflections over a blue or green iris are not caught; light blue or green eye make-up, as light as the cheeks,
would read as coloured glare (none on the development photos).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import cv2
import numpy as np

from capture.faces.parts import (IRIS_LEFT, IRIS_RIGHT, LEFT_EYE_INNER, LEFT_EYE_OUTER, LEFT_EYE_RING, LEFT_IRIS_RING,
                                 LEFT_LID_PAIRS, LEFT_UNDER_EYE_CHEEK, RIGHT_EYE_INNER, RIGHT_EYE_OUTER, RIGHT_EYE_RING,
                                 RIGHT_IRIS_RING, RIGHT_LID_PAIRS, RIGHT_UNDER_EYE_CHEEK)
from capture.measures.colour import srgb_to_lab
from capture.measures.context import FaceContext

#: lens ellipse semi-axes as multiples of the eye's corner-to-corner width (a lens is ~1.7 eye widths across)
LENS_HALF_WIDTH = 0.85
LENS_HALF_HEIGHT = 0.6
#: half-side of each cheek patch, share of the inter-eye distance
SKIN_PATCH_HALF = 0.06
#: specular pixel: HSV value above SPEC_MIN_V, saturation below SPEC_S_OF_SKIN × the cheeks' median saturation
#: (kept within SPEC_MIN_S..SPEC_MAX_S), and whiteness (the smallest of R, G, B) above the cheeks' 98th
#: percentile + SPEC_OVER_SKIN. The skin terms keep shiny or pale skin around the eyes from counting: its
#: highlights keep some skin colour (S ≈ 0.15–0.25 on the dev set), while light reflected by a lens is as white
#: as the lamp (S < 0.07). Whiteness, unlike HSV value, is not fooled by skin whose red channel clips.
SPEC_MIN_V = 0.9
SPEC_OVER_SKIN = 0.03
SPEC_S_OF_SKIN = 0.35
SPEC_MIN_S = 0.06
SPEC_MAX_S = 0.25
#: coloured glare: CIELAB hue (degrees, a* axis = 0) from green through blue to purple, chroma at least
#: COATING_MIN_CHROMA, L* at least the cheeks' median; skin's hue is 20–90°
COATING_HUE_DEG = (120.0, 330.0)
COATING_MIN_CHROMA = 12.0
#: the cheap first cut for coloured glare: green within this (0..255) of red, or blue within this of green
COATING_RGB_SLACK = 8
#: glare counts only in blobs reaching the eye zone: an ellipse of these semi-axes (× eye width) around the eye
#: (reflections at the rim of a lens, and white hat brims or hair above it, do not hide the eye)
EYE_ZONE_HALF_WIDTH = 0.65
EYE_ZONE_HALF_HEIGHT = 0.4
#: a specular blob wholly within the iris disc enlarged CATCHLIGHT_DISC times (the cornea, with room for landmark
#: error) and smaller than CATCHLIGHT_MAX_IRIS_SHARE of the iris disc is a catchlight (the lamp mirrored by the
#: cornea of a bare eye), not glare
CATCHLIGHT_DISC = 1.25
CATCHLIGHT_MAX_IRIS_SHARE = 0.3
#: weight of glare pixels on the visible iris (glare hiding the eye matters most); sclera pixels weigh 0
IRIS_WEIGHT = 3.0
#: tint colour: the skin under the eye inside the lens (the lens ellipse scaled by UNDER_EYE_SCALE, below the lower
#: lid + UNDER_EYE_MARGIN eye widths); a warm shift ln(T_R / T_B) up to TINT_WARM_FREE or a cool one (−shift) up to
#: TINT_COOL_FREE is natural (under-eye skin, shade); each unit beyond costs TINT_COLOUR_WEIGHT of the brightness ratio
UNDER_EYE_SCALE = 0.85
UNDER_EYE_MARGIN = 0.1
TINT_WARM_FREE = 0.7
TINT_COOL_FREE = 0.35
TINT_COLOUR_WEIGHT = 4.0


@dataclass(frozen=True)
class EyePoints:
    """FaceMesh indices describing one eye (the subject's own side)."""

    ring: tuple[int, ...]  # eye-opening contour, corner → upper lid → corner → lower lid
    lid_pairs: tuple[tuple[int, int], ...]  # upper/lower lid points facing each other across the opening
    corners: tuple[int, int]  # outer, inner corner
    iris: int  # iris centre
    iris_ring: tuple[int, ...]  # four points on the iris edge
    cheek: tuple[int, ...]  # skin reference below this eye, clear of where most lenses sit


RIGHT_EYE = EyePoints(
    ring=RIGHT_EYE_RING, lid_pairs=RIGHT_LID_PAIRS, corners=(RIGHT_EYE_OUTER, RIGHT_EYE_INNER), iris=IRIS_RIGHT,
    iris_ring=RIGHT_IRIS_RING, cheek=RIGHT_UNDER_EYE_CHEEK,
)
LEFT_EYE = EyePoints(
    ring=LEFT_EYE_RING, lid_pairs=LEFT_LID_PAIRS, corners=(LEFT_EYE_OUTER, LEFT_EYE_INNER), iris=IRIS_LEFT,
    iris_ring=LEFT_IRIS_RING, cheek=LEFT_UNDER_EYE_CHEEK,
)


@dataclass(frozen=True)
class Skin:
    """Cheek statistics: HSV 0..1, CIELAB, linear-light RGB."""

    right_value: float  # median value below the right eye
    left_value: float
    high_white: float  # 98th percentile over both cheeks of min(R, G, B) (0..1): the whitest ordinary skin
    saturation: float  # median saturation over both cheeks
    lightness: float  # L* (0..100) of the cheeks' median colour
    right_linear: np.ndarray  # (3,) median linear R, G, B (0..1) below the right eye
    left_linear: np.ndarray


@dataclass(frozen=True)
class Lens:
    """One lens region's readings (NaN when the eye is out of the frame)."""

    glare: float  # weighted share of the lens region that is white or coloured glare (0..~3)
    brightness: float  # median HSV value (0..1) of the lens region
    colour_shift: float  # ln(T_R / T_B) of the skin under the eye through the lens (> 0 warmer, < 0 cooler, 0 neutral)


_NO_LENS = Lens(math.nan, math.nan, math.nan)


def value_saturation(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return HSV value and saturation (uint8, 0..255 for 0..1) of an H×W×3 uint8 RGB image."""
    hsv = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2HSV)
    return hsv[..., 2], hsv[..., 1]


def whiteness(rgb: np.ndarray) -> np.ndarray:
    """Return min(R, G, B) (uint8) of an H×W×3 uint8 RGB image: high only where all three channels are."""
    r, g, b = cv2.split(np.ascontiguousarray(rgb))
    return cv2.min(cv2.min(r, g), b)


_CODES = np.arange(256, dtype=np.float64) / 255.0
#: linear light (0..1) of each 8-bit sRGB code (the sRGB transfer function, as a table)
_LINEAR = np.where(_CODES <= 0.04045, _CODES / 12.92, ((_CODES + 0.055) / 1.055) ** 2.4).astype(np.float32)


def linear_rgb(rgb: np.ndarray) -> np.ndarray:
    """Return linear-light values (float32, 0..1) of sRGB uint8 values of any shape."""
    return _LINEAR[np.asarray(rgb, np.uint8)]


def crop(ctx: FaceContext, centre: np.ndarray, half: float) -> tuple[np.ndarray, int, int]:
    """Return the square crop of half-side `half` px around `centre` (clipped) and its top-left x, y."""
    x0, y0 = int(max(0, math.floor(centre[0] - half))), int(max(0, math.floor(centre[1] - half)))
    x1 = int(min(ctx.width, math.ceil(centre[0] + half) + 1))
    y1 = int(min(ctx.height, math.ceil(centre[1] + half) + 1))
    return ctx.rgb[y0:max(y0, y1), x0:max(x0, x1)], x0, y0


def cheek_pixels(ctx: FaceContext, eye: EyePoints) -> np.ndarray:
    """Return the (N, 3) uint8 pixels of square patches around the cheek points below `eye`."""
    half = max(2.0, SKIN_PATCH_HALF * ctx.face.inter_eye_px)
    crops = [c.reshape(-1, 3) for c in (crop(ctx, ctx.face.xy(i), half)[0] for i in eye.cheek) if c.size]
    return np.concatenate(crops) if crops else np.zeros((0, 3), np.uint8)


def skin_stats(ctx: FaceContext) -> Skin:
    """Return the cheeks' brightness, whiteness, saturation, lightness and linear colour (see Skin)."""
    right, left = cheek_pixels(ctx, RIGHT_EYE), cheek_pixels(ctx, LEFT_EYE)
    if right.size + left.size == 0:
        return Skin(math.nan, math.nan, 1.0, 0.0, 50.0, np.full(3, math.nan), np.full(3, math.nan))
    both = np.concatenate([right, left])[None]
    v, s = value_saturation(both)
    v_right, v_left = v[0, : len(right)], v[0, len(right):]
    side = lambda vals: float(np.median(vals if vals.size else v)) / 255.0  # noqa: E731
    lin = lambda px: np.median(linear_rgb(px if px.size else both[0]), axis=0)  # noqa: E731
    white = float(np.percentile(whiteness(both), 98)) / 255.0
    right_lin, left_lin = lin(right), lin(left)
    # L* of the cheeks' median colour (Rec. 709 / sRGB luminance, CIE lightness)
    y = float(np.dot((right_lin + left_lin) / 2, (0.2126, 0.7152, 0.0722)))
    lightness = 116.0 * y ** (1 / 3) - 16.0 if y > 0.008856 else 903.3 * y
    return Skin(side(v_right), side(v_left), white, float(np.median(s)) / 255.0, lightness, right_lin, left_lin)


def _glare_weight(spec: np.ndarray, lens: np.ndarray, zone: np.ndarray, iris: np.ndarray, sclera: np.ndarray,
                  cornea: np.ndarray, iris_area: float) -> float:
    """Return the weighted count of white glare pixels inside the `lens` (bool masks of one crop).

    A blob counts when it reaches the eye `zone`, is not a catchlight (small, wholly on the `cornea`), and has at
    least half of its pixels inside the lens (otherwise it is something beyond the lens: a white cap brim, a bright
    background, a shiny forehead). Pixels on the visible iris weigh IRIS_WEIGHT, on the sclera 0, elsewhere 1.
    """
    n, labels = cv2.connectedComponents(spec.astype(np.uint8), connectivity=8)
    total = np.bincount(labels.ravel(), minlength=n).astype(np.float64)
    area = np.bincount(labels[lens], minlength=n).astype(np.float64)
    on_iris = np.bincount(labels[iris], minlength=n).astype(np.float64)
    on_sclera = np.bincount(labels[sclera], minlength=n).astype(np.float64)
    on_cornea = np.bincount(labels[cornea], minlength=n)
    catchlight = (on_cornea >= total) & (total <= CATCHLIGHT_MAX_IRIS_SHARE * iris_area)
    keep = ~catchlight & (np.bincount(labels[zone], minlength=n) > 0) & (area >= total - area)
    keep[0] = False  # background label
    return float(np.sum((area - on_sclera - on_iris + IRIS_WEIGHT * on_iris)[keep]))


def _coating_count(f: "_Frame", skin: Skin) -> float:
    """Return the number of coloured-glare pixels on the lens outside the eye opening, in blobs reaching the eye."""
    r, g, b = (f.rgb[..., i].astype(np.int16) for i in range(3))
    # a hue of COATING_HUE_DEG needs a* < 0 (green over red) or b* < 0 (blue over green): a cheap first cut that
    # leaves out skin, so only the few candidates are converted to CIELAB
    candidates = f.lens & ((g > r - COATING_RGB_SLACK) | (b > g - COATING_RGB_SLACK))
    if candidates.any():
        candidates &= ~f.opening
    if not candidates.any():
        return 0.0
    lab = srgb_to_lab(f.rgb[candidates])
    chroma = np.hypot(lab[:, 1], lab[:, 2])
    hue = np.degrees(np.arctan2(lab[:, 2], lab[:, 1])) % 360.0
    hit = (hue >= COATING_HUE_DEG[0]) & (hue <= COATING_HUE_DEG[1]) & (chroma >= COATING_MIN_CHROMA)
    hit &= lab[:, 0] >= skin.lightness
    if not hit.any():
        return 0.0
    coloured = np.zeros(f.lens.shape, bool)
    coloured[candidates] = hit
    n, labels = cv2.connectedComponents(coloured.astype(np.uint8), connectivity=8)
    keep = np.bincount(labels[f.zone], minlength=n) > 0
    keep[0] = False
    return float(np.count_nonzero(keep[labels]))


class _Frame:
    """One eye's crop and the masks drawn on it (bool, crop-sized); the eye's own masks are drawn when first read."""

    def __init__(self, rgb: np.ndarray, pts: np.ndarray, eye: EyePoints, origin: np.ndarray) -> None:
        self.rgb, self._pts, self._eye, self._origin = rgb, pts, eye, origin
        a, b = pts[eye.corners[0]], pts[eye.corners[1]]
        self.width = float(np.linalg.norm(b - a))
        self._cc = tuple(int(v) for v in np.round((a + b) / 2 - origin))
        self._angle = math.degrees(math.atan2(*(b - a)[::-1]))
        self.lens = self._ellipse(LENS_HALF_WIDTH, LENS_HALF_HEIGHT)
        below = np.arange(rgb.shape[0])[:, None] + origin[1] > pts[list(eye.ring)][:, 1].max() \
            + UNDER_EYE_MARGIN * self.width
        self.under = self._ellipse(UNDER_EYE_SCALE * LENS_HALF_WIDTH, UNDER_EYE_SCALE * LENS_HALF_HEIGHT) & below
        self.iris_radius = float(np.mean(np.linalg.norm(pts[list(eye.iris_ring)] - pts[eye.iris], axis=1)))

    def _ellipse(self, half_w: float, half_h: float) -> np.ndarray:
        mask = np.zeros(self.rgb.shape[:2], np.uint8)
        axes = (max(1, round(half_w * self.width)), max(1, round(half_h * self.width)))
        cv2.ellipse(mask, self._cc, axes, self._angle, 0, 360, 1, -1)
        return mask.astype(bool)

    def _disc(self, radius: float) -> np.ndarray:
        mask = np.zeros(self.rgb.shape[:2], np.uint8)
        centre = tuple(int(v) for v in np.round(self._pts[self._eye.iris] - self._origin))
        cv2.circle(mask, centre, max(1, round(radius)), 1, -1)
        return mask.astype(bool)

    @cached_property
    def zone(self) -> np.ndarray:
        """The eye zone: glare must reach it to hide the eye."""
        return self._ellipse(EYE_ZONE_HALF_WIDTH, EYE_ZONE_HALF_HEIGHT)

    @cached_property
    def opening(self) -> np.ndarray:
        """The eye opening between the lids."""
        mask = np.zeros(self.rgb.shape[:2], np.uint8)
        cv2.fillPoly(mask, [np.round(self._pts[list(self._eye.ring)] - self._origin).astype(np.int32)], 1)
        return mask.astype(bool)

    @cached_property
    def iris(self) -> np.ndarray:
        """The visible iris: its disc within the opening."""
        return self.opening & self._disc(self.iris_radius)

    @cached_property
    def cornea(self) -> np.ndarray:
        """The iris disc enlarged CATCHLIGHT_DISC times (where a catchlight may sit)."""
        return self._disc(CATCHLIGHT_DISC * self.iris_radius)


def _frame(ctx: FaceContext, eye: EyePoints) -> _Frame | None:
    """Return the crop around `eye` with its masks; None when the eye is out of the frame."""
    pts = ctx.face.points[:, :2].astype(np.float64)
    a, b = pts[eye.corners[0]], pts[eye.corners[1]]
    width = float(np.linalg.norm(b - a))
    rgb, x0, y0 = crop(ctx, (a + b) / 2, LENS_HALF_WIDTH * width)
    if width < 2 or min(rgb.shape[:2]) < 3:
        return None
    return _Frame(rgb, pts, eye, np.array([x0, y0], np.float64))


def _colour_shift(f: _Frame, cheek_linear: np.ndarray) -> float:
    """Return ln(T_R / T_B) of the transmission under the eye (> 0 warmer than the cheek; NaN unmeasurable)."""
    if np.count_nonzero(f.under) < 5 or not np.all(np.isfinite(cheek_linear)):
        return math.nan
    t = np.median(linear_rgb(f.rgb[f.under]), axis=0) / np.maximum(cheek_linear, 1e-4)
    return float(math.log(max(float(t[0]), 1e-4) / max(float(t[2]), 1e-4)))


def measure_lens(ctx: FaceContext, eye: EyePoints, skin: Skin) -> Lens:
    """Return the glare, brightness and colour readings of the lens region around `eye`."""
    f = _frame(ctx, eye)
    if f is None or not f.lens.any():
        return _NO_LENS
    v, s = value_saturation(f.rgb)
    brightness = float(np.median(v[f.lens])) / 255.0
    shift = _colour_shift(f, skin.right_linear if eye is RIGHT_EYE else skin.left_linear)
    coated = _coating_count(f, skin)
    max_s = min(SPEC_MAX_S, max(SPEC_MIN_S, SPEC_S_OF_SKIN * skin.saturation))
    spec = (v > 255.0 * SPEC_MIN_V) & (s < 255.0 * max_s)
    spec &= whiteness(f.rgb) > 255.0 * (skin.high_white + SPEC_OVER_SKIN)
    white = 0.0
    if (spec & f.lens).any():
        white = _glare_weight(spec, f.lens, f.zone, f.iris, f.opening & ~f.iris, f.cornea,
                              max(1.0, math.pi * f.iris_radius ** 2))
    return Lens((white + coated) / float(np.count_nonzero(f.lens)), brightness, shift)


def colour_excess(shift: tuple[float, float]) -> float:
    """Return how far the less coloured eye's colour shift goes beyond its natural allowance (0 within it);
    unmeasurable shifts (NaN) are left out."""
    finite = [x for x in shift if not math.isnan(x)]
    if not finite:
        return 0.0
    warm, cool = min(finite), min(-x for x in finite)
    return max(0.0, warm - TINT_WARM_FREE, cool - TINT_COOL_FREE)


def tint_ratio(brightness: tuple[float, float], cheek_value: tuple[float, float],
               shift: tuple[float, float]) -> float:
    """Return the tint value of a pair of lenses: the darker eye's lens ÷ same-side cheek brightness, less
    TINT_COLOUR_WEIGHT × colour_excess(shift); NaN when a brightness cannot be measured."""
    ratios = [b / k if k > 1e-3 else math.nan for b, k in zip(brightness, cheek_value)]
    if any(math.isnan(r) for r in ratios):
        return math.nan
    return min(ratios) - TINT_COLOUR_WEIGHT * colour_excess(shift)
