"""Camera sources for the kiosk: a USB webcam, recorded replays for tests and demos, and a resilient supervisor.

No UI here. Every source hands out `Frame`s (H×W×3 uint8 RGB, not mirrored) through a non-blocking `latest()`.
Time is always read from an injectable clock (a callable returning monotonic seconds) so tests can use a fake one.

- `DeviceCamera`: OpenCV `VideoCapture` read on its own daemon thread, keeping only the newest frame.
- `ReplayCamera`: plays a `FrameProvider` (video file, image folder, or a still moved by a script) at a fixed fps,
  pull based and deterministic; it can inject faults (`fail_between`, `freeze_between`) for tests.
- `CameraSupervisor`: wraps a factory of sources, notices a lost, stalled or frozen camera and reconnects with backoff.
- `open_source`: turns a command-line spec ("demo", "0", "/dev/video2", a file or a folder) into a source.
"""
from __future__ import annotations

import logging
import math
import re
import threading
import time
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Callable, NamedTuple, Protocol, Sequence, runtime_checkable

import cv2
import numpy as np

from capture.errors import PeopleError

log = logging.getLogger(__name__)

Clock = Callable[[], float]  # returns monotonic seconds

#: Still-image file types `open_source` plays as a scripted still (read with `capture.images.read_photo`).
STILL_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp", ".heic", ".heif", ".tif", ".tiff"})
#: Image file types `ImageFolderFrames` plays, in name order.
FOLDER_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp"})

#: Sensor-noise standard deviation (8-bit levels) that `open_source` gives scripted stills, so that a settled demo
#: subject never produces byte-identical frames (which the supervisor would take for a frozen camera).
DEMO_NOISE_SIGMA = 1.5

_INDEX_EPS = 1e-6  # added before flooring time × fps, so 0.3 s × 10 fps is frame 3 despite float rounding

_SPEC_ADVICE = (
    "Use 'demo', a webcam number such as 0, a device such as /dev/video0, "
    "or the path of an existing video file, image file or folder of images."
)


# --------------------------------------------------------------------------------------------------------------------
# Frames, errors and the source protocol
# --------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Frame:
    """One camera picture. `rgb` is a read-only H×W×3 uint8 RGB view, NOT mirrored (copy it before drawing on it)."""

    rgb: np.ndarray
    index: int  # increases with every new frame of one source
    timestamp_s: float  # when the frame was taken or became due, source clock seconds

    @property
    def width(self) -> int:
        """Width in pixels."""
        return int(self.rgb.shape[1])

    @property
    def height(self) -> int:
        """Height in pixels."""
        return int(self.rgb.shape[0])


class CameraError(PeopleError):
    """A camera source failed. `camera` names the source (e.g. "webcam 0", "demo", a file path); the message says
    which camera, what happened and what to do."""

    def __init__(self, camera: str, code: str, reason: str, advice: str = "") -> None:
        super().__init__(camera, code, reason, advice)

    @property
    def camera(self) -> str:
        return self.subject


@runtime_checkable
class FrameSource(Protocol):
    """Anything that delivers camera frames. `latest()` never blocks and returns None before the first frame."""

    name: str

    def start(self) -> None:
        """Open the source; raise `CameraError` if it cannot be opened."""
        ...

    def latest(self) -> Frame | None:
        """Return the newest frame (None before the first one, or when stopped); raise `CameraError` if broken."""
        ...

    def stop(self) -> None:
        """Close the source. Safe to call more than once."""
        ...

    @property
    def resolution(self) -> tuple[int, int] | None:
        """Return (width, height) px of the frames, or None if not known yet."""
        ...

    @property
    def fps(self) -> float:
        """Return the nominal frame rate, frames per second."""
        ...


@runtime_checkable
class FrameProvider(Protocol):
    """Recorded frames for `ReplayCamera`: `frame_count` (None = endless) and `frame_at(i)` → H×W×3 uint8 RGB.

    Optional attributes `fps` (float | None, the recording's own rate) and `size` ((width, height) px | None) are used
    when present. Finite providers also implement `__len__`.
    """

    @property
    def frame_count(self) -> int | None:
        """Return the number of frames, or None for an endless provider."""
        ...

    def frame_at(self, i: int) -> np.ndarray:
        """Return frame `i` (0-based) as H×W×3 uint8 RGB."""
        ...


def _read_only(rgb: np.ndarray) -> np.ndarray:
    """Return a read-only view of `rgb` (the array itself is left untouched)."""
    view = rgb.view()
    view.flags.writeable = False
    return view


