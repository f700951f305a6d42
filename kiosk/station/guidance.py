"""From a stream of per-frame gate verdicts to a steady checklist and one hint at a time.

Each gate gets time hysteresis: it turns green only after passing for `pass_after_s` and red only after failing
for `fail_after_s`, so a flickering measurement does not flicker on screen. The hint is the first red gate in
priority order, held at least `hint_min_s` while its gate stays red. `ready` says every blocking gate has been
green for `hold_s`: the moment to start the countdown. Advisory gates (see capture.settings) never hold capture
back; their hint shows only when no blocking gate is red.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

from capture.gates import GATE_ORDER, GateResult


@dataclass(frozen=True)
class GuidanceConfig:
    """Timings, seconds."""

    pass_after_s: float = 0.15
    fail_after_s: float = 0.35
    hint_min_s: float = 1.5
    hold_s: float = 0.7


@dataclass
class _Track:
    stable: bool = False
    raw: bool = False
    raw_since_s: float = 0.0


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

    def _step(self, name: str, ok: bool, now: float) -> bool:
        track = self._tracks.setdefault(name, _Track(raw=ok, raw_since_s=now))
        if ok != track.raw:
            track.raw, track.raw_since_s = ok, now
        held = now - track.raw_since_s
        if ok and not track.stable and held >= self.config.pass_after_s:
            track.stable = True
        elif not ok and track.stable and held >= self.config.fail_after_s:
            track.stable = False
        return track.stable

    def update(self, results: Mapping[str, GateResult] | None, now: float) -> GuidanceView:
        """Return the GuidanceView after the verdicts `results` of one frame at time `now` (None = no face)."""
        checklist = {}
        hints = {}
        advisory = frozenset(n for n, r in (results or {}).items() if r.advisory)
        for name in self.gates:
            result = results.get(name) if results else None
            ok = bool(result and result.ok)
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
                first = failing[0]
                if first != self._hint_gate or hints[first] != self._hint:
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
