"""Held-out gate accuracy: the rule read from the verdicts, the threshold search, and k-fold counts."""
from __future__ import annotations

import random

import pytest

from capture.check import CheckResult
from capture.gates import GateResult
from kiosk.tools.crossval import best_threshold, cross_validate, reproduces, rule_of_gate
from kiosk.tools.evaluate import LABEL_RULES


def test_the_rule_is_the_gates_declared_direction():
    assert rule_of_gate("mouth_closed") == "at_most" and rule_of_gate("eyes_open") == "at_least"
    assert rule_of_gate("yaw") == "angle" and rule_of_gate("exposure") == "at_most"
    # a count (no face, two faces) and a band are no single threshold on the value
    assert rule_of_gate("single_face") is None and rule_of_gate("distance") is None
    assert rule_of_gate("no_such_gate") is None


def test_a_rule_must_reproduce_every_verdict():
    assert reproduces("at_most", [(0.02, 0.04, True), (0.05, 0.04, False)])
    assert not reproduces("at_least", [(0.02, 0.04, True), (0.05, 0.04, False)])
    assert reproduces("at_least", [(0.02, 0.037, False), (0.05, 0.037, True)])
    assert reproduces("angle", [(-12.0, 10.0, False), (3.0, 10.0, True), (11.0, 10.0, False)])
    assert not reproduces("at_most", [(-12.0, 10.0, False), (3.0, 10.0, True)])
    # another condition failed a value inside the threshold (exposure's luminance band)
    assert not reproduces("at_most", [(0.01, 0.08, False), (0.02, 0.08, True)])
    assert not reproduces("at_most", []) and not reproduces("at_most", [(float("nan"), 0.04, True)])


def test_best_threshold_separates_and_prefers_the_current_one():
    assert best_threshold([0.1, 0.2, 0.8, 0.9], [False, False, True, True], 0.5) == pytest.approx(0.5)
    # any cut between 0.2 and 0.8 separates; the midpoint of the gap is the candidate
    assert best_threshold([0.1, 0.2, 0.8, 0.9], [False, False, True, True], 0.3) == pytest.approx(0.5)
    assert best_threshold([0.1, 0.3, 0.2, 0.9], [False, True, False, True], 0.0) == pytest.approx(0.25)


def _photos(n_clean: int, n_open: int, flipped: int, seed: int = 3):
    """Fake check results for mouth_closed: open mouths measure 0.06..0.1, closed ones 0..0.03; `flipped` labels
    are wrong."""
    rng = random.Random(seed)
    rows, results = [], []
    for i in range(n_clean + n_open):
        is_open = i >= n_clean
        value = rng.uniform(0.06, 0.1) if is_open else rng.uniform(0.0, 0.03)
        label = is_open != (i < flipped)
        rows.append({"file": f"{i}.jpg", "mouth_open": "yes" if label else "no"})
        gate = GateResult("mouth_closed", value <= 0.04, value, 0.04, "mouth_closed", "ratio")
        results.append(CheckResult(file=f"{i}.jpg", profile="p", gates={"mouth_closed": gate}))
    return rows, results


def test_cross_validation_counts_every_labelled_photo_once(all_profiles):
    profile = all_profiles["chsi-graduation"]
    rows, results = _photos(40, 12, flipped=0)
    held = cross_validate(rows, results, profile, LABEL_RULES, folds=4)
    h = held["mouth_closed"]
    assert h.rule == "at_most" and (h.tp, h.fn, h.fp, h.tn) == (12, 0, 0, 40)
    assert h.balanced_accuracy == 1.0 and len(h.thresholds) == 4
    assert all(0.03 <= t <= 0.06 for t in h.thresholds)
    assert set(held) == {"mouth_closed"}  # gates without values or labels are left out


def test_a_gate_another_condition_decided_is_left_out(all_profiles):
    profile = all_profiles["chsi-graduation"]
    rows, results = _photos(40, 12, flipped=0)
    results[0].gates["mouth_closed"] = GateResult("mouth_closed", False, 0.01, 0.04, "mouth_closed", "ratio")
    assert cross_validate(rows, results, profile, LABEL_RULES, folds=4) == {}


def test_wrong_labels_show_in_the_held_out_figure(all_profiles):
    profile = all_profiles["chsi-graduation"]
    held = cross_validate(*_photos(40, 12, flipped=3), profile, LABEL_RULES, folds=4)
    h = held["mouth_closed"]
    assert h.tp + h.fn + h.fp + h.tn == 52 and h.balanced_accuracy < 0.97


def test_too_few_defects_for_the_folds_is_left_out(all_profiles):
    profile = all_profiles["chsi-graduation"]
    assert cross_validate(*_photos(40, 3, flipped=0), profile, LABEL_RULES, folds=5) == {}


def test_eval_folds_usage(tmp_path, capsys):
    from kiosk.commands.main import main

    assert main(["eval", str(tmp_path), "--folds", "1"]) == 2
    assert "2 or more folds" in capsys.readouterr().err


# --- the labels eval reads (capture.gates.spec) and its pose / ID-style figures -----------------------------------


def test_glare_reads_its_column_first_then_the_note(all_profiles):
    profile = all_profiles["chsi-graduation"]
    glare = LABEL_RULES["glasses_glare"]
    assert glare({"glare": "yes", "glasses": "clear", "note": ""}, profile) is True
    assert glare({"glare": "no", "glasses": "clear", "note": "strong reflection"}, profile) is False
    # older rows without the column: "glare"/"reflection" in the note of a row that says which glasses
    assert glare({"glare": "", "glasses": "clear", "note": "lens reflections"}, profile) is True
    assert glare({"glasses": "none", "note": "plain"}, profile) is False
    assert glare({"glasses": "", "note": "reflection"}, profile) is None


