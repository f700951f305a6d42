"""The still-photo pipeline on real packaged faces: exact size, KB window, DPI and head bands for every profile."""
from __future__ import annotations

import io
import re

import numpy as np
import pytest
from PIL import Image

from capture.compose import measured_layout
from capture.encode import KbWindow
from capture.errors import PHOTO_CODES, PhotoError
from capture.picture import make_picture
from kiosk.texts import error_text
from tests.conftest import astronaut, enlarge, grace_hopper, pad_edges

CJK = re.compile(r"[\u4e00-\u9fff]")

PROFILE_IDS = [
    "chsi-graduation", "chsi-collection-code", "neea-exam", "zikao-hunan", "zikao-guangdong", "zikao-sichuan",
    "chengkao-henan", "kaoyan", "teacher-cert", "putonghua", "id-card", "social-security", "driving-licence",
    "cn-passport", "icao",
]
#: measurement noise allowed when re-finding the head on the small output picture, px
SLACK_PX = 2.0


#: Grace Hopper's detailed face and uniform cannot fit GA 461's 14–20 KB at its quality floor 70 (22 KB at best)
CASES = [(p, f) for p in PROFILE_IDS for f in ("grace", "astronaut") if (p, f) != ("id-card", "grace")]


@pytest.mark.parametrize(("profile_id", "face_name"), CASES)
def test_picture_meets_profile(profile_id, face_name, studio, analyzer, all_profiles):
    """A subject in front of the profile's backdrop gives a picture inside every rule of the profile."""
    profile = all_profiles[profile_id]
    picture = make_picture(studio(face_name, profile.backgrounds[0].rgb), profile, analyzer, face_name)
    _assert_meets(picture, profile, analyzer)


@pytest.mark.parametrize("face_name", ["grace", "astronaut"])
def test_natural_background_photo_meets_default_profile(face_name, faces, analyzer, all_profiles):
    """An ordinary photo (busy background, edges repeated for room) still crops and encodes to the default spec."""
    profile = all_profiles["chsi-graduation"]
    _assert_meets(make_picture(faces[face_name], profile, analyzer, face_name), profile, analyzer)


def _assert_meets(picture, profile, analyzer) -> None:

    decoded = Image.open(io.BytesIO(picture.data))
    assert decoded.format == "JPEG" and decoded.mode == "RGB"
    assert decoded.size == (profile.width_px, profile.height_px)
    assert tuple(round(v) for v in decoded.info["dpi"]) == (profile.dpi, profile.dpi)
    assert KbWindow(profile.kb_min, profile.kb_max).contains(len(picture.data))
    assert picture.encoded.quality >= profile.quality_min

    found = analyzer.find_head(np.asarray(decoded), "output")
    lay = measured_layout(found.head, profile.width_px, profile.height_px)
    comp = profile.composition
    checks = [("hair_top", lay.hair_top, comp.hair_top), ("eye_line", lay.eye_line, comp.eye_line),
              ("face_width", lay.face_width, comp.face_width), ("head_height", lay.head_height, comp.head_height)]
    for name, value, band in checks:
        if band is not None:
            assert band.contains(value, SLACK_PX), f"{name} {value:.1f} px outside [{band.lo}, {band.hi}]"
    if comp.chin_max is not None:
        assert lay.chin <= comp.chin_max + SLACK_PX
    assert abs(lay.face_centre_x - profile.width_px / 2) <= 0.03 * profile.width_px


def test_kb_window_out_of_reach_is_refused_with_numbers(studio, analyzer, all_profiles):
    profile = all_profiles["id-card"]
    with pytest.raises(PhotoError) as info:
        make_picture(studio("grace", profile.backgrounds[0].rgb), profile, analyzer, "grace.jpg")
    err = info.value
    assert err.code == "kb_window_unreachable" and err.file == "grace.jpg"
    assert err.fields["quality_min"] == 70 and err.fields["kb_max"] == 20
    assert "from 70 to" in error_text(err, "en") and "20 KB" in error_text(err, "en")
    assert "KB" in error_text(err, "zh") and CJK.search(error_text(err, "zh"))


def _refusal(rgb, analyzer, profile) -> PhotoError:
    with pytest.raises(PhotoError) as info:
        make_picture(rgb, profile, analyzer, "case.jpg")
    err = info.value
    assert err.file == "case.jpg" and set(err.fields) >= set(PHOTO_CODES[err.code])
    assert error_text(err, "en").startswith("case.jpg: ") and CJK.search(error_text(err, "zh"))
    return err


def test_no_face_is_refused(analyzer, all_profiles):
    from skimage import data

    assert _refusal(data.coffee(), analyzer, all_profiles["chsi-graduation"]).code == "no_face"


def test_two_faces_side_by_side_are_refused(grace_framed, analyzer, all_profiles):
    pair = np.concatenate([grace_framed, grace_framed], axis=1)
    assert _refusal(pair, analyzer, all_profiles["chsi-graduation"]).code == "several_faces"


def test_head_cut_off_at_top_is_refused(analyzer, all_profiles):
    g = grace_hopper()
    cut = pad_edges(g[150:], 0, 300, 150, 150)  # starts at the brows: hat and forehead gone
    err = _refusal(cut, analyzer, all_profiles["chsi-graduation"])
    assert err.code in {"head_cut_off", "too_close_to_top"}


def test_face_too_small_is_refused(grace_framed, analyzer, all_profiles):
    small = enlarge(grace_framed, 0.3)
    assert _refusal(small, analyzer, all_profiles["chsi-graduation"]).code == "face_too_small"


def test_tight_frame_without_room_above_is_refused(analyzer, all_profiles):
    tight = enlarge(astronaut(), 2.0)  # hair touches the top 40 px: no room for the 50-110 px band
    err = _refusal(tight, analyzer, all_profiles["chsi-graduation"])
    assert err.code in {"too_close_to_top", "head_cut_off"}


def test_head_is_centred_and_upright_on_shifted_subject(grace_framed, analyzer, all_profiles):
    shifted = pad_edges(grace_framed, 0, 0, 300, 0)  # subject right of centre in a wider frame
    profile = all_profiles["chsi-graduation"]
    picture = make_picture(shifted, profile, analyzer, "shifted")
    assert abs(picture.layout.face_centre_x - profile.width_px / 2) < 2
