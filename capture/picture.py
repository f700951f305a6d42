"""Frame → picture: find the head, plan the crop, resize, encode inside the KB window, verify, write atomically."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from capture.analyzer import FoundHead, StillAnalyzer
from capture.compose import CropBox, PlannedLayout, layout_of, plan_crop
from capture.encode import EncodedPicture, KbWindow, encode_to_window, verify_picture, write_atomic
from capture.errors import PhotoError
from capture.images import read_photo
from profiles.model import Profile


@dataclass(frozen=True)
class Picture:
    """A spec-compliant picture in memory: the JPEG bytes and how they were made."""

    data: bytes
    rgb: np.ndarray  # the resized picture before encoding, H×W×3 uint8
    profile_id: str
    crop: CropBox
    layout: PlannedLayout  # where the head was planned to land, output px
    encoded: EncodedPicture
    found: FoundHead

    @property
    def size_kb(self) -> float:
        """Return the file size in KiB (1024 bytes)."""
        return len(self.data) / 1024


def kb_window(profile: Profile) -> KbWindow:
    """Return the profile's KB window."""
    return KbWindow(profile.kb_min, profile.kb_max)


def render_crop(rgb: np.ndarray, crop: CropBox) -> np.ndarray:
    """Return the crop of `rgb` resized to the output size with a Lanczos filter (H×W×3 uint8)."""
    image = Image.fromarray(rgb)
    out = image.resize((crop.out_width, crop.out_height), Image.Resampling.LANCZOS, box=crop.as_box(), reducing_gap=3.0)
    return np.asarray(out.convert("RGB"))


def make_picture(rgb: np.ndarray, profile: Profile, analyzer: StillAnalyzer, file: str = "<image>") -> Picture:
    """Return the Picture for frame `rgb` under `profile`; raise PhotoError with the reason when it cannot be made."""
    h, w = rgb.shape[:2]
    found = analyzer.find_head(rgb, file)
    crop = plan_crop(found.head, profile, w, h, analyzer.settings.max_upscale, file)
    out = render_crop(rgb, crop)
    window = kb_window(profile)
    try:
        encoded = encode_to_window(out, dpi=profile.dpi, window=window, quality_min=profile.quality_min)
    except PhotoError as exc:
        raise exc.with_file(file) from None
    problems = verify_picture(encoded.data, width_px=profile.width_px, height_px=profile.height_px, dpi=profile.dpi, window=window)
    if problems:
        raise PhotoError(file, "verify_failed", "the encoded picture failed its own check: " + "; ".join(problems), "Please report this.")
    return Picture(encoded.data, out, profile.id, crop, layout_of(found.head, crop), encoded, found)


def make_file(src: str | Path, dst: str | Path, profile: Profile, analyzer: StillAnalyzer) -> Picture:
    """Read photo `src`, make its picture under `profile`, write it atomically to `dst` (mode 0600); return it."""
    photo = read_photo(src, matte_rgb=profile.backgrounds[0].rgb, max_pixels=analyzer.settings.max_input_pixels)
    picture = make_picture(photo.rgb, profile, analyzer, str(src))
    dst = Path(dst)
    try:
        dst.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(dst, picture.data)
    except OSError as exc:
        raise PhotoError(dst, "write_failed", f"the picture could not be written ({exc.strerror or exc}).",
                         "Check that the output folder exists, is writable and has free space.") from None
    return picture
