"""Every code the camera package can hand out has a Chinese and an English sentence in kiosk/texts, and the codes the
package raises are all declared in `capture.camera.CAMERA_CODES`."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import capture.camera as camera
from capture.camera import CAMERA_CODES, ERROR_CODES, LOSS_REASONS, STATUS_CODES, CameraState
from kiosk.texts import TABLE, has, text
from kiosk.texts.camera import CAMERA

#: Every field a camera sentence may name, with a sample value.
SAMPLE_FIELDS = dict(camera="webcam 0", attempt=2, retry_s=4, seconds=2.5, timeout_s=5.0, failures=30,
                     file="frame7.png", photo_code="unreadable", index=3, shape="(4, 4) uint8",
                     path="capture/camera/demo/astronaut-studio.jpg")


@pytest.mark.parametrize("code", CAMERA_CODES)
def test_every_camera_code_has_a_chinese_and_an_english_sentence(code: str):
    key = f"camera.{code}"
    assert has(key), f"kiosk/texts/camera.py has no sentence for {code!r}"
    zh, en = text(key, "zh", **SAMPLE_FIELDS), text(key, "en", **SAMPLE_FIELDS)
    assert zh and en and zh != en
    assert re.search(r"[\u4e00-\u9fff]", zh), zh  # Chinese characters in the Chinese sentence
    assert not re.search(r"[\u4e00-\u9fff]", en), en
    assert "{" not in zh + en  # every placeholder was filled


def test_the_camera_table_holds_only_declared_codes():
    assert set(CAMERA) == set(CAMERA_CODES)
    assert len(set(CAMERA_CODES)) == len(CAMERA_CODES)
    assert {k for k in TABLE if k.startswith("camera.")} == {f"camera.{c}" for c in CAMERA_CODES}


def test_status_codes_cover_every_state_and_loss_reason():
    assert {s.value for s in CameraState} - {"lost"} <= set(STATUS_CODES)
    assert {f"lost_{r}" for r in LOSS_REASONS} <= set(STATUS_CODES)


def test_every_code_the_package_raises_is_declared():
    package = Path(camera.__file__).parent
    raised = set()
    for path in package.glob("*.py"):
        raised |= set(re.findall(r'CameraError\([^,()]+(?:\([^()]*\))?, "(\w+)"', path.read_text(encoding="utf-8")))
    assert raised, "no raise site found: the pattern is out of date"
    assert raised == set(ERROR_CODES), raised ^ set(ERROR_CODES)
