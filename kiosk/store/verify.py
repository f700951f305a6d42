"""The file check every picture passes before it is filed or exported: the profile's pixels, dpi, KB and format."""
from __future__ import annotations

from capture.encode import KbWindow, verify_picture
from profiles.model import Profile


def verify_for_profile(data: bytes, profile: Profile) -> list[str]:
    """Return the file-level problems of `data` under `profile` (empty list: fine)."""
    return verify_picture(data, width_px=profile.width_px, height_px=profile.height_px, dpi=profile.dpi,
                          window=KbWindow(profile.kb_min, profile.kb_max))
