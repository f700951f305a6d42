"""`CameraSupervisor`: keeps a camera running. It notices a lost, stalled or frozen source and reconnects with
backoff, and reports what is going on as codes (`CameraStatus`: state, code, fields), never as sentences."""
from __future__ import annotations

import logging
import math
import threading
import time
import zlib
from dataclasses import dataclass, field
from enum import Enum
from typing import Callable, Mapping, Sequence

import numpy as np

from capture.camera.errors import CameraError
from capture.camera.frame import Clock, Frame, FrameSource
from capture.camera.threads import BackgroundOpen

log = logging.getLogger(__name__)


class CameraState(str, Enum):
    """The supervisor's view of the camera; values match what the kiosk's view model shows."""

    STARTING = "starting"  # the first source is opening or has not sent a frame yet
    OK = "ok"  # frames are arriving
    LOST = "lost"  # the source failed; waiting for the next attempt (see `retry_in_s`)
    RECONNECTING = "reconnecting"  # a new source is opening or has not sent a frame yet


@dataclass(frozen=True)
class CameraStatus:
    """A snapshot for the screen and the logs, in codes: kiosk/texts words `code` as `camera.CODE` with `fields`."""

    state: CameraState
    code: str  # a `codes.STATUS_CODES` value: "starting", "ok", "reconnecting" or "lost_" + reason
    reason: str | None  # why the camera was lost (a `LOSS_REASONS` value), None while it has been fine
    error: str  # the last error's code (a CameraError code or an exception class name), for logs; "" if none
    attempts: int  # reconnect attempts since the camera was last healthy
    retry_in_s: float | None  # seconds until the next attempt while lost
    fields: Mapping[str, object] = field(default_factory=dict)  # camera, attempt, retry_s, seconds


def _safe_stop(source: FrameSource) -> None:
    """Stop `source`, logging (not raising) whatever a broken source raises."""
    try:
        source.stop()
    except Exception:  # a broken source must not break the supervisor
        log.exception("camera %s: error while stopping", getattr(source, "name", "?"))