def _bgr_to_rgb(image: np.ndarray) -> np.ndarray:
    """Convert an OpenCV frame (BGR, BGRA or grey) to contiguous H×W×3 uint8 RGB."""
    if image.dtype != np.uint8:
        image = cv2.convertScaleAbs(image)
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2RGB)
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def _provider_length(frames: object) -> int | None:
    """Return a provider's frame count (None = endless), from `frame_count` or else `len()`."""
    if hasattr(frames, "frame_count"):
        count = frames.frame_count  # type: ignore[attr-defined]
        return None if count is None else int(count)
    if hasattr(frames, "__len__"):
        return len(frames)  # type: ignore[arg-type]
    return None


# --------------------------------------------------------------------------------------------------------------------
# A USB webcam
# --------------------------------------------------------------------------------------------------------------------


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
            raise CameraError(error.camera, error.code, error.reason, error.advice)
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
        lock = threading.Lock()
        done = threading.Event()
        box: dict[str, object] = {"abandoned": False}

        def work() -> None:
            capture: cv2.VideoCapture | None = None
            try:
                capture = self._create_capture()
            except Exception as exc:  # OpenCV raises cv2.error for some backends and odd devices
                box["error"] = exc
            with lock:
                box["capture"] = capture
                done.set()
                abandoned = box["abandoned"]
            if abandoned and capture is not None:
                capture.release()

        threading.Thread(target=work, name=f"camera-open-{self.name}", daemon=True).start()
        done.wait(self._open_timeout_s)
        with lock:
            finished = done.is_set()
            if not finished:
                box["abandoned"] = True
        if not finished:
            raise CameraError(self.name, "open_timeout",
                              f"The camera did not open within {self._open_timeout_s:g} s.",
                              "Unplug the webcam, plug it in again, and close other programs that may use it.")
        capture = box.get("capture")
        if capture is None:
            error = box.get("error")
            detail = f" ({type(error).__name__}: {error})" if error is not None else ""
            raise CameraError(self.name, "open_failed", f"The camera could not be opened{detail}.",
                              "Check that the webcam is plugged in and not used by another program, "
                              "or choose another camera number.")
        return capture  # type: ignore[return-value]

    def _read_negotiated(self, capture: cv2.VideoCapture) -> None:
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
                            self._error = CameraError(
                                self.name, "read_failed",
                                f"The camera stopped delivering pictures ({self._failures} reads in a row failed).",
                                "Check the USB cable; the kiosk keeps trying to reconnect.")
                        log.warning("camera %s: giving up after %d failed reads", self.name, self._failures)
                        return
                    stop.wait(min(0.2, 0.01 * self._failures))  # do not spin on a dead device
                    continue
                self._failures = 0
                now = self._clock()
                frame = Frame(_read_only(_bgr_to_rgb(image)), index, now)
                index += 1
                with self._lock:
                    self._frame = frame
                self._last_frame_s = now
        finally:
            capture.release()


# --------------------------------------------------------------------------------------------------------------------
# Recorded frames
# --------------------------------------------------------------------------------------------------------------------


class _LruCache:
    """A tiny least-recently-used cache of arrays."""

    def __init__(self, size: int) -> None:
        self._size = max(1, size)
        self._items: OrderedDict[object, np.ndarray] = OrderedDict()

    def get(self, key: object) -> np.ndarray | None:
        item = self._items.get(key)
        if item is not None:
            self._items.move_to_end(key)
        return item

    def put(self, key: object, value: np.ndarray) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self._size:
            self._items.popitem(last=False)


