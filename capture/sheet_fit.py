"""One picture made into one printed copy: cut to the print's aspect around the face, then resized (never
stretched) to the print's size in pixels at the sheet's dpi."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image


@dataclass(frozen=True)
class FittedCopy:
    """A copy ready for the sheet: `image` is exactly the print's size; `crop` the (left, top, right, bottom) box of
    the picture it shows, float px; `enlargement` print px per picture px (above 1 means the picture is enlarged)."""

    image: Image.Image
    crop: tuple[float, float, float, float]
    enlargement: float


def face_centre(analyzer, rgb: np.ndarray) -> tuple[float, float] | None:
    """Return the centre (x, y) px of the largest face `analyzer` (a StillAnalyzer) finds in `rgb`, or None."""
    faces = analyzer.faces(rgb)
    if not faces:
        return None
    left, top, right, bottom = faces[0].box
    return (left + right) / 2, (top + bottom) / 2


def crop_box(width: int, height: int, aspect: float,
             centre: tuple[float, float] | None = None) -> tuple[float, float, float, float]:
    """Return the largest (left, top, right, bottom) box, float px, of a `width`×`height` picture whose
    width/height is `aspect`, placed around `centre` (default the picture's centre).

    Horizontally the box is centred on the face as far as the picture allows; vertically the face keeps its share
    of the height (a face 40 % down the picture is 40 % down the box), so a composed ID picture keeps its room above
    the hair and below the chin.
    """
    cx, cy = centre if centre is not None else (width / 2, height / 2)
    if width / height > aspect:
        box_w, box_h = height * aspect, float(height)
    else:
        box_w, box_h = float(width), width / aspect
    left = min(max(cx - box_w / 2, 0.0), width - box_w)
    share = min(max(cy / height, 0.0), 1.0)
    top = min(max(cy - box_h * share, 0.0), height - box_h)
    return left, top, left + box_w, top + box_h


def fit_copy(rgb: np.ndarray, print_width_px: int, print_height_px: int,
             centre: tuple[float, float] | None = None) -> FittedCopy:
    """Return the FittedCopy of picture `rgb` (H×W×3 uint8) for a print of `print_width_px`×`print_height_px`:
    the crop_box at the print's aspect around `centre`, resized with Lanczos (the same scale both ways)."""
    height, width = rgb.shape[:2]
    box = crop_box(width, height, print_width_px / print_height_px, centre)
    image = Image.fromarray(rgb).resize((print_width_px, print_height_px), Image.Resampling.LANCZOS, box=box)
    return FittedCopy(image, box, print_width_px / (box[2] - box[0]))
