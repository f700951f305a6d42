"""The crop puts the head as deep inside its bands as the head allows, and reports how deep (band_margin_px)."""
from __future__ import annotations

import numpy as np
import pytest

from capture.compose import band_margins, layout_of, plan_crop
from capture.faces.head import HeadGeometry


def _head(crown: float, eye: float, chin: float, face_width: float) -> HeadGeometry:
    return HeadGeometry(eye_y=eye, eye_mid_x=600.0, face_centre_x=600.0, face_width=face_width, chin_y=chin,
                        crown_y=crown, crown_from_mask=True, head_cut_off=False)


def _best_by_brute_force(head: HeadGeometry, profile, frame_w: int, frame_h: int, lo: float, hi: float) -> float:
    """Return the largest smallest-margin (px) over a fine grid of scales and crop tops."""
    best = -np.inf
    for s in np.linspace(lo, hi, 300):
        for t in np.linspace(0.0, frame_h - profile.height_px / s, 300):
            left = head.face_centre_x - profile.width_px / (2 * s)
            if left < 0 or left + profile.width_px / s > frame_w:
                continue
            lay = layout_of(head, _crop(left, t, s, profile))
            best = max(best, band_margins(lay, profile).smallest)
    return best


def _crop(left, top, s, profile):
    from capture.compose import CropBox

    return CropBox(left, top, s, profile.width_px, profile.height_px)


@pytest.mark.parametrize(("profile_id", "crown", "eye", "chin", "face_width"), [
    ("chsi-graduation", 300.0, 480.0, 640.0, 300.0),  # a typical head
    ("chsi-graduation", 200.0, 470.0, 620.0, 290.0),  # tall hair: the hair and eye bands pull apart
    ("id-card", 300.0, 490.0, 660.0, 200.0),
    ("cn-passport", 300.0, 490.0, 660.0, 200.0),
])
def test_the_smallest_band_margin_is_as_large_as_the_head_allows(all_profiles, profile_id, crown, eye, chin,
                                                                 face_width):
    profile = all_profiles[profile_id]
    head = _head(crown, eye, chin, face_width)
    crop = plan_crop(head, profile, 1200, 1600, 1.5)
    margins = band_margins(layout_of(head, crop), profile)
    assert margins.smallest > 0 and len(margins.per_band) >= 3
    lo, hi = crop.scale * 0.5, crop.scale * 1.5
    brute = _best_by_brute_force(head, profile, 1200, 1600, max(lo, 0.05), min(hi, 1.5))
    assert margins.smallest >= brute - 1.0  # within the scan's step of the best there is


def test_band_margins_report_each_band_and_the_smallest(all_profiles):
    profile = all_profiles["chsi-graduation"]  # hair 50-110, eye 200-300, face width 180-300
    from capture.compose import PlannedLayout

    lay = PlannedLayout(hair_top=60.0, eye_line=250.0, face_width=290.0, head_height=400.0, chin=460.0,
                        face_centre_x=240.0)
    margins = band_margins(lay, profile)
    assert margins.per_band == {"hair_top_px": 10.0, "eye_line_px": 50.0, "face_width_px": 10.0}
    assert margins.smallest == 10.0
    assert margins.to_dict() == {"band_margin_px": 10.0,
                                 "band_margins_px": {"hair_top_px": 10.0, "eye_line_px": 50.0, "face_width_px": 10.0}}
    outside = band_margins(PlannedLayout(45.0, 250.0, 240.0, 400.0, 460.0, 240.0), profile)
    assert outside.smallest == -5.0 and outside.per_band["hair_top_px"] == -5.0
