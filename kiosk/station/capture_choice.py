"""When the station may capture, and which frame becomes the picture: the one place that decides it.

Guidance turns per-frame gate verdicts into steady ones (see guidance.py); here they become decisions:
`gates_steady` (every blocking gate steadily green), `ready_to_capture` (steady for guidance's hold time: start the
countdown), `capturable` (this frame may become the picture), and the best-frame keeper the countdown chooses from.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

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


def keep_best(best: AnalysedFrame | None, view: GuidanceView | None, frame: AnalysedFrame) -> AnalysedFrame | None:
    """Return the capture candidate after judging `frame` under `view`: the sharper of `best` and a capturable
    `frame`; None once the gates are no longer steady (a candidate from before does not stand)."""
    if capturable(view, frame):
        if best is None or frame.analysis.sharpness > best.analysis.sharpness:
            return frame
        return best
    return best if gates_steady(view) else None


def choose_frame(best: AnalysedFrame | None, view: GuidanceView | None,
                 latest: AnalysedFrame | None) -> AnalysedFrame | None:
    """Return the frame to make the picture from when the countdown ends: the best candidate, else the latest frame
    if it is capturable, else None (wait for one)."""
    if best is not None:
        return best
    return latest if capturable(view, latest) else None
