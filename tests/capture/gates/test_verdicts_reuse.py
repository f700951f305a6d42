"""capture.gates.verdicts reuses a one-family gate's verdict, within one stream's VerdictMemo, only for the very same
family object, profile, settings and backdrop choice: the live analyser's carried families cost nothing to judge
again, nothing else is reused, and without a memo every gate is judged."""
from __future__ import annotations

from dataclasses import replace

import pytest

from capture.gates import GATE_SPECS, VerdictMemo, evaluate
from capture.gates.rules import families_read
from capture.measurements import Measurements
from capture.measures.chroma import ChromaMeasure
from capture.settings import ENGINE
from profiles import get_profile


@pytest.fixture(scope="module")
def profile():
    return get_profile("chsi-graduation")


def test_the_one_family_gates_are_those_that_read_one_family_alone():
    reads = {spec.name: families_read(spec) for spec in GATE_SPECS}
    assert reads["colour"] == ("chroma",) and reads["background"] == ("background",)
    assert reads["exposure"] == ("light",) and reads["lighting_even"] == ("light",)
    assert reads["shoulders_level"] == ("shoulders",) and reads["yaw"] == ("pose",)
    # these read the frame size or several families: never reused
    assert reads["single_face"] is None and reads["in_frame"] is None
    assert reads["distance"] is None and reads["sharpness"] is None


def test_a_verdict_follows_a_new_family_object_with_other_values(profile):
    memo = VerdictMemo()
    grey = Measurements(640, 480, chroma=ChromaMeasure(face_chroma=0.5, pixels=900))
    first = evaluate(grey, profile, memo=memo)["colour"]
    assert not first.ok and first.value == 0.5
    coloured = replace(grey, chroma=ChromaMeasure(face_chroma=9.0, pixels=900))
    second = evaluate(coloured, profile, memo=memo)["colour"]
    assert second.ok and second.value == 9.0
    # the carried object gives the same verdict again (the same result), whatever else changed in the frame
    again = evaluate(replace(coloured, frame_width=1280), profile, memo=memo)["colour"]
    assert again is second
    assert evaluate(coloured, profile)["colour"] is not second  # no memo: judged afresh
    assert evaluate(coloured, profile, memo=VerdictMemo())["colour"] is not second  # another stream's memo


def test_a_verdict_is_not_reused_under_another_profile_or_advisory_set(profile):
    memo = VerdictMemo()
    m = Measurements(640, 480, chroma=ChromaMeasure(face_chroma=0.5, pixels=900))
    assert not evaluate(m, profile, memo=memo)["colour"].advisory
    lenient = profile.with_advisory(["colour"])
    assert evaluate(m, lenient, memo=memo)["colour"].advisory
    stricter = replace(profile, gates={**profile.gates, "colour_chroma_min": 0.1})
    assert evaluate(m, stricter, memo=memo)["colour"].ok
    assert not evaluate(m, profile, memo=memo)["colour"].ok
    assert evaluate(m, profile, replace(ENGINE), memo=memo)["colour"].threshold == \
        profile.threshold("colour_chroma_min")


def test_reuse_gives_what_judging_afresh_gives(profile):
    m = Measurements(640, 480, chroma=ChromaMeasure(face_chroma=4.0, pixels=900))
    memo = VerdictMemo()
    reused = [evaluate(m, profile, memo=memo), evaluate(m, profile, memo=memo)]
    fresh = {spec.name: spec.judge(m, profile, ENGINE) for spec in GATE_SPECS}
    for results in reused:
        assert {n: replace(r, advisory=False) for n, r in results.items()} == {
            n: r for n, r in fresh.items()}
