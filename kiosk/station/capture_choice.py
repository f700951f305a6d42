"""When the station may capture, and which frame becomes the picture: the one place that decides it.

Guidance turns per-frame gate verdicts into steady ones (see guidance.py); here they become decisions:
`gates_steady` (every blocking gate steadily green), `ready_to_capture` (steady for guidance's hold time: start the
countdown), `capturable` (this frame may become the picture), `countdown_broken` (the countdown ends without a
picture), and the best-frame keeper the countdown chooses from.

A countdown that holds a confirmed candidate finishes with it: a blocking gate turning red after that (a head that
tilts back over its limit, a word, a blink) does not send the student back to guiding, because the frame in hand was
taken while every gate held, and its picture is still judged as `idphoto check` would before it is offered. Only the
person leaving (no face, or a second one) ends such a countdown.

The eyes are watched across frames (`CaptureChooser`): a capturable frame becomes a candidate only when its lids are
as open as the person's own open level (the 90th percentile of the last few seconds; a half-closed lid that still
passes the eyes-open gate is not), they are not closing (no drop from the frames just before), and the next analysed
frame shows them open too (a blink starting just after the frame is not filed).
"""
from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from kiosk.station.guidance import GuidanceView

if TYPE_CHECKING:  # the worker pulls in the face models; deciding needs none of them
    from kiosk.station.worker import AnalysedFrame


def gates_steady(view: GuidanceView | None) -> bool:
    """Return True when guidance shows every blocking gate steadily green (advisory gates may be red)."""
    return view is not None and view.blocking_ok


def ready_to_capture(view: GuidanceView | None) -> bool:
    """Return True when the blocking gates have been steadily green for guidance's hold time (start the countdown)."""
    return gates_steady(view) and view.ready


def capturable(view: GuidanceView | None, frame: AnalysedFrame | None) -> bool:
    """Return True when `frame` may become the picture: the gates are steady and the frame itself was fully analysed
    with no blocking gate."""
    return frame is not None and gates_steady(view) and frame.capturable


def person_present(view: GuidanceView | None) -> bool:
    """Return True when guidance steadily sees one face (the single-face gate is green)."""
    return view is not None and bool(view.checklist.get("single_face", False))


def countdown_broken(view: GuidanceView | None, making: bool, in_hand: bool) -> bool:
    """Return True when the countdown must end without a picture: a blocking gate is no longer steadily green and no
    picture is being made, unless a confirmed candidate is `in_hand` and the person is still there."""
    if gates_steady(view) or making:
        return False
    return not (in_hand and person_present(view))


def keep_best(best: AnalysedFrame | None, view: GuidanceView | None, frame: AnalysedFrame) -> AnalysedFrame | None:
    """Return the capture candidate after judging `frame` under `view`: the sharper of `best` and a capturable
    `frame`; None once the gates are no longer steady (a candidate from before does not stand)."""
    if capturable(view, frame):
        if best is None or frame.analysis.sharpness > best.analysis.sharpness:
            return frame
        return best
    return best if gates_steady(view) else None


def choose_frame(best: AnalysedFrame | None) -> AnalysedFrame | None:
    """Return the frame to make the picture from when the countdown ends: the best confirmed candidate, or None
    (wait for one: the latest frame alone is never taken, nothing after it shows that the eyes stayed open)."""
    return best


#: confirmed candidates kept for the picture check's second chances (each holds a whole camera frame)
MAX_CANDIDATES = 3


def choose_frames(best: AnalysedFrame | None, candidates: list[AnalysedFrame]) -> list[AnalysedFrame]:
    """Return the frames to try, in order, when the countdown ends: `choose_frame(best)` first, then the other
    confirmed `candidates` (sharpest first, at most MAX_CANDIDATES in all); empty when there is no candidate yet.
    The next is tried when the picture made from one fails a blocking gate of `idphoto check`."""
    first = choose_frame(best)
    if first is None:
        return []
    rest = [c for c in candidates if c is not first]
    return [first, *rest][:MAX_CANDIDATES]


