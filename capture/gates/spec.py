"""Every gate declared once: GATE_SPECS, in the priority order the kiosk shows hints (fix the first failing one
first). The other gate tables (names, subject gates, hint codes, eval's label rules, cross-validation's direction)
are derived from it; the thresholds' default values and the default advisory set are data in profiles/defaults.toml.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Literal

from capture.gates import rules
from capture.gates.result import GateResult
from capture.settings import EngineSettings
from profiles.defaults import GATE_NAMES
from profiles.model import Profile

if TYPE_CHECKING:
    from capture.measurements import Measurements

#: how a gate's value is held to its threshold: value ≤ limit, value ≥ limit, |value| ≤ limit, lo ≤ value ≤ hi, or
#: something else (several conditions, a count)
Direction = Literal["at_most", "at_least", "abs_at_most", "band", "custom"]
Rule = Callable[["GateSpec", "Measurements", Profile, EngineSettings, bool], GateResult]
#: the dead band of a gate with a threshold, as a share of the threshold: a live verdict that has been passing keeps
#: passing until the value fails by more than this share (kiosk/station/guidance.py), so noise on a value that sits
#: at its threshold does not flip the checklist and the hint. The filed frame is still held to the exact threshold.
DEAD_BAND_RATIO = 0.05


@dataclass(frozen=True)
class LabelRule:
    """How `idphoto eval` reads one row of a labelled manifest for a gate: does the photo have the defect the gate
    must catch? Exactly one of the three forms is used:

    - `defect_values`: the photo has the defect when `column` (lower-cased) is one of them; an empty cell, or a value
      outside `known_values` when those are given, says nothing;
    - `over_threshold`: `column` is a number; the defect is |number| above the profile's threshold of that name;
    - `note_words`: when `column` is filled, the defect is one of these words in the row's `note`.

    `fallback` is read when this rule says nothing (an older manifest without the column, an empty cell).
    """

    column: str
    defect_values: tuple[str, ...] = ()
    known_values: tuple[str, ...] | None = None
    over_threshold: str | None = None
    note_words: tuple[str, ...] = ()
    fallback: LabelRule | None = None


@dataclass(frozen=True)
class GateSpec:
    """One gate: what it reads, which thresholds (keys of profiles/defaults.toml) and which way it compares, the
    hint codes it can give, its value's unit, whether it judges the person, and how eval scores it."""

    name: str
    reads: str  # the measurement the value comes from, "family.attribute" of Measurements (or a description)
    direction: Direction
    thresholds: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()  # hints for a failing value (two: for a positive value, for a negative one)
    missing_hint: str = "no_face"  # hint when the measurement is missing
    unit: str = ""
    subject: bool = False  # judges the person, not the framing or the backdrop (which ordinary photos fail by design)
    label: LabelRule | None = None  # how eval scores it against the labelled manifest; None = no label bears on it
    rule: Rule = rules.compare  # the function that judges a frame (the generic comparison unless it needs more)
    dead_band_ratio: float = DEAD_BAND_RATIO  # live hysteresis on the value, share of the threshold (see margin_ratio)

    @property
    def hint_codes(self) -> tuple[str, ...]:
        """Return every hint code this gate can give."""
        return tuple(dict.fromkeys((*self.hints, self.missing_hint)))

    def margin_ratio(self, result: GateResult) -> float | None:
        """Return how far `result`'s value lies inside its threshold, as a share of the threshold (negative: how far
        outside), or None when the value alone does not explain the verdict (a custom rule, no value or no finite
        threshold, or another condition of the rule decided it: a cut-off head, a backdrop that is not plain)."""
        v, thr = result.value, result.threshold
        if v is None or thr is None or self.direction == "custom":
            return None
        if self.direction == "band" and isinstance(thr, tuple):
            lo, hi = thr
            if not (0 < lo < math.inf and 0 < hi < math.inf):
                return None
            margin = min((v - lo) / lo, (hi - v) / hi)
        elif isinstance(thr, tuple) or not 0 < abs(thr) < math.inf:
            return None
        elif self.direction == "at_most":
            margin = (thr - v) / abs(thr)
        elif self.direction == "at_least":
            margin = (v - thr) / abs(thr)
        elif self.direction == "abs_at_most":
            margin = (thr - abs(v)) / abs(thr)
        else:
            return None
        return margin if (margin >= 0) == result.ok else None

    def judge(self, m: Measurements, profile: Profile, settings: EngineSettings,
              new_backdrop: bool = False) -> GateResult:
        """Return this gate's verdict on measurements `m` under `profile` (advisory not yet marked); `new_backdrop`:
        the picture is made on a new backdrop (换底)."""
        return self.rule(self, m, profile, settings, new_backdrop)


def _pose(name: str, attr: str, key: str, hints: tuple[str, str]) -> GateSpec:
    """A head-pose angle gate: |angle| at most its threshold; eval reads the labelled angle of the same name."""
    return GateSpec(name, f"pose.{attr}", "abs_at_most", (key,), hints, unit="deg", subject=True,
                    label=LabelRule(attr, over_threshold=key))


def _share(name: str, reads: str, direction: Direction, key: str, *, subject: bool, label: LabelRule) -> GateSpec:
    """A gate on one share (0..1) of a measurement; its hint, also when the measurement is missing, is its name."""
    return GateSpec(name, reads, direction, (key,), hints=(name,), missing_hint=name, unit="ratio", subject=subject,
                    label=label)


