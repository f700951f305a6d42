"""Putting a person on a plain backdrop with the person mask: used for demo frames and test perturbations."""
from __future__ import annotations

import numpy as np
from PIL import Image


def place_on_backdrop(
    rgb: np.ndarray,
    mask: np.ndarray,
    canvas_wh: tuple[int, int],
    colour: tuple[int, int, int],
    scale: float = 1.0,
    offset_xy: tuple[int, int] | None = None,
) -> np.ndarray:
    """Return a canvas_wh (W, H) uint8 RGB image of plain `colour` with the person of `rgb` pasted on it.

    `mask` is the person probability (H×W, 0..1) of `rgb`; the person is resized by `scale` and placed with its
    top-left corner at `offset_xy` px (default: centred horizontally, standing on the bottom edge).
    """
    h, w = rgb.shape[:2]
    size = max(1, round(w * scale)), max(1, round(h * scale))
    person = np.asarray(Image.fromarray(rgb).resize(size, Image.Resampling.LANCZOS), dtype=np.float32)
    alpha_img = Image.fromarray(np.clip(mask * 255, 0, 255).astype(np.uint8)).resize(size, Image.Resampling.BILINEAR)
    alpha = np.asarray(alpha_img, dtype=np.float32)[..., None] / 255
    cw, ch = canvas_wh
    canvas = np.empty((ch, cw, 3), np.float32)
    canvas[:] = colour
    x0, y0 = offset_xy if offset_xy is not None else ((cw - size[0]) // 2, ch - size[1])
    # the part of the person that lands on the canvas
    sx0, sy0 = max(0, -x0), max(0, -y0)
    dx0, dy0 = max(0, x0), max(0, y0)
    dx1, dy1 = min(cw, x0 + size[0]), min(ch, y0 + size[1])
    if dx1 > dx0 and dy1 > dy0:
        src = (slice(sy0, sy0 + dy1 - dy0), slice(sx0, sx0 + dx1 - dx0))
        region = canvas[dy0:dy1, dx0:dx1]
        region[:] = region * (1 - alpha[src]) + person[src] * alpha[src]
    return np.clip(canvas + 0.5, 0, 255).astype(np.uint8)