def test_partial_ears_are_not_both_ears_visible(all_profiles):
    profile = all_profiles["chsi-graduation"]
    ears = LABEL_RULES["ears_visible"]
    assert ears({"ears_visible": "partial"}, profile) is True
    assert ears({"ears_visible": "no"}, profile) is True
    assert ears({"ears_visible": "yes"}, profile) is False
    assert ears({"ears_visible": ""}, profile) is None and ears({"ears_visible": "maybe"}, profile) is None


def test_shoulders_read_level_and_tilted_only(all_profiles):
    """Tilted shoulders are the defect, level ones not; shoulders out of the frame say nothing about the tilt (the
    gate cannot judge them and passes without a value)."""
    profile = all_profiles["chsi-graduation"]
    shoulders = LABEL_RULES["shoulders_level"]
    assert shoulders({"shoulders": "tilted"}, profile) is True
    assert shoulders({"shoulders": "level"}, profile) is False
    assert shoulders({"shoulders": "not_visible"}, profile) is None and shoulders({"shoulders": ""}, profile) is None


def test_tinted_lenses_in_either_spelling_are_a_tint(all_profiles):
    profile = all_profiles["chsi-graduation"]
    tint = LABEL_RULES["tinted_glasses"]
    assert tint({"glasses": "tinted"}, profile) is True and tint({"glasses": "sunglasses"}, profile) is True
    assert tint({"glasses": "no"}, profile) is False and tint({"glasses": "clear"}, profile) is False


def _pose_result(yaw: float, pitch: float, roll: float, limits=(8.0, 10.0, 6.0)) -> CheckResult:
    gates = {name: GateResult(name, abs(v) <= lim, v, lim, name, "deg")
             for name, v, lim in zip(("yaw", "pitch", "roll"), (yaw, pitch, roll), limits)}
    return CheckResult(file="x.jpg", profile="p", gates=gates)


def test_pose_error_and_the_combined_pose_row(all_profiles):
    from kiosk.tools.evaluate import evaluate_labelled

    profile = all_profiles["chsi-graduation"]
    rows = [{"file": "a.jpg", "yaw_deg": "2", "pitch_deg": "-3", "roll_deg": "1"},  # frontal, measured well
            {"file": "b.jpg", "yaw_deg": "30", "pitch_deg": "0", "roll_deg": "0"},  # turned, measured 27°
            {"file": "c.jpg", "yaw_deg": "8", "pitch_deg": "0", "roll_deg": "0"},  # between: not scored
            {"file": "d.jpg", "yaw_deg": "", "pitch_deg": "", "roll_deg": "20"}]  # roll only: not an angle row
    results = [_pose_result(3.0, -1.0, 1.5), _pose_result(27.0, 2.0, 0.0), _pose_result(9.0, 0.0, 0.0),
               _pose_result(0.0, 0.0, 20.0)]
    report = evaluate_labelled(rows, results, profile, ("yaw", "pitch", "roll"))
    assert (report.pose.tp, report.pose.fn, report.pose.fp, report.pose.tn) == (1, 0, 0, 1)
    assert report.pose.unlabelled_fail == 1  # the 8° row failed yaw but is not scored
    every = report.pose_error["all"].to_dict()
    assert every["photos"] == 3 and every["mae_deg"] == {"yaw_deg": 1.67, "pitch_deg": 1.33, "roll_deg": 0.17}
    near = report.pose_error["near_frontal"].to_dict()
    assert near["photos"] == 2 and near["mae_deg"]["yaw_deg"] == 1.0
    # yaw errors +1, −3, +1: bias −0.33, SD 1.89, 90th percentile of |error| 2.6
    assert every["bias_deg"]["yaw_deg"] == -0.33 and every["sd_deg"]["yaw_deg"] == 1.89
    assert every["p90_abs_deg"]["yaw_deg"] == 2.6
    assert report.to_dict()["pose"]["balanced_accuracy"] == 1.0


def test_false_rejects_of_good_id_style_portraits(all_profiles):
    from kiosk.tools.evaluate import evaluate_labelled

    profile = all_profiles["chsi-graduation"]
    good = {"frontal": "yes", "eyes_closed": "no", "mouth_open": "no", "hat": "no", "glasses": "clear"}
    rows = [{"file": "frl_london__001.jpg", **good}, {"file": "jp_glasses__a.jpg", **good},
            {"file": "jp_glasses__b.jpg", **good, "glasses": "tinted"},  # not a good portrait
            {"file": "lfw__c.jpg", **good}]  # not an ID-style source
    blocking = GateResult("mouth_closed", False, 0.1, 0.04, "mouth_closed", "ratio")
    advisory = GateResult("ears_visible", False, 0.1, 0.31, "ears_visible", "ratio", advisory=True)
    results = [CheckResult(file="1", profile="p", gates={"mouth_closed": blocking}),
               CheckResult(file="2", profile="p", gates={"ears_visible": advisory}),
               CheckResult(file="3", profile="p", gates={"mouth_closed": blocking}),
               CheckResult(file="4", profile="p", gates={"mouth_closed": blocking})]
    report = evaluate_labelled(rows, results, profile, ("mouth_closed", "ears_visible"))
    assert (report.id_style_photos, report.id_style_rejected) == (2, 1)
    assert report.id_style_failed_by_gate == {"mouth_closed": 1}  # an advisory gate refuses nobody
    assert report.to_dict()["id_style"]["false_reject_rate"] == 0.5
