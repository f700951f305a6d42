"""Per-frame analysis for the live kiosk: FaceMesh (static, as `check`), one person mask, all measurements, timings.

Same measurement and gate code as `idphoto check`, and FaceMesh in the same (static) mode: in tracking mode the
landmark model crops the face where the previous frame's landmarks were instead of where the face detector finds it,
and its depth guess, which yaw and pitch rest on, moves with that crop: on the same webcam frame the two modes read
pitch up to 4.3° and yaw up to 4.6° apart (1.5° and 2.1° on average on two of the development clips), so the kiosk
filed frames whose picture `check` then refused. Measured on the clips, static mode costs no more (3.8–4.3 ms per
400×300 frame either way, with two faces allowed) and is no noisier from frame to frame (docs/benchmarks.md). What
still differs from `check`: the crown comes from the whole-frame mask instead of a head crop, and `check` reads the
picture (a resampled crop, maybe on a new backdrop), not the frame. To keep up with the camera, only every
`settings.live_full_every`-th frame gets the *full* analysis: the person mask and every family. On the frames in
between, what moves fast is measured again (head position and size, pose, lids, lips; focus on every
`settings.live_focus_every`-th of them, carried from the frame before on the rest; the crown follows the face in
eye-to-chin units) and what a seated person changes slowly (backdrop, ears, head covering, shoulders, light,
lens glare and tint, teeth) is carried over from the last full analysis. `FrameAnalysis.complete` says which frames
had everything measured afresh: only those are offered for capture. The body-pose model (shoulder points) runs on
every `settings.live_body_pose_every`-th full analysis; between runs its points move with the face. A full analysis
without a fresh body-pose run reads the shoulders from its fresh person mask alone; only when the mask shows no
shoulder line are the carried points used, and then the frame is not `complete` (its shoulder verdict would rest on
points from an earlier frame, so it is not offered for capture). On a full analysis the person mask is made on a
helper thread while this one takes the families that need no mask (`measurements.measure_face`: pose, eyes, mouth,
light, focus, chroma, the skin model): the same values, about 1 ms sooner on 2 cores.

Frames taller than LIVE_ANALYSIS_MAX_HEIGHT (a 1080p camera) are analysed on a copy reduced by a whole factor
(`reduced_copy`: 1920×1080 → 960×540 in about half a millisecond), and the measurements in pixels (head geometry,
framing, the frame size) and the landmarks are scaled back to the frame's own pixels, so the gates judge them as on
the full frame. The picture is still made from the full frame (the caller keeps it). Measurements that are not
lengths stay as read on the copy: shares, angles, colours, and the two read per pixel (focus, the backdrop's
gradient), which a copy at ≥ 540 rows reads as a 720p camera's frame would.
"""
from __future__ import annotations

import gc
import math
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, Callable

import cv2
import numpy as np

from capture.faces.head import HeadGeometry, head_geometry, tracked_head_geometry
from capture.faces.landmarks import FaceLandmarks, FaceMeshDetector, PersonSegmenter, PoseDetector, PoseLandmarks
from capture.measurements import Measurements, measure_context, measure_face
from capture.measures.context import FaceContext
from capture.measures.eyes import with_openness
from capture.measures.geometry import FramingMeasure, measure_framing
from capture.measures.mouth import with_gap
from capture.measures.pose import measure_pose
from capture.measures.sharpness import SharpnessMeasure, measure_sharpness
from capture.measures.shoulders import measure_shoulders, shoulders_can_show
from capture.settings import ENGINE, EngineSettings

#: live frames taller than this many rows are analysed on a reduced copy (see the module docstring)
LIVE_ANALYSIS_MAX_HEIGHT = 720


def freeze_start_up_heap() -> int:
    """Move every object alive now (the modules and the models' Python side: about 100,000 objects once the models
    are loaded) out of the garbage collector's reach; return how many objects are frozen in all. A full collection
    then scans only what was made since instead of pausing the analysis for 45–60 ms (measured on the kiosk's 2
    cores) whenever one falls due; objects are still freed when their last reference goes. Whoever keeps a
    FrameAnalyzer for a stream of frames (the station's worker, replay, bench) calls it once the analyser is made."""
    gc.freeze()
    return gc.get_freeze_count()


def reduction_factor(height_px: int, max_height_px: int = LIVE_ANALYSIS_MAX_HEIGHT) -> int:
    """Return the whole factor (1, 2, 3, ...) a frame `height_px` rows tall is reduced by for live analysis: the
    smallest that brings it to at most `max_height_px` rows (1080 → 2: 540 rows; 720 → 1: the frame itself)."""
    return max(1, math.ceil(height_px / max_height_px))


