"""Ears: Grace Hopper on a plain backdrop shows both ears; hair-coloured patches over one or both ears, and the
astronaut's bob, hide them."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from capture.measures.ears import measure_ears
from profiles.defaults import GATE_DEFAULTS

EARS_MIN = GATE_DEFAULTS["ears_visible_min_ratio"]
GREY = (200, 200, 200)
HAIR = (62, 40, 24)  # dark brown


def paint_hair(analyzer, rgb: np.ndarray, sides: tuple[int, ...]) -> np.ndarray:
    """Return `rgb` with a hair-coloured lock over the ear on each side in `sides` (−1 image left, +1 right): an
    ellipse from above the eye line down beside the jaw, as hair hanging over the ear does."""
    ctx = analyzer.context(rgb)
    face, fw = ctx.face, ctx.face.face_width_px
    out = rgb.copy()
    cy = (face.eye_mid[1] + face.xy(152)[1]) / 2
    for index, side in ((234, -1), (454, 1)):
        if side in sides:
            cx = face.xy(index)[0] + side * 0.1 * fw
            cv2.ellipse(out, (int(cx), int(cy)), (int(0.12 * fw), int(0.45 * fw)), 0, 0, 360, HAIR, -1)
    return out


@pytest.fixture(scope="module")
def grace_plain(studio) -> np.ndarray:
    return studio("grace", GREY)


def test_both_ears_in_sight_pass(analyzer, grace_plain):
    """Grace Hopper's short hair leaves both ears clear."""
    m = measure_ears(analyzer.context(grace_plain))
    assert m.right_visible_ratio >= EARS_MIN and m.left_visible_ratio >= EARS_MIN
    assert m.min_visible_ratio == min(m.right_visible_ratio, m.left_visible_ratio) >= EARS_MIN
    assert m.turn_penalty == 0.0


@pytest.mark.parametrize("sides", [(-1, 1), (-1,), (1,)], ids=["both", "image-left", "image-right"])
def test_hair_over_an_ear_fails(analyzer, grace_plain, sides):
    """Hair over both ears, or over one (partial: not good enough where both must show), fails; the other ear keeps
    its reading."""
    clear = measure_ears(analyzer.context(grace_plain))
    m = measure_ears(analyzer.context(paint_hair(analyzer, grace_plain, sides)))
    assert m.min_visible_ratio < EARS_MIN
    right_covered, left_covered = -1 in sides, 1 in sides  # the subject's right ear is on the image's left
    assert (m.right_visible_ratio < EARS_MIN) == right_covered
    assert (m.left_visible_ratio < EARS_MIN) == left_covered
    if right_covered:
        assert m.right_ear_hair_ratio > 0.7 and m.right_visible_ratio < clear.right_visible_ratio - 0.3
    if left_covered:
        assert m.left_ear_hair_ratio > 0.7 and m.left_visible_ratio < clear.left_visible_ratio - 0.3


def test_astronauts_bob_covers_her_ears(analyzer, astronaut_framed):
    """Her bob hangs over the upper two thirds of both ears and down beside her jaw: covered."""
    m = measure_ears(analyzer.context(astronaut_framed))
    assert m.min_visible_ratio < EARS_MIN


def test_ears_visible_ratios_are_shares(analyzer, grace_framed, astronaut_framed, grace_plain):
    for rgb in (grace_framed, astronaut_framed, grace_plain):
        m = measure_ears(analyzer.context(rgb))
        for value in (m.right_visible_ratio, m.left_visible_ratio, m.right_ear_hair_ratio, m.left_jaw_hair_ratio):
            assert 0.0 <= value <= 1.0
        assert m.min_visible_ratio <= min(m.right_visible_ratio, m.left_visible_ratio)

