"""Can a camera's frames make a profile's picture? A rule on the frame size alone, before anyone sits down.

A picture of P_w × P_h px is cut from the frame and enlarged by at most `EngineSettings.max_upscale` (1.5), so the
frame must be at least P_w / 1.5 wide and P_h / 1.5 high. With backdrop replacement (换底, capture/picture.py's
`rebackdrop`) one head height of the new colour is added above the frame, so the rows above the hair need not come
from the camera: at most the profile's largest hair-top band (`composition.hair_top.hi`, picture px) of the height
is then made up. The distance gate (capture/gates/rules.py `distance`) must also have a band to guide into: when
its lower limit lies above its upper one, no distance passes and the hint would swing between "closer" and "back".
The gate itself is asked (on a probe measurement of this frame size), so this check follows it if it changes.

Codes, never sentences: `CameraFit.code` is one of FIT_CODES; kiosk/texts words them ("station.camera_unfit_CODE").
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from capture.faces.head import HeadGeometry
from capture.gates.rules import new_backdrop_room_px
from capture.gates.spec import SPECS_BY_NAME
from capture.measurements import Measurements
from capture.measures.geometry import FramingMeasure
from capture.settings import ENGINE, EngineSettings
from profiles.model import Profile

#: every code `camera_fit` returns: the frame fits, is too small, or leaves the distance gate no band
FIT_CODES = ("fits", "frame_too_small", "distance_band_empty")
#: the size of the probe head (px) the distance gate is asked about; its band does not depend on it
_PROBE_PX = 100.0


@dataclass(frozen=True)
class CameraFit:
    """Whether frames of `frame_width_px` × `frame_height_px` can make the profile's picture, with the numbers."""

    ok: bool
    code: str  # one of FIT_CODES
    profile_id: str
    frame_width_px: int
    frame_height_px: int
    need_width_px: int  # the narrowest frame that can make the picture, px
    need_height_px: int  # the lowest frame that can make the picture, px (less with backdrop replacement)
    room_above_px: float  # picture rows above the hair that backdrop replacement may make up (0 without it), px
    max_upscale: float  # the largest enlargement allowed, ×
    distance_min: float  # the distance gate's band: lowest enlargement it accepts at this frame size, ×
    distance_max: float  # ... and the highest, ×
    replace_backdrop: bool

    def to_dict(self) -> dict:
        """Return the JSON form (every field, floats rounded to 4 decimals)."""
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(self).items()}

    def numbers(self) -> dict[str, object]:
        """Return the fields a sentence or a log line names: frame, need, distance band (as texts)."""
        return {"profile": self.profile_id, "frame": f"{self.frame_width_px}x{self.frame_height_px}",
                "need": f"{self.need_width_px}x{self.need_height_px}",
                "band": f"{self.distance_min:.2f}-{self.distance_max:.2f}"}


def room_above_px(profile: Profile, replace_backdrop: bool) -> float:
    """Return how many picture rows above the hair backdrop replacement can make up (0 without it), px
    (capture/gates/rules.py `new_backdrop_room_px`, the rule the distance gate uses too)."""
    return new_backdrop_room_px(profile) if replace_backdrop else 0.0


def distance_band(profile: Profile, frame_width_px: int, frame_height_px: int,
                  settings: EngineSettings = ENGINE) -> tuple[float, float]:
    """Return the distance gate's band (lowest, highest enlargement, ×) at this frame size, from the gate itself."""
    head = HeadGeometry(eye_y=_PROBE_PX, eye_mid_x=_PROBE_PX, face_centre_x=_PROBE_PX, face_width=_PROBE_PX,
                        chin_y=2 * _PROBE_PX, crown_y=_PROBE_PX, crown_from_mask=True, head_cut_off=False)
    framing = FramingMeasure(face_count=1, second_face_ratio=0.0, face_box=(0.0, 0.0, _PROBE_PX, _PROBE_PX),
                             inter_eye_px=_PROBE_PX / 2, face_width_px=_PROBE_PX, centre_offset_ratio=0.0,
                             head_margin_px=_PROBE_PX, head_cut_off=False)
    probe = Measurements(frame_width=frame_width_px, frame_height=frame_height_px, head=head, framing=framing)
    low, high = SPECS_BY_NAME["distance"].judge(probe, profile, settings).threshold  # type: ignore[misc]
    return float(low), float(high)


def camera_fit(frame_width_px: int, frame_height_px: int, profile: Profile, replace_backdrop: bool = False,
               settings: EngineSettings = ENGINE) -> CameraFit:
    """Return the CameraFit of frames `frame_width_px` × `frame_height_px` for `profile` (with or without backdrop
    replacement): ok only when the frame reaches the picture's size ÷ max_upscale in both directions (height less
    the room replacement makes up) and the distance gate's band is not empty."""
    up = settings.max_upscale
    room = room_above_px(profile, replace_backdrop)
    need_w = math.ceil(profile.width_px / up - 1e-9)
    need_h = math.ceil((profile.height_px - room) / up - 1e-9)
    low, high = distance_band(profile, frame_width_px, frame_height_px, settings)
    if frame_width_px < need_w or frame_height_px < need_h:
        code = "frame_too_small"
    elif low > high:
        code = "distance_band_empty"
    else:
        code = "fits"
    return CameraFit(code == "fits", code, profile.id, frame_width_px, frame_height_px, need_w, need_h, room, up,
                     low, high, replace_backdrop)
