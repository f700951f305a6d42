"""How each gate judges a frame: the one generic comparison most gates use, and the few gates that need more.

Every rule is a function (spec, Measurements, Profile, EngineSettings, new_backdrop) -> GateResult; the spec
(capture/gates/spec.py) says which measurement it reads, which thresholds, which way the comparison goes and which
hints it may give. `new_backdrop` says the picture will be made on a new backdrop (换底); only the distance gate
reads it (the room the new backdrop adds above the head).
A gate whose measurement is missing fails with value None (nothing to judge means not proven good).
"""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from capture.gates.result import GateResult, Threshold
from capture.settings import EngineSettings
from profiles.model import Profile

if TYPE_CHECKING:  # the rules only read attributes; importing the measurement modules here is not needed
    from capture.gates.spec import GateSpec
    from capture.measurements import Measurements


def _result(spec: GateSpec, ok: bool, value: float | None, threshold: Threshold, hint: str) -> GateResult:
    return GateResult(spec.name, ok, value, threshold, hint, spec.unit)


def _missing(spec: GateSpec, threshold: Threshold = None, hint: str | None = None) -> GateResult:
    return _result(spec, False, None, threshold, hint or spec.missing_hint)


@lru_cache(maxsize=None)
def _reads(reads: str) -> tuple[str, str]:
    """Return (family, attribute) of a spec's "family.attribute" (split once per spec)."""
    family, attr = reads.split(".")
    return family, attr


def compare(spec: GateSpec, m: Measurements, p: Profile, s: EngineSettings,
            new_backdrop: bool = False) -> GateResult:
    """Return the verdict of the generic rule: the value `spec.reads` ("family.attribute" of the measurements) held
    to the one threshold `spec.thresholds[0]` in `spec.direction`. The hint is `spec.hints[0]`, or with two hints
    the first for a positive value and the second for a negative one."""
    limit = p.threshold(spec.thresholds[0])
    family, attr = _reads(spec.reads)
    part = getattr(m, family)
    if part is None:
        return _missing(spec, limit)
    v = float(getattr(part, attr))
    if spec.direction == "at_most":
        ok = v <= limit
    elif spec.direction == "at_least":
        ok = v >= limit
    elif spec.direction == "abs_at_most":
        ok = abs(v) <= limit
    else:
        raise ValueError(f"gate {spec.name}: the generic rule cannot judge direction {spec.direction!r}")
    hint = spec.hints[0] if len(spec.hints) == 1 or v > 0 else spec.hints[1]
    return _result(spec, ok, v, limit, hint)


def single_face(spec: GateSpec, m: Measurements, p: Profile, s: EngineSettings,
                new_backdrop: bool = False) -> GateResult:
    """Return the verdict on the number of faces (value): exactly one passes."""
    count = m.framing.face_count if m.framing else 0
    return _result(spec, count == 1, float(count), 1.0, "single_face" if count > 1 else "no_face")


def in_frame(spec: GateSpec, m: Measurements, p: Profile, s: EngineSettings,
             new_backdrop: bool = False) -> GateResult:
    """Return the verdict on the face centre's offset from the frame's centre line (share of the frame width);
    the whole head must also be inside the frame."""
    limit = p.threshold("in_frame_offset_max_ratio")
    f = m.framing
    if f is None:
        return _missing(spec, limit)
    if f.head_cut_off or f.head_margin_px < 0:
        return _result(spec, False, f.centre_offset_ratio, limit, "whole_head")
    ok = abs(f.centre_offset_ratio) <= limit
    # subject on the image's right (unmirrored camera) stands to their own left: ask them to move to their right
    hint = "move_right" if f.centre_offset_ratio > 0 else "move_left"
    return _result(spec, ok, f.centre_offset_ratio, limit, hint)


def size_rule(m: Measurements, p: Profile) -> tuple[float, float, float] | None:
    """Return (band lo, band hi, frame length) px of the profile's size rule: face width, else head height."""
    comp = p.composition
    if m.framing is None:
        return None
    if comp.face_width is not None:
        return comp.face_width.lo, comp.face_width.hi, m.framing.face_width_px
    if comp.head_height is not None and m.head_height_px:
        return comp.head_height.lo, comp.head_height.hi, m.head_height_px
    return None


def new_backdrop_room_px(p: Profile) -> float:
    """Return the picture rows (px) above the hair a new backdrop (换底) can make up under `p`: the largest hair-top
    band, never more than the head height the replacement adds; 0 when the profile has no hair-top band. The one
    rule for that room: the distance gate (`backdrop_room_px`) and capture/camera_fit.py both use it."""
    comp = p.composition
    if comp.hair_top is None:
        return 0.0
    room = comp.hair_top.hi
    if comp.head_height is not None:
        room = min(room, comp.head_height.lo)
    return float(room)


