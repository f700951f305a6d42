"""The crop that puts a head where a profile wants it: scale and offset from head geometry and bands.

A crop is an axis-aligned box in frame px that is resized to the profile's exact output size. For a scale
`s` (output px per frame px) and crop top `t`, a frame row y lands at output row (y − t)·s. We scan scales
inside the feasible range and, for each, pick the top that makes the smallest margin to a band edge (hair top,
eye line, chin limit) as large as it can be; the pair whose smallest margin over every band (the size bands too)
is largest wins, ties (within MARGIN_TIE_PX) going to the one nearest the band middles. A head measured a few px
off by someone else's landmarks then still lands inside. When none is feasible we say which rule blocks it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from capture.errors import PhotoError
from capture.faces.head import HeadGeometry
from profiles.model import Band, Profile

#: how far the face centre may sit off the picture's centre line, as a share of the output width
CENTRE_TOLERANCE_RATIO = 0.02
_SCALE_STEPS = 96
#: two crops whose smallest band margins differ by less than this (output px) are equally good on margins
MARGIN_TIE_PX = 0.5


@dataclass(frozen=True)
class CropBox:
    """A crop of the frame (float px) and the scale that maps it onto the output size."""

    left: float
    top: float
    scale: float  # output px per frame px
    out_width: int
    out_height: int

    @property
    def right(self) -> float:
        return self.left + self.out_width / self.scale

    @property
    def bottom(self) -> float:
        return self.top + self.out_height / self.scale

    def as_box(self) -> tuple[float, float, float, float]:
        """Return (left, top, right, bottom) in frame px."""
        return self.left, self.top, self.right, self.bottom

    def to_output_y(self, y: float) -> float:
        """Return the output row (px) of frame row `y`."""
        return (y - self.top) * self.scale

    def to_output_x(self, x: float) -> float:
        """Return the output column (px) of frame column `x`."""
        return (x - self.left) * self.scale


@dataclass(frozen=True)
class PlannedLayout:
    """Where the head lands in the picture, output px."""

    hair_top: float
    eye_line: float
    face_width: float
    head_height: float
    chin: float
    face_centre_x: float


def layout_of(head: HeadGeometry, crop: CropBox) -> PlannedLayout:
    """Return where `head` lands in the picture cut by `crop`, output px."""
    return PlannedLayout(
        hair_top=crop.to_output_y(head.crown_y),
        eye_line=crop.to_output_y(head.eye_y),
        face_width=head.face_width * crop.scale,
        head_height=head.head_height * crop.scale,
        chin=crop.to_output_y(head.chin_y),
        face_centre_x=crop.to_output_x(head.face_centre_x),
    )


@dataclass(frozen=True)
class BandMargins:
    """How far inside its bands a head sits, output px: per band the distance to the nearer edge (negative when
    outside), and the smallest of them. Bands the profile does not set are left out."""

    per_band: dict[str, float]

    @property
    def smallest(self) -> float | None:
        """Return the smallest margin (px), or None when the profile sets no band."""
        return min(self.per_band.values()) if self.per_band else None

    def to_dict(self) -> dict:
        """Return {"band_margin_px": smallest, "band_margins_px": {band: margin}} rounded to 0.1 px."""
        smallest = self.smallest
        return {"band_margin_px": None if smallest is None else round(smallest, 1),
                "band_margins_px": {k: round(v, 1) for k, v in self.per_band.items()}}


def band_margins(layout: PlannedLayout, profile: Profile) -> BandMargins:
    """Return the BandMargins of a head at `layout` (output px) under `profile`'s composition bands (hair top, eye
    line, face width, head height, and the chin limit as a one-sided band)."""
    comp = profile.composition
    out: dict[str, float] = {}
    for name, value, band in (("hair_top_px", layout.hair_top, comp.hair_top),
                              ("eye_line_px", layout.eye_line, comp.eye_line),
                              ("face_width_px", layout.face_width, comp.face_width),
                              ("head_height_px", layout.head_height, comp.head_height)):
        if band is not None:
            out[name] = float(min(value - band.lo, band.hi - value))
    if comp.chin_max is not None:
        out["chin_max_px"] = float(comp.chin_max - layout.chin)
    return BandMargins(out)


def _interval_for_scale(
    band: Band | None, length: float
) -> tuple[float, float]:
    """Return the scales (lo, hi) that map a frame `length` into `band` (output px); unbounded if no band."""
    if band is None or length <= 0:
        return 0.0, np.inf
    return band.lo / length, band.hi / length


def _vertical_rules(head: HeadGeometry, profile: Profile) -> list[tuple[float, Band]]:
    """Return (frame y, band) pairs for the rules that fix the crop top."""
    comp = profile.composition
    rules = []
    if comp.hair_top is not None:
        rules.append((head.crown_y, comp.hair_top))
    if comp.eye_line is not None:
        rules.append((head.eye_y, comp.eye_line))
    return rules


def _top_range(head: HeadGeometry, profile: Profile, s: float) -> tuple[float, float]:
    """Return the crop tops (lo, hi) frame px that satisfy every vertical band at scale `s`."""
    lo, hi = -np.inf, np.inf
    for y, band in _vertical_rules(head, profile):
        lo = max(lo, y - band.hi / s)
        hi = min(hi, y - band.lo / s)
    if profile.composition.chin_max is not None:
        lo = max(lo, head.chin_y - profile.composition.chin_max / s)
    return lo, hi


def _best_top(head: HeadGeometry, profile: Profile, s: float) -> float:
    """Return the crop top that puts the vertical rules nearest their band middles (least squares, normalised)."""
    num = den = 0.0
    for y, band in _vertical_rules(head, profile):
        half = max((band.hi - band.lo) / 2, 1.0)
        weight = (s / half) ** 2
        num += weight * (y - band.mid / s)
        den += weight
    return num / den


def _widest_top(head: HeadGeometry, profile: Profile, s: float, t_lo: float, t_hi: float) -> float:
    """Return the crop top in [t_lo, t_hi] (frame px) whose smallest vertical margin (hair top, eye line, chin
    limit; output px) is largest, ties going to the least-squares top (_best_top).

    Each margin is a tent in t (slope s); the best top is a tent's peak, where two tents cross, or an end."""
    tents = [(y - band.mid / s, (band.hi - band.lo) / 2) for y, band in _vertical_rules(head, profile)]
    chin_max = profile.composition.chin_max
    candidates = {t_lo, t_hi}
    for i, (ti, hi_) in enumerate(tents):
        candidates.add(ti)
        for tj, hj in tents[i + 1:]:  # a falling side meets a rising one (either tent may be the left one)
            candidates.add(((hi_ - hj) / s + ti + tj) / 2)
            candidates.add(((hj - hi_) / s + ti + tj) / 2)
        if chin_max is not None:  # chin margin chin_max − (chin − t)·s rises with t: crosses the tent's falling side
            candidates.add((hi_ + s * ti - chin_max + s * head.chin_y) / (2 * s))

    def smallest(t: float) -> float:
        margins = [h - s * abs(t - tc) for tc, h in tents]
        if chin_max is not None:
            margins.append(chin_max - (head.chin_y - t) * s)
        return min(margins) if margins else 0.0

    ideal = min(max(_best_top(head, profile, s), t_lo), t_hi)
    candidates.add(ideal)
    inside = [min(max(t, t_lo), t_hi) for t in candidates if np.isfinite(t)]
    return max(inside, key=lambda t: (round(smallest(t) / MARGIN_TIE_PX), -abs(t - ideal)))


