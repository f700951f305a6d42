"""Tests for capture.encode: JPEG to a KB window (the file read back checked by capture.filespec)."""
from __future__ import annotations

import io
from dataclasses import replace
from functools import lru_cache

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from PIL import Image, JpegImagePlugin

from capture.encode import (
    EncodedPicture,
    KbWindow,
    encode_to_window,
)
from capture.filespec import check_file_spec
from capture.errors import PhotoError
from profiles import get_profile
from kiosk.texts import error_text

SUBSAMPLINGS = ("4:2:0", "4:4:4")


# ---------------------------------------------------------------------------------------------
# Pictures and helpers (independent of the module under test)
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=None)
def _astronaut(width: int, height: int) -> np.ndarray:
    from skimage import data

    image = Image.fromarray(data.astronaut()).resize((width, height), Image.LANCZOS)
    out = np.asarray(image, dtype=np.uint8)
    out.setflags(write=False)
    return out


def astronaut(width: int = 480, height: int = 640) -> np.ndarray:
    return _astronaut(width, height)


def flat(width: int = 480, height: int = 640, colour=(200, 180, 160)) -> np.ndarray:
    return np.full((height, width, 3), colour, dtype=np.uint8)


def noise(width: int, height: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)


def spec_profile(width: int, height: int, window: KbWindow):
    """Return a 300 dpi profile asking for `width`×`height` px inside `window`."""
    return replace(get_profile("chsi-graduation"), width_px=width, height_px=height, kb_min=window.kb_min,
                   kb_max=window.kb_max)


def pillow_jpeg(rgb: np.ndarray, quality: int, subsampling: str, dpi: int = 300, **extra) -> bytes:
    """Encode the way the spec says the encoder must (baseline, optimised, JFIF dpi)."""
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(
        buffer, "JPEG", quality=quality, subsampling=subsampling, optimize=True, dpi=(dpi, dpi), **extra
    )
    return buffer.getvalue()


def all_sizes(rgb: np.ndarray, q_lo: int, q_hi: int) -> dict[tuple[str, int], int]:
    """Brute force: the size of every (subsampling, quality) in range."""
    return {(s, q): len(pillow_jpeg(rgb, q, s)) for s in SUBSAMPLINGS for q in range(q_lo, q_hi + 1)}


def markers(data: bytes) -> list[tuple[int, bytes]]:
    """Return (marker, segment body) for every header segment before the first scan."""
    assert data[:2] == b"\xff\xd8", "not a JPEG (no SOI)"
    out = []
    pos = 2
    while True:
        assert data[pos] == 0xFF
        marker = data[pos + 1]
        if marker == 0xDA:
            out.append((marker, b""))
            return out
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        out.append((marker, data[pos + 4 : pos + 2 + length]))
        pos += 2 + length