def backdrop_room_px(p: Profile, new_backdrop: bool) -> float:
    """Return the picture rows (px) above the hair a new backdrop may make up when judging under `p`:
    `new_backdrop_room_px` when the picture is made on a new backdrop (`new_backdrop`), else 0."""
    return new_backdrop_room_px(p) if new_backdrop else 0.0


def crop_fit_scale(m: Measurements, p: Profile, new_backdrop: bool = False) -> float:
    """Return the smallest enlargement (output px per frame px) at which the picture's crop fits the frame.

    On the frame alone that is max(P_w / W, P_h / H). With a new backdrop the rows above the hair need not come
    from the frame: only P_h − room picture rows must lie between the crown and the frame's bottom edge (never
    stricter than the frame alone)."""
    fit_w, fit_h = p.width_px / m.frame_width, p.height_px / m.frame_height
    room = backdrop_room_px(p, new_backdrop)
    if room > 0 and m.head is not None:
        below_crown = m.frame_height - max(m.head.crown_y, 0.0)
        if below_crown > 0:
            fit_h = min(fit_h, (p.height_px - room) / below_crown)
    return max(fit_w, fit_h)


def distance(spec: GateSpec, m: Measurements, p: Profile, s: EngineSettings,
             new_backdrop: bool = False) -> GateResult:
    """Value: the enlargement that puts the face size at its band middle. Passes while some enlargement inside the
    band also fits the frame (≥ the crop-fills-frame scale, `crop_fit_scale`, which counts a new backdrop's room
    above the head when `new_backdrop`) and stays sharp (≤ max_upscale)."""
    rule = size_rule(m, p)
    if rule is None or rule[2] <= 0:
        return _missing(spec)
    lo, hi, length = rule
    mid = (lo + hi) / 2
    fit = crop_fit_scale(m, p, new_backdrop)
    s_mid = mid / length
    s_min, s_max = fit * mid / hi, s.max_upscale * mid / lo
    ok = s_min <= s_mid <= s_max
    return _result(spec, ok, s_mid, (round(s_min, 4), round(s_max, 4)), "move_closer" if s_mid > s_max else "move_back")


def shoulders_level(spec: GateSpec, m: Measurements, p: Profile, s: EngineSettings,
                    new_backdrop: bool = False) -> GateResult:
    """Return the verdict on the shoulder line's tilt (degrees).

    Shoulders not in the frame (a tight crop, long hair over both) cannot be judged: the result is ok with value
    None — nothing for the person to fix, and distinct from both a level (ok, a value) and a tilted line (not ok).
    No measurement at all (no face) is missing, as for every gate."""
    limit = p.threshold("shoulders_tilt_max_deg")
    sh = m.shoulders
    if sh is None:
        return _missing(spec, limit)
    if not sh.visible:
        return _result(spec, True, None, limit, spec.hints[0])
    return compare(spec, m, p, s)


def exposure(spec: GateSpec, m: Measurements, p: Profile, s: EngineSettings,
             new_backdrop: bool = False) -> GateResult:
    """Value: the share of face-skin pixels clipped dark or bright, at most its threshold; the mean face luminance
    must also lie in the [face_luma_min, face_luma_max] band."""
    limit = p.threshold("exposure_clipped_max_ratio")
    li = m.light
    if li is None:
        return _missing(spec, limit)
    clipped = li.clipped_dark_ratio + li.clipped_bright_ratio
    lo, hi = p.threshold("face_luma_min"), p.threshold("face_luma_max")
    too_dark = li.clipped_dark_ratio > li.clipped_bright_ratio or li.face_luma_mean < lo
    ok = clipped <= limit and lo <= li.face_luma_mean <= hi
    return _result(spec, ok, clipped, limit, "too_dark" if too_dark else "too_bright")


def colour(spec: GateSpec, m: Measurements, p: Profile, s: EngineSettings,
           new_backdrop: bool = False) -> GateResult:
    """Value: the face's chroma (CIE C*ab, 90th percentile over the face oval), at least `colour_chroma_min` when
    the profile wants a colour picture (`Profile.colour`); a profile that does not passes every photo."""
    limit = p.threshold("colour_chroma_min")
    c = m.chroma
    if c is None or c.pixels == 0:
        return _missing(spec, limit)
    if not p.colour:
        return _result(spec, True, c.face_chroma, None, "colour")
    return _result(spec, c.face_chroma >= limit, c.face_chroma, limit, "colour")


