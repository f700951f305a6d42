"""`idphoto doctor`'s camera lines: the negotiated mode and, per shipped profile, whether the camera can make it."""
from __future__ import annotations

from kiosk.tools.doctor import OK, WARN, check_camera_fit


def test_a_640x360_camera_is_reported_per_profile_with_the_numbers():
    findings = {f.check: f for f in check_camera_fit((640, 360), (1280, 720))}
    assert findings["camera mode"].found == "asked 1280x720, got 640x360"
    assert (findings["fit zikao-hunan"].status, findings["fit zikao-hunan"].found) == (OK, "640x360 ≥ 96x128")
    chsi = findings["fit chsi-graduation"]
    assert chsi.status == WARN and chsi.found == ("640x360 < 320x427 (frame_too_small); with --replace-backdrop "
                                                  "320x354 is enough")
    passport = findings["fit cn-passport"]  # 66 rows of room are not enough: (640 − 66) / 1.5 = 383 > 360
    assert passport.status == WARN and passport.found.startswith("640x360 < 320x427 (frame_too_small, distance band")
    assert "cannot make this profile's picture" in passport.fix


def test_1280x720_fits_every_shipped_profile():
    findings = check_camera_fit((1280, 720), (1280, 720))
    assert len(findings) == 16 and all(f.status == OK for f in findings)
