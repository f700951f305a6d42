"""Gates: one pass/fail rule each, from measurements and a profile's thresholds, with a hint key for the student.

Every gate is a small function (Measurements, Profile, EngineSettings) -> GateResult. Names are our public JSON
interface. GATE_ORDER is also the priority in which the kiosk shows hints: fix the first failing gate first.
A gate whose measurement is missing fails with value None (nothing to judge means not proven good).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Callable, Mapping
from capture.settings import ENGINE, GATE_NAMES, EngineSettings
from profiles.model import Profile

if TYPE_CHECKING:  # the gates only read attributes; importing the measurement modules here is not needed
    from capture.measurements import Measurements

Threshold = float | tuple[float, float] | None


@dataclass(frozen=True)
class GateResult:
    """One gate's verdict: measured value, the threshold it was held to, and the hint key for fixing it."""

    name: str
    ok: bool
    value: float | None
    threshold: Threshold
    hint: str  # hint key (kiosk.texts.hints) saying how to fix it; meaningful when not ok
    unit: str = ""
    advisory: bool = False  # True: shown and reported, but does not block capture (see settings)

    @property
    def blocks(self) -> bool:
        """Return True when this result stops a capture (failed and not advisory)."""
        return not self.ok and not self.advisory

    def to_dict(self) -> dict:
        """Return the JSON form: {"ok", "value", "threshold", "hint", "unit", "advisory"}."""
        thr = list(self.threshold) if isinstance(self.threshold, tuple) else self.threshold
        value = None if self.value is None else round(float(self.value), 4)
        return {"ok": self.ok, "value": value, "threshold": thr, "hint": self.hint, "unit": self.unit,
                "advisory": self.advisory}


def _missing(name: str, hint: str, threshold: Threshold = None, unit: str = "") -> GateResult:
    return GateResult(name, False, None, threshold, hint, unit)


def gate_single_face(m: Measurements, p: Profile, s: EngineSettings) -> GateResult:
    count = m.framing.face_count if m.framing else 0
    return GateResult("single_face", count == 1, float(count), 1.0, "single_face" if count > 1 else "no_face", "faces")


def gate_in_frame(m: Measurements, p: Profile, s: EngineSettings) -> GateResult:
    limit = p.threshold("in_frame_offset_max_ratio")
    f = m.framing
    if f is None:
        return _missing("in_frame", "no_face", limit, "ratio")
    if f.head_cut_off or f.head_margin_px < 0:
        return GateResult("in_frame", False, f.centre_offset_ratio, limit, "whole_head", "ratio")
    ok = abs(f.centre_offset_ratio) <= limit
    # subject on the image's right (unmirrored camera) stands to their own left: ask them to move to their right
    hint = "move_right" if f.centre_offset_ratio > 0 else "move_left"
    return GateResult("in_frame", ok, f.centre_offset_ratio, limit, hint, "ratio")


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


def gate_distance(m: Measurements, p: Profile, s: EngineSettings) -> GateResult:
    """Value: the enlargement that puts the face size at its band middle. Passes while some enlargement inside the
    band also fits the frame (≥ the crop-fills-frame scale) and stays sharp (≤ max_upscale)."""
    rule = size_rule(m, p)
    if rule is None or rule[2] <= 0:
        return _missing("distance", "no_face", None, "×")
    lo, hi, length = rule
    mid = (lo + hi) / 2
    fit = max(p.width_px / m.frame_width, p.height_px / m.frame_height)
    s_mid = mid / length
    s_min, s_max = fit * mid / hi, s.max_upscale * mid / lo
    ok = s_min <= s_mid <= s_max
    return GateResult("distance", ok, s_mid, (round(s_min, 4), round(s_max, 4)),
                      "move_closer" if s_mid > s_max else "move_back", "×")


def _angle_gate(name: str, key: str, value_of: Callable[[Measurements], float], hints: tuple[str, str]):
    def gate(m: Measurements, p: Profile, s: EngineSettings) -> GateResult:
        limit = p.threshold(key)
        if m.pose is None:
            return _missing(name, "no_face", limit, "deg")
        v = value_of(m)
        return GateResult(name, abs(v) <= limit, v, limit, hints[0] if v > 0 else hints[1], "deg")

    gate.__name__ = f"gate_{name}"
    return gate


# yaw > 0: turned towards the image's left = the subject's right → turn back to their left
gate_yaw = _angle_gate("yaw", "yaw_max_deg", lambda m: m.pose.yaw_deg, ("turn_left", "turn_right"))
# pitch > 0: chin up → lower it
gate_pitch = _angle_gate("pitch", "pitch_max_deg", lambda m: m.pose.pitch_deg, ("chin_down", "chin_up"))
# roll > 0: the eye on the image's right (the subject's left eye) is lower → tilt back to their right
gate_roll = _angle_gate("roll", "roll_max_deg", lambda m: m.pose.roll_deg, ("tilt_right", "tilt_left"))


def gate_shoulders_level(m: Measurements, p: Profile, s: EngineSettings) -> GateResult:
    limit = p.threshold("shoulders_tilt_max_deg")
    sh = m.shoulders
    if sh is None or not sh.visible:
        return _missing("shoulders_level", "shoulders_level", limit, "deg")
    return GateResult("shoulders_level", abs(sh.tilt_deg) <= limit, sh.tilt_deg, limit, "shoulders_level", "deg")


