"""The distance gate with and without a new backdrop (换底): the room it adds above the head counts."""
from __future__ import annotations

import pytest

from capture.faces.head import HeadGeometry
from capture.gates import evaluate
from capture.gates.rules import backdrop_room_px
from capture.measurements import Measurements
from capture.measures.geometry import FramingMeasure
from profiles import get_profile


def head_in_frame(crown_y: float, head_px: float, width: int = 360, height: int = 288) -> Measurements:
    """A synthetic centred head `head_px` tall (crown to chin) with its crown at row `crown_y` of a frame."""
    chin = crown_y + head_px
    face_w = 0.6 * head_px
    head = HeadGeometry(eye_y=crown_y + 0.45 * head_px, eye_mid_x=width / 2, face_centre_x=width / 2,
                        face_width=face_w, chin_y=chin, crown_y=crown_y, crown_from_mask=True, head_cut_off=False)
    framing = FramingMeasure(face_count=1, second_face_ratio=0.0, face_box=(width / 2 - face_w / 2, crown_y,
                                                                           width / 2 + face_w / 2, chin),
                             inter_eye_px=face_w / 2, face_width_px=face_w, centre_offset_ratio=0.0,
                             head_margin_px=crown_y, head_cut_off=False)
    return Measurements(frame_width=width, frame_height=height, head=head, framing=framing)


@pytest.fixture(scope="module")
def zikao():
    return get_profile("zikao-hunan")  # 144×192, head height 119.04–145.92 px, hair top 11.52–26.88 px


def test_room_is_the_hair_top_band_only_with_a_new_backdrop(zikao):
    assert backdrop_room_px(zikao, False) == 0.0
    assert backdrop_room_px(zikao, True) == pytest.approx(26.88)


def test_a_head_that_fits_only_the_taller_canvas_passes_with_a_new_backdrop(zikao):
    # franck's case: 360×288 frame, head 225 rows from row 18. Mid-band enlargement 132.48 / 225 = 0.5888×; the
    # whole 192-row crop needs ≥ 192 / 288 = 0.6667× (limit 0.6667 × 132.48 / 145.92 = 0.6053×): "move back".
    m = head_in_frame(18.0, 225.0)
    plain = evaluate(m, zikao)["distance"]
    assert (plain.ok, plain.hint, plain.value, plain.threshold) == (False, "move_back", pytest.approx(0.5888, abs=1e-4),
                                                                    (0.6053, 1.6694))
    # with a new backdrop only 192 − 26.88 = 165.12 rows must lie below the crown (270): 0.6116×, limit 0.5552×
    new = evaluate(m, zikao, new_backdrop=True)["distance"]
    assert (new.ok, new.value, new.threshold) == (True, pytest.approx(0.5888, abs=1e-4), (0.5552, 1.6694))


def test_a_head_too_big_for_the_taller_canvas_still_fails(zikao):
    m = head_in_frame(18.0, 260.0)  # 132.48 / 260 = 0.5095× < 0.5552×
    result = evaluate(m, zikao, new_backdrop=True)["distance"]
    assert (result.ok, result.hint, result.threshold) == (False, "move_back", (0.5552, 1.6694))


def test_a_low_crown_gets_less_help_and_never_a_stricter_limit(zikao):
    # crown at row 80: only 208 rows below it; 165.12 / 208 = 0.7938× is more than the plain 0.6667×, so the
    # plain rule holds (the frame's own rows above the head serve as well)
    m = head_in_frame(80.0, 150.0)
    plain, new = evaluate(m, zikao)["distance"], evaluate(m, zikao, new_backdrop=True)["distance"]
    assert plain.threshold == new.threshold == (0.6053, 1.6694)
    assert plain.ok and new.ok
