"""srgb_to_lab converts every layout pixel by pixel: an image, a list of pixels, a column, one colour give the same
values as OpenCV's conversion of each pixel alone."""
from __future__ import annotations

import cv2
import numpy as np
from skimage import data

from capture.measures.colour import srgb_to_lab


def _one_by_one(pixels: np.ndarray) -> np.ndarray:
    """Return L*a*b* of an (N, 3) array converted as N one-pixel rows (the layout srgb_to_lab used to use)."""
    unit = np.clip((pixels.astype(np.float32) / np.float32(255.0)).reshape(-1, 1, 3), 0.0, 1.0)
    return cv2.cvtColor(unit, cv2.COLOR_RGB2LAB).reshape(-1, 3)


def test_every_layout_gives_each_pixels_own_values():
    face = np.ascontiguousarray(data.astronaut()[60:163, 170:291])  # 103×121: no whole number of SIMD blocks
    expected = _one_by_one(face.reshape(-1, 3))
    image = srgb_to_lab(face)
    assert image.shape == face.shape and image.dtype == np.float32
    assert np.array_equal(image.reshape(-1, 3), expected)
    assert np.array_equal(srgb_to_lab(face.reshape(-1, 3)), expected)
    assert np.array_equal(srgb_to_lab(face.reshape(-1, 1, 3)).reshape(-1, 3), expected)
    assert np.array_equal(srgb_to_lab(face[::2, ::2]).reshape(-1, 3), _one_by_one(face[::2, ::2].reshape(-1, 3)))
    colour = np.array([100.0, 197.0, 255.0])
    assert np.array_equal(srgb_to_lab(colour), _one_by_one(colour[None])[0])


def test_white_and_black_are_the_ends_of_lightness():
    lab = srgb_to_lab(np.array([[255, 255, 255], [0, 0, 0]], np.uint8))
    assert lab[0, 0] == np.float32(100.0) and lab[1, 0] == np.float32(0.0)
    assert np.all(np.abs(lab[:, 1:]) < 1e-3)