def _score(head: HeadGeometry, profile: Profile, crop: CropBox) -> float:
    """Return the sum of squared distances of each rule from its band middle, in half-band units (lower is better)."""
    comp = profile.composition
    lay = layout_of(head, crop)
    total = 0.0
    for value, band in (
        (lay.hair_top, comp.hair_top),
        (lay.eye_line, comp.eye_line),
        (lay.face_width, comp.face_width),
        (lay.head_height, comp.head_height),
    ):
        if band is not None:
            total += ((value - band.mid) / max((band.hi - band.lo) / 2, 1.0)) ** 2
    return total


def _scale_range(head: HeadGeometry, profile: Profile) -> tuple[float, float]:
    """Return the scales allowed by the size rules alone (face width, head height, eye-to-hair spacing)."""
    comp = profile.composition
    lo, hi = 0.0, np.inf
    for band, length in ((comp.face_width, head.face_width), (comp.head_height, head.head_height)):
        a, b = _interval_for_scale(band, length)
        lo, hi = max(lo, a), min(hi, b)
    if comp.hair_top is not None and comp.eye_line is not None:
        spacing = Band(max(0.0, comp.eye_line.lo - comp.hair_top.hi), comp.eye_line.hi - comp.hair_top.lo)
        a, b = _interval_for_scale(spacing, head.eye_y - head.crown_y)
        lo, hi = max(lo, a), min(hi, b)
    return lo, hi


