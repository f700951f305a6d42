"""What `idphoto replay` says: per-second lines (text or JSON), the summary, from the FrameRecords of a replay.

A second's gate is "pass" when it passed on every frame with a face in that second, "fail" when on none, "mixed"
otherwise (the plot's green, red and amber); "-" when no face was seen. Hint changes are counted while the student
is guided (guide and countdown screens), per minute of guided time.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Sequence

from capture.camera_fit import CameraFit
from capture.gates import GATE_ORDER
from kiosk.tools.replay import GUIDED, FrameRecord, Recording

PASS, FAIL, MIXED, NONE = "pass", "fail", "mixed", "-"


@dataclass(frozen=True)
class Second:
    """One second of the recording: the kiosk's state and hint at its end, each gate's verdict over it, and the
    capture made in it (if any)."""

    second: int
    state: str
    hint: str | None
    gates: dict[str, str]  # gate → PASS / FAIL / MIXED / NONE
    advisory: frozenset[str]
    captured_frame: int | None = None
    captured_at_s: float | None = None
    refused: str | None = None

    def to_dict(self) -> dict:
        """Return the JSON form of the line."""
        return {"t_s": self.second, "state": self.state, "hint": self.hint, "gates": self.gates,
                "advisory": sorted(self.advisory), "captured_frame": self.captured_frame,
                "captured_at_s": self.captured_at_s, "refused": self.refused}

    def to_text(self) -> str:
        """Return the line for people: time, state, hint, the gates that failed (~ = failed on some frames)."""
        failing = [f"{n}{'~' if v == MIXED else ''}{'(a)' if n in self.advisory else ''}"
                   for n, v in self.gates.items() if v in (FAIL, MIXED)]
        gates = ("fail: " + " ".join(failing)) if failing else ("all gates pass" if self.gates else "no face")
        line = f"{self.second:4d}s  {self.state:<9}  hint={self.hint or '-':<16}  {gates}"
        if self.captured_frame is not None:
            made = f"frame {self.captured_frame} at {self.captured_at_s:.2f}s"
            refused = f"  >> capture of {made} refused: {self.refused}"
            line += f"  >> CAPTURE {made}" if self.refused is None else refused
        return line


def _verdict(values: list[bool]) -> str:
    if not values:
        return NONE
    return PASS if all(values) else FAIL if not any(values) else MIXED


def _second(n: int, records: Sequence[FrameRecord], fps: float) -> Second:
    last = records[-1]
    gates = {name: _verdict([r.gates[name] for r in records if name in r.gates]) for name in GATE_ORDER}
    advisory = frozenset().union(*(r.advisory for r in records))
    caught = next((r for r in records if r.captured_index is not None), None)
    if caught is None:
        return Second(n, last.state, last.hint, gates, advisory)
    return Second(n, last.state, last.hint, gates, advisory, caught.captured_index,
                  round(caught.captured_index / fps, 3), caught.refused)


def seconds_of(records: Iterable[FrameRecord], fps: float) -> Iterator[Second]:
    """Yield a Second for each whole second of the recording as its frames arrive (the last one may be partial)."""
    bucket: list[FrameRecord] = []
    current = 0
    for record in records:
        n = int(record.index // fps)
        if bucket and n != current:
            yield _second(current, bucket, fps)
            bucket = []
        current = n
        bucket.append(record)
    if bucket:
        yield _second(current, bucket, fps)


@dataclass
class Tally:
    """What the summary needs, gathered as the frames pass (a replay's frames are not all kept)."""

    frames: int = 0
    complete: int = 0  # fully analysed frames with a face
    passed: Counter = field(default_factory=Counter)  # gate → fully analysed frames it passed on
    advisory: set[str] = field(default_factory=set)
    guided: int = 0  # frames on the guide or countdown screen
    first_guided_s: float | None = None
    hint_changes: int = 0
    hint_change_s: list[float] = field(default_factory=list)  # when the hint changed, recording seconds
    hints: Counter = field(default_factory=Counter)  # hint → guided frames it was on screen
    states: Counter = field(default_factory=Counter)  # state → frames
    captures: list[FrameRecord] = field(default_factory=list)
    _last_hint: str | None = None

    def add(self, r: FrameRecord) -> FrameRecord:
        """Count `r`; return it (so the tally can sit in a stream)."""
        self.frames += 1
        self.states[r.state] += 1
        self.advisory |= r.advisory
        if r.complete:
            self.complete += 1
            self.passed.update(n for n, ok in r.gates.items() if ok)
        if r.state in {s.value for s in GUIDED}:
            self.guided += 1
            self.first_guided_s = r.t_s if self.first_guided_s is None else self.first_guided_s
            self.hints[r.hint] += 1
            if self._last_hint is not None and r.hint != self._last_hint:
                self.hint_changes += 1
                self.hint_change_s.append(r.t_s)
            self._last_hint = r.hint
        else:
            self._last_hint = None
        if r.captured_index is not None:
            self.captures.append(r)
        return r


def summary(tally: Tally, recording: Recording, fit: CameraFit, profile_id: str, replace_backdrop: bool) -> dict:
    """Return the summary object: frames read, length (s), camera fit, the capture (time and frame, None when none),
    hint changes per guided minute, and per gate the share of fully analysed frames it passed on."""
    made = next((c for c in tally.captures if c.picture is not None), None)
    guided_min = tally.guided / recording.fps / 60.0
    gates = {n: {"passed_ratio": round(tally.passed[n] / tally.complete, 4) if tally.complete else None,
                 "advisory": n in tally.advisory} for n in GATE_ORDER}
    captured_at = round(made.captured_index / recording.fps, 3) if made is not None else None
    return {
        "summary": True, "profile": profile_id, "replace_backdrop": replace_backdrop,
        "frames": tally.frames, "seconds": round(recording.seconds, 3), "fps": round(recording.fps, 3),
        "frame_size": f"{recording.size[0]}x{recording.size[1]}",
        "camera_fits_profile": fit.ok, "camera_fit": fit.to_dict(),
        "captured_at_s": captured_at, "captured_frame": made.captured_index if made is not None else None,
        "capture_decided_at_s": round(made.t_s, 3) if made is not None else None,
        "first_guided_s": None if tally.first_guided_s is None else round(tally.first_guided_s, 3),
        "picture_kb": round(made.picture.size_kb, 1) if made is not None else None,
        "refused": [c.refused for c in tally.captures if c.refused is not None],
        # the pictures judged as `idphoto check` would (the time each took is in FrameRecord.checks: not here, so
        # that the same file always gives the same summary)
        "picture_checks": [{"frame": f, "failed": gate} for c in tally.captures for f, gate, _ in c.checks],
        "guided_s": round(tally.guided / recording.fps, 3),
        "hint_changes": tally.hint_changes,
        "hint_changes_per_min": round(tally.hint_changes / guided_min, 2) if guided_min > 0 else 0.0,
        "hints_s": {h or "-": round(n / recording.fps, 2) for h, n in tally.hints.most_common()},
        "states_s": {s: round(n / recording.fps, 2) for s, n in tally.states.most_common()},
        "fully_analysed_frames": tally.complete,
        "gates": gates,
    }


def summary_text(s: dict, fit_sentence: str) -> str:
    """Return the summary for people: the camera fit, the capture (or none), the hints, the gates' pass shares."""
    lines = [f"{s['frames']} frames, {s['seconds']:.1f} s at {s['fps']:g} fps, {s['frame_size']}, profile "
             f"{s['profile']}{' with a new backdrop' if s['replace_backdrop'] else ''}",
             f"camera: {fit_sentence}"]
    if s["captured_frame"] is not None:
        lines.append(f"capture: frame {s['captured_frame']} at {s['captured_at_s']:.2f} s (decided at "
                     f"{s['capture_decided_at_s']:.2f} s, guided from {s['first_guided_s']:.2f} s), picture "
                     f"{s['picture_kb']} KB")
    else:
        lines.append("capture: none")
    lines.append(f"hints: {s['hint_changes']} changes in {s['guided_s']:.1f} s guided "
                 f"({s['hint_changes_per_min']:.1f} per minute)")
    shares = [f"{n}{'(a)' if g['advisory'] else ''} {g['passed_ratio']:.0%}" for n, g in s["gates"].items()
              if g["passed_ratio"] is not None]
    lines.append(f"gates passed on {s['fully_analysed_frames']} fully analysed frames: " + ", ".join(shares))
    return "\n".join(lines)
