"""Sharpness judged at the picture's scale, and the blur direction that tells a moving person from a soft camera."""
from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from capture.gates import evaluate
from capture.gates.rules import picture_ied_px
from capture.measures.sharpness import LADDER_IED_PX, WORK_IED_PX, SharpnessMeasure

LIGHT_BLUE = (100, 197, 255)


def _measure(laplacian: tuple[float, ...]) -> SharpnessMeasure:
    return SharpnessMeasure(laplacian[0], 0.0, 0.5, 1000, ladder=laplacian)


def test_at_ied_reads_the_ladder_in_log_log_terms():
    m = _measure((10.0, 20.0, 40.0))
    assert LADDER_IED_PX == (50.0, 35.0, 25.0)
    assert m.at_ied(60.0) == 10.0  # a picture at least the working scale: the value as measured there
    assert m.at_ied(50.0) == 10.0
    assert m.at_ied(35.0) == pytest.approx(20.0)
    assert m.at_ied(math.sqrt(35.0 * 25.0)) == pytest.approx(math.sqrt(20.0 * 40.0))  # midway in log terms
    assert m.at_ied(10.0) == 40.0  # below the last rung: its value, never more
    assert m.frame_ied_px == WORK_IED_PX / 0.5


@pytest.fixture(scope="module")
def checker():
    from capture.check import StillChecker

    with StillChecker() as c:
        yield c


@pytest.fixture(scope="module")
def small_frame(studio) -> np.ndarray:
    """The astronaut on a light-blue backdrop reduced to a webcam-sized 430×400 frame (inter-eye distance ≈ 27 px)."""
    return cv2.resize(studio("astronaut_closed", LIGHT_BLUE), (430, 400), interpolation=cv2.INTER_AREA)


@pytest.fixture(scope="module")
def base(studio) -> np.ndarray:
    return studio("astronaut_closed", LIGHT_BLUE)


def test_a_small_picture_is_judged_at_its_own_scale(checker, base, all_profiles):
    """The zikao-hunan picture (144×192) shows the face at about 31 px between the eyes: the gate reads the ladder
    there; the chsi-graduation picture is larger than the working scale: the 50 px value, as before."""
    _, m = checker.measure(base)
    small, large = all_profiles["zikao-hunan"], all_profiles["chsi-graduation"]
    ied = picture_ied_px(m, small)
    assert 25.0 < ied < 40.0
    assert picture_ied_px(m, large) > WORK_IED_PX
    assert evaluate(m, large)["sharpness"].value == pytest.approx(m.sharpness.laplacian_var)
    assert evaluate(m, small)["sharpness"].value == pytest.approx(m.sharpness.at_ied(ied))
    assert m.sharpness.at_ied(ied) > m.sharpness.laplacian_var  # a reduced copy looks sharper


@pytest.mark.parametrize("blur, passes", [(0.0, True), (0.03, False), (0.05, False)])
def test_soft_pictures_are_still_refused(checker, base, all_profiles, blur, passes):
    """Blur of `blur` × face width (0.03 ≈ 2 px in the 144×192 picture) fails the gate at the picture's scale."""
    profile = all_profiles["zikao-hunan"]
    _, m = checker.measure(base)
    rgb = cv2.GaussianBlur(base, (0, 0), blur * m.framing.face_width_px) if blur else base
    _, m = checker.measure(rgb)
    assert evaluate(m, profile)["sharpness"].ok is passes


def test_the_live_value_is_the_made_pictures_value(checker, analyzer, small_frame, all_profiles):
    """What the gate reads on the frame is what `idphoto check` reads on the picture made from it (within 20 %)."""
    from capture.picture import make_picture

    profile = all_profiles["zikao-hunan"]
    _, m = checker.measure(small_frame)
    on_frame = evaluate(m, profile)["sharpness"].value
    picture = make_picture(small_frame, profile, analyzer, "<frame>", None)
    _, pm = checker.measure(picture.rgb)
    on_picture = evaluate(pm, profile)["sharpness"].value
    assert on_picture == pytest.approx(on_frame, rel=0.2)


def test_motion_smear_is_directional_and_lens_blur_is_not(checker, base):
    """A horizontal smear over 0.08 × face width raises the gradients' coherence well above a round blur that
    softens the face as much."""
    _, m = checker.measure(base)
    n = int(round(0.08 * m.framing.face_width_px)) | 1
    kernel = np.zeros((n, n), np.float32)
    kernel[n // 2, :] = 1.0 / n
    smeared = cv2.filter2D(base, -1, kernel)
    _, ms = checker.measure(smeared)
    _, mr = checker.measure(cv2.GaussianBlur(base, (0, 0), 0.02 * m.framing.face_width_px))
    assert ms.sharpness.anisotropy > mr.sharpness.anisotropy + 0.15, (ms.sharpness.anisotropy, mr.sharpness.anisotropy)
    assert mr.sharpness.anisotropy < 0.3
