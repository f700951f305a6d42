"""Each gate is declared once (capture/gates/spec.py) and its thresholds once (profiles/defaults.toml): the two halves
agree, every code a gate gives has a sentence, and each rule does what its declaration says."""
from __future__ import annotations

import dataclasses
import typing
from types import SimpleNamespace

import pytest

from capture.gates import GATE_ORDER, GATE_SPECS, SPECS_BY_NAME, SUBJECT_GATES, evaluate, hint_codes, rules
from capture.measurements import Measurements
from kiosk import texts
from kiosk.texts.gates import GATE_LABELS
from kiosk.texts.hints import HINTS
from profiles.defaults import DEFAULT_ADVISORY_GATES, GATE_DEFAULTS, GATE_NAMES, THRESHOLD_KEYS

#: hint codes that are not a gate's: the station's all-clear
STATION_HINTS = {"ok", "wait"}  # "wait": a soft camera (kiosk/station/soft_camera.py)


@pytest.fixture(scope="module")
def profile(all_profiles):
    return all_profiles["chsi-graduation"]


# ---------------------------------------------------------------------------------------------------------------
# the two halves agree


def test_declared_thresholds_are_exactly_the_defaults_keys():
    declared = [key for spec in GATE_SPECS for key in spec.thresholds]
    assert len(declared) == len(set(declared)), "a threshold is read by two gates"
    assert set(declared) == set(GATE_DEFAULTS)


def test_each_gate_reads_the_thresholds_the_defaults_file_lists_under_it():
    for spec in GATE_SPECS:
        assert set(spec.thresholds) == set(THRESHOLD_KEYS[spec.name]), spec.name


def test_gate_names_and_advisory_set_are_the_declared_gates():
    assert GATE_ORDER == GATE_NAMES == tuple(spec.name for spec in GATE_SPECS)
    assert len(set(GATE_ORDER)) == len(GATE_ORDER) == 18
    assert DEFAULT_ADVISORY_GATES == {"ears_visible", "shoulders_level"}
    assert DEFAULT_ADVISORY_GATES <= set(GATE_ORDER)
    assert set(SUBJECT_GATES) <= set(GATE_ORDER) and not set(SUBJECT_GATES) & DEFAULT_ADVISORY_GATES


def test_every_hint_and_gate_has_its_sentences():
    for code in hint_codes():
        assert texts.has("hint." + code), code
    for name in GATE_ORDER:
        assert texts.has("gate." + name), name


def test_no_sentence_for_a_code_no_gate_gives():
    assert set(GATE_LABELS) == set(GATE_ORDER)
    assert set(HINTS) - set(hint_codes()) == STATION_HINTS


def test_generic_gates_read_a_real_measurement_with_one_threshold():
    families = typing.get_type_hints(Measurements)
    for spec in GATE_SPECS:
        if spec.rule is not rules.compare:
            continue
        assert spec.direction in ("at_most", "at_least", "abs_at_most") and len(spec.thresholds) == 1, spec.name
        family, attr = spec.reads.split(".")
        cls = next(t for t in typing.get_args(families[family]) if t is not type(None))
        assert attr in {f.name for f in dataclasses.fields(cls)}, spec.name
        assert len(spec.hints) in (1, 2), spec.name


def test_label_rules_use_one_form_and_the_gates_own_threshold():
    for spec in GATE_SPECS:
        label = spec.label
        if label is None:
            continue
        forms = [bool(label.defect_values), label.over_threshold is not None, bool(label.note_words)]
        assert sum(forms) == 1, spec.name
        assert label.over_threshold is None or label.over_threshold in spec.thresholds, spec.name
        assert label.known_values is None or set(label.defect_values) <= set(label.known_values), spec.name


# ---------------------------------------------------------------------------------------------------------------
# the rules do what their declarations say (fabricated measurements, no model)


def _frame(**families) -> SimpleNamespace:
    """A stand-in for Measurements: a 600×800 frame with a centred, framed face whose every family passes the
    default thresholds, with `families` replaced (None = not measured)."""
    base = dict(
        frame_width=600, frame_height=800, head_height_px=None,
        framing=SimpleNamespace(face_count=1, head_cut_off=False, head_margin_px=20, centre_offset_ratio=0.0,
                                face_width_px=240.0),
        pose=SimpleNamespace(yaw_deg=0.0, pitch_deg=0.0, roll_deg=0.0),
        eyes=SimpleNamespace(open_min_ratio=0.1, glare_max_ratio=0.0, tint_ratio=1.0),
        mouth=SimpleNamespace(open_ratio=0.0),
        light=SimpleNamespace(balance_ratio=0.9, clipped_dark_ratio=0.0, clipped_bright_ratio=0.0, face_luma_mean=0.3),
        sharpness=SimpleNamespace(laplacian_var=100.0),
        background=SimpleNamespace(coverage=1.0, mean_lab=(100.0, 0.0, 0.0), gradient_mean=1.0),
        ears=SimpleNamespace(min_visible_ratio=0.9),
        shoulders=SimpleNamespace(visible=True, tilt_deg=0.0),
        covering=SimpleNamespace(covering_ratio=0.0),
        chroma=SimpleNamespace(face_chroma=20.0, pixels=100),
    )
    base.update(families)
    return SimpleNamespace(**base)


