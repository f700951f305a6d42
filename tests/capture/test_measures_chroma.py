"""The colour measure on a real packaged face: colour reads high, greyscale and near-greyscale read low, and the
colour gate of a colour profile passes and fails them exactly."""
from __future__ import annotations

import numpy as np
import pytest

from capture.gates import SPECS_BY_NAME
from capture.measurements import Measurements
from capture.measures.chroma import measure_chroma


def _grey(rgb: np.ndarray) -> np.ndarray:
    luma = (rgb.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32))[..., None]
    return np.repeat(luma, 3, axis=2)


def _faded(rgb: np.ndarray, keep: float) -> np.ndarray:
    """Return `rgb` with only `keep` (0..1) of its colour left: RGB whose chroma is tiny everywhere."""
    grey = _grey(rgb)
    return np.clip(grey + keep * (rgb.astype(np.float32) - grey) + 0.5, 0, 255).astype(np.uint8)


@pytest.mark.parametrize(("keep", "colour"), [(1.0, True), (0.5, True), (0.05, False), (0.0, False)])
def test_the_colour_gate_tells_colour_from_greyscale(astronaut_framed, analyzer, all_profiles, keep, colour):
    rgb = _faded(astronaut_framed, keep)
    ctx = analyzer.context(rgb)
    chroma = measure_chroma(ctx)
    m = Measurements(frame_width=ctx.width, frame_height=ctx.height, chroma=chroma)
    result = SPECS_BY_NAME["colour"].judge(m, all_profiles["chsi-graduation"], None)
    assert result.ok is colour and chroma.pixels > 1000
    if keep == 0.0:
        assert chroma.face_chroma < 0.5
    if keep == 1.0:
        assert chroma.face_chroma > 10
