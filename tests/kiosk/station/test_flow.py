"""The kiosk state machine and the guidance hysteresis, with a fake clock (no pygame, no camera)."""
from __future__ import annotations

from pathlib import Path

import pytest

from capture.gates import GATE_ORDER, GateResult
from kiosk.station.flow import GUARDS, TRANSITIONS, Event, Facts, Flow, FlowConfig, Guarded, State
from kiosk.station.guidance import Guidance, GuidanceConfig, GuidanceView
from tests.conftest import FakeClock as Clock


def _view(steady: bool, held: bool, advisory_red: bool = False) -> GuidanceView:
    """A guidance view: the blocking gate (yaw) steady or red, held or not, the advisory gate green or red."""
    checklist = {"yaw": steady, "ears_visible": not advisory_red}
    return GuidanceView(checklist, "ok" if steady else "turn_left", None if steady else "yaw",
                        1.0 if held else 0.0, held, frozenset({"ears_visible"}))


HELD = Facts(_view(True, True))
STEADY = Facts(_view(True, False))
BROKEN = Facts(_view(False, False))


def test_happy_path_and_history():
    clock = Clock(0.0)
    flow = Flow(clock=clock)
    for event, state in [(Event.PERSON_ARRIVED, State.IDENTIFY), (Event.IDENTIFIED, State.GUIDE),
                         (Event.FRAME_JUDGED, State.COUNTDOWN), (Event.COUNTDOWN_DONE, State.REVIEW),
                         (Event.CONFIRM, State.SAVED), (Event.SAVED_SHOWN, State.IDLE)]:
        clock.t += 1
        assert flow.handle(event, HELD)
        assert flow.state is state
    assert [t.target for t in flow.history][-1] is State.IDLE and len(flow.history) == 6
    assert [t.guard for t in flow.history] == [None, None, "all_gates_held", None, None, None]
    assert [t.at_s for t in flow.history] == [1, 2, 3, 4, 5, 6]


def test_retake_and_broken_gate_return_to_guide():
    flow = Flow(clock=Clock(0.0))
    flow.handle(Event.SKIP_IDENTITY)
    flow.handle(Event.FRAME_JUDGED, HELD)
    assert flow.handle(Event.FRAME_JUDGED, BROKEN).guard == "gate_broken" and flow.state is State.GUIDE
    flow.handle(Event.FRAME_JUDGED, HELD)
    flow.handle(Event.COUNTDOWN_DONE)
    assert flow.handle(Event.RETAKE) and flow.state is State.GUIDE


def test_guide_waits_until_the_gates_have_held():
    flow = Flow(clock=Clock(0.0))
    flow.handle(Event.SKIP_IDENTITY)
    for facts in (Facts(), BROKEN, STEADY):  # no view yet, a red gate, green but not held long enough
        assert flow.handle(Event.FRAME_JUDGED, facts) is None and flow.state is State.GUIDE
        assert not flow.can(Event.FRAME_JUDGED, facts)
    assert flow.can(Event.FRAME_JUDGED, HELD)
    assert flow.handle(Event.FRAME_JUDGED, HELD).target is State.COUNTDOWN


def test_countdown_keeps_going_while_the_gates_stay_steady_or_a_picture_is_being_made():
    flow = Flow(clock=Clock(0.0))
    flow.handle(Event.SKIP_IDENTITY)
    flow.handle(Event.MANUAL_CAPTURE)
    assert flow.state is State.COUNTDOWN
    for facts in (HELD, STEADY, Facts(BROKEN.view, making=True)):
        assert flow.handle(Event.FRAME_JUDGED, facts) is None and flow.state is State.COUNTDOWN
    assert flow.handle(Event.FRAME_JUDGED, Facts(None)).target is State.GUIDE  # nothing judged counts as broken


def test_a_frame_in_hand_keeps_the_countdown_going_while_the_person_is_there():
    flow = Flow(clock=Clock(0.0))
    flow.handle(Event.SKIP_IDENTITY)
    flow.handle(Event.MANUAL_CAPTURE)
    there = GuidanceView({"single_face": True, "yaw": False}, "turn_left", "yaw", 0.0, False)
    gone = GuidanceView({"single_face": False, "yaw": False}, "no_face", "single_face", 0.0, False)
    assert flow.handle(Event.FRAME_JUDGED, Facts(there, in_hand=True)) is None and flow.state is State.COUNTDOWN
    assert GUARDS["gate_broken"](Facts(there)) and GUARDS["gate_broken"](Facts(None, in_hand=True))
    assert flow.handle(Event.FRAME_JUDGED, Facts(gone, in_hand=True)).guard == "gate_broken"
    assert flow.state is State.GUIDE


def test_advisory_gates_never_hold_the_countdown_back():
    advisory_red = Facts(_view(True, True, advisory_red=True))
    assert GUARDS["all_gates_held"](advisory_red) and not GUARDS["gate_broken"](advisory_red)


def test_every_guard_in_the_table_is_defined():
    named = {rule.guard for rule in TRANSITIONS.values() if isinstance(rule, Guarded)}
    assert named == set(GUARDS) == {"all_gates_held", "gate_broken"}


def test_events_not_in_the_table_are_ignored():
    flow = Flow(clock=Clock(0.0))
    assert not flow.handle(Event.CONFIRM)
    assert flow.state is State.IDLE and not flow.history
    assert not flow.can(Event.RETAKE) and flow.can(Event.PERSON_ARRIVED)


