"""`ReplayCamera`: plays recorded frames (a `FrameProvider`) at a fixed rate as if they came from a live camera."""
from __future__ import annotations

import time

import numpy as np

from capture.camera.errors import CameraError
from capture.camera.frame import Clock, Frame, FrameProvider, provider_length, read_only

_INDEX_EPS = 1e-6  # added before flooring time × fps, so 0.3 s × 10 fps is frame 3 despite float rounding


class ReplayCamera:
    """Plays a `FrameProvider` at a fixed `fps` as if it were a live camera; pull based, no thread.

    `latest()` returns the frame due at the current clock time: index = int((now − epoch) × fps), where the epoch is
    the clock time of the first `start()`. The replay keeps running in "world time" across stop/start, like a live
    scene seen again after a reconnect, and the index only grows. Looping plays the provider again from frame 0;
    without looping, past the end the last picture is shown (the index still grows, as a live camera's would).
    Subclasses may change which picture is shown for an index by overriding `picture(index, t_s)`.
    """

    def __init__(
        self,
        frames: FrameProvider,
        fps: float = 30.0,
        loop: bool = True,
        clock: Clock = time.monotonic,
        name: str = "replay",
    ) -> None:
        if not fps > 0:
            raise ValueError(f"fps must be > 0, got {fps}")
        self.frames = frames
        self.name = name
        self.loop = loop
        self._fps = float(fps)
        self._clock = clock
        self._epoch: float | None = None
        self._running = False
        self._current: Frame | None = None

    @property
    def fps(self) -> float:
        """Return the playback rate, frames per second."""
        return self._fps

    @property
    def resolution(self) -> tuple[int, int] | None:
        """Return (width, height) px from the provider's `size`, else from the newest frame, else None."""
        size = getattr(self.frames, "size", None)
        if size is not None:
            return int(size[0]), int(size[1])
        if self._current is not None:
            return self._current.width, self._current.height
        return None

    @property
    def epoch_s(self) -> float | None:
        """Return the clock time of the first `start()`, or None before it."""
        return self._epoch

    @property
    def running(self) -> bool:
        """Return True between `start()` and `stop()`."""
        return self._running

    def elapsed_s(self) -> float:
        """Return the seconds played since the first `start()` (0.0 before it)."""
        if self._epoch is None:
            return 0.0
        return max(0.0, self._clock() - self._epoch)

    def index_at(self, t_s: float) -> int:
        """Return the index of the frame due `t_s` seconds after the epoch."""
        return int(t_s * self._fps + _INDEX_EPS)

    def start(self) -> None:
        """Start (or resume) playing."""
        if self._epoch is None:
            self._epoch = self._clock()
        self._running = True

    def stop(self) -> None:
        """Stop playing; `latest()` returns None until started again."""
        self._running = False
        self._current = None

    def __enter__(self) -> "ReplayCamera":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def latest(self) -> Frame | None:
        """Return the frame due now (the same `Frame` object while its index is current); None when stopped."""
        if not self._running or self._epoch is None:
            return None
        t = self.elapsed_s()
        index = self.index_at(t)
        current = self._current
        if current is not None and current.index == index:
            return current
        frame = Frame(read_only(self.picture(index, t)), index, self._epoch + index / self._fps)
        self._current = frame
        return frame

    def picture(self, index: int, t_s: float) -> np.ndarray:
        """Return the H×W×3 uint8 RGB picture of frame `index` (due at `t_s` s): the provider's frame, looped or
        held at the end; raise `CameraError` for an empty recording or a malformed frame."""
        del t_s  # the plain replay shows the provider's frame; subclasses may look at the time
        count = provider_length(self.frames)
        if count is None:
            position = index
        elif count < 1:
            raise CameraError(self.name, "empty")
        elif self.loop:
            position = index % count
        else:
            position = min(index, count - 1)
        rgb = np.asarray(self.frames.frame_at(position))
        if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
            raise CameraError(self.name, "bad_frame", index=position, shape=f"{rgb.shape} {rgb.dtype}")
        return rgb
