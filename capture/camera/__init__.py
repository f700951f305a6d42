"""Camera sources for the kiosk: a USB webcam, recorded replays for tests and demos, and a resilient supervisor.

No UI and no sentences here: problems are codes (`CameraError.code`, `CameraSupervisor.code`, all listed in
`codes.CAMERA_CODES`) that kiosk/texts words. Every source hands out `Frame`s (H×W×3 uint8 RGB, not mirrored) through
a non-blocking `latest()`. Time is read from an injectable clock (a callable returning monotonic seconds).

- `frame`: `Frame`, the `FrameSource` and `FrameProvider` protocols.
- `device`: `DeviceCamera`, an OpenCV webcam read on its own daemon thread, keeping only the newest frame.
- `threads`: `BackgroundOpen`, open on a helper thread and give up after a timeout.
- `providers`: recorded frames from a video file (`VideoFileFrames`) or a folder of images (`ImageFolderFrames`).
- `still`: a still photo moved by a script (`StillMotionFrames`, `Keyframe`, `DEFAULT_SCRIPT`), the demo photo.
- `replay`: `ReplayCamera` plays a provider at a fixed fps, pull based and deterministic.
- `supervisor`: `CameraSupervisor` notices a lost, stalled or frozen camera and reconnects with backoff.
- `sources`: `open_source` turns a spec ("demo", "0", "/dev/video2", a file or a folder) into a source.
- `errors`, `codes`: `CameraError` and every code the package hands out.
"""
from __future__ import annotations

from capture.camera.codes import CAMERA_CODES, ERROR_CODES, LOSS_REASONS, STATUS_CODES
from capture.camera.device import DeviceCamera
from capture.camera.errors import CameraError
from capture.camera.frame import Clock, Frame, FrameProvider, FrameSource
from capture.camera.providers import FOLDER_SUFFIXES, ImageFolderFrames, VideoFileFrames
from capture.camera.replay import ReplayCamera
from capture.camera.sources import DEMO_NOISE_SIGMA, STILL_SUFFIXES, first_frame, open_source, probe_device
from capture.camera.still import DEFAULT_SCRIPT, DEMO_STILL, Keyframe, StillMotionFrames, find_demo_still
from capture.camera.supervisor import CameraState, CameraStatus, CameraSupervisor

__all__ = [
    "CAMERA_CODES", "ERROR_CODES", "LOSS_REASONS", "STATUS_CODES",
    "CameraError", "Clock", "Frame", "FrameProvider", "FrameSource",
    "DeviceCamera", "ImageFolderFrames", "VideoFileFrames", "ReplayCamera",
    "DEFAULT_SCRIPT", "DEMO_STILL", "Keyframe", "StillMotionFrames", "find_demo_still",
    "CameraState", "CameraStatus", "CameraSupervisor",
    "DEMO_NOISE_SIGMA", "FOLDER_SUFFIXES", "STILL_SUFFIXES", "first_frame", "open_source", "probe_device",
]
