"""Background work for the kiosk so the screen never waits: frame analysis and turning a frame into a picture."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable

import cv2
import numpy as np

from capture.errors import PhotoError, error_name
from capture.gates import GateResult, VerdictMemo, blocking_ok, evaluate
from capture.live import FrameAnalysis, FrameAnalyzer, freeze_start_up_heap, reduced_copy, reduction_factor
from capture.settings import ENGINE, EngineSettings
from profiles.model import Profile


@dataclass(frozen=True)
class AnalysedFrame:
    """A frame with its analysis and gate verdicts; `rgb` is the full camera frame (the picture is made from it,
    even when the analysis read a reduced copy)."""

    index: int
    rgb: np.ndarray
    analysis: FrameAnalysis
    gates: dict[str, GateResult]
    at_s: float

    @property
    def all_ok(self) -> bool:
        """Return True when no gate blocks capture in this frame (advisory gates may fail)."""
        return blocking_ok(self.gates)

    @property
    def capturable(self) -> bool:
        """Return True when this frame may become the picture: every measurement was taken on it (none carried
        over from an earlier frame) and no gate blocks."""
        return self.analysis.complete and self.all_ok


class ReducedCopies:
    """The reduced copies (`capture.live.reduced_copy`) of the newest frames, made once per frame for the screen's
    preview and the analysis together, and the preview's mirror image (thread-safe: the screen loop and the
    analysis thread both ask). A frame is known by its array: the camera makes a new array for every frame
    (capture/camera/frame.py) and never writes into one it has handed out."""

    def __init__(self, keep: int = 2) -> None:
        self._lock = threading.Lock()
        self._keep = max(1, keep)
        self._copies: list[list] = []  # [frame, its copy, the copy mirrored or None], newest last
        self.made = 0  # copies made (the rest were shared)

    def _entry(self, rgb: np.ndarray) -> list:
        for entry in self._copies:
            if entry[0] is rgb:
                return entry
        copy = reduced_copy(rgb, reduction_factor(rgb.shape[0]))
        entry = [rgb, copy, None]
        if copy is not rgb:
            self.made += 1
        self._copies = (self._copies + [entry])[-self._keep:]
        return entry

    def of(self, rgb: np.ndarray) -> np.ndarray:
        """Return the copy of `rgb` the analysis reads and the guide screen shows (1080p → 960×540: the preview box
        is smaller still; copying and scaling a full 1080p frame would cost the screen loop more than it has per
        frame at 30 fps), else `rgb` itself (≤ 720 rows); made on the first request for this frame, shared after."""
        with self._lock:
            return self._entry(rgb)[1]

    def mirrored(self, rgb: np.ndarray) -> np.ndarray:
        """Return `of(rgb)` mirrored left to right as one contiguous H×W×3 array (made once per frame): the
        screen shows the student a mirror, and slicing a contiguous mirror image costs the screen a tenth of
        slicing a reversed view of the frame (0.05 vs 0.7 ms at 960×540, 0.08 vs 1.5 ms at 1280×720, quiet)."""
        with self._lock:
            entry = self._entry(rgb)
            if entry[2] is None:
                entry[2] = cv2.flip(entry[1], 1)
            return entry[2]


class AnalysisWorker:
    """Analyses the newest submitted frame on its own thread; the UI reads the newest result."""

    def __init__(self, profile: Profile, settings: EngineSettings = ENGINE,
                 clock: Callable[[], float] = time.monotonic, new_backdrop: bool = False,
                 copies: ReducedCopies | None = None) -> None:
        self.profile = profile
        # the reduced copies shared with the screen's preview (the station passes its own; made once per frame)
        self.copies = copies if copies is not None else ReducedCopies()
        self.new_backdrop = new_backdrop  # the picture is made on a new backdrop (capture.gates.evaluate)
        self.settings = settings
        self.clock = clock
        self._lock = threading.Condition()
        self._inbox: tuple[int, np.ndarray] | None = None
        self._latest: AnalysedFrame | None = None
        self._stop = False
        self._error: BaseException | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="analysis", daemon=True)
        self.frames_done = 0

    def start(self) -> None:
        self._thread.start()

    def wait_ready(self, timeout_s: float = 30.0) -> bool:
        """Return True once the models are loaded."""
        return self._ready.wait(timeout_s)

    def submit(self, index: int, rgb: np.ndarray) -> None:
        """Offer a frame; an older frame not yet analysed is dropped."""
        with self._lock:
            if self._inbox is None or index > self._inbox[0]:
                self._inbox = (index, rgb)
                self._lock.notify()

    def latest(self) -> AnalysedFrame | None:
        """Return the newest analysed frame (or None)."""
        with self._lock:
            return self._latest

    @property
    def error(self) -> BaseException | None:
        return self._error

    def stop(self) -> None:
        with self._lock:
            self._stop = True
            self._lock.notify()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        try:
            analyzer = FrameAnalyzer(self.settings)
        except BaseException as exc:  # the models failed to load: the app shows the error screen
            self._error = exc
            self._ready.set()
            return
        freeze_start_up_heap()  # the models are loaded: what is alive now lives as long as the station
        memo = VerdictMemo()  # this stream's last verdicts (carried families are not judged again)
        self._ready.set()
        try:
            while True:
                with self._lock:
                    while self._inbox is None and not self._stop:
                        self._lock.wait(0.5)
                    if self._stop:
                        return
                    index, rgb = self._inbox
                    self._inbox = None
                analysis = analyzer.analyse(rgb, self.copies.of(rgb))  # the screen's copy: made once per frame
                gates = evaluate(analysis.measurements, self.profile, self.settings, new_backdrop=self.new_backdrop,
                                 memo=memo)
                done = AnalysedFrame(index, rgb, analysis, gates, self.clock())
                with self._lock:
                    self._latest = done
                    self.frames_done += 1
        except BaseException as exc:
            self._error = exc
        finally:
            analyzer.close()


class FrameJob:
    """Runs one function on a frame on its own thread (making a picture, decoding a QR code); poll `done`."""

    def __init__(self, make: Callable[[np.ndarray], object], rgb: np.ndarray) -> None:
        self.result: object | None = None
        self.error: PhotoError | None = None
        self.done = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(make, rgb), name="frame-job", daemon=True)
        self._thread.start()

    def _run(self, make: Callable[[np.ndarray], object], rgb: np.ndarray) -> None:
        try:
            self.result = make(rgb)
        except PhotoError as exc:
            self.error = exc
        except Exception as exc:  # never let a capture crash the kiosk: report it as a refusal
            self.error = PhotoError("<frame>", "capture_failed", error=error_name(exc))
        finally:
            self.done.set()