def _best_crop(head: HeadGeometry, profile: Profile, frame_width: int, frame_height: int, lo: float,
               hi: float) -> tuple[CropBox | None, dict[str, int]]:
    """Return (the best-scoring CropBox over scales lo..hi, or None; how many scales each obstacle blocked).

    The obstacles are "above"/"below" (the frame ends before the bands allow), "sides" (the face cannot be centred
    within CENTRE_TOLERANCE_RATIO) and "rules" (the profile's bands exclude each other at that scale).
    """
    W, H = profile.width_px, profile.height_px
    best: tuple[tuple[float, float], CropBox] | None = None
    blocked = {"above": 0, "below": 0, "sides": 0, "rules": 0}
    tol = CENTRE_TOLERANCE_RATIO * W
    for s in np.linspace(lo, hi, _SCALE_STEPS):
        rule_lo, rule_hi = _top_range(head, profile, s)
        t_lo, t_hi = max(rule_lo, 0.0), min(rule_hi, frame_height - H / s)
        if t_lo > t_hi:
            if rule_lo > rule_hi:
                blocked["rules"] += 1
            elif rule_hi < 0:
                blocked["above"] += 1
            else:
                blocked["below"] += 1
            continue
        left_ideal = head.face_centre_x - W / (2 * s)
        left = min(max(left_ideal, 0.0), frame_width - W / s)
        if abs(left - left_ideal) * s > tol:
            blocked["sides"] += 1
            continue
        top = _widest_top(head, profile, s, t_lo, t_hi)
        crop = CropBox(float(left), float(top), float(s), W, H)
        smallest = band_margins(layout_of(head, crop), profile).smallest or 0.0
        score = (-round(smallest / MARGIN_TIE_PX), _score(head, profile, crop))
        if best is None or score < best[0]:
            best = (score, crop)
    return (best[1] if best is not None else None), blocked
#: why no scale and position worked, by what blocked most tries -> the PhotoError code
BLOCKED_CODES = {"above": "too_close_to_top", "below": "too_close_to_bottom", "rules": "proportions_unfit",
                 "sides": "off_centre"}


def plan_crop(
    head: HeadGeometry,
    profile: Profile,
    frame_width: int,
    frame_height: int,
    max_upscale: float,
    file: str = "<image>",
) -> CropBox:
    """Return the best CropBox placing `head` inside every band of `profile`, or raise PhotoError saying why not."""
    W, H = profile.width_px, profile.height_px
    if head.head_cut_off:
        raise PhotoError(file, "head_cut_off")
    s_lo, s_hi = _scale_range(head, profile)
    if s_lo > s_hi:
        raise PhotoError(file, "proportions_unfit")
    if s_lo > max_upscale:
        raise PhotoError(file, "face_too_small", scale=float(s_lo), max_scale=float(max_upscale))
    s_min_frame = max(W / frame_width, H / frame_height)  # the crop cannot be larger than the frame
    lo, hi = max(s_lo, s_min_frame), min(s_hi, max_upscale)
    if lo > hi:
        raise PhotoError(file, "frame_too_small")
    best, blocked = _best_crop(head, profile, frame_width, frame_height, lo, hi)
    if best is not None:
        return best
    worst = max(blocked, key=blocked.get)
    raise PhotoError(file, BLOCKED_CODES[worst])


def smallest_photo_px(profile: Profile, max_upscale: float) -> tuple[int, int]:
    """Return the smallest photo (width, height) px from which `profile`'s picture can be cut when the crop may be
    enlarged at most `max_upscale`× (a crop is never larger than the photo): ceil(output size / max_upscale)."""
    return (math.ceil(profile.width_px / max_upscale - 1e-9), math.ceil(profile.height_px / max_upscale - 1e-9))


def measured_layout(head: HeadGeometry, width_px: int, height_px: int) -> PlannedLayout:
    """Return where `head` sits in an uncropped picture of `width_px`×`height_px` (output px = frame px)."""
    return layout_of(head, CropBox(0.0, 0.0, 1.0, width_px, height_px))
