"""The camera-fits-profile rule: exact numbers for the cases the issue names, and the codes all have sentences."""
from __future__ import annotations

import dataclasses

import pytest

from capture.camera_fit import FIT_CODES, camera_fit, distance_band, room_above_px
from kiosk.texts import text
from profiles import get_profile
from profiles.model import Band


def test_320x240_cannot_make_a_chsi_graduation_picture():
    fit = camera_fit(320, 240, get_profile("chsi-graduation"))
    assert (fit.ok, fit.code) == (False, "frame_too_small")
    assert (fit.need_width_px, fit.need_height_px) == (320, 427)  # 480 / 1.5, ceil(640 / 1.5)
    # the distance gate's band is empty too: lower limit 2.1333× above the upper 2.0× (the swinging hint)
    assert (round(fit.distance_min, 4), round(fit.distance_max, 4)) == (2.1333, 2.0)


def test_400x300_makes_a_zikao_hunan_picture_with_a_new_backdrop():
    fit = camera_fit(400, 300, get_profile("zikao-hunan"), replace_backdrop=True)
    assert (fit.ok, fit.code) == (True, "fits")
    assert fit.room_above_px == pytest.approx(26.88)  # 0.14 × 192 rows above the hair may be made up
    assert (fit.need_width_px, fit.need_height_px) == (96, 111)  # 144 / 1.5, ceil((192 − 26.88) / 1.5)
    assert fit.distance_min <= fit.distance_max


def test_backdrop_room_lowers_the_height_needed():
    profile = get_profile("chsi-graduation")
    plain = camera_fit(640, 400, profile)
    replaced = camera_fit(640, 400, profile, replace_backdrop=True)
    assert (plain.need_height_px, plain.code) == (427, "frame_too_small")
    assert (replaced.need_height_px, replaced.room_above_px) == (354, 110.0)  # ceil((640 − 110) / 1.5)
    assert replaced.code == "fits"
    assert room_above_px(profile, False) == 0.0


def test_400x300_with_chsi_graduation_is_too_small_even_with_a_new_backdrop():
    fit = camera_fit(400, 300, get_profile("chsi-graduation"), replace_backdrop=True)
    assert (fit.ok, fit.code, fit.need_height_px) == (False, "frame_too_small", 354)


def test_empty_distance_band_is_its_own_code():
    # the size rule passes (backdrop room), but a head-height band this narrow leaves the distance gate no band:
    # lowest 192/111 × 119.5/120 = 1.7225× above the highest 1.5 × 119.5/119 = 1.5063×
    profile = get_profile("zikao-hunan")
    narrow = dataclasses.replace(profile, composition=dataclasses.replace(profile.composition,
                                                                          head_height=Band(119.0, 120.0)))
    fit = camera_fit(400, 111, narrow, replace_backdrop=True)
    assert (fit.ok, fit.code) == (False, "distance_band_empty")
    assert (round(fit.distance_min, 4), round(fit.distance_max, 4)) == (1.7225, 1.5063)


def test_distance_band_at_720p():
    low, high = distance_band(get_profile("chsi-graduation"), 1280, 720)
    assert (round(low, 4), round(high, 4)) == (0.7111, 2.0)


def test_1280x720_fits_every_shipped_profile():
    from profiles import load_profiles

    assert all(camera_fit(1280, 720, p).ok for p in load_profiles().values())


@pytest.mark.parametrize("code", [c for c in FIT_CODES if c != "fits"])
def test_every_unfit_code_has_an_operator_sentence(code):
    fields = camera_fit(320, 240, get_profile("chsi-graduation")).numbers()
    for lang in ("zh", "en"):
        sentence = text(f"station.camera_unfit_{code}", lang, **fields)
        assert "320x240" in sentence and ("320x427" in sentence or "2.13-2.00" in sentence)
