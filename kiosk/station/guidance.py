"""From a stream of per-frame gate verdicts to a steady checklist and one hint at a time.

Each gate gets time hysteresis: it turns green only after passing for `pass_after_s` and red only after failing
for `fail_after_s`, so a flickering measurement does not flicker on screen. The hint is the first red gate in
priority order, held at least `hint_min_s` while its gate stays red. `ready` says every blocking gate has been
green for `hold_s`: the moment to start the countdown. Advisory gates (see capture.settings) never hold capture
back; their hint shows only when no blocking gate is red.

Each gate also has a dead band on its value (`GateSpec.dead_band_ratio`, a share of its threshold): once steadily
green, a gate keeps passing while its value fails by less than that share (for at most `dead_band_max_s`: a value
that stays just over its limit is told to the person), so a value that sits at its threshold and wobbles with noise
does not flip the checklist and the hint. Turning green is never delayed by it (a person who
is right is not held back), and the frame that is filed is still held to the exact thresholds (AnalysedFrame).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Mapping, Sequence

from capture.gates import GATE_ORDER, SPECS_BY_NAME, GateResult


@dataclass(frozen=True)
class GuidanceConfig:
    """Timings, seconds."""

    pass_after_s: float = 0.15
    fail_after_s: float = 0.35
    hint_min_s: float = 1.5
    hold_s: float = 0.7
    value_dead_band: bool = True  # a steadily green gate passes while its value fails by less than its dead band...
    dead_band_max_s: float = 2.0  # ... for at most this long: a value that stays just over its limit is no noise
    #: a gate that has turned red `flap_reds` times within `flap_window_s` (a person talking, nodding) turns green
    #: again only after passing for `flap_pass_s`, so its hint does not come and go with every word
    flap_reds: int = 2
    flap_window_s: float = 8.0
    flap_pass_s: float = 1.0
    #: a gate's hint takes over from another only once the gate has been steadily red this long (a gate that is red
    #: for a moment would otherwise flash its hint)
    hint_after_s: float = 0.8


@dataclass
class _Track:
    stable: bool = False
    raw: bool = False
    raw_since_s: float = 0.0
    red_at_s: list[float] = field(default_factory=list)  # when the steady verdict last turned red (newest last)
    red_since_s: float = 0.0  # since when the steady verdict is red (when it is)
    failing_since_s: float | None = None  # since when the frames' own verdicts fail (None: the last one passed)


@dataclass(frozen=True)
class GuidanceView:
    """What the guide screen shows now."""

    checklist: Mapping[str, bool]  # gate → steady verdict, in priority order
    hint: str  # hint key of the gate to fix first, or "ok"
    hint_gate: str | None  # the gate the hint is about
    all_ok_s: float  # how long every blocking gate has been steadily green (0 when not)
    ready: bool  # all_ok_s ≥ hold_s
    advisory: frozenset[str] = frozenset()  # gates that advise only

    @property
    def blocking_ok(self) -> bool:
        """Return True when every blocking gate is steadily green."""
        return all(ok for name, ok in self.checklist.items() if name not in self.advisory)


@dataclass
class Guidance:
    """Steady gate verdicts and the one hint to show; feed `update` once per analysed frame."""

    config: GuidanceConfig = field(default_factory=GuidanceConfig)
    gates: Sequence[str] = GATE_ORDER
    _tracks: dict[str, _Track] = field(default_factory=dict)
    _hint: str = "no_face"
    _hint_gate: str | None = None
    _hint_since_s: float = 0.0
    _all_ok_since_s: float | None = None
    _last: GuidanceView | None = None
    #: gates whose hint is replaced by a neutral "please wait" (nothing the student can do: a soft camera; the
    #: station's soft_camera.py sets it)
    quiet: frozenset[str] = frozenset()

    def reset(self) -> None:
        """Forget everything (a new person)."""
        self._tracks.clear()
        self._hint, self._hint_gate, self._hint_since_s = "no_face", None, 0.0
        self._all_ok_since_s = None
        self._last = None

    def refused(self, gate: str, hint: str, now: float) -> None:
        """Show `hint` for `gate` from `now`: the picture made from the frames failed that gate in `idphoto check`
        (the station's picture check). The gate counts as having just turned red, so it turns green again by the
        usual rule (a second refusal within `flap_window_s` makes it wait `flap_pass_s`)."""
        track = self._tracks.setdefault(gate, _Track())
        track.stable, track.raw, track.raw_since_s, track.red_since_s = False, False, now, now
        track.red_at_s = [t for t in track.red_at_s if now - t < self.config.flap_window_s] + [now]
        self._hint, self._hint_gate, self._hint_since_s = hint, gate, now

    def _step(self, name: str, ok: bool, now: float) -> bool:
        # a gate failing from its first frame has been red all along (-inf); a passing one is red only until it settles
        track = self._tracks.setdefault(name, _Track(raw=ok, raw_since_s=now, red_since_s=now if ok else -math.inf))
        if ok != track.raw:
            track.raw, track.raw_since_s = ok, now
        held = now - track.raw_since_s
        if ok and not track.stable and held >= self._pass_after_s(track, now):
            track.stable = True
        elif not ok and track.stable and held >= self.config.fail_after_s:
            track.stable, track.red_since_s = False, now
            track.red_at_s = [t for t in track.red_at_s if now - t < self.config.flap_window_s] + [now]
        return track.stable

    def _pass_after_s(self, track: _Track, now: float) -> float:
        """Return how long (s) the gate of `track` must pass to turn green: `pass_after_s`, or `flap_pass_s` while it
        has turned red `flap_reds` times within the last `flap_window_s`."""
        c = self.config
        recent = sum(1 for t in track.red_at_s if now - t < c.flap_window_s)
        return c.flap_pass_s if recent >= c.flap_reds else c.pass_after_s

    def _next_hint_gate(self, failing: Sequence[str], now: float) -> str | None:
        """Return the gate whose hint to show next: the first of `failing` (priority order) that has been steadily
        red for `hint_after_s`; when none has, the current hint's gate while it still fails, the first when the
        current one is still red but outranked (an advisory hint behind a blocking failure), else None: keep the
        hint on screen (within `hint_after_s` a gate that is red for a moment either settles or turns green)."""
        settled = [n for n in failing if now - self._tracks[n].red_since_s >= self.config.hint_after_s]
        if settled:
            return settled[0]
        if self._hint_gate in failing:
            return self._hint_gate
        current = self._tracks.get(self._hint_gate) if self._hint_gate is not None else None
        return failing[0] if current is not None and not current.stable else None

    def _within_dead_band(self, name: str, result: GateResult | None, now: float) -> bool:
        """Return True when gate `name` is steadily green and `result` fails it by less than the gate's dead band
        (a share of its threshold, capture/gates/spec.py), the frames' own verdicts failing for less than
        `dead_band_max_s`: the failure is read as noise and the gate passes."""
        track = self._tracks.get(name)
        spec = SPECS_BY_NAME.get(name)
        if track is not None:  # follow the frames' own failing streak
            if result is not None and result.ok:
                track.failing_since_s = None
            elif track.failing_since_s is None:
                track.failing_since_s = now
        if not self.config.value_dead_band or result is None or result.ok or track is None or not track.stable \
                or spec is None or track.failing_since_s is None:
            return False
        margin = spec.margin_ratio(result)
        noise = now - track.failing_since_s < self.config.dead_band_max_s
        return margin is not None and -spec.dead_band_ratio <= margin < 0 and noise

    def update(self, results: Mapping[str, GateResult] | None, now: float) -> GuidanceView:
        """Return the GuidanceView after the verdicts `results` of one frame at time `now` (None = no face)."""
        checklist = {}
        hints = {}
        advisory = frozenset(n for n, r in (results or {}).items() if r.advisory)
        for name in self.gates:
            result = results.get(name) if results else None
            noise = self._within_dead_band(name, result, now)  # called on every frame: it follows the failing streak
            ok = bool(result and result.ok) or noise
            checklist[name] = self._step(name, ok, now)
            hints[name] = result.hint if result is not None else "no_face"
        blocking = [n for n in self.gates if not checklist[n] and n not in advisory]
        failing = blocking or [n for n in self.gates if not checklist[n]]
        if not blocking and self._all_ok_since_s is None:
            self._all_ok_since_s = now
        elif blocking:
            self._all_ok_since_s = None
        if not failing:
            self._hint, self._hint_gate = "ok", None
        else:
            keep = (self._hint_gate in failing and now - self._hint_since_s < self.config.hint_min_s)
            if not keep:
                first = self._next_hint_gate(failing, now)
                if first is not None and (first != self._hint_gate or hints[first] != self._hint):
                    self._hint_since_s = now
                    self._hint, self._hint_gate = hints[first], first
        all_ok_s = 0.0 if self._all_ok_since_s is None else now - self._all_ok_since_s
        hint = "wait" if self._hint_gate in self.quiet else self._hint
        self._last = GuidanceView(checklist, hint, self._hint_gate, all_ok_s, all_ok_s >= self.config.hold_s,
                                  advisory)
        return self._last

    @property
    def last(self) -> GuidanceView | None:
        return self._last
