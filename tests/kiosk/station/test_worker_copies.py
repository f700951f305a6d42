"""The screen's preview and the analysis share one reduced copy per 1080p frame."""
from __future__ import annotations

import numpy as np

from capture.live import reduced_copy
from kiosk.station.worker import ReducedCopies


def _frame(seed: int, h: int = 1080, w: int = 1920) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)


def test_one_copy_per_frame_shared_by_both_askers():
    copies = ReducedCopies()
    a, b = _frame(1), _frame(2)
    first = copies.of(a)
    assert first.shape == (540, 960, 3) and np.array_equal(first, reduced_copy(a, 2))
    assert copies.of(a) is first and copies.made == 1
    second = copies.of(b)
    assert copies.of(a) is first and copies.of(b) is second and copies.made == 2  # the two newest are kept
    copies.of(_frame(3))
    assert copies.of(a) is not first and copies.made == 4  # the oldest was let go: made again


def test_an_equal_but_different_frame_gets_its_own_copy_and_720p_is_not_copied():
    copies = ReducedCopies()
    a = _frame(1)
    b = a.copy()
    assert copies.of(a) is not copies.of(b) and copies.made == 2
    small = _frame(4, 720, 1280)
    assert copies.of(small) is small and copies.made == 2


def test_the_mirror_is_the_flipped_copy_made_once_and_contiguous():
    copies = ReducedCopies()
    for frame in (_frame(5), _frame(6, 720, 1280)):
        mirror = copies.mirrored(frame)
        assert np.array_equal(mirror, np.fliplr(copies.of(frame))) and mirror.flags.c_contiguous
        assert copies.mirrored(frame) is mirror
    assert copies.made == 1  # the 720p frame is mirrored whole, not copied reduced
