"""What a screen needs to draw, assembled by the app each frame (screens decide nothing)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from capture.compose import PlannedLayout
from kiosk.station.flow import State
from kiosk.station.guidance import GuidanceView
from profiles.model import Profile


@dataclass(frozen=True)
class PictureFacts:
    """The filed picture's facts for the review screen."""

    width_px: int
    height_px: int
    kb: float
    dpi: int
    backdrop_replaced: str | None = None  # the profile colour's name when the backdrop was replaced (换底)


@dataclass
class ViewModel:
    state: State
    lang: str
    profile: Profile
    preview: np.ndarray | None = None  # the camera frame, already mirrored for display (H×W×3 RGB)
    guidance: GuidanceView | None = None
    countdown_left_s: float | None = None
    picture: np.ndarray | None = None  # the picture as it will be filed (H×W×3 RGB)
    layout: PlannedLayout | None = None  # where the head sits in the picture, px
    facts: PictureFacts | None = None
    identity: str = ""
    identity_error: bool = False
    identity_reason: Exception | None = None  # the IdentityError refusing the typed number (kiosk/ui words it)
    camera: str = "ok"  # "ok" | "starting" | "lost" | "reconnecting"
    error: str | None = None  # the error screen's sentence as a kiosk.texts key ("station.filing_refused")
    error_fields: dict = field(default_factory=dict)  # the facts that sentence names
    making: bool = False  # a capture is being made into a picture
    saved_name: str = ""
    identity_shown: str = ""  # the number being filed as a public screen shows it (ID numbers masked)
    letter_keys: bool = False  # the identify keypad shows letters (the accepted patterns allow them)
    privacy_key: str = "idle_privacy"  # the idle screen's privacy notice (kiosk.texts key): on this station / the hall's server
    staff_notice: tuple[str, dict] | None = None  # a staff strip: (kiosk.texts key, its fields), e.g. a soft camera
    wrong_number: bool = False  # the review screen offers "wrong number" (the number was typed or scanned here)


def portrait_window(frame_wh: tuple[int, int], aspect: float) -> tuple[int, int, int, int]:
    """Return (left, top, width, height) px of the widest window of `aspect` (w/h) centred in the frame."""
    fw, fh = frame_wh
    h = fh
    w = int(round(h * aspect))
    if w > fw:
        w = fw
        h = int(round(w / aspect))
    return (fw - w) // 2, (fh - h) // 2, w, h
