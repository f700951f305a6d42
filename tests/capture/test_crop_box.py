"""light.crop_box: the box around points, widened and clipped, the same as NumPy's floor and ceil give."""
from __future__ import annotations

import numpy as np

from capture.measures.light import crop_box


def _numpy_box(points, shape, margin):
    h, w = shape[:2]
    return (int(max(0, np.floor(points[:, 0].min() - margin))), int(max(0, np.floor(points[:, 1].min() - margin))),
            int(min(w, np.ceil(points[:, 0].max() + margin) + 1)), int(min(h, np.ceil(points[:, 1].max() + margin) + 1)))


def test_the_box_is_numpys_for_float32_and_float64_points_inside_and_beyond_the_frame():
    rng = np.random.default_rng(7)
    for i in range(2000):
        points = (rng.random((36, 2)) * 1100 - 70).astype(np.float32 if i % 2 else np.float64)
        if i % 5 == 0:
            points = np.round(points)  # whole pixels: floor and ceil meet
        margin = (2.0, 3.0, float(rng.random() * 6))[i % 3]
        box = crop_box(points, (540, 960, 3), margin)
        assert box == _numpy_box(points, (540, 960, 3), margin)
        assert all(type(v) is int for v in box)


def test_a_point_that_is_not_a_number_clips_as_before():
    points = np.array([[10.0, 20.0], [np.nan, 40.0]], np.float32)
    assert crop_box(points, (100, 200, 3)) == _numpy_box(points, (100, 200, 3), 2.0)