def read_back(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


# ---------------------------------------------------------------------------------------------
# KbWindow
# ---------------------------------------------------------------------------------------------


def test_window_uses_conservative_byte_bounds():
    window = KbWindow(20, 40)
    assert (window.min_bytes, window.max_bytes) == (20 * 1024, 40 * 1000)
    assert window.contains(20480) and window.contains(40000)
    assert not window.contains(20479) and not window.contains(40001)


def test_window_bounds_are_exact_for_decimal_kb():
    # 2.01 * 1000 is 2009.999... in binary floating point; the bound must still be 2010.
    assert KbWindow(1, 2.01).max_bytes == 2010
    assert KbWindow(1, 8.03).max_bytes == 8030
    assert KbWindow(14.3, 20).min_bytes == 14644  # ceil(14643.2)
    assert KbWindow(0, 0.5).min_bytes == 0


@pytest.mark.parametrize(
    "kb_min, kb_max",
    [(-1, 5), (5, 4), (20, 20), (float("nan"), 5), (1, float("inf")), ("20", 40)],
)
def test_window_rejects_bad_values(kb_min, kb_max):
    with pytest.raises(ValueError):
        KbWindow(kb_min, kb_max)


# ---------------------------------------------------------------------------------------------
# encode_to_window: the file it makes
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def xuexin() -> EncodedPicture:
    return encode_to_window(astronaut(), dpi=300, window=KbWindow(20, 40), quality_min=60)


def test_exact_pixels_and_dpi_read_back(xuexin):
    image = read_back(xuexin.data)
    assert image.format == "JPEG"
    assert image.size == (480, 640)
    assert image.mode == "RGB"
    assert image.info["jfif_unit"] == 1
    assert image.info["jfif_density"] == (300, 300)
    assert image.info["dpi"] == (300, 300)


def test_baseline_not_progressive(xuexin):
    image = read_back(xuexin.data)
    assert "progressive" not in image.info and "progression" not in image.info
    sofs = [m for m, _ in markers(xuexin.data) if 0xC0 <= m <= 0xCF and m not in (0xC4, 0xC8, 0xCC)]
    assert sofs == [0xC0]
    sof_body = dict(markers(xuexin.data))[0xC0]
    assert sof_body[0] == 8 and sof_body[5] == 3  # 8-bit samples, 3 components


def test_no_exif_icc_or_comment(xuexin):
    image = read_back(xuexin.data)
    for key in ("exif", "icc_profile", "comment"):
        assert key not in image.info
    found = [m for m, _ in markers(xuexin.data)]
    assert found.count(0xE0) == 1  # the JFIF header, nothing else in APPn
    assert not [m for m in found if 0xE1 <= m <= 0xEF or m == 0xFE]


def test_reported_quality_and_subsampling_are_the_truth(xuexin):
    assert xuexin.subsampling == "4:2:0"
    assert JpegImagePlugin.get_sampling(read_back(xuexin.data)) == 2  # 4:2:0
    assert xuexin.data == pillow_jpeg(astronaut(), xuexin.quality, "4:2:0")
    assert xuexin.size_bytes == len(xuexin.data)
    assert xuexin.size_kb == pytest.approx(len(xuexin.data) / 1024)


def test_picks_highest_quality_that_fits(xuexin):
    window = KbWindow(20, 40)
    fitting = [q for q in range(60, 101) if len(pillow_jpeg(astronaut(), q, "4:2:0")) <= window.max_bytes]
    assert xuexin.quality == max(fitting)
    assert window.contains(xuexin.size_bytes)


@pytest.mark.parametrize(
    "width, height, kb_min, kb_max",
    [
        (480, 640, 20, 40),
        (480, 640, 30, 60),
        (358, 441, 14, 20),
        (360, 480, 10, 50),
        (144, 192, 5, 15),
    ],
)
def test_typical_windows_land_inside(width, height, kb_min, kb_max):
    window = KbWindow(kb_min, kb_max)
    rgb = astronaut(width, height)
    result = encode_to_window(rgb, dpi=300, window=window, quality_min=30)
    assert window.contains(result.size_bytes), (result.size_bytes, window.describe())
    # The highest 4:2:0 quality under the maximum, found by brute force.
    best = max(q for q in range(30, 101) if len(pillow_jpeg(rgb, q, "4:2:0")) <= window.max_bytes)
    assert (result.quality, result.subsampling) == (best, "4:2:0")
    assert result.encodes <= 7
    assert read_back(result.data).size == (width, height)
    assert check_file_spec(result.data, spec_profile(width, height, window)).problems == ()


def test_few_encodes_and_none_repeated(monkeypatch):
    calls: list[tuple[int, str]] = []
    original = Image.Image.save

    def counting_save(self, fp, *args, **kwargs):
        calls.append((kwargs.get("quality"), kwargs.get("subsampling")))
        return original(self, fp, *args, **kwargs)

    monkeypatch.setattr(Image.Image, "save", counting_save)
    result = encode_to_window(astronaut(), dpi=300, window=KbWindow(20, 40), quality_min=60)
    assert result.encodes <= 7
    assert result.encodes == len(calls)
    assert len(set(calls)) == len(calls), f"a quality was encoded twice: {calls}"


def test_uses_444_when_420_cannot_reach_the_minimum():
    rgb = noise(96, 128, seed=3)
    top_420 = len(pillow_jpeg(rgb, 100, "4:2:0"))
    top_444 = len(pillow_jpeg(rgb, 100, "4:4:4"))
    assert top_444 > top_420 + 2048  # the case only makes sense if 4:4:4 is clearly bigger
    kb_min = (top_420 + 1024) / 1024  # min_bytes just above everything 4:2:0 can make
    kb_max = top_444 * 2 / 1000
    window = KbWindow(kb_min, kb_max)
    assert window.min_bytes > top_420

    result = encode_to_window(rgb, dpi=300, window=window, quality_min=50)
    assert result.subsampling == "4:4:4"
    assert result.encodes <= 14  # found by the two quality searches, not by trying every quality
    assert JpegImagePlugin.get_sampling(read_back(result.data)) == 0  # really 4:4:4
    assert window.contains(result.size_bytes)
    assert result.data == pillow_jpeg(rgb, result.quality, "4:4:4")


def test_detailed_444_picture_larger_than_pillow_default_buffer():
    # Noise at 4:4:4 and high quality is over one byte per pixel, more than Pillow's default
    # output buffer for optimised Huffman tables; the encoder must still produce it.
    rgb = noise(480, 640, seed=1)
    window = KbWindow(700, 2000)
    result = encode_to_window(rgb, dpi=300, window=window, quality_min=50)
    assert result.subsampling == "4:4:4"
    assert window.contains(result.size_bytes)
    assert read_back(result.data).size == (480, 640)


# ---------------------------------------------------------------------------------------------
# encode_to_window: windows it cannot reach
# ---------------------------------------------------------------------------------------------


def test_maximum_below_smallest_reachable_size_raises_with_numbers():
    rgb = astronaut()
    smallest = len(pillow_jpeg(rgb, 60, "4:2:0"))
    window = KbWindow(10, 20)
    assert smallest > window.max_bytes
    with pytest.raises(PhotoError) as info:
        encode_to_window(rgb, dpi=300, window=window, quality_min=60)
    error = info.value
    assert error.code == "kb_window_unreachable"
    assert (error.fields["smallest_bytes"], error.fields["smallest_quality"]) == (smallest, 60)
    assert (error.fields["kb_min"], error.fields["kb_max"], error.fields["quality_min"]) == (10, 20, 60)
    sentence = error_text(error, "en")
    assert f"{smallest:,} bytes (quality 60)" in sentence and "10–20 KB" in sentence
    assert "quality floor" in sentence
    assert error.file == "<picture>"


def test_minimum_above_largest_reachable_size_raises_with_numbers():
    rgb = flat()
    largest = max(len(pillow_jpeg(rgb, 100, s)) for s in SUBSAMPLINGS)
    window = KbWindow(20, 40)
    assert largest < window.min_bytes
    with pytest.raises(PhotoError) as info:
        encode_to_window(rgb, dpi=300, window=window, quality_min=60)
    error = info.value
    assert error.code == "kb_window_unreachable"
    assert (error.fields["largest_bytes"], error.fields["largest_quality"]) == (largest, 100)
    sentence = error_text(error, "en")
    assert f"{largest:,} bytes (quality 100)" in sentence and "20–40 KB" in sentence
    assert "never padded" in sentence


def test_window_between_two_qualities_raises_with_both_sizes():
    rgb = astronaut(144, 192)
    sizes = all_sizes(rgb, 70, 72)
    low, high = sizes[("4:2:0", 70)], sizes[("4:2:0", 71)]
    # A window strictly between the sizes of qualities 70 and 71, at a quality range where
    # nothing else can land inside.
    window = KbWindow((low + 1) / 1024 + 0.0001, (high - 1) / 1000)
    assert window.min_bytes > low and window.max_bytes < high, (low, high, window)
    assert not any(window.contains(n) for n in all_sizes(rgb, 70, 71).values())
    with pytest.raises(PhotoError) as info:
        encode_to_window(rgb, dpi=300, window=window, quality_min=70, quality_max=71)
    assert info.value.code == "kb_window_unreachable"
    assert info.value.fields["smallest_bytes"] == low
    assert f"{low:,} bytes" in error_text(info.value, "en") and "wider" in error_text(info.value, "en")


def test_never_claims_unreachable_when_some_quality_fits():
    # On tiny pictures JPEG size is not monotonic in quality, so the quality search alone misses
    # this one-byte window, which quality 56 hits exactly; the encoder must still find it.
    rgb = noise(16, 16, seed=1)
    target = len(pillow_jpeg(rgb, 56, "4:2:0"))
    window = KbWindow(target / 1024, target / 1000)
    assert (window.min_bytes, window.max_bytes) == (target, target)
    result = encode_to_window(rgb, dpi=300, window=window, quality_min=1)
    assert result.size_bytes == target
    assert result.data == pillow_jpeg(rgb, result.quality, result.subsampling)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(quality_min=0),
        dict(quality_min=101),
        dict(quality_min=60, quality_max=101),
        dict(quality_min=80, quality_max=70),
        dict(quality_min=60, dpi=0),
        dict(quality_min=60, dpi=300.5),
        dict(quality_min=60, window=(20, 40)),
    ],
)
def test_bad_arguments_raise_value_error(kwargs):
    args = dict(dpi=300, window=KbWindow(1, 100), quality_max=100) | kwargs
    with pytest.raises(ValueError):
        encode_to_window(flat(16, 16), **args)