def _set(family: str, **values) -> dict:
    """Return {family: the passing family of _frame() with `values` changed}."""
    return {family: SimpleNamespace(**{**vars(getattr(_frame(), family)), **values})}


def _generic_failures() -> list[SimpleNamespace]:
    """Frames failing each generic gate on both sides of zero (a positive and a negative value)."""
    frames = []
    for spec in GATE_SPECS:
        if spec.rule is not rules.compare and spec.name != "shoulders_level":
            continue
        family, attr = spec.reads.split(".")
        bad = {"at_most": [1e3], "at_least": [-1e3], "abs_at_most": [1e3, -1e3]}[spec.direction]
        frames += [_frame(**_set(family, **{attr: v})) for v in bad]
    return frames


def _special_failures() -> list[SimpleNamespace]:
    return [
        _frame(),  # white backdrop for a light-blue spec: only the background fails
        _frame(framing=None, pose=None, eyes=None, mouth=None, light=None, sharpness=None, background=None, ears=None,
               shoulders=None, covering=None, chroma=None),
        _frame(**_set("chroma", face_chroma=0.5)),
        _frame(**_set("background", mean_lab=(60.0, 0.0, 0.0))),
        _frame(**_set("framing", face_count=2)),
        _frame(**_set("framing", head_cut_off=True)),
        _frame(**_set("framing", centre_offset_ratio=0.3)),
        _frame(**_set("framing", centre_offset_ratio=-0.3)),
        _frame(**_set("framing", face_width_px=30.0)),
        _frame(**_set("framing", face_width_px=2000.0)),
        _frame(**_set("shoulders", visible=False)),
        _frame(**_set("light", clipped_dark_ratio=0.5)),
        _frame(**_set("light", clipped_bright_ratio=0.5)),
        _frame(**_set("light", face_luma_mean=0.95)),
        _frame(**_set("background", gradient_mean=500.0)),
    ]


def test_every_hint_a_rule_gives_is_declared_and_every_declared_hint_is_given(profile):
    given: dict[str, set[str]] = {name: set() for name in GATE_ORDER}
    for frame in _generic_failures() + _special_failures():
        for name, result in evaluate(frame, profile).items():
            assert result.name == name and result.unit == SPECS_BY_NAME[name].unit
            if not result.ok:
                given[name].add(result.hint)
    for spec in GATE_SPECS:
        if spec.name == "background":  # its colour hints depend on the profile's colours: the next test
            assert given[spec.name] <= set(spec.hint_codes) and "background_not_plain" in given[spec.name]
            assert "background_light_blue_too_dull" in given[spec.name]  # mid grey: nearest allowed is light blue
            continue
        assert given[spec.name] == set(spec.hint_codes), spec.name


@pytest.mark.parametrize("spec", [s for s in GATE_SPECS if s.rule is rules.compare], ids=lambda s: s.name)
def test_generic_gates_compare_in_their_declared_direction(spec, profile):
    family, attr = spec.reads.split(".")
    limit = profile.threshold(spec.thresholds[0])
    for value in (limit * 0.9, limit * 1.1, -limit * 0.9, -limit * 1.1):
        result = spec.judge(_frame(**_set(family, **{attr: value})), profile, None)
        expected = {"at_most": value <= limit, "at_least": value >= limit, "abs_at_most": abs(value) <= limit}
        assert result.ok is expected[spec.direction] and result.threshold == limit and result.value == value


def test_the_all_passing_frame_passes_every_gate_on_a_white_backdrop_spec(all_profiles):
    white = next(p for p in all_profiles.values() if any(b.rgb == (255, 255, 255) for b in p.backgrounds)
                 and p.composition.face_width is not None)
    frame = _frame(framing=SimpleNamespace(**{**vars(_frame().framing),
                                              "face_width_px": white.composition.face_width.mid}))
    results = evaluate(frame, white)
    assert all(r.ok for r in results.values()), {n: r.to_dict() for n, r in results.items() if not r.ok}
