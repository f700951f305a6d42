"""Every code the camera package hands out, declared once: kiosk/texts/camera.py words each of them
(`camera.CODE`, in Chinese and English), and a test checks that none is missing."""
from __future__ import annotations

#: `CameraError.code` values, with the `fields` each one carries.
ERROR_CODES: tuple[str, ...] = (
    "bad_spec",  # the camera spec is not 'demo', a number, a /dev/video device, a file or a folder
    "no_device",  # /dev/video… does not exist
    "open_timeout",  # the webcam did not open in time; fields: timeout_s
    "open_failed",  # the webcam would not open
    "read_failed",  # the webcam stopped delivering pictures; fields: failures
    "not_found",  # the video file or image folder does not exist
    "unreadable_video",  # the video file cannot be decoded
    "no_images",  # the image folder holds no images
    "unreadable_image",  # a photo played as a camera cannot be read; fields: photo_code
    "unreadable_frame",  # one image of a folder cannot be read; fields: file, photo_code
    "empty",  # a recording with no frames
    "bad_frame",  # a recording's frame is not H×W×3 uint8 RGB; fields: index, shape
    "no_demo_still",  # the bundled demo photo is missing
)

#: Why the supervisor last lost the camera (`CameraSupervisor.reason`).
LOSS_REASONS: tuple[str, ...] = ("error", "stale", "frozen", "no_frames", "open_failed")

#: `CameraSupervisor.code` values: one per state, and one per loss reason while lost. Fields: camera, attempt,
#: retry_s (whole seconds until the next attempt), seconds (how long the problem lasted).
STATUS_CODES: tuple[str, ...] = ("starting", "ok", "reconnecting") + tuple(f"lost_{r}" for r in LOSS_REASONS)

#: Codes the kiosk itself reports about the camera (kiosk/commands): the kiosk fell back to the demo camera.
KIOSK_CODES: tuple[str, ...] = ("no_webcam_demo",)

#: Every camera code that needs a sentence in kiosk/texts/camera.py.
CAMERA_CODES: tuple[str, ...] = ERROR_CODES + STATUS_CODES + KIOSK_CODES