@pytest.mark.parametrize("state", [s for s in State if s is not State.IDLE])
def test_every_state_but_idle_times_out(state):
    clock = Clock(0.0)
    flow = Flow(clock=clock)
    flow.state = state
    limit = FlowConfig().timeouts_s[state]
    clock.t = limit - 0.01
    assert not flow.tick()
    clock.t = limit
    assert flow.tick()
    assert flow.state in {State.IDLE, State.GUIDE}
    assert (state, Event.TIMEOUT) in TRANSITIONS


def test_failure_from_anywhere_then_recover():
    flow = Flow(clock=Clock(0.0))
    flow.handle(Event.SKIP_IDENTITY)
    assert flow.handle(Event.FAILURE) and flow.state is State.ERROR
    assert flow.handle(Event.RECOVERED) and flow.state is State.IDLE


def test_handle_returns_the_transition_taken():
    clock = Clock(0.0)
    clock.t = 3.0
    flow = Flow(clock=clock)
    taken = flow.handle(Event.SKIP_IDENTITY)
    assert (taken.source, taken.event, taken.target, taken.at_s, taken.guard) == \
        (State.IDLE, Event.SKIP_IDENTITY, State.GUIDE, 3.0, None)
    assert flow.history == [taken]


def _results(failing: dict[str, str] | None = None) -> dict[str, GateResult]:
    failing = failing or {}
    return {n: GateResult(n, n not in failing, 0.0, 1.0, failing.get(n, n)) for n in GATE_ORDER}


def test_guidance_needs_hold_before_ready():
    g = Guidance(GuidanceConfig(pass_after_s=0.1, fail_after_s=0.3, hint_min_s=1.0, hold_s=0.7))
    t = 0.0
    view = g.update(_results(), t)
    assert not view.ready and view.hint != "ok"  # not yet steady
    while t < 0.75:
        t += 1 / 30
        view = g.update(_results(), t)
    assert view.hint == "ok" and not view.ready  # green since 0.1 s: 0.65 s held
    for _ in range(10):
        t += 1 / 30
        view = g.update(_results(), t)
    assert view.ready and view.all_ok_s >= 0.7


def test_single_flicker_does_not_break_the_hold():
    g = Guidance(GuidanceConfig(pass_after_s=0.1, fail_after_s=0.3, hold_s=0.5))
    t = 0.0
    for _ in range(20):
        t += 1 / 30
        g.update(_results(), t)
    t += 1 / 30
    view = g.update(_results({"yaw": "turn_left"}), t)  # one bad frame
    assert view.checklist["yaw"] and view.hint == "ok"
    for _ in range(15):
        t += 1 / 30
        view = g.update(_results(), t)
    assert view.ready


def test_hint_is_first_failing_by_priority_and_held():
    g = Guidance(GuidanceConfig(pass_after_s=0.0, fail_after_s=0.0, hint_min_s=1.0))
    view = g.update(_results({"sharpness": "sharpness", "yaw": "turn_left"}), 0.0)
    assert view.hint == "turn_left" and view.hint_gate == "yaw"
    # yaw fixed: the hint moves on at once because its gate is green
    view = g.update(_results({"sharpness": "sharpness"}), 0.1)
    assert view.hint == "sharpness"
    # a higher-priority gate fails briefly: the sharpness hint stays for hint_min_s
    view = g.update(_results({"sharpness": "sharpness", "roll": "tilt_left"}), 0.2)
    assert view.hint == "sharpness"
    view = g.update(_results({"sharpness": "sharpness", "roll": "tilt_left"}), 1.2)
    assert view.hint == "tilt_left"


def test_no_face_means_nothing_green():
    g = Guidance()
    view = g.update(None, 0.0)
    assert not any(view.checklist.values()) and view.hint == "no_face"


def test_advisory_gate_does_not_hold_capture_back_but_its_hint_shows():
    g = Guidance(GuidanceConfig(pass_after_s=0.0, fail_after_s=0.0, hold_s=0.3))
    results = _results({"ears_visible": "ears_visible"})
    results["ears_visible"] = GateResult("ears_visible", False, 0.1, 0.27, "ears_visible", advisory=True)
    t, view = 0.0, None
    for _ in range(12):
        view = g.update(results, t)
        t += 1 / 30
    assert view.ready and view.blocking_ok and not view.checklist["ears_visible"]
    assert view.hint == "ears_visible" and "ears_visible" in view.advisory
    blocking = dict(results, yaw=GateResult("yaw", False, 12.0, 8.0, "turn_left"))
    view = g.update(blocking, t + 2)
    assert not view.ready and view.hint == "turn_left"


def test_profile_can_make_advisory_gates_required(tmp_path):
    from profiles import load_profile

    src = (Path(__file__).resolve().parents[3] / "profiles" / "chsi-graduation.toml").read_text(encoding="utf-8")
    path = tmp_path / "strict.toml"
    path.write_text(src.replace('id = "chsi-graduation"', 'id = "strict"\nadvisory_gates = []'), encoding="utf-8")
    strict = load_profile(path)
    assert not strict.is_advisory("ears_visible")
    path.write_text(src.replace('id = "chsi-graduation"', 'id = "strict"\nadvisory_gates = ["ears"]'), encoding="utf-8")
    with pytest.raises(Exception, match="unknown gate 'ears'"):
        load_profile(path)
