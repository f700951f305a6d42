"""Drawings over pictures for people: the profile's bands and where the head measured, as a Pillow image."""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from capture.compose import PlannedLayout
from profiles.model import Profile

BAND_COLOURS = {"hair_top": (230, 60, 60), "eye_line": (40, 200, 80), "face_width": (250, 170, 30)}


def draw_bands(rgb: np.ndarray, profile: Profile, layout: PlannedLayout | None = None, ruler_px: int = 14) -> Image.Image:
    """Return a copy of picture `rgb` with the profile's bands as rulers on the edges and `layout` marked.

    Hair-top and eye-line bands are drawn as bars on the left edge, the face-width band along the bottom;
    measured positions (layout) are thin lines across the picture in the same colours.
    """
    image = Image.fromarray(rgb).convert("RGB")
    draw = ImageDraw.Draw(image, "RGBA")
    w, h = image.size
    comp = profile.composition
    for name, band in (("hair_top", comp.hair_top), ("eye_line", comp.eye_line)):
        if band is not None:
            draw.rectangle((0, band.lo, ruler_px, band.hi), fill=BAND_COLOURS[name] + (200,))
    if comp.face_width is not None:
        cx = w / 2
        fw = comp.face_width
        draw.rectangle((cx - fw.hi / 2, h - ruler_px, cx + fw.hi / 2, h - 1), fill=BAND_COLOURS["face_width"] + (90,))
        draw.rectangle((cx - fw.lo / 2, h - ruler_px, cx + fw.lo / 2, h - 1), fill=BAND_COLOURS["face_width"] + (200,))
    if layout is not None:
        for name, y in (("hair_top", layout.hair_top), ("eye_line", layout.eye_line)):
            draw.line((0, y, w, y), fill=BAND_COLOURS[name] + (230,), width=1)
        half = layout.face_width / 2
        y = h - ruler_px - 3
        draw.line((layout.face_centre_x - half, y, layout.face_centre_x + half, y), fill=BAND_COLOURS["face_width"] + (255,), width=3)
    return image