class VideoFileFrames:
    """Frames of a video file, decoded lazily with `cv2.VideoCapture` and a small cache of `cache_frames` frames.

    Sequential access decodes one frame per call; other access seeks. Raises `CameraError` if the file cannot be read.
    """

    def __init__(self, path: str | Path, cache_frames: int = 8) -> None:
        self.path = Path(path)
        self.name = str(self.path)
        if not self.path.is_file():
            raise CameraError(self.name, "not_found", "The video file does not exist.",
                              "Check the file name and folder, then try again.")
        self._lock = threading.RLock()
        self._cache = _LruCache(cache_frames)
        self._capture = cv2.VideoCapture(str(self.path))
        if not self._capture.isOpened():
            self._capture.release()
            raise self._unreadable()
        ok, image = self._capture.read()
        if not ok or image is None:
            self._capture.release()
            raise self._unreadable()
        first = _read_only(_bgr_to_rgb(image))
        self._cache.put(0, first)
        self._next = 1
        self.size: tuple[int, int] = (first.shape[1], first.shape[0])
        fps = float(self._capture.get(cv2.CAP_PROP_FPS) or 0.0)
        self.fps: float | None = fps if math.isfinite(fps) and 0 < fps < 1000 else None
        count = int(self._capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        self._count = count if count > 0 else self._count_by_reading()

    def _unreadable(self) -> CameraError:
        return CameraError(self.name, "unreadable_video", "The video file cannot be read.",
                           "Convert it to MP4 (H.264) or MJPG AVI and try again, or use 'demo'.")

    def _count_by_reading(self) -> int:
        """Count frames by grabbing through the file (when the container does not say), then rewind."""
        count = 1
        while self._capture.grab():
            count += 1
        self._capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
        self._next = 0
        return count

    @property
    def frame_count(self) -> int:
        """Return the number of frames (lowered if the file turns out shorter than its header says)."""
        return self._count

    def __len__(self) -> int:
        return self._count

    def frame_at(self, i: int) -> np.ndarray:
        """Return frame `i` as read-only H×W×3 uint8 RGB."""
        with self._lock:
            if not 0 <= i < self._count:
                raise IndexError(f"frame {i} is outside 0..{self._count - 1}")
            cached = self._cache.get(i)
            if cached is not None:
                return cached
            if i != self._next:
                self._capture.set(cv2.CAP_PROP_POS_FRAMES, i)
            ok, image = self._capture.read()
            if not ok or image is None:
                if i == 0:
                    raise self._unreadable()
                # the file is shorter than its header said: end it here and hold the last frame
                log.info("video %s: ends at frame %d, not %d", self.name, i, self._count)
                self._count = max(1, i)
                self._next = -1
                return self.frame_at(self._count - 1)
            self._next = i + 1
            rgb = _read_only(_bgr_to_rgb(image))
            self._cache.put(i, rgb)
            return rgb

    def close(self) -> None:
        """Release the decoder."""
        with self._lock:
            self._capture.release()


def _natural_key(path: Path) -> list[object]:
    """Sort key: the file name with runs of digits compared as numbers ("frame2" before "frame10")."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", path.name)]


class ImageFolderFrames:
    """The image files of a folder (jpg, jpeg, png, bmp, webp) in name order, numbers compared as numbers.

    Images are read with `capture.images.read_photo` (upright sRGB) and resized to the first image's size if they
    differ, as a camera never changes size. Raises `CameraError` for a missing folder, an empty one, or a bad image.
    """

    def __init__(self, folder: str | Path, cache_frames: int = 8) -> None:
        self.folder = Path(folder)
        self.name = str(self.folder)
        if not self.folder.is_dir():
            raise CameraError(self.name, "not_found", "The image folder does not exist.",
                              "Check the folder name, then try again.")
        self.paths: tuple[Path, ...] = tuple(sorted(
            (p for p in self.folder.iterdir()
             if p.is_file() and p.suffix.lower() in FOLDER_SUFFIXES and not p.name.startswith(".")),
            key=_natural_key,
        ))
        if not self.paths:
            raise CameraError(self.name, "no_images", "The folder holds no JPEG, PNG, BMP or WebP images.",
                              "Put the recorded frames in this folder, or choose another folder.")
        self._lock = threading.Lock()
        self._cache = _LruCache(cache_frames)
        self.fps: float | None = None
        first = self._read(0)
        self.size: tuple[int, int] = (first.shape[1], first.shape[0])
        self._cache.put(0, first)

    @property
    def frame_count(self) -> int:
        """Return the number of images."""
        return len(self.paths)

    def __len__(self) -> int:
        return len(self.paths)

    def _read(self, i: int) -> np.ndarray:
        from capture.errors import PhotoError
        from capture.images import read_photo

        try:
            rgb = read_photo(self.paths[i]).rgb
        except PhotoError as exc:
            raise CameraError(self.name, "unreadable_image", f"Frame {self.paths[i].name} cannot be read ({exc.code}).",
                              exc.advice or "Remove or replace that file.") from None
        size = getattr(self, "size", None)
        if size is not None and (rgb.shape[1], rgb.shape[0]) != size:
            rgb = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
        return _read_only(np.ascontiguousarray(rgb))

    def frame_at(self, i: int) -> np.ndarray:
        """Return image `i` as read-only H×W×3 uint8 RGB."""
        if not 0 <= i < len(self.paths):
            raise IndexError(f"frame {i} is outside 0..{len(self.paths) - 1}")
        with self._lock:
            cached = self._cache.get(i)
            if cached is None:
                cached = self._read(i)
                self._cache.put(i, cached)
            return cached


class Keyframe(NamedTuple):
    """Where a scripted still sits at time `t_s` (seconds from the start of the script).

    `scale` is the still's size relative to fitting its height to the output height (1.0 = still height = output
    height). `dx`, `dy` move the still's centre away from the output centre, both as fractions of the output HEIGHT
    (positive = right, down), so a script frames the subject the same way at any output size or aspect ratio.
    `angle_deg` rotates the still about its centre, counter-clockwise on screen.
    """

    t_s: float
    dx: float
    dy: float
    scale: float
    angle_deg: float


#: A person arriving at the kiosk, tuned for the bundled demo still `assets/demo/astronaut-studio.jpg` (1280×1080 px,
#: face ~164 px wide centred at x ≈ 585, hair top y ≈ 184, eyes y ≈ 342, chin y ≈ 477). At 1280×720 the settled
#: framing is scale 2.05 × (720/1080) ≈ 1.37 output px per still px: face ≈ 224 px wide, centred at x ≈ 640,
#: hair top y ≈ 73, eyes y ≈ 290 (0.40 of the height), chin y ≈ 474: the head in the upper-middle of the frame,
#: and the still covers the whole frame. Walks in from the left, overshoots, drifts with a tilt, settles at 5 s and
#: stands still until 9 s.
DEFAULT_SCRIPT: tuple[Keyframe, ...] = (
    Keyframe(0.0, -1.333, 0.300, 1.90, 0.0),  # out of view on the left, a step further back
    Keyframe(1.5, -0.356, 0.290, 1.95, -2.0),  # walking in
    Keyframe(2.5, 0.231, 0.270, 2.00, 2.5),  # overshoots to the right
    Keyframe(3.3, 0.036, 0.285, 2.08, 4.0),  # drifts back, a little too close, head tilted
    Keyframe(4.2, 0.124, 0.275, 2.04, -1.0),  # corrects
    Keyframe(5.0, 0.103, 0.2777, 2.05, 0.0),  # settled: centred and still
    Keyframe(9.0, 0.103, 0.2777, 2.05, 0.0),  # holds still for 4 s
)


class StillMotionFrames:
    """One still photo moved by a script of `Keyframe`s, so a replay looks like a person arriving and settling.

    Keyframes are interpolated linearly (held before the first and after the last); frame `i` is at t = i / `fps` s.
    Frames are rendered with `cv2.warpAffine` onto `size` = (width, height) px, replicating the still's border. The
    length is (last keyframe time + `hold_s`) × `fps` frames. With `noise_sigma` > 0 (8-bit levels) each frame gets
    seeded Gaussian sensor noise, so a still subject does not give byte-identical frames; the same `seed` gives the
    same frames.
    """

    _NOISE_BANK = 3  # distinct noise patterns, cycled per frame
    _NOISE_SHIFT = 32  # each pattern is also shifted per frame by up to this many px: no two nearby frames match

    def __init__(
        self,
        rgb: np.ndarray,
        script: Sequence[Keyframe | tuple[float, float, float, float, float]] = DEFAULT_SCRIPT,
        size: tuple[int, int] = (1280, 720),
        fps: float = 30.0,
        *,
        hold_s: float = 0.0,
        noise_sigma: float = 0.0,
        seed: int = 0,
    ) -> None:
        rgb = np.asarray(rgb)
        if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8 or rgb.shape[0] < 1 or rgb.shape[1] < 1:
            raise ValueError(f"the still must be an H×W×3 uint8 RGB array, got {rgb.shape} {rgb.dtype}")
        keys = tuple(Keyframe(*map(float, k)) for k in script)
        if not keys:
            raise ValueError("the script needs at least one keyframe")
        times = [k.t_s for k in keys]
        if times[0] < 0 or any(b <= a for a, b in zip(times, times[1:])):
            raise ValueError(f"keyframe times must start at ≥ 0 s and increase, got {times}")
        if any(k.scale <= 0 for k in keys):
            raise ValueError("keyframe scales must be > 0")
        if fps <= 0 or size[0] < 1 or size[1] < 1 or hold_s < 0 or noise_sigma < 0:
            raise ValueError("fps and size must be positive, hold_s and noise_sigma not negative")
        self.still = np.ascontiguousarray(rgb)
        self.script = keys
        self.size = (int(size[0]), int(size[1]))
        self.fps = float(fps)
        self.noise_sigma = float(noise_sigma)
        self.seed = int(seed)
        self.duration_s = keys[-1].t_s + float(hold_s)
        self._count = max(1, int(round(self.duration_s * fps)))
        self._table = np.array(keys, dtype=np.float64)  # rows: t, dx, dy, scale, angle
        self._poses = _LruCache(4)
        self._noise: list[tuple[np.ndarray, np.ndarray]] | None = None

    @property
    def frame_count(self) -> int:
        """Return the number of frames: (script duration + hold) × fps."""
        return self._count

    def __len__(self) -> int:
        return self._count

    def pose_at(self, t_s: float) -> Keyframe:
        """Return the interpolated pose at `t_s` seconds."""
        t, rest = self._table[:, 0], self._table[:, 1:]
        values = [float(np.interp(t_s, t, rest[:, k])) for k in range(4)]
        return Keyframe(float(t_s), *values)

    def matrix_at(self, i: int) -> np.ndarray:
        """Return the 2×3 affine matrix mapping still px to output px for frame `i`."""
        return self._matrix(self.pose_at(i / self.fps))

    def _matrix(self, pose: Keyframe) -> np.ndarray:
        width, height = self.size
        still_h, still_w = self.still.shape[:2]
        scale = pose.scale * height / still_h
        cx, cy = (still_w - 1) / 2, (still_h - 1) / 2
        matrix = cv2.getRotationMatrix2D((cx, cy), pose.angle_deg, scale)
        matrix[0, 2] += (width - 1) / 2 + pose.dx * height - cx
        matrix[1, 2] += (height - 1) / 2 + pose.dy * height - cy
        return matrix

    def _render(self, pose: Keyframe) -> np.ndarray:
        key = tuple(round(v, 6) for v in pose[1:])
        cached = self._poses.get(key)
        if cached is None:
            cached = _read_only(cv2.warpAffine(self.still, self._matrix(pose), self.size, flags=cv2.INTER_LINEAR,
                                               borderMode=cv2.BORDER_REPLICATE))
            self._poses.put(key, cached)
        return cached

    def _noise_pair(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        if self._noise is None:
            rng = np.random.default_rng(self.seed)
            width, height = self.size
            bank = []
            pad = self._NOISE_SHIFT
            for _ in range(self._NOISE_BANK):
                noise = np.rint(rng.standard_normal((height + pad, width + pad, 3), dtype=np.float32) * self.noise_sigma)
                bank.append((np.clip(noise, 0, 255).astype(np.uint8), np.clip(-noise, 0, 255).astype(np.uint8)))
            self._noise = bank
        width, height = self.size
        dy, dx = (i * 7) % self._NOISE_SHIFT, (i * 13) % self._NOISE_SHIFT
        plus, minus = self._noise[i % self._NOISE_BANK]
        return (np.ascontiguousarray(plus[dy:dy + height, dx:dx + width]),
                np.ascontiguousarray(minus[dy:dy + height, dx:dx + width]))

    def frame_at(self, i: int) -> np.ndarray:
        """Return frame `i` (time i / fps) as read-only H×W×3 uint8 RGB."""
        if not 0 <= i < self._count:
            raise IndexError(f"frame {i} is outside 0..{self._count - 1}")
        image = self._render(self.pose_at(i / self.fps))
        if self.noise_sigma <= 0:
            return image
        plus, minus = self._noise_pair(i)
        return _read_only(cv2.subtract(cv2.add(image, plus), minus))  # saturating uint8 arithmetic


# --------------------------------------------------------------------------------------------------------------------
# Replay
# --------------------------------------------------------------------------------------------------------------------


class ReplayCamera:
    """Plays a `FrameProvider` at a fixed `fps` as if it were a live camera; pull based, no thread.

    `latest()` returns the frame due at the current clock time: index = int((now − epoch) × fps), where the epoch is
    the clock time of the first `start()`. The replay keeps running in "world time" across stop/start, like a live
    scene seen again after a reconnect, and the index only grows. Looping plays the provider again from frame 0;
    without looping, past the end the last picture is shown (the index still grows, as a live camera's would).

    Fault injection (windows in seconds from the epoch, half-open [t0, t1), may be called several times):
    `fail_between` makes `start()` and `latest()` raise `CameraError` (code "injected_failure") in the window;
    `freeze_between` repeats the picture due at t0 throughout the window while the index keeps growing, like a driver
    that re-sends a stale buffer.
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
        self._fail: list[tuple[float, float]] = []
        self._freeze: list[tuple[float, float]] = []
        self._frozen_rgb: dict[tuple[float, float], np.ndarray] = {}
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

    def fail_between(self, t0_s: float, t1_s: float) -> "ReplayCamera":
        """Make `start()` and `latest()` raise `CameraError` from t0_s to t1_s seconds after the epoch; returns self."""
        self._fail.append(_window(t0_s, t1_s))
        return self

    def freeze_between(self, t0_s: float, t1_s: float) -> "ReplayCamera":
        """Repeat the picture due at t0_s until t1_s seconds after the epoch (index keeps growing); returns self."""
        self._freeze.append(_window(t0_s, t1_s))
        return self

    def start(self) -> None:
        """Start (or resume) playing; raise `CameraError` inside a `fail_between` window."""
        now = self._clock()
        if self._epoch is None:
            self._epoch = now
        self._check_failure(now - self._epoch)
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
        t = max(0.0, self._clock() - self._epoch)
        self._check_failure(t)
        index = int(t * self._fps + _INDEX_EPS)
        current = self._current
        if current is not None and current.index == index:
            return current
        window = next((w for w in self._freeze if w[0] <= t < w[1]), None)
        if window is None:
            rgb = self._pixels(index)
        else:
            rgb = self._frozen_rgb.get(window)
            if rgb is None:
                rgb = self._frozen_rgb[window] = self._pixels(int(window[0] * self._fps + _INDEX_EPS))
        frame = Frame(_read_only(rgb), index, self._epoch + index / self._fps)
        self._current = frame
        return frame

    def _pixels(self, index: int) -> np.ndarray:
        count = _provider_length(self.frames)
        if count is None:
            position = index
        elif count < 1:
            raise CameraError(self.name, "empty", "The recording has no frames.", "Choose another recording.")
        elif self.loop:
            position = index % count
        else:
            position = min(index, count - 1)
        rgb = np.asarray(self.frames.frame_at(position))
        if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
            raise CameraError(self.name, "bad_frame", f"Frame {position} is not H×W×3 uint8 RGB ({rgb.shape}).",
                              "Check the recording.")
        return rgb

    def _check_failure(self, t: float) -> None:
        for t0, t1 in self._fail:
            if t0 <= t < t1:
                raise CameraError(self.name, "injected_failure",
                                  f"The camera is failing (simulated, {t0:g}–{t1:g} s).",
                                  "Wait; the supervisor reconnects.")


def _window(t0_s: float, t1_s: float) -> tuple[float, float]:
    if not t1_s > t0_s:
        raise ValueError(f"a window needs t1 > t0, got {t0_s}..{t1_s}")
    return float(t0_s), float(t1_s)


# --------------------------------------------------------------------------------------------------------------------
# Supervisor
# --------------------------------------------------------------------------------------------------------------------


class CameraState(str, Enum):
    """The supervisor's view of the camera; values match what the kiosk's view model shows."""

    STARTING = "starting"  # the first source is opening or has not sent a frame yet
    OK = "ok"  # frames are arriving
    LOST = "lost"  # the source failed; waiting for the next attempt (see `retry_in_s`)
    RECONNECTING = "reconnecting"  # a new source is opening or has not sent a frame yet


#: Why the camera was lost: reason key → English phrase for `CameraSupervisor.message`.
LOSS_REASONS: dict[str, str] = {
    "error": "reported an error",
    "stale": "stopped sending pictures",
    "frozen": "keeps sending the same picture",
    "no_frames": "opened but sent no picture",
    "open_failed": "could not be opened",
}


@dataclass(frozen=True)
class CameraStatus:
    """A snapshot for the screen and the logs. `message_key` is "camera_" + state; `reason` a `LOSS_REASONS` key."""

    state: CameraState
    message_key: str
    message: str  # English, for people
    reason: str | None
    detail: str  # the last error text, for logs
    attempts: int  # reconnect attempts since the camera was last healthy
    retry_in_s: float | None  # seconds until the next attempt while lost


class _OpenJob:
    """Opens a source on a daemon thread; a job abandoned before it finishes stops what it opened."""

    def __init__(self, make: Callable[[], FrameSource], after: threading.Thread | None) -> None:
        self._make = make
        self._after = after
        self._lock = threading.Lock()
        self._abandoned = False
        self.done = threading.Event()
        self.source: FrameSource | None = None
        self.error: BaseException | None = None
        threading.Thread(target=self._run, name="camera-open", daemon=True).start()

    def _run(self) -> None:
        if self._after is not None:
            self._after.join(5.0)  # let the previous source release the device first
        source: FrameSource | None = None
        error: BaseException | None = None
        try:
            source = self._make()
        except Exception as exc:
            error = exc
        with self._lock:
            self.source, self.error = source, error
            self.done.set()
            abandoned = self._abandoned
        if abandoned and source is not None:
            _safe_stop(source)

    def abandon(self) -> None:
        with self._lock:
            self._abandoned = True
            source = self.source if self.done.is_set() else None
        if source is not None:
            _safe_stop(source)


def _safe_stop(source: FrameSource) -> None:
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
        self._job: _OpenJob | None = None
        self._job_started_at = 0.0
        self._stopping: threading.Thread | None = None
        self._failed_attempts = 0  # failures since the camera was last healthy: picks the backoff delay
        self._attempts = 0  # factory calls since the camera was last healthy
        self._retry_at: float | None = None
        self._reason: str | None = None
        self._detail = ""
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
        """Return why the camera was last lost (a `LOSS_REASONS` key), None while it has been fine."""
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
    def message_key(self) -> str:
        """Return a stable key for translated screen texts: "camera_" + the state value."""
        return f"camera_{self._state.value}"

    @property
    def message(self) -> str:
        """Return an English sentence for the screen: what is wrong and that it is retrying."""
        if self._state is CameraState.STARTING:
            return "Starting the camera…"
        if self._state is CameraState.OK:
            return "The camera is working."
        if self._state is CameraState.RECONNECTING:
            return f"Reconnecting to the camera ({self.name}), attempt {self._attempts}…"
        what = LOSS_REASONS.get(self._reason or "", "stopped working")
        wait = self.retry_in_s
        when = f"in {math.ceil(wait)} s" if wait is not None and wait >= 0.5 else "now"
        return (f"The camera ({self.name}) {what}. Retrying {when}. "
                "If this keeps happening, check the camera's USB cable.")

    def status(self) -> CameraStatus:
        """Return a snapshot of state, message and retry timing."""
        return CameraStatus(self._state, self.message_key, self.message, self._reason, self._detail,
                            self._attempts, self.retry_in_s)

    def start(self) -> None:
        """Open the first source (in the background if so configured). Failures are retried, never raised."""
        if self._running:
            return
        self._running = True
        self._state = CameraState.STARTING
        self._failed_attempts = 0
        self._attempts = 0
        self._reason = None
        self._detail = ""
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
        if self._job is not None:
            if not self._job.done.is_set():
                if now - self._job_started_at >= self.open_timeout_s:  # a factory stuck in the driver
                    self._job.abandon()
                    self._job = None
                    self._mark_lost(now, "open_failed", f"opening took longer than {self.open_timeout_s:g} s")
                return None
            job, self._job = self._job, None
            if job.error is not None or job.source is None:
                self._open_failed(now, job.error)
                return None
            self._opened(now, job.source)
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

    def _attempt(self, now: float) -> None:
        self._attempts += 1
        self._retry_at = None
        log.info("camera %s: opening (attempt %d)", self.name, self._attempts)
        if self._background:
            self._job = _OpenJob(self._make_source, self._stopping)
            self._job_started_at = now
            return
        try:
            source = self._make_source()
        except Exception as exc:
            self._open_failed(now, exc)
        else:
            self._opened(now, source)

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
            detail = str(error)
            self._seen_name = error.camera
        else:
            detail = f"{type(error).__name__}: {error}"
        self._mark_lost(now, "open_failed", detail)

    def _lose(self, now: float, reason: str, detail: str) -> None:
        source, self._source = self._source, None
        if source is not None:
            if self._background:
                self._stopping = threading.Thread(target=_safe_stop, args=(source,), name="camera-stop", daemon=True)
                self._stopping.start()
            else:
                _safe_stop(source)
        self._newest = None
        self._mark_lost(now, reason, detail)

    def _mark_lost(self, now: float, reason: str, detail: str) -> None:
        delay = self.backoff_s[min(self._failed_attempts, len(self.backoff_s) - 1)]
        self._failed_attempts += 1
        self._retry_at = now + delay
        self._state = CameraState.LOST
        self._reason = reason
        self._detail = detail
        log.warning("camera %s lost (%s): %s; retrying in %.1f s", self.name, reason, detail, delay)

    def _read(self, now: float) -> Frame | None:
        source = self._source
        assert source is not None
        try:
            frame = source.latest()
        except CameraError as exc:
            self._lose(now, "error", str(exc))
            return None
        except Exception as exc:  # a source bug must not take the kiosk down
            log.exception("camera %s: unexpected error", self.name)
            self._lose(now, "error", f"{type(exc).__name__}: {exc}")
            return None

        if frame is None or frame.index == self._last_index:
            if self._last_index is None:
                if now - self._opened_at >= self.first_frame_timeout_s:
                    self._lose(now, "no_frames", f"no frame within {self.first_frame_timeout_s:g} s of opening")
                return None
            if now - self._last_new_at >= self.stale_after_s:
                self._lose(now, "stale", f"no new frame for {now - self._last_new_at:.1f} s")
                return None
            return self._newest if self._state is CameraState.OK else None

        digest = _content_hash(frame.rgb)
        if self._last_hash is None or digest != self._last_hash:
            self._last_hash = digest
            self._last_change_at = now
        self._last_index = frame.index
        self._last_new_at = now
        if now - self._last_change_at >= self.freeze_after_s:
            self._lose(now, "frozen", f"identical pictures for {now - self._last_change_at:.1f} s")
            return None
        if self._state is not CameraState.OK:
            log.info("camera %s: ok (%s)", self.name, source.resolution)
            self._state = CameraState.OK
            self._failed_attempts = 0
            self._attempts = 0
            self._reason = None
            self._detail = ""
        self._newest = frame
        return frame


# --------------------------------------------------------------------------------------------------------------------
# Opening sources from a spec
# --------------------------------------------------------------------------------------------------------------------


def find_demo_still() -> Path:
    """Return the bundled demo still `assets/demo/astronaut-studio.jpg` (the assets folder sits next to capture/).

    Falls back to ./assets/demo/ in the current folder; raises `CameraError` if neither exists.
    """
    relative = Path("assets") / "demo" / "astronaut-studio.jpg"
    for base in (Path(__file__).resolve().parents[2], Path.cwd()):
        candidate = base / relative
        if candidate.is_file():
            return candidate
    raise CameraError("demo", "no_demo_still", f"The demo photo {relative} is missing.",
                      "Run the kiosk from the project folder, or pass a photo file as the camera instead of 'demo'.")


def _read_still(path: Path, name: str) -> np.ndarray:
    from capture.errors import PhotoError
    from capture.images import read_photo

    try:
        return read_photo(path).rgb
    except PhotoError as exc:
        raise CameraError(name, "unreadable_image", f"The photo cannot be read ({exc.code}).",
                          exc.advice or "Choose another photo.") from None


def open_source(
    spec: str,
    *,
    width: int = 1280,
    height: int = 720,
    fps: float = 30.0,
    clock: Clock = time.monotonic,
    demo_still: Path | None = None,
) -> FrameSource:
    """Return an unstarted source for `spec`; raise `CameraError` naming the spec if it cannot be one.

    "demo" → the demo still walking in (`DEFAULT_SCRIPT`, sensor noise on); "0", "1", … → webcam by number;
    "/dev/video…" → webcam by device path; a folder → its images in name order; an image file → that photo walking in;
    any other file → a video file played at its own frame rate (or `fps` if it does not say). `width` × `height` px is
    asked of webcams and used for scripted stills; videos and folders keep their own size. Replays loop.
    """
    text = str(spec).strip()
    if not text:
        raise CameraError("(empty camera)", "bad_spec", "No camera was given.", _SPEC_ADVICE)
    if text.lower() == "demo":
        still_path = Path(demo_still) if demo_still is not None else find_demo_still()
        frames: FrameProvider = StillMotionFrames(_read_still(still_path, "demo"), DEFAULT_SCRIPT,
                                                  size=(width, height), fps=fps, noise_sigma=DEMO_NOISE_SIGMA)
        return ReplayCamera(frames, fps=fps, loop=True, clock=clock, name="demo")
    if text.isdigit():
        return DeviceCamera(int(text), width, height, fps, clock=clock)
    if text.startswith("/dev/video"):
        if not Path(text).exists():
            raise CameraError(text, "no_device", "This video device does not exist.",
                              "Plug the webcam in, list the devices with `ls /dev/video*`, or use 'demo'.")
        return DeviceCamera(text, width, height, fps, clock=clock)
    path = Path(text).expanduser()
    if path.is_dir():
        return ReplayCamera(ImageFolderFrames(path), fps=fps, loop=True, clock=clock, name=text)
    if path.is_file():
        if path.suffix.lower() in STILL_SUFFIXES:
            still = StillMotionFrames(_read_still(path, text), DEFAULT_SCRIPT, size=(width, height), fps=fps,
                                      noise_sigma=DEMO_NOISE_SIGMA)
            return ReplayCamera(still, fps=fps, loop=True, clock=clock, name=text)
        video = VideoFileFrames(path)
        return ReplayCamera(video, fps=video.fps or fps, loop=True, clock=clock, name=text)
    raise CameraError(text, "bad_spec",
                      "This is not 'demo', a webcam number, a /dev/video device, or an existing file or folder.",
                      _SPEC_ADVICE)


def first_frame(source: FrameSource, timeout_s: float = 2.0) -> Frame | None:
    """Start `source`, return its first frame within `timeout_s` seconds (real time, counted from before the start)
    or None, and stop it again. CameraError from starting or reading the source propagates."""
    deadline = time.monotonic() + timeout_s
    source.start()
    try:
        while time.monotonic() < deadline:
            frame = source.latest()
            if frame is not None:
                return frame
            time.sleep(0.02)
        return None
    finally:
        source.stop()


def probe_device(index: int = 0, timeout_s: float = 2.0) -> bool:
    """Return True if webcam `index` opens and delivers a frame within `timeout_s` seconds (real time)."""
    try:
        return first_frame(DeviceCamera(index, open_timeout_s=timeout_s), timeout_s) is not None
    except CameraError:
        return False
