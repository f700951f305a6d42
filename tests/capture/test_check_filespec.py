"""capture.check.file_spec: the file-level rules of capture.filespec as `idphoto check --json` lists them."""
from __future__ import annotations

import io

import numpy as np
from PIL import Image
from skimage import data

from capture.check import CheckResult, file_spec
from capture.encode import KbWindow, encode_to_window
from capture.filespec import LISTED_RULES
from profiles import get_profile

PROFILE = get_profile("chsi-graduation")  # 480×640 px, 300 dpi, 20–40 KB


def astronaut() -> np.ndarray:
    return np.asarray(Image.fromarray(data.astronaut()).resize((480, 640), Image.LANCZOS), dtype=np.uint8)


def test_a_made_picture_lists_the_six_rules_in_order_and_passes():
    rgb = astronaut()
    jpeg = encode_to_window(rgb, dpi=300, window=KbWindow(20, 40), quality_min=60).data
    items = file_spec(jpeg, rgb, PROFILE, None)
    assert tuple(items) == LISTED_RULES
    result = CheckResult("p.jpg", PROFILE.id, file_spec=items)
    spec = result.to_dict()["file_spec"]
    assert spec["ok"] is True and spec["width_px"] == {"ok": True, "value": 480, "expected": 480}
    assert spec["dpi"] == {"ok": True, "value": [300, 300], "expected": 300}


def test_a_failed_rule_outside_the_six_is_listed_and_fails_the_file():
    rgb = astronaut()
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, "JPEG", quality=69, dpi=(300, 300), progressive=True, comment=b"hi")
    items = file_spec(buffer.getvalue(), rgb, PROFILE, None)
    assert list(items)[: len(LISTED_RULES)] == list(LISTED_RULES)
    assert not items["baseline"].ok and items["baseline"].value == "progressive"
    assert items["metadata"].value == ["comment"]
    assert not CheckResult("p.jpg", PROFILE.id, file_spec=items).file_spec_ok