#: lid openings remembered, analysed frames (about 3 s at 25 per second): the person's own open level comes from them
LID_HISTORY = 75
#: openings needed before the open level is known (until then no frame with measured lids is a candidate)
LID_MIN_FRAMES = 8
#: a candidate's lids must be open at least this share of the person's open level
LID_OPEN_SHARE = 0.8
#: ... and not below the frames just before it by more than this share of the open level (closing)
LID_CLOSING_SHARE = 0.1
#: how many frames before the candidate count for "closing"
LID_TREND_FRAMES = 3


def lid_opening(frame: AnalysedFrame | None) -> float | None:
    """Return the frame's smaller lid opening (÷ eye-to-chin distance; NaN when an eye could not be measured), or
    None when the frame carries no eye measurement at all (then the eyes-open gate alone speaks for it)."""
    m = getattr(frame.analysis, "measurements", None) if frame is not None else None
    eyes = getattr(m, "eyes", None)
    return float(eyes.open_min_ratio) if eyes is not None else None


@dataclass
class CaptureChooser:
    """The best-frame keeper with the eyes watched across frames; feed `keep` every analysed frame in order."""

    lids: deque = field(default_factory=lambda: deque(maxlen=LID_HISTORY))
    pending: AnalysedFrame | None = None  # a candidate waiting for the next frame to show the eyes still open
    #: the confirmed candidates since the gates were last steady, sharpest first (at most MAX_CANDIDATES)
    candidates: list = field(default_factory=list)
    #: (gate, hint) of the last made picture that failed the picture check, until guidance shows it
    refusal: tuple[str, str] | None = None

    def reset(self) -> None:
        """Drop the waiting and confirmed candidates (guidance starts afresh). The lid openings are kept: a retake
        is the same person, and a new person's own openings replace them within LID_HISTORY frames."""
        self.pending = None
        self.candidates = []

    def take_refusal(self) -> tuple[str, str] | None:
        """Return and forget the (gate, hint) the last made picture was refused for, or None."""
        refusal, self.refusal = self.refusal, None
        return refusal

    def _confirm(self, frame: AnalysedFrame) -> None:
        """Add the confirmed candidate `frame` to `candidates`, keeping the MAX_CANDIDATES sharpest."""
        ranked = sorted([*self.candidates, frame], key=lambda f: f.analysis.sharpness, reverse=True)
        self.candidates = ranked[:MAX_CANDIDATES]

    def open_level(self) -> float:
        """Return the person's open lid level: the 90th percentile of the remembered openings (NaN: fewer than
        LID_MIN_FRAMES yet)."""
        seen = [v for v in self.lids if not math.isnan(v)]
        return float(np.percentile(seen, 90)) if len(seen) >= LID_MIN_FRAMES else math.nan

    def eyes_open(self, opening: float | None) -> bool:
        """Return True when `opening` is at least LID_OPEN_SHARE of the person's open level (None: no eye
        measurement to judge, True)."""
        if opening is None:
            return True
        level = self.open_level()
        return not math.isnan(opening) and not math.isnan(level) and opening >= LID_OPEN_SHARE * level

    def closing(self, opening: float | None, before: list[float]) -> bool:
        """Return True when `opening` is below the largest of the frames `before` by LID_CLOSING_SHARE of the level."""
        seen = [v for v in before if not math.isnan(v)]
        return opening is not None and bool(seen) and opening < max(seen) - LID_CLOSING_SHARE * self.open_level()

    def keep(self, best: AnalysedFrame | None, view: GuidanceView | None, frame: AnalysedFrame,
             hold: bool = False) -> AnalysedFrame | None:
        """Return the capture candidate after `frame` under `view` (see keep_best): the waiting candidate joins when
        this frame's eyes are open; this frame waits when it is capturable with open eyes that are not closing.
        With `hold` (a countdown is running) confirmed candidates stay when the gates break; a waiting one does not."""
        opening = lid_opening(frame)
        before = list(self.lids)[-LID_TREND_FRAMES:]
        if opening is not None:
            self.lids.append(opening)
        pending, self.pending = self.pending, None
        if not gates_steady(view):
            if hold and best is not None:
                return best
            self.candidates = []
            return None
        if pending is not None and self.eyes_open(opening):
            best = keep_best(best, view, pending)
            if capturable(view, pending):
                self._confirm(pending)
        if capturable(view, frame) and self.eyes_open(opening) and not self.closing(opening, before):
            self.pending = frame
        return best
