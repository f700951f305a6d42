"""Per-frame analysis for the live kiosk: tracking FaceMesh, one person mask, all measurements, with timings.

Same measurement and gate code as `idphoto check`; only the model modes differ (tracking instead of static, the
crown from the whole-frame mask instead of a head crop). To keep up with the camera, the slow parts run on every
`slow_every`-th frame and are reused in between: the person mask and the families that read it (background, ears,
head covering), and the body-pose model (shoulders) every `body_every`-th frame. A seated person changes these
slowly; the face-driven families (pose, eyes, mouth, light, sharpness) run on every frame.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from capture.head import head_geometry
from capture.landmarks import FaceLandmarks, FaceMeshDetector, PersonSegmenter, PoseDetector
from capture.measurements import Measurements
from capture.measures.background import measure_background
from capture.measures.context import FaceContext
from capture.measures.covering import measure_head_covering
from capture.measures.ears import measure_ears
from capture.measures.eyes import measure_eyes
from capture.measures.geometry import measure_framing
from capture.measures.light import measure_light
from capture.measures.mouth import measure_mouth
from capture.measures.pose import measure_pose
from capture.measures.sharpness import measure_sharpness
from capture.measures.shoulders import measure_shoulders
from capture.settings import ENGINE, EngineSettings


@dataclass
class FrameAnalysis:
    """The result of analysing one frame: measurements, the subject's landmarks, and stage timings (ms)."""

    measurements: Measurements
    face: FaceLandmarks | None
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def sharpness(self) -> float:
        """Return the frame's face sharpness (0 without a face): used to pick the best frame to capture."""
        s = self.measurements.sharpness
        return float(s.laplacian_var) if s is not None else 0.0


class FrameAnalyzer:
    """Analyses a stream of frames; keep one per camera. Not thread-safe: use from one worker thread."""

    def __init__(self, settings: EngineSettings = ENGINE, slow_every: int = 4, body_every: int = 15) -> None:
        self.settings = settings
        self.mesh = FaceMeshDetector(static=False, max_faces=2)
        self.segmenter = PersonSegmenter()
        self.body = PoseDetector(static=False)  # the full model: the only pose model the wheel bundles
        self.slow_every = max(1, slow_every)
        self.body_every = max(1, body_every)
        self._count = 0
        self._body_result = None
        self._mask: np.ndarray | None = None
        self._slow: dict[str, object] = {}

    def close(self) -> None:
        self.mesh.close()
        self.segmenter.close()
        self.body.close()

    def __enter__(self) -> "FrameAnalyzer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def analyse(self, rgb: np.ndarray) -> FrameAnalysis:
        """Return the FrameAnalysis of one RGB frame (H×W×3 uint8)."""
        timings: dict[str, float] = {}

        def timed(stage: str, fn, *args):
            t0 = time.perf_counter()
            out = fn(*args)
            timings[stage] = timings.get(stage, 0.0) + (time.perf_counter() - t0) * 1000
            return out

        h, w = rgb.shape[:2]
        faces = timed("facemesh", self.mesh.process, rgb)
        if not faces:
            self._mask, self._slow, self._count = None, {}, 0  # a new person: measure everything afresh
            return FrameAnalysis(Measurements(frame_width=w, frame_height=h), None, timings)
        slow = self._count % self.slow_every == 0 or self._mask is None or self._mask.shape != (h, w)
        if slow:
            self._mask = timed("segmentation", self.segmenter.process, rgb)
        if self._count % self.body_every == 0:
            self._body_result = timed("body_pose", self.body.process, rgb)
        self._count += 1
        face = faces[0]
        mask = self._mask
        head = timed("head", head_geometry, rgb, face, None, self.settings, mask)
        ctx = FaceContext(rgb, face, head, mask, tuple(faces[1:]))
        if slow or not self._slow:
            self._slow = {
                "background": timed("background", measure_background, ctx),
                "ears": timed("ears", measure_ears, ctx),
                "covering": timed("covering", measure_head_covering, ctx),
                "shoulders": timed("shoulders", measure_shoulders, ctx, self._body_result),
            }
        m = Measurements(
            frame_width=w,
            frame_height=h,
            head=head,
            framing=timed("framing", measure_framing, ctx, self.settings),
            pose=timed("pose", measure_pose, face, self.settings),
            eyes=timed("eyes", measure_eyes, ctx),
            mouth=timed("mouth", measure_mouth, ctx),
            light=timed("light", measure_light, ctx),
            sharpness=timed("sharpness", measure_sharpness, ctx),
            background=self._slow["background"],
            ears=self._slow["ears"],
            shoulders=self._slow["shoulders"],
            covering=self._slow["covering"],
        )
        return FrameAnalysis(m, face, timings)