#: backdrop colour names whose hints name the colour ("the backdrop is too dark for white"); another name gets the
#: hint without it. A hint code is background_<how> or background_<colour>_<how> (colour with "_" for "-").
BACKDROP_COLOUR_NAMES: tuple[str, ...] = ("white", "light-grey", "light-blue", "blue", "red")
#: how a backdrop colour can be off (capture.measures.background.ColourOffset.word)
BACKDROP_OFFSETS: tuple[str, ...] = ("too_dark", "too_light", "too_colourful", "too_dull", "wrong_hue")
#: the named colours that are neutral: a backdrop can be off from them only in lightness or by having colour
NEUTRAL_BACKDROPS: frozenset[str] = frozenset({"white", "light-grey"})
_NEUTRAL_OFFSETS = ("too_dark", "too_light", "too_colourful")


def backdrop_hint(colour: str, offset: str) -> str:
    """Return the hint code for a backdrop `offset` ("too_dark", ...) from the allowed colour named `colour`:
    background_<colour>_<offset> for a colour in BACKDROP_COLOUR_NAMES, else background_<offset>."""
    neutral_only = colour in NEUTRAL_BACKDROPS and offset not in _NEUTRAL_OFFSETS  # a "white" that is not neutral
    if colour in BACKDROP_COLOUR_NAMES and not neutral_only:
        return f"background_{colour.replace('-', '_')}_{offset}"
    return f"background_{offset}"


def backdrop_hints() -> tuple[str, ...]:
    """Return every hint code the background gate can give for a colour that is off (named and unnamed)."""
    named = (backdrop_hint(c, o) for c in BACKDROP_COLOUR_NAMES for o in BACKDROP_OFFSETS)
    return tuple(dict.fromkeys((*named, *(backdrop_hint("", o) for o in BACKDROP_OFFSETS))))


def background(spec: GateSpec, m: Measurements, p: Profile, s: EngineSettings,
               new_backdrop: bool = False) -> GateResult:
    """Value: CIEDE2000 distance from the allowed colour nearest in units of its own tolerance (the colour's
    `delta_e_max`, else `background_delta_e_max`); the threshold is that colour's tolerance. The backdrop must also
    be plain (mean gradient at most `background_gradient_max`). The hint names the colour and how it is off."""
    from capture.measures.background import match_backdrop

    bg = m.background
    if bg is None or bg.coverage <= 0:
        return _missing(spec, p.threshold("background_delta_e_max"))
    match = match_backdrop(bg.mean_lab, [b.rgb for b in p.backgrounds],
                           [p.background_tolerance(b) for b in p.backgrounds])
    plain = bg.gradient_mean <= p.threshold("background_gradient_max")
    if not match.ok:
        hint = backdrop_hint(p.backgrounds[match.index].name, match.offset.word)
    else:
        hint = "background_not_plain"
    return _result(spec, match.ok and plain, match.delta_e, match.tolerance, hint)


def picture_ied_px(m: Measurements, p: Profile) -> float | None:
    """Return the inter-eye distance (px) the face will have in the picture: the frame's, times the enlargement
    that puts the face at its size band's middle; None when the profile has no size band or nothing was measured."""
    rule = size_rule(m, p)
    frame_ied = getattr(m.sharpness, "frame_ied_px", None)
    if rule is None or rule[2] <= 0 or not frame_ied:
        return None
    lo, hi, length = rule
    return frame_ied * (lo + hi) / 2 / length


def sharpness(spec: GateSpec, m: Measurements, p: Profile, s: EngineSettings,
              new_backdrop: bool = False) -> GateResult:
    """Return the verdict on the face's focus as the picture will show it: the Laplacian variance of the face
    resampled to the picture's inter-eye distance (at most the measure's working 50 px: larger pictures are judged
    there, as before), held to `sharpness_min`. A picture smaller than the frame is a reduced copy and looks sharper
    than the frame; so a soft webcam can make a small picture that is sharp enough."""
    limit = p.threshold("sharpness_min")
    sh = m.sharpness
    if sh is None:
        return _missing(spec, limit)
    ied = picture_ied_px(m, p)
    v = float(sh.laplacian_var if ied is None else sh.at_ied(ied))
    return _result(spec, v >= limit, v, limit, spec.hints[0])


def families_read(spec: GateSpec) -> tuple[str, ...] | None:
    """Return the Measurements families (attribute names) `spec`'s rule reads, when nothing else of the measurements
    bears on its verdict; None when it reads more (the frame size, several families) or it is not known. The same
    family objects (frozen dataclasses) under the same profile give the same verdict: capture.gates.verdicts reuses
    it for a family the live analyser carried over from its last full analysis."""
    if spec.rule is compare or spec.rule is shoulders_level:
        return (_reads(spec.reads)[0],)
    return _CUSTOM_READS.get(spec.rule)


#: the one family each custom rule that reads a single family reads (see families_read)
_CUSTOM_READS: dict = {exposure: ("light",), colour: ("chroma",), background: ("background",)}
