"""The one place where default thresholds and engine parameters live.

Profiles may override any gate threshold (their `[gates]` table); engine parameters are fixed here.
Units are in the names: `_deg` degrees, `_px` pixels, `_ratio` a share (0..1) of the named reference.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

#: Default gate thresholds. Keys are the only names a profile's `[gates]` table may use.
GATE_DEFAULTS: Mapping[str, float] = MappingProxyType(
    {
        # pose (degrees); ICAO 9303 asks ±5° yaw/pitch, ±8° roll
        "yaw_max_deg": 8.0,
        "pitch_max_deg": 10.0,
        "roll_max_deg": 6.0,
        # shoulders: tilt of the shoulder line (degrees)
        "shoulders_tilt_max_deg": 5.0,
        # eyes: smaller lid opening / eye-midpoint-to-chin distance (OFIQ-style)
        "eyes_open_min_ratio": 0.045,
        # mouth: inner-lip gap / eye-midpoint-to-chin distance
        "mouth_open_max_ratio": 0.05,
        # glare: share of the eye region that is specular (bright, unsaturated)
        "glare_max_ratio": 0.015,
        # tint: eye-region brightness / skin brightness
        "tint_min_ratio": 0.6,
        # lighting: darker cheek / brighter cheek mean luminance
        "lighting_balance_min_ratio": 0.7,
        # exposure: share of face pixels clipped dark or bright
        "exposure_clipped_max_ratio": 0.05,
        # sharpness: variance of Laplacian on the face normalised to a 100 px inter-eye distance
        "sharpness_min": 40.0,
        # background: CIE ΔE2000 from the nearest allowed background colour, and gradient uniformity
        "background_delta_e_max": 12.0,
        "background_gradient_max": 12.0,
        # framing at the kiosk: face width as a share of the frame width
        "distance_min_ratio": 0.18,
        "distance_max_ratio": 0.45,
        # ears: share of expected ear region that looks like skin
        "ears_visible_min_ratio": 0.25,
        # head covering: share of the region above the forehead unlike hair and background
        "head_covering_max_ratio": 0.5,
    }
)


@dataclass(frozen=True)
class EngineSettings:
    """Fixed engine parameters (not per profile)."""

    #: largest factor a photo may be enlarged by when cropping to spec
    max_upscale: float = 1.5
    #: a second face this large relative to the largest (by face width) means "several faces"
    second_face_min_ratio: float = 0.35
    #: decompression-bomb limit for input photos, pixels (width × height)
    max_input_pixels: int = 80_000_000
    #: person-mask probability counted as person
    mask_threshold: float = 0.5
    #: crown fallback when the mask gives no head top: crown = eye_y − k × (chin_y − eye_y)
    crown_from_eye_chin_factor: float = 1.05
    #: the head counts as cut off when the person mask reaches this many px of the top edge above the face
    head_cut_margin_px: int = 2


ENGINE = EngineSettings()
