"""A soft camera told apart from a moving person: when only sharpness keeps a still person from the picture.

Sharpness fails for two reasons a student meets differently. A person who moves smears the face (the face moves
between frames, and the blur runs one way: the gradients' coherence, `SharpnessMeasure.anisotropy`, rises); asking
them to hold still helps. A soft camera (focus, compression, dim light) gives a steady low focus on a still face;
no student can fix it. `SoftCameraWatch` follows the steady checklist and the face's movement: when sharpness is
the only blocking gate steadily red on a still, unsmeared face for `SOFT_AFTER_S`, it reports the camera as soft
(the staff banner and one log line, codes and numbers only) and guidance stops asking the student to hold still.
It clears once sharpness has been steadily green for `CLEAR_AFTER_S`. The picture is still never filed soft: the
sharpness gate keeps blocking.
"""
from __future__ import annotations

import logging
import math
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from kiosk.station.guidance import GuidanceView

if TYPE_CHECKING:  # the worker pulls in the face models; watching needs none of them
    from kiosk.station.worker import AnalysedFrame

log = logging.getLogger("idphoto.kiosk")

#: seconds of "only sharpness is red" on a still face before the camera is reported soft
SOFT_AFTER_S = 10.0
#: seconds of steadily green sharpness that clear the report
CLEAR_AFTER_S = 3.0
#: a face moving less than this (inter-eye distances per second, median over the last frames) is still
STILL_IED_PER_S = 0.3
#: gradient coherence at or above which the blur counts as a smear (still faces measure 0.3–0.49 on webcams)
SMEAR_COHERENCE = 0.55
#: a break in the evidence shorter than this (s) does not restart the count (a gate flickering red for a moment)
GAP_S = 1.0
#: the gate this watch is about
GATE = "sharpness"


@dataclass
class SoftCameraWatch:
    """Feed `update` every judged frame; `soft` says whether the camera is being reported soft now."""

    soft: bool = False
    camera: str = ""  # the camera as last named to `update`
    evidence_since_s: float | None = None
    last_evidence_s: float | None = None
    green_since_s: float | None = None
    _speeds: deque = field(default_factory=lambda: deque(maxlen=6))
    _last_eyes: tuple[float, float, float] | None = None  # (time s, x px, y px) of the eye midpoint

    def face_speed(self, frame: AnalysedFrame, now: float) -> float:
        """Return the face's median speed over the last frames, inter-eye distances per second (NaN: not known)."""
        face = frame.analysis.face
        eyes, ied = getattr(face, "eye_mid", None), getattr(face, "inter_eye_px", None)
        if eyes is None or not ied:
            self._last_eyes = None
            return math.nan
        if self._last_eyes is not None and now > self._last_eyes[0]:
            t, x, y = self._last_eyes
            self._speeds.append(math.hypot(eyes[0] - x, eyes[1] - y) / ied / (now - t))
        self._last_eyes = (now, float(eyes[0]), float(eyes[1]))
        return float(np.median(self._speeds)) if self._speeds else math.nan

    def evidence(self, frame: AnalysedFrame, view: GuidanceView, now: float) -> bool:
        """Return True when this frame speaks for a soft camera: sharpness is the only blocking gate steadily red,
        the face is still and its blur runs no one way."""
        red = [n for n, ok in view.checklist.items() if not ok and n not in view.advisory]
        speed = self.face_speed(frame, now)
        sh = getattr(getattr(frame.analysis, "measurements", None), "sharpness", None)
        smeared = sh is not None and sh.anisotropy >= SMEAR_COHERENCE
        return red == [GATE] and speed < STILL_IED_PER_S and not smeared

    def update(self, frame: AnalysedFrame, view: GuidanceView, now: float, camera: str) -> bool:
        """Return `soft` after judging `frame` under `view` at `now` (s); logs when the report starts or ends."""
        self.camera = camera
        if self.evidence(frame, view, now):
            if self.evidence_since_s is None or now - (self.last_evidence_s or now) > GAP_S:
                self.evidence_since_s = now
            self.last_evidence_s = now
        elif self.last_evidence_s is not None and now - self.last_evidence_s > GAP_S:
            self.evidence_since_s = None
        green = view.checklist.get(GATE, False)
        self.green_since_s = (self.green_since_s if self.green_since_s is not None else now) if green else None
        if not self.soft and self.evidence_since_s is not None and now - self.evidence_since_s >= SOFT_AFTER_S:
            self.soft = True
            gate = frame.gates.get(GATE)
            value = gate.value if gate is not None and gate.value is not None else math.nan
            limit = gate.threshold if gate is not None and isinstance(gate.threshold, (int, float)) else math.nan
            log.warning("soft_camera camera=%s sharpness=%.2f min=%.2f still_s=%.1f", camera, value, limit,
                        now - self.evidence_since_s)
        elif self.soft and self.green_since_s is not None and now - self.green_since_s >= CLEAR_AFTER_S:
            self.soft = False
            log.info("soft_camera_cleared camera=%s", camera)
        return self.soft


def camera_label(camera: str, frame_shape: tuple[int, ...]) -> str:
    """Return the camera as the banner and the log name it: the device or file name and the frame size (WxH)."""
    name = camera.replace("\\", "/").rsplit("/", 1)[-1] or camera
    return f"{name} {frame_shape[1]}x{frame_shape[0]}" if len(frame_shape) >= 2 else name
