"""Tests for capture.filespec: the one file-level check (px, dpi, KB window, format, baseline, bit depth, metadata)."""
from __future__ import annotations

import io
from dataclasses import replace
from functools import lru_cache

import numpy as np
import pytest
from PIL import Image

from capture.encode import KbWindow, encode_to_window
from capture.filespec import LISTED_RULES, check_file_spec
from profiles import get_profile

PROFILE = get_profile("chsi-graduation")  # 480×640 px, 300 dpi, 20–40 KB


@lru_cache(maxsize=None)
def _astronaut(width: int, height: int) -> np.ndarray:
    from skimage import data

    return np.asarray(Image.fromarray(data.astronaut()).resize((width, height), Image.LANCZOS), dtype=np.uint8)


def astronaut(width: int = 480, height: int = 640) -> np.ndarray:
    return _astronaut(width, height)


def pillow_jpeg(rgb: np.ndarray, quality: int = 69, dpi: int | None = 300, **extra) -> bytes:
    buffer = io.BytesIO()
    if dpi is not None:
        extra["dpi"] = (dpi, dpi)
    Image.fromarray(rgb).save(buffer, "JPEG", quality=quality, optimize=True, **extra)
    return buffer.getvalue()


def profile(kb_min: float = 20, kb_max: float = 40, **changes):
    return replace(PROFILE, kb_min=kb_min, kb_max=kb_max, **changes)


@pytest.fixture(scope="module")
def good() -> bytes:
    return encode_to_window(astronaut(), dpi=300, window=KbWindow(20, 40), quality_min=60).data


def test_a_made_picture_passes_every_rule(good):
    spec = check_file_spec(good, PROFILE)
    assert spec.ok and spec.problems == ()
    assert [r.code for r in spec.rules] == ["kb", "format", "width_px", "height_px", "ratio", "dpi", "baseline",
                                            "bit_depth", "metadata"]
    assert spec.rule("width_px").value == 480 and spec.rule("dpi").value == [300, 300]
    assert spec.rule("kb").value == round(len(good) / 1024, 2) and spec.rule("kb").limit == [20, 40]
    assert list(spec.listed()) == list(LISTED_RULES)
    assert spec.rule("format").to_dict() == {"ok": True, "value": "JPEG RGB", "expected": "JPEG RGB (24-bit)"}


def test_wrong_pixel_size(good):
    spec = check_file_spec(good, profile(width_px=500))
    assert spec.problems == ("width_px", "ratio")
    assert (spec.rule("width_px").value, spec.rule("width_px").limit) == (480, 500)


def test_wrong_dpi():
    data = pillow_jpeg(astronaut(), dpi=72)
    spec = check_file_spec(data, profile(1, 100))
    assert spec.problems == ("dpi",) and spec.rule("dpi").value == [72, 72]


def test_missing_dpi():
    spec = check_file_spec(pillow_jpeg(astronaut(), dpi=None), profile(1, 100))  # JFIF unit 0
    assert spec.problems == ("dpi",) and spec.rule("dpi").value is None


def test_dpi_allows_rounding_from_dots_per_cm(good):
    data = bytearray(good)
    jfif = data.index(b"JFIF\x00")
    data[jfif + 7] = 2  # units: dots per centimetre
    data[jfif + 8 : jfif + 12] = (118).to_bytes(2, "big") * 2  # 299.72 dpi
    assert check_file_spec(bytes(data), PROFILE).ok
    data[jfif + 8 : jfif + 12] = (100).to_bytes(2, "big") * 2  # 254 dpi
    assert check_file_spec(bytes(data), PROFILE).problems == ("dpi",)


def test_progressive():
    spec = check_file_spec(pillow_jpeg(astronaut(), progressive=True), profile(1, 100))
    assert spec.problems == ("baseline",) and spec.rule("baseline").value == "progressive"
    assert "baseline" in spec.listed()  # a failed rule outside the listed ones is listed too


def test_out_of_window(good):
    assert check_file_spec(good, profile(50, 60)).problems == ("kb",)
    assert check_file_spec(good, profile(1, 10)).problems == ("kb",)


def test_metadata():
    exif = Image.Exif()
    exif[0x0131] = "some camera app"  # Software
    spec = check_file_spec(pillow_jpeg(astronaut(), exif=exif.tobytes(), comment=b"hello"), profile(1, 100))
    assert spec.problems == ("metadata",) and spec.rule("metadata").value == ["exif", "comment"]


def test_grey_picture():
    buffer = io.BytesIO()
    Image.fromarray(astronaut()).convert("L").save(buffer, "JPEG", quality=90, dpi=(300, 300))
    spec = check_file_spec(buffer.getvalue(), profile(1, 100))
    assert spec.problems == ("format", "bit_depth") and spec.rule("bit_depth").value == [1, 8]


def test_other_formats_and_broken_files(good):
    png = io.BytesIO()
    Image.fromarray(astronaut(48, 64)).save(png, "PNG")
    spec = check_file_spec(png.getvalue(), profile(0, 100))
    assert spec.rule("format").value == "PNG RGB" and not spec.rule("format").ok and spec.rule("baseline") is None
    broken = check_file_spec(b"not a picture at all", profile(0, 100))
    assert [r.code for r in broken.rules] == ["kb", "format"] and broken.problems == ("format",)
    truncated = check_file_spec(good[: len(good) // 2], profile(0, 100))
    assert truncated.problems == ("format",) and truncated.rule("format").value.startswith("unreadable")
