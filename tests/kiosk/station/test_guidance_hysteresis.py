"""Guidance on noisy values: the dead band on a value at its threshold, a flapping gate, hints that flash."""
from __future__ import annotations

from dataclasses import replace

from capture.gates import GATE_ORDER, SPECS_BY_NAME, GateResult
from kiosk.station.guidance import Guidance, GuidanceConfig

#: guidance before the dead band, the flap rule and hint_after_s (each test adds one back)
OLD = GuidanceConfig(value_dead_band=False, flap_reds=10**6, hint_after_s=0.0)

FPS = 25.0
PITCH_MAX = 10.0  # deg; the pitch gate's dead band is 5 % of it: 0.5 deg


def frame(pitch: float = 0.0, mouth: float = 0.0) -> dict[str, GateResult]:
    """Verdicts of one frame: every gate passes except, maybe, pitch (|value| ≤ 10 deg) and mouth (≤ 0.04)."""
    out = {n: GateResult(n, True, None, None, n) for n in GATE_ORDER}
    out["pitch"] = GateResult("pitch", abs(pitch) <= PITCH_MAX, pitch, PITCH_MAX, "chin_down", "deg")
    out["mouth_closed"] = GateResult("mouth_closed", mouth <= 0.04, mouth, 0.04, "mouth_closed", "ratio")
    return out


def play(frames: list[dict[str, GateResult]], config: GuidanceConfig = GuidanceConfig()) -> list[str]:
    """Return the hint on screen after each frame, frames at 25 per second."""
    g = Guidance(config)
    return [g.update(f, i / FPS).hint for i, f in enumerate(frames)]


def changes(hints: list[str], start: int = 25) -> int:
    """Return how often the hint changed after frame `start` (the first second: the person arrives)."""
    return sum(1 for a, b in zip(hints[start:], hints[start + 1:]) if a != b)


def pitch_at_threshold() -> list[dict[str, GateResult]]:
    """2 s level, then 8 s of a chin held at the limit: 9.8 / 10.3 deg in turns of 0.4 s (10 frames)."""
    wobble = [9.8 if (i // 10) % 2 == 0 else 10.3 for i in range(200)]
    return [frame(5.0)] * 50 + [frame(p) for p in wobble]


def test_the_pitch_gate_declares_its_dead_band_as_a_share_of_its_threshold():
    spec = SPECS_BY_NAME["pitch"]
    assert spec.dead_band_ratio == 0.05
    assert round(spec.margin_ratio(GateResult("pitch", False, -10.3, 10.0, "chin_up")), 4) == -0.03
    assert round(spec.margin_ratio(GateResult("pitch", True, 9.0, 10.0, "chin_down")), 4) == 0.1
    # a verdict the value does not explain (another condition of the rule failed it) has no margin
    assert spec.margin_ratio(GateResult("pitch", False, 9.0, 10.0, "chin_down")) is None
    band = SPECS_BY_NAME["distance"]
    assert round(band.margin_ratio(GateResult("distance", False, 0.95, (1.0, 2.0), "move_back")), 4) == -0.05
    assert SPECS_BY_NAME["single_face"].margin_ratio(GateResult("single_face", True, 1.0, 1.0, "no_face")) is None


def test_a_value_wobbling_at_its_threshold_does_not_flip_the_hint():
    frames = pitch_at_threshold()
    without = play(frames, OLD)
    with_band = play(frames, replace(OLD, value_dead_band=True))
    # without the dead band each 0.4 s over the limit turns pitch red (after 0.35 s) and green again (0.15 s after
    # it is back under): 2 hint changes per 0.8 s, the last turn only half (the clip ends red)
    assert changes(without) == 19 and "chin_down" in without
    # with it 10.3 deg is 3 % over the limit, inside the 5 % band: pitch stays green, the hint stays "ok"
    assert changes(with_band) == 0 and with_band[-1] == "ok" and "chin_down" not in with_band


def test_a_value_well_over_its_threshold_still_turns_the_gate_red():
    frames = [frame(5.0)] * 50 + [frame(10.6)] * 50  # 6 % over the limit: outside the band
    hints = play(frames, replace(OLD, value_dead_band=True))
    # red after fail_after_s (0.35 s) = 9 frames at 25 fps (the 9th frame is at 0.36 s)
    assert hints[50 + 8] == "ok" and hints[50 + 9] == "chin_down"


def test_the_dead_band_does_not_hold_back_a_person_who_is_right():
    frames = [frame(12.0)] * 50 + [frame(9.8)] * 50  # red, then just inside the limit
    on, off = play(frames, replace(OLD, value_dead_band=True)), play(frames, OLD)
    assert on == off
    assert on[49] == "chin_down" and on[50 + 4] == "ok"  # green after pass_after_s (0.15 s): the 4th frame, 0.16 s


def talking() -> list[dict[str, GateResult]]:
    """1 s closed, then 6 s of talking: mouth open 0.6 s, closed 0.4 s, again and again; then 4 s closed."""
    words = [0.12 if i % 25 < 15 else 0.0 for i in range(150)]
    return [frame(mouth=0.0)] * 25 + [frame(mouth=m) for m in words] + [frame(mouth=0.0)] * 100


def test_a_flapping_gate_keeps_its_hint_while_the_person_talks():
    frames = talking()
    plain = play(frames, OLD)
    steady = play(frames, replace(OLD, flap_reds=2))
    # without the flap rule each word turns the hint on and off: 12 changes
    assert changes(plain) == 12
    # with it: the mouth turns red twice, then the 0.4 s pauses no longer turn it green: ok → mouth → ok → mouth → ok
    assert changes(steady) == 4 and steady[-1] == "ok"
    # the last word ends at frame 165: the mouth is green again 1.0 s (flap_pass_s) later, not 0.15 s
    first_ok = next(i for i in range(165, len(steady)) if steady[i] == "ok")
    assert first_ok == 165 + 25


def test_a_gate_red_for_a_moment_does_not_flash_its_hint():
    # mouth red for good from 1 s; pitch over the limit from 3 s to 3.6 s only
    frames = [frame(5.0)] * 25 + [frame(5.0, 0.1)] * 50 + [frame(12.0, 0.1)] * 15 + [frame(5.0, 0.1)] * 60
    hints = play(frames, replace(OLD, hint_after_s=0.8))
    off = play(frames, OLD)
    assert hints[-1] == off[-1] == "mouth_closed"
    # without hint_after_s pitch (higher priority) would show "chin down" for a moment; with it, it never shows
    assert "chin_down" in off and "chin_down" not in hints
    assert (changes(off), changes(hints)) == (3, 1)


def test_all_three_together_on_restless_seconds():
    # the wobbling chin (8 s), then talking (6 s): the old guidance changes the hint 32 times; now the chin stays
    # green and the talking is one "close your mouth" from its second word to 1 s after its last: 2 changes
    frames = pitch_at_threshold() + talking()[25:]
    assert (changes(play(frames, OLD)), changes(play(frames))) == (32, 2)


def test_a_value_that_stays_just_over_its_limit_is_not_hidden():
    # 10.3 deg for good: inside the dead band, but the frames fail for longer than dead_band_max_s (2 s), so the gate
    # turns red 2 s + fail_after_s (0.35 s) after the value went over: the countdown cannot wait for a frame forever
    frames = [frame(5.0)] * 50 + [frame(10.3)] * 100
    hints = play(frames, replace(OLD, value_dead_band=True))
    first_red = next(i for i in range(50, len(hints)) if hints[i] == "chin_down")
    assert first_red == 50 + 59  # 2 s = frame 50 + 50; red 0.35 s later: 9 frames on (0.36 s)
