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
