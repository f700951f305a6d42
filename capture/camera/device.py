"""A USB webcam through OpenCV `VideoCapture`: opened on a helper thread (with a timeout), the requested mode and MJPG
asked of the driver, and frames read continuously on a daemon thread that keeps only the newest one."""
from __future__ import annotations

import logging
import math
import threading
import time

import cv2

from capture.camera.errors import CameraError
from capture.camera.frame import Clock, Frame, bgr_to_rgb, read_only
from capture.camera.threads import BackgroundOpen

log = logging.getLogger(__name__)


class DeviceCamera:
    """A webcam through OpenCV `VideoCapture`, read continuously on a daemon thread that keeps only the newest frame.

    `device` is an index (0, 1, …) or a device path/URL OpenCV understands ("/dev/video2"). The requested `width` ×
    `height` px, `fps` and MJPG compression (`mjpg`, needed by most USB 2 webcams for 720p at 30 fps) are asked for
    where the driver offers them; the camera may choose otherwise (see `resolution`, `fps`, `fourcc` after `start()`).
    `backend` is an OpenCV API preference such as `cv2.CAP_V4L2` or `cv2.CAP_DSHOW` (None = OpenCV's choice).

    `start()` raises `CameraError` if the device cannot be opened within `open_timeout_s` seconds. After
    `max_failures` consecutive failed reads the reader gives up and `latest()` raises `CameraError`; `failures` is the
    current run of failed reads and `last_frame_s` the clock time of the newest good frame.
    """

    def __init__(
        self,
        device: int | str,
        width: int = 1280,
        height: int = 720,
        fps: float = 30.0,
        mjpg: bool = True,
        backend: int | None = None,
        *,
        clock: Clock = time.monotonic,
        name: str | None = None,
        open_timeout_s: float = 5.0,
        max_failures: int = 30,
        stop_timeout_s: float = 1.0,
    ) -> None:
        self.device = device
        self.name = name or f"webcam {device}"
        self._request = (int(width), int(height), float(fps))
        self._mjpg = mjpg
        self._backend = backend
        self._clock = clock
        self._open_timeout_s = open_timeout_s
        self._max_failures = max(1, int(max_failures))
        self._stop_timeout_s = stop_timeout_s

        self._lock = threading.Lock()
        self._stop_event = threading.Event()
        self._thread: threading.Thread | None = None
        self._frame: Frame | None = None
        self._error: CameraError | None = None
        self._failures = 0
        self._last_frame_s: float | None = None
        self._negotiated_size: tuple[int, int] | None = None
        self._negotiated_fps: float | None = None
        self._fourcc: str | None = None

    # -- properties ------------------------------------------------------------------------------------------------

    @property
    def failures(self) -> int:
        """Return the number of consecutive failed reads (0 after every good frame)."""
        return self._failures

    @property
    def last_frame_s(self) -> float | None:
        """Return the clock time (seconds) of the newest good frame, or None before the first."""
        return self._last_frame_s

    @property
    def resolution(self) -> tuple[int, int] | None:
        """Return (width, height) px of the newest frame, else what the driver reported, else None."""
        frame = self._frame
        if frame is not None:
            return frame.width, frame.height
        return self._negotiated_size

    @property
    def fps(self) -> float:
        """Return the frame rate the driver reported after `start()`, else the requested one (frames per second)."""
        return self._negotiated_fps or self._request[2]

    @property
    def fourcc(self) -> str | None:
        """Return the pixel format the driver reported after `start()` (e.g. "MJPG", "YUYV"), or None."""
        return self._fourcc

    @property
    def running(self) -> bool:
        """Return True while the reader thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    # -- life cycle ------------------------------------------------------------------------------------------------

    def start(self) -> None:
        """Open the device and start the reader thread; raise `CameraError` if it cannot be opened."""
        if self._thread is not None:
            return
        capture = self._open_with_timeout()
        self._read_negotiated(capture)
        with self._lock:
            self._frame = None
            self._error = None
        self._failures = 0
        self._stop_event = threading.Event()
        self._thread = threading.Thread(
            target=self._reader, args=(capture, self._stop_event), name=f"camera-{self.name}", daemon=True
        )
        self._thread.start()
        log.info("camera %s opened: %s at %s fps, %s", self.name, self._negotiated_size, self._negotiated_fps,
                 self._fourcc)

    def latest(self) -> Frame | None:
        """Return the newest frame without waiting (None before the first); raise `CameraError` once the reader gave up."""
        with self._lock:
            error, frame = self._error, self._frame
        if error is not None:
            raise CameraError(error.camera, error.code, **error.fields)
        return frame

    def stop(self) -> None:
        """Stop the reader and release the device. Waits at most `stop_timeout_s` for a read stuck in the driver;
        such a reader releases the device itself when the read returns."""
        thread, self._thread = self._thread, None
        self._stop_event.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join(self._stop_timeout_s)
            if thread.is_alive():
                log.warning("camera %s: reader still blocked in the driver; it will release the device on return",
                            self.name)
        with self._lock:
            self._frame = None

    def __enter__(self) -> "DeviceCamera":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- internals -------------------------------------------------------------------------------------------------

    def _create_capture(self) -> cv2.VideoCapture | None:
        """Open and configure the capture; return None if the device does not open."""
        if self._backend is None:
            capture = cv2.VideoCapture(self.device)
        else:
            capture = cv2.VideoCapture(self.device, self._backend)
        if not capture.isOpened():
            capture.release()
            return None
        width, height, fps = self._request
        if self._mjpg:  # V4L2 wants the pixel format before the size
            capture.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter_fourcc(*"MJPG"))
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        if fps > 0:
            capture.set(cv2.CAP_PROP_FPS, fps)
        capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # a hint; the reader drains the queue anyway
        return capture

    def _open_with_timeout(self) -> cv2.VideoCapture:
        """Run `_create_capture` on a helper thread so a hanging driver cannot block the caller forever."""
        job: BackgroundOpen[cv2.VideoCapture] = BackgroundOpen(
            self._create_capture, lambda capture: capture.release(), name=f"camera-open-{self.name}")
        if not job.wait(self._open_timeout_s):
            raise CameraError(self.name, "open_timeout", timeout_s=self._open_timeout_s)
        if job.result is None:
            if job.error is not None:
                log.warning("camera %s: open failed (%s: %s)", self.name, type(job.error).__name__, job.error)
            raise CameraError(self.name, "open_failed")
        return job.result

    def _read_negotiated(self, capture: cv2.VideoCapture) -> None:
        """Note the size, rate and pixel format the driver settled on."""
        width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH) or 0)
        height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT) or 0)
        self._negotiated_size = (width, height) if width > 0 and height > 0 else None
        fps = float(capture.get(cv2.CAP_PROP_FPS) or 0.0)
        self._negotiated_fps = fps if math.isfinite(fps) and 0 < fps < 1000 else None
        code = int(capture.get(cv2.CAP_PROP_FOURCC) or 0)
        text = "".join(chr((code >> (8 * k)) & 0xFF) for k in range(4)) if code > 0 else ""
        self._fourcc = text if text.isprintable() and text.strip() else None

    def _reader(self, capture: cv2.VideoCapture, stop: threading.Event) -> None:
        """Grab frames until stopped or until `max_failures` reads in a row fail; release the device on exit."""
        index = 0
        try:
            while not stop.is_set():
                try:
                    ok, image = capture.read()
                except cv2.error:
                    ok, image = False, None
                if stop.is_set():
                    break
                if not ok or image is None:
                    self._failures += 1
                    if self._failures >= self._max_failures:
                        with self._lock:
                            self._error = CameraError(self.name, "read_failed", failures=self._failures)
                        log.warning("camera %s: giving up after %d failed reads", self.name, self._failures)
                        return
                    stop.wait(min(0.2, 0.01 * self._failures))  # do not spin on a dead device
                    continue
                self._failures = 0
                now = self._clock()
                frame = Frame(read_only(bgr_to_rgb(image)), index, now)
                index += 1
                with self._lock:
                    self._frame = frame
                self._last_frame_s = now
        finally:
            capture.release()