def _content_hash(rgb: np.ndarray) -> int:
    """Return a CRC of a strided sample (~90 rows) of the frame: cheap, and sensor noise still changes it."""
    step = max(1, min(rgb.shape[0], rgb.shape[1]) // 90)
    return zlib.crc32(np.ascontiguousarray(rgb[::step, ::step]))


class CameraSupervisor:
    """Keeps a camera running: detects a lost, stalled or frozen source and reconnects with backoff.

    Call `poll()` once per UI frame. It returns the newest frame while healthy and None otherwise, and never sleeps:
    waits are measured with `clock` (monotonic seconds). A source is lost when `latest()` raises, when no new frame
    index arrives for `stale_after_s`, when the picture content stays identical for `freeze_after_s` (a CRC of a
    strided sample of the frame, so real sensor noise counts as change), or when a new source sends nothing within
    `first_frame_timeout_s`; a background open that takes over `open_timeout_s` counts as failed. The lost source is
    stopped; retry k (counting from 0 since the camera was last healthy) is made `backoff_s[k]` seconds after the
    k-th failure (the last value repeats), calling `factory()` and `start()` on the result. The first good frame
    returns the state to OK and resets the backoff.

    With `open_in_background` the factory, `start()` and `stop()` run on helper threads, so a slow driver cannot
    stall the UI (use it for webcams); without it they run inside `poll()` (deterministic, for tests and replays).
    """

    def __init__(
        self,
        factory: Callable[[], FrameSource],
        clock: Clock = time.monotonic,
        stale_after_s: float = 2.0,
        freeze_after_s: float = 3.0,
        backoff_s: Sequence[float] = (0.5, 1, 2, 4, 8),
        *,
        first_frame_timeout_s: float = 5.0,
        open_timeout_s: float = 15.0,
        open_in_background: bool = False,
        name: str | None = None,
    ) -> None:
        if not backoff_s or any(b < 0 for b in backoff_s):
            raise ValueError("backoff_s needs at least one non-negative delay")
        self._factory = factory
        self._clock = clock
        self.stale_after_s = float(stale_after_s)
        self.freeze_after_s = float(freeze_after_s)
        self.first_frame_timeout_s = float(first_frame_timeout_s)
        self.open_timeout_s = float(open_timeout_s)
        self.backoff_s = tuple(float(b) for b in backoff_s)
        self._background = open_in_background
        self._name = name
        self._seen_name: str | None = None  # the last source's name, or the camera named by a factory error

        self._running = False
        self._state = CameraState.STARTING
        self._source: FrameSource | None = None
        self._job: BackgroundOpen[FrameSource] | None = None
        self._job_started_at = 0.0
        self._stopping: threading.Thread | None = None
        self._failed_attempts = 0  # failures since the camera was last healthy: picks the backoff delay
        self._attempts = 0  # factory calls since the camera was last healthy
        self._retry_at: float | None = None
        self._reason: str | None = None
        self._error = ""
        self._seconds = 0.0
        self._opened_at = 0.0
        self._reset_tracking()

    # -- public ----------------------------------------------------------------------------------------------------

    @property
    def state(self) -> CameraState:
        """Return the current state."""
        return self._state

    @property
    def name(self) -> str:
        """Return the camera's name (from the current source once one was made)."""
        if self._name:
            return self._name
        return getattr(self._source, "name", None) or self._seen_name or "camera"

    @property
    def source(self) -> FrameSource | None:
        """Return the current source, or None while lost or opening."""
        return self._source

    @property
    def resolution(self) -> tuple[int, int] | None:
        """Return the current source's (width, height) px, or None."""
        return self._source.resolution if self._source is not None else None

    @property
    def fps(self) -> float:
        """Return the current source's frame rate (0.0 without a source), frames per second."""
        return float(self._source.fps) if self._source is not None else 0.0

    @property
    def reason(self) -> str | None:
        """Return why the camera was last lost (a `LOSS_REASONS` value), None while it has been fine."""
        return self._reason

    @property
    def attempts(self) -> int:
        """Return how many times the factory was called since the camera was last healthy."""
        return self._attempts

    @property
    def retry_in_s(self) -> float | None:
        """Return seconds until the next attempt while lost, else None."""
        if self._state is not CameraState.LOST or self._retry_at is None:
            return None
        return max(0.0, self._retry_at - self._clock())

    @property
    def code(self) -> str:
        """Return the status code for people (`codes.STATUS_CODES`): the state, or "lost_" + reason while lost."""
        if self._state is CameraState.LOST:
            return f"lost_{self._reason or 'error'}"
        return self._state.value

    @property
    def fields(self) -> dict[str, object]:
        """Return the facts the status sentence names: camera (name), attempt (number), retry_s (whole seconds
        until the next attempt, at least 1 while lost, else 0) and seconds (how long the last problem lasted)."""
        wait = self.retry_in_s
        retry_s = max(1, math.ceil(wait)) if wait is not None else 0
        return {"camera": self.name, "attempt": self._attempts, "retry_s": retry_s, "seconds": round(self._seconds, 1)}

    def status(self) -> CameraStatus:
        """Return a snapshot of state, status code and its fields, loss reason and retry timing."""
        return CameraStatus(self._state, self.code, self._reason, self._error, self._attempts, self.retry_in_s,
                            self.fields)

    def start(self) -> None:
        """Open the first source (in the background if so configured). Failures are retried, never raised."""
        if self._running:
            return
        self._running = True
        self._state = CameraState.STARTING
        self._failed_attempts = 0
        self._attempts = 0
        self._healthy()
        self._attempt(self._clock())

    def stop(self) -> None:
        """Stop the current source and any opening in progress."""
        self._running = False
        if self._job is not None:
            self._job.abandon()
            self._job = None
        source, self._source = self._source, None
        if source is not None:
            _safe_stop(source)

    def __enter__(self) -> "CameraSupervisor":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def poll(self) -> Frame | None:
        """Return the newest frame while healthy, else None; detect losses and make due reconnect attempts."""
        if not self._running:
            return None
        now = self._clock()
        if self._job is not None and not self._collect_job(now):
            return None
        if self._source is None:
            if self._state is CameraState.LOST and self._retry_at is not None and now >= self._retry_at:
                self._state = CameraState.RECONNECTING
                self._attempt(now)
            if self._source is None:
                return None
        return self._read(now)

    # -- internals -------------------------------------------------------------------------------------------------

    def _reset_tracking(self) -> None:
        self._last_index: int | None = None
        self._last_new_at = 0.0
        self._last_hash: int | None = None
        self._last_change_at = 0.0
        self._newest: Frame | None = None

    def _healthy(self) -> None:
        """Forget the last loss (the camera is fine, or starting afresh)."""
        self._reason = None
        self._error = ""
        self._seconds = 0.0

    def _attempt(self, now: float) -> None:
        self._attempts += 1
        self._retry_at = None
        log.info("camera %s: opening (attempt %d)", self.name, self._attempts)
        if self._background:
            self._job = BackgroundOpen(self._make_source, _safe_stop, after=self._stopping)
            self._job_started_at = now
            return
        try:
            source = self._make_source()
        except Exception as exc:
            self._open_failed(now, exc)
        else:
            self._opened(now, source)

    def _collect_job(self, now: float) -> bool:
        """Take the background open's outcome when it is there; return True if it opened a source."""
        job = self._job
        assert job is not None
        if not job.done.is_set():
            if now - self._job_started_at >= self.open_timeout_s:  # a factory stuck in the driver
                job.abandon()
                self._job = None
                self._mark_lost(now, "open_failed", "open_timeout", self.open_timeout_s)
            return False
        self._job = None
        if job.error is not None or job.result is None:
            self._open_failed(now, job.error)
            return False
        self._opened(now, job.result)
        return True

    def _make_source(self) -> FrameSource:
        source = self._factory()
        try:
            source.start()
        except BaseException:
            _safe_stop(source)
            raise
        return source

    def _opened(self, now: float, source: FrameSource) -> None:
        self._source = source
        self._seen_name = getattr(source, "name", None) or self._seen_name
        self._opened_at = now
        self._reset_tracking()

    def _open_failed(self, now: float, error: BaseException | None) -> None:
        if isinstance(error, CameraError):
            self._seen_name = error.camera
        self._mark_lost(now, "open_failed", _error_code(error))

    def _lose(self, now: float, reason: str, error: str, seconds: float = 0.0) -> None:
        source, self._source = self._source, None
        if source is not None:
            if self._background:
                self._stopping = threading.Thread(target=_safe_stop, args=(source,), name="camera-stop", daemon=True)
                self._stopping.start()
            else:
                _safe_stop(source)
        self._newest = None
        self._mark_lost(now, reason, error, seconds)

    def _mark_lost(self, now: float, reason: str, error: str, seconds: float = 0.0) -> None:
        delay = self.backoff_s[min(self._failed_attempts, len(self.backoff_s) - 1)]
        self._failed_attempts += 1
        self._retry_at = now + delay
        self._state = CameraState.LOST
        self._reason = reason
        self._error = error
        self._seconds = seconds
        log.warning("camera %s lost (%s: %s, %.1f s); retrying in %.1f s", self.name, reason, error, seconds, delay)

    def _read(self, now: float) -> Frame | None:
        source = self._source
        assert source is not None
        try:
            frame = source.latest()
        except Exception as exc:  # a CameraError, or a source bug: neither may take the kiosk down
            if not isinstance(exc, CameraError):
                log.exception("camera %s: unexpected error", self.name)
            self._lose(now, "error", _error_code(exc))
            return None
        if frame is None or frame.index == self._last_index:
            return self._no_new_frame(now)
        digest = _content_hash(frame.rgb)
        if self._last_hash is None or digest != self._last_hash:
            self._last_hash = digest
            self._last_change_at = now
        self._last_index = frame.index
        self._last_new_at = now
        if now - self._last_change_at >= self.freeze_after_s:
            self._lose(now, "frozen", "frozen", now - self._last_change_at)
            return None
        if self._state is not CameraState.OK:
            log.info("camera %s: ok (%s)", self.name, source.resolution)
            self._state = CameraState.OK
            self._failed_attempts = 0
            self._attempts = 0
            self._healthy()
        self._newest = frame
        return frame

    def _no_new_frame(self, now: float) -> Frame | None:
        """Handle a poll without a new frame: lose a source that never sent one or went quiet; else repeat the
        newest frame while OK."""
        if self._last_index is None:
            if now - self._opened_at >= self.first_frame_timeout_s:
                self._lose(now, "no_frames", "no_frames", self.first_frame_timeout_s)
            return None
        if now - self._last_new_at >= self.stale_after_s:
            self._lose(now, "stale", "stale", now - self._last_new_at)
            return None
        return self._newest if self._state is CameraState.OK else None


def _error_code(error: BaseException | None) -> str:
    """Return an error's code for logs and the status: a CameraError's code, else the exception's class name."""
    if error is None:
        return "no_source"
    if isinstance(error, CameraError):
        return error.code
    return type(error).__name__