GATE_SPECS: tuple[GateSpec, ...] = (
    GateSpec("single_face", "framing.face_count", "custom", hints=("single_face",), unit="faces", subject=True,
             label=LabelRule("single_face", ("no",)), rule=rules.single_face),
    GateSpec("in_frame", "framing.centre_offset_ratio", "abs_at_most", ("in_frame_offset_max_ratio",),
             hints=("move_right", "move_left", "whole_head"), unit="ratio", rule=rules.in_frame),
    GateSpec("distance", "framing.face_width_px or head height, against the profile's size band", "band",
             hints=("move_closer", "move_back"), unit="×", rule=rules.distance),
    # yaw > 0: turned towards the image's left = the subject's right → turn back to their left
    _pose("yaw", "yaw_deg", "yaw_max_deg", ("turn_left", "turn_right")),
    # pitch > 0: chin up → lower it
    _pose("pitch", "pitch_deg", "pitch_max_deg", ("chin_down", "chin_up")),
    # roll > 0: the eye on the image's right (the subject's left eye) is lower → tilt back to their right
    _pose("roll", "roll_deg", "roll_max_deg", ("tilt_right", "tilt_left")),
    _share("head_covering", "covering.covering_ratio", "at_most", "head_covering_max_ratio", subject=True,
           label=LabelRule("hat", ("yes",))),
    _share("tinted_glasses", "eyes.tint_ratio", "at_least", "tint_min_ratio", subject=True,
           label=LabelRule("glasses", ("sunglasses", "tinted"))),
    _share("eyes_open", "eyes.open_min_ratio", "at_least", "eyes_open_min_ratio", subject=True,
           label=LabelRule("eyes_closed", ("yes",))),
    _share("mouth_closed", "mouth.open_ratio", "at_most", "mouth_open_max_ratio", subject=True,
           label=LabelRule("mouth_open", ("yes",))),
    _share("glasses_glare", "eyes.glare_max_ratio", "at_most", "glare_max_ratio", subject=True,
           # the `glare` column (clear glasses only); older rows: "glare"/"reflection" in the note of a glasses row
           label=LabelRule("glare", ("yes",), known_values=("yes", "no"),
                           fallback=LabelRule("glasses", note_words=("glare", "reflection")))),
    _share("ears_visible", "ears.min_visible_ratio", "at_least", "ears_visible_min_ratio", subject=False,
           # partial (one ear, or ears partly under hair) is not "both ears visible"
           label=LabelRule("ears_visible", ("no", "partial"), known_values=("yes", "no", "partial"))),
    GateSpec("shoulders_level", "shoulders.tilt_deg", "abs_at_most", ("shoulders_tilt_max_deg",),
             hints=("shoulders_level",), missing_hint="shoulders_level", unit="deg", rule=rules.shoulders_level,
             label=LabelRule("shoulders", ("tilted",), known_values=("level", "tilted"))),
    _share("lighting_even", "light.balance_ratio", "at_least", "lighting_balance_min_ratio", subject=True,
           label=LabelRule("lighting", ("side",), known_values=("even", "side"))),
    # value: the clipped share (at most its threshold); the mean face luminance must also lie in its band
    GateSpec("exposure", "light.clipped_dark_ratio + light.clipped_bright_ratio; light.face_luma_mean", "at_most",
             ("exposure_clipped_max_ratio", "face_luma_min", "face_luma_max"), hints=("too_dark", "too_bright"),
             missing_hint="too_dark", unit="ratio", subject=True,
             label=LabelRule("lighting", ("dark", "bright"), known_values=("even", "dark", "bright")),
             rule=rules.exposure),
    # value: the face's chroma C*ab; a greyscale photo reads 0 (only when the profile wants a colour picture)
    GateSpec("colour", "chroma.face_chroma", "at_least", ("colour_chroma_min",), hints=("colour",),
             missing_hint="colour", unit="C*ab", rule=rules.colour),
    # value: ΔE2000 from the nearest allowed colour (at most its threshold); the backdrop must also be plain
    GateSpec("background", "background.mean_lab; background.gradient_mean", "at_most",
             ("background_delta_e_max", "background_gradient_max"),
             hints=(*rules.backdrop_hints(), "background_not_plain"),
             missing_hint="background", unit="dE00", rule=rules.background),
    GateSpec("sharpness", "sharpness.laplacian_var", "at_least", ("sharpness_min",), hints=("sharpness",),
             missing_hint="sharpness", rule=rules.sharpness),
)

#: the gates by name, in priority order
SPECS_BY_NAME: dict[str, GateSpec] = {spec.name: spec for spec in GATE_SPECS}

#: every gate name in the priority order: the kiosk shows the hint of the first failing gate in this order
GATE_ORDER: tuple[str, ...] = tuple(SPECS_BY_NAME)
assert GATE_ORDER == GATE_NAMES, "GATE_SPECS and profiles/defaults.toml must list the same gates in the same order"

#: gates that judge the person, not the framing or the backdrop: the false-reject figure of `idphoto eval` counts
#: these, and `idphoto import` adds focus and the backdrop to them
SUBJECT_GATES: tuple[str, ...] = tuple(spec.name for spec in GATE_SPECS if spec.subject)


def hint_codes() -> tuple[str, ...]:
    """Return every hint code a gate can give, each once, in priority order of the gates."""
    return tuple(dict.fromkeys(code for spec in GATE_SPECS for code in spec.hint_codes))