@pytest.mark.parametrize(
    "rgb",
    [
        np.zeros((16, 16), np.uint8),
        np.zeros((16, 16, 4), np.uint8),
        np.zeros((16, 16, 3), np.float32),
        np.zeros((0, 16, 3), np.uint8),
    ],
)
def test_bad_pictures_raise_value_error(rgb):
    with pytest.raises(ValueError):
        encode_to_window(rgb, dpi=300, window=KbWindow(1, 100), quality_min=60)


# ---------------------------------------------------------------------------------------------
# Property: lands inside whenever anything can, otherwise the clear error
# ---------------------------------------------------------------------------------------------


def _small_picture(kind: str, width: int, height: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if kind == "noise":
        return noise(width, height, seed)
    if kind == "flat":
        return flat(width, height, tuple(int(c) for c in rng.integers(0, 256, 3)))
    # a smooth gradient with some grain, closer to a photograph
    y, x = np.mgrid[0:height, 0:width]
    base = np.stack([x * 255 / max(width - 1, 1), y * 255 / max(height - 1, 1), (x + y) % 64 * 4], -1)
    grain = rng.normal(0, float(rng.uniform(0, 40)), base.shape)
    return np.clip(base + grain, 0, 255).astype(np.uint8)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(["noise", "gradient", "flat"]),
    width=st.integers(8, 48),
    height=st.integers(8, 48),
    seed=st.integers(0, 2**16),
    data=st.data(),
)
def test_property_lands_inside_iff_feasible(kind, width, height, seed, data):
    rgb = _small_picture(kind, width, height, seed)
    q_lo = data.draw(st.integers(1, 100), label="quality_min")
    q_hi = data.draw(st.integers(q_lo, 100), label="quality_max")
    sizes = all_sizes(rgb, q_lo, q_hi)
    values = sorted(sizes.values())

    # Windows near the reachable sizes: sometimes centred on one of them, sometimes anywhere.
    if data.draw(st.booleans(), label="around a reachable size"):
        centre = data.draw(st.sampled_from(values), label="centre")
    else:
        centre = data.draw(st.integers(0, int(values[-1] * 1.3) + 1), label="centre")
    half = data.draw(st.integers(0, max(values[-1] // 4, 1)), label="half width")
    kb_min = max(centre - half, 0) / 1024
    kb_max = (centre + half) / 1000
    assume(kb_min <= kb_max and int(kb_min * 1024 + 1) <= int(kb_max * 1000))
    try:
        window = KbWindow(round(kb_min, 4), round(kb_max, 4))
    except ValueError:
        assume(False)

    feasible = any(window.contains(n) for n in sizes.values())
    if feasible:
        result = encode_to_window(rgb, dpi=300, window=window, quality_min=q_lo, quality_max=q_hi)
        assert window.contains(result.size_bytes)
        assert q_lo <= result.quality <= q_hi
        assert result.data == pillow_jpeg(rgb, result.quality, result.subsampling)
        assert check_file_spec(result.data, spec_profile(width, height, window)).problems == ()
    else:
        with pytest.raises(PhotoError) as info:
            encode_to_window(rgb, dpi=300, window=window, quality_min=q_lo, quality_max=q_hi)
        assert info.value.code == "kb_window_unreachable"
        sentence = error_text(info.value, "en")
        assert "bytes" in sentence and "KB" in sentence and "Choose" in sentence