def _ratio_gate(name: str, key: str, family: str, attr: str, at_least: bool, hint: str):
    """A gate passing when measurements.<family>.<attr> is >= (at_least) or <= the profile threshold `key`."""

    def gate(m: Measurements, p: Profile, s: EngineSettings) -> GateResult:
        limit = p.threshold(key)
        part = getattr(m, family)
        if part is None:
            return _missing(name, hint, limit, "ratio")
        v = float(getattr(part, attr))
        return GateResult(name, v >= limit if at_least else v <= limit, v, limit, hint, "ratio")

    gate.__name__ = f"gate_{name}"
    return gate


gate_eyes_open = _ratio_gate("eyes_open", "eyes_open_min_ratio", "eyes", "open_min_ratio", True, "eyes_open")
gate_mouth_closed = _ratio_gate("mouth_closed", "mouth_open_max_ratio", "mouth", "open_ratio", False, "mouth_closed")
gate_ears_visible = _ratio_gate("ears_visible", "ears_visible_min_ratio", "ears", "min_visible_ratio", True, "ears_visible")
gate_glasses_glare = _ratio_gate("glasses_glare", "glare_max_ratio", "eyes", "glare_max_ratio", False, "glasses_glare")
gate_tinted_glasses = _ratio_gate("tinted_glasses", "tint_min_ratio", "eyes", "tint_ratio", True, "tinted_glasses")
gate_lighting_even = _ratio_gate("lighting_even", "lighting_balance_min_ratio", "light", "balance_ratio", True, "lighting_even")
gate_head_covering = _ratio_gate("head_covering", "head_covering_max_ratio", "covering", "covering_ratio", False, "head_covering")


def gate_exposure(m: Measurements, p: Profile, s: EngineSettings) -> GateResult:
    limit = p.threshold("exposure_clipped_max_ratio")
    li = m.light
    if li is None:
        return _missing("exposure", "too_dark", limit, "ratio")
    clipped = li.clipped_dark_ratio + li.clipped_bright_ratio
    lo, hi = p.threshold("face_luma_min"), p.threshold("face_luma_max")
    too_dark = li.clipped_dark_ratio > li.clipped_bright_ratio or li.face_luma_mean < lo
    ok = clipped <= limit and lo <= li.face_luma_mean <= hi
    return GateResult("exposure", ok, clipped, limit, "too_dark" if too_dark else "too_bright", "ratio")


def gate_sharpness(m: Measurements, p: Profile, s: EngineSettings) -> GateResult:
    limit = p.threshold("sharpness_min")
    if m.sharpness is None:
        return _missing("sharpness", "sharpness", limit, "")
    v = m.sharpness.laplacian_var
    return GateResult("sharpness", v >= limit, v, limit, "sharpness", "")


def gate_background(m: Measurements, p: Profile, s: EngineSettings) -> GateResult:
    """Value: CIEDE2000 distance from the nearest allowed backdrop colour; also needs a low mean gradient."""
    from capture.measures.background import nearest_background

    limit = p.threshold("background_delta_e_max")
    bg = m.background
    if bg is None or bg.coverage <= 0:
        return _missing("background", "background", limit, "dE00")
    _, delta_e = nearest_background(bg.mean_lab, [b.rgb for b in p.backgrounds])
    ok = delta_e <= limit and bg.gradient_mean <= p.threshold("background_gradient_max")
    return GateResult("background", ok, delta_e, limit, "background", "dE00")


GATES: Mapping[str, Callable[[Measurements, Profile, EngineSettings], GateResult]] = {
    "single_face": gate_single_face,
    "in_frame": gate_in_frame,
    "distance": gate_distance,
    "yaw": gate_yaw,
    "pitch": gate_pitch,
    "roll": gate_roll,
    "head_covering": gate_head_covering,
    "tinted_glasses": gate_tinted_glasses,
    "eyes_open": gate_eyes_open,
    "mouth_closed": gate_mouth_closed,
    "glasses_glare": gate_glasses_glare,
    "ears_visible": gate_ears_visible,
    "shoulders_level": gate_shoulders_level,
    "lighting_even": gate_lighting_even,
    "exposure": gate_exposure,
    "background": gate_background,
    "sharpness": gate_sharpness,
}
#: the priority order: the kiosk shows the hint of the first failing gate in this order
GATE_ORDER: tuple[str, ...] = GATE_NAMES
assert tuple(GATES) == GATE_NAMES, "capture.settings.GATE_NAMES and GATES must list the same gates in order"


def evaluate(m: Measurements, profile: Profile, settings: EngineSettings = ENGINE) -> dict[str, GateResult]:
    """Return every gate's result for measurements `m` under `profile`, in priority order (advisory ones marked)."""
    results = {}
    for name, gate in GATES.items():
        result = gate(m, profile, settings)
        if profile.is_advisory(name):
            result = replace(result, advisory=True)
        results[name] = result
    return results


def blocking_ok(results: Mapping[str, GateResult]) -> bool:
    """Return True when no gate blocks capture (advisory gates may still fail)."""
    return not any(r.blocks for r in results.values())


def first_failure(results: Mapping[str, GateResult]) -> GateResult | None:
    """Return the gate to fix first: the highest-priority blocking failure, else the first failing advisory gate."""
    failing = [results[n] for n in GATE_ORDER if n in results and not results[n].ok]
    return next((r for r in failing if not r.advisory), failing[0] if failing else None)
