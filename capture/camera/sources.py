"""Choosing a camera source from a command-line spec ("demo", "0", "/dev/video2", a video, a photo, a folder), and
checking one quickly (`first_frame`, `probe_device`)."""
from __future__ import annotations

import time
from pathlib import Path

from capture.camera.device import DeviceCamera
from capture.camera.errors import CameraError
from capture.camera.frame import Clock, Frame, FrameProvider, FrameSource
from capture.camera.providers import ImageFolderFrames, VideoFileFrames
from capture.camera.replay import ReplayCamera
from capture.camera.still import DEFAULT_SCRIPT, StillMotionFrames, find_demo_still, read_still

#: Still-image file types `open_source` plays as a scripted still (read with `capture.images.read_photo`).
STILL_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp", ".heic", ".heif", ".tif", ".tiff"})

#: Sensor-noise standard deviation (8-bit levels) that `open_source` gives scripted stills, so that a settled demo
#: subject never produces byte-identical frames (which the supervisor would take for a frozen camera).
DEMO_NOISE_SIGMA = 1.5


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
        raise CameraError("(empty camera)", "bad_spec")
    if text.lower() == "demo":
        still_path = Path(demo_still) if demo_still is not None else find_demo_still()
        return _still_replay(still_path, "demo", (width, height), fps, clock)
    if text.isdigit():
        return DeviceCamera(int(text), width, height, fps, clock=clock)
    if text.startswith("/dev/video"):
        if not Path(text).exists():
            raise CameraError(text, "no_device")
        return DeviceCamera(text, width, height, fps, clock=clock)
    path = Path(text).expanduser()
    if path.is_dir():
        return ReplayCamera(ImageFolderFrames(path), fps=fps, loop=True, clock=clock, name=text)
    if path.is_file():
        if path.suffix.lower() in STILL_SUFFIXES:
            return _still_replay(path, text, (width, height), fps, clock)
        video = VideoFileFrames(path)
        return ReplayCamera(video, fps=video.fps or fps, loop=True, clock=clock, name=text)
    raise CameraError(text, "bad_spec")


def _still_replay(path: Path, name: str, size: tuple[int, int], fps: float, clock: Clock) -> ReplayCamera:
    """Return a looping replay of the photo at `path` walking in (`DEFAULT_SCRIPT`, sensor noise on)."""
    frames: FrameProvider = StillMotionFrames(read_still(path, name), DEFAULT_SCRIPT, size=size, fps=fps,
                                              noise_sigma=DEMO_NOISE_SIGMA)
    return ReplayCamera(frames, fps=fps, loop=True, clock=clock, name=name)


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