def reduced_copy(rgb: np.ndarray, factor: int) -> np.ndarray:
    """Return `rgb` (H×W×3 uint8) reduced `factor` times in each direction by pixel-area averaging (`rgb` itself
    when factor is 1). A whole factor keeps OpenCV on its fast path and every copy pixel the mean of a k×k block."""
    if factor <= 1:
        return rgb
    h, w = rgb.shape[:2]
    return cv2.resize(rgb, (w // factor, h // factor), interpolation=cv2.INTER_AREA)


def _head_in_frame_px(head: HeadGeometry | None, k: float) -> HeadGeometry | None:
    if head is None:
        return None
    return replace(head, eye_y=head.eye_y * k, eye_mid_x=head.eye_mid_x * k, face_centre_x=head.face_centre_x * k,
                   face_width=head.face_width * k, chin_y=head.chin_y * k, crown_y=head.crown_y * k)


def _framing_in_frame_px(f: FramingMeasure | None, k: float) -> FramingMeasure | None:
    if f is None:
        return None
    return replace(f, face_box=tuple(v * k for v in f.face_box), inter_eye_px=f.inter_eye_px * k,
                   face_width_px=f.face_width_px * k, head_margin_px=f.head_margin_px * k)


def in_frame_px(m: Measurements, face: FaceLandmarks | None, k: int, width_px: int,
                height_px: int) -> tuple[Measurements, FaceLandmarks | None]:
    """Return (measurements, landmarks) read on a copy reduced `k` times, with their lengths in the pixels of the
    `width_px` × `height_px` frame (shares, angles and the rest unchanged)."""
    if k == 1:
        return m, face
    m = replace(m, frame_width=width_px, frame_height=height_px, head=_head_in_frame_px(m.head, k),
                framing=_framing_in_frame_px(m.framing, k))
    if face is not None:
        points = face.points.copy()
        points *= np.float32(k)
        face = replace(face, points=points, frame_width=width_px, frame_height=height_px)
    return m, face


def _timed_call(fn: Callable[..., Any], *args: Any) -> tuple[Any, float]:
    """Return (fn(*args), the seconds it took)."""
    t0 = time.perf_counter()
    return fn(*args), time.perf_counter() - t0


class _Stages:
    """The stage timings of one frame (ms), and the call that runs a stage and records its time."""

    def __init__(self) -> None:
        self.ms: dict[str, float] = {}

    def __call__(self, stage: str, fn: Callable[..., Any], *args: Any) -> Any:
        out, seconds = _timed_call(fn, *args)
        self.add(stage, seconds * 1000)
        return out

    def add(self, stage: str, ms: float) -> None:
        """Count `ms` milliseconds more for `stage`."""
        self.ms[stage] = self.ms.get(stage, 0.0) + ms


#: the head geometry of a full analysis before its person mask is in: measure_face does not read it (NaN if it did)
_NO_HEAD_YET = HeadGeometry(*(math.nan,) * 6, crown_from_mask=False, head_cut_off=False)


@dataclass
class FrameAnalysis:
    """The result of analysing one frame: measurements, the subject's landmarks, and stage timings (ms)."""

    measurements: Measurements
    face: FaceLandmarks | None  # the subject's landmarks in the frame's own pixels (also when a reduced copy was read)
    timings_ms: dict[str, float] = field(default_factory=dict)
    #: every measurement was taken on this frame (a full analysis), none carried over from an earlier one
    complete: bool = True

    @property
    def sharpness(self) -> float:
        """Return the frame's face sharpness (0 without a face): used to pick the best frame to capture."""
        s = self.measurements.sharpness
        return float(s.laplacian_var) if s is not None else 0.0


class FrameAnalyzer:
    """Analyses a stream of frames; keep one per camera. Not thread-safe: use from one worker thread."""

    def __init__(self, settings: EngineSettings = ENGINE, max_height: int = LIVE_ANALYSIS_MAX_HEIGHT) -> None:
        self.settings = settings
        self.max_height = max_height  # frames taller than this are analysed on a reduced copy
        self.mesh = FaceMeshDetector(static=True, max_faces=2)  # as the still analysis: see the module docstring
        self.segmenter = PersonSegmenter()
        self.body = PoseDetector(static=False)  # the full model: the only pose model the wheel bundles
        self.full_every = max(1, settings.live_full_every)
        self.body_every = max(1, settings.live_body_pose_every)
        self.focus_every = max(1, settings.live_focus_every)
        self._frames = 0  # frames with a face since the person arrived
        self._fulls = 0  # full analyses since the person arrived
        self._body: tuple[PoseLandmarks | None, np.ndarray] | None = None  # last pose and the eye midpoint then
        self._last: Measurements | None = None  # the last full analysis
        self._focus: SharpnessMeasure | None = None  # the last focus measured (carried on some in-between frames)
        #: makes the person mask of a full analysis while the analysing thread measures the face (see _full)
        self._helper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="person-mask")

    def close(self) -> None:
        self._helper.shutdown(wait=True)
        self.mesh.close()
        self.segmenter.close()
        self.body.close()

    def __enter__(self) -> "FrameAnalyzer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def analyse(self, rgb: np.ndarray, reduced: np.ndarray | None = None) -> FrameAnalysis:
        """Return the FrameAnalysis of one RGB frame (H×W×3 uint8), lengths in its own pixels (a tall frame is
        analysed on a reduced copy: see the module docstring). `reduced` is that copy when the caller has already
        made it (`reduced_copy(rgb, reduction_factor(H))`: the kiosk's preview), so it is made once per frame; it
        is used only when its size is the copy's, else the copy is made here (stage `reduce`)."""
        timed = _Stages()
        h, w = rgb.shape[:2]
        k = reduction_factor(h, self.max_height)
        small = rgb
        if k > 1:
            shared = reduced is not None and reduced.shape == (h // k, w // k, *rgb.shape[2:])
            small = reduced if shared else timed("reduce", reduced_copy, rgb, k)
        m, face, complete = self._analyse_copy(small, timed)
        m, face = in_frame_px(m, face, k, w, h)
        return FrameAnalysis(m, face, timed.ms, complete=complete)

    def _analyse_copy(self, rgb: np.ndarray, timed) -> tuple[Measurements, FaceLandmarks | None, bool]:
        """Return (measurements, the subject's landmarks or None, fully analysed) of the frame or copy `rgb`, in its
        pixels."""
        h, w = rgb.shape[:2]
        faces = timed("facemesh", self.mesh.process, rgb)
        if not faces:
            self._frames, self._fulls, self._body, self._last = 0, 0, None, None  # a new person: start afresh
            self._focus = None
            return Measurements(frame_width=w, frame_height=h), None, True
        face = faces[0]
        last = self._last
        full = (self._frames % self.full_every == 0 or last is None
                or (last.frame_width, last.frame_height) != (w, h))
        self._frames += 1
        if full:
            m, fresh = self._full(rgb, faces, timed)
            self._last, self._focus = m, m.sharpness
            return m, face, fresh
        else:
            assert last is not None and last.head is not None
            head = timed("head", tracked_head_geometry, face, last.head, self.settings)
            ctx = FaceContext(rgb, face, head, None, tuple(faces[1:]))
            m = replace(
                last,
                head=head,
                framing=timed("framing", measure_framing, ctx, self.settings),
                pose=timed("pose", measure_pose, face, self.settings),
                eyes=timed("eyes", with_openness, last.eyes, ctx),
                mouth=timed("mouth", with_gap, last.mouth, ctx),
                sharpness=self._focus_of(ctx, timed),
            )
        return m, face, full

    def _focus_of(self, ctx: FaceContext, timed) -> SharpnessMeasure | None:
        """Return the focus of an in-between frame: measured on every `focus_every`-th one after a full analysis
        (the 2nd, 4th, ... at 2), else the last one measured, from the frame before (settings.live_focus_every)."""
        since_full = (self._frames - 1) % self.full_every
        if since_full % self.focus_every == 0 or self._focus is None:
            self._focus = timed("sharpness", measure_sharpness, ctx)
        return self._focus

    def _full(self, rgb: np.ndarray, faces: list[FaceLandmarks], timed) -> tuple[Measurements, bool]:
        """Return every measurement of the frame, with a fresh person mask (and body pose when due), and whether
        nothing in them was carried from an earlier frame. The mask is made on the helper thread while this one
        runs the body model when due and takes the families that need no mask (`measure_face`)."""
        face = faces[0]
        pending = self._helper.submit(_timed_call, self.segmenter.process, rgb)
        try:
            due = self._fulls % self.body_every == 0 or self._body is None
            ran = due and shoulders_can_show(face, self.settings)
            if ran:
                self._body = (timed("body_pose", self.body.process, rgb), face.eye_mid.copy())
            self._fulls += 1
            readings = measure_face(FaceContext(rgb, face, _NO_HEAD_YET, None, tuple(faces[1:])), self.settings, timed)
        finally:
            mask, seconds = pending.result()  # also when this thread failed: the segmenter is free again
        timed.add("segmentation", seconds * 1000)  # the model's own time, though it overlapped the work above
        body = None
        if self._body is not None and self._body[0] is not None:
            pose_then, eyes_then = self._body  # carry the shoulder points along with the face since the model ran
            dx, dy = face.eye_mid - eyes_then
            body = pose_then.shifted(float(dx), float(dy))
        head = timed("head", head_geometry, rgb, face, None, self.settings, mask)
        ctx = FaceContext(rgb, face, head, mask, tuple(faces[1:]))
        # without a fresh body-pose run, the fresh mask alone first: the carried points only when it shows none
        own = None if ran or body is None else timed("shoulders", measure_shoulders, ctx, None)
        fresh = own is None or own.visible
        shoulders = own if own is not None and own.visible else None  # None: measured here with `body`
        return measure_context(ctx, body, self.settings, timed, shoulders=shoulders, readings=readings), fresh
