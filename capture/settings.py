"""The engine's fixed parameters (the same for every profile).

Gate thresholds are not here: their defaults are data in profiles/defaults.toml, and a profile may override them
(its `[gates]` table). Units are in the names: `_deg` degrees, `_px` pixels, `_ratio` a share (0..1) of the named
reference.
"""
from __future__ import annotations

from dataclasses import dataclass


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
    #: the head box for framing is the face width widened by this share on each side of the face centre (ears, hair)
    head_side_margin_ratio: float = 0.7
    #: backdrop replacement works on the photo shrunk so the face is at most this many picture widths wide (the
    #: picture's face is about half its width, so this still leaves 3× the detail the picture can show)
    rebackdrop_face_width_per_picture_width: float = 1.5
    #: the body-pose model runs only when the frame reaches at least this many face widths below the chin: with
    #: less, no shoulder can be in the picture (the dev set's closest visible shoulders: 0.34 face widths)
    shoulders_min_room_below_chin: float = 0.25
    #: live kiosk: every n-th analysed frame gets the full analysis (person mask, backdrop, ears, head covering,
    #: shoulders, light, lens glare/tint, teeth) and may become the picture; frames in between re-measure only what
    #: moves fast (position, size, pose, lids, lips, focus) and carry the rest over. At the ~20 analysed frames/s of
    #: a 2-core PC, 8 is a full analysis every 0.4 s.
    live_full_every: int = 8
    #: live kiosk: on the frames between full analyses, focus is measured on every n-th and carried over from the
    #: frame before on the rest (at 2: a value at most one analysed frame old, ~50 ms; guidance's hysteresis is
    #: 150–350 ms). Fully analysed frames, the only ones that may become the picture, always measure their own.
    live_focus_every: int = 2
    #: live kiosk: the body-pose model (shoulder points, ~30 ms) runs on every n-th full analysis (~5 s); in between
    #: its points move with the face, and the shoulder line itself is re-read from each new person mask
    live_body_pose_every: int = 12


ENGINE = EngineSettings()
