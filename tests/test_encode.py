"""Tests for capture.encode: JPEG to a KB window, verification, atomic writes."""
from __future__ import annotations

import io
import os
import stat
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
    verify_picture,
    write_atomic,
)
from capture.errors import PhotoError
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
    assert verify_picture(result.data, width_px=width, height_px=height, dpi=300, window=window) == []


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
        assert verify_picture(result.data, width_px=width, height_px=height, dpi=300, window=window) == []
    else:
        with pytest.raises(PhotoError) as info:
            encode_to_window(rgb, dpi=300, window=window, quality_min=q_lo, quality_max=q_hi)
        assert info.value.code == "kb_window_unreachable"
        sentence = error_text(info.value, "en")
        assert "bytes" in sentence and "KB" in sentence and "Choose" in sentence


# ---------------------------------------------------------------------------------------------
# verify_picture
# ---------------------------------------------------------------------------------------------

WINDOW = KbWindow(20, 40)


@pytest.fixture(scope="module")
def good() -> bytes:
    return encode_to_window(astronaut(), dpi=300, window=WINDOW, quality_min=60).data


def problems(data: bytes, **overrides) -> list[str]:
    args = dict(width_px=480, height_px=640, dpi=300, window=WINDOW) | overrides
    return verify_picture(data, **args)


def test_verify_accepts_good_file(good):
    assert problems(good) == []


def test_verify_catches_wrong_size(good):
    found = problems(good, width_px=481)
    assert len(found) == 1 and "480×640" in found[0] and "481×640" in found[0]


def test_verify_catches_wrong_dpi():
    data = pillow_jpeg(astronaut(), 69, "4:2:0", dpi=72)
    assert WINDOW.contains(len(data))
    found = problems(data)
    assert len(found) == 1 and "72" in found[0] and "300 dpi" in found[0]


def test_verify_catches_missing_dpi():
    buffer = io.BytesIO()
    Image.fromarray(astronaut()).save(buffer, "JPEG", quality=69, optimize=True)  # JFIF unit 0
    found = problems(buffer.getvalue())
    assert len(found) == 1 and "dpi" in found[0]


def test_verify_dpi_allows_rounding_from_dots_per_cm(good):
    # 118 dots/cm is 299.72 dpi, which rounds to 300.
    data = bytearray(good)
    jfif = data.index(b"JFIF\x00")
    data[jfif + 7] = 2  # units: dots per centimetre
    data[jfif + 8 : jfif + 12] = (118).to_bytes(2, "big") * 2
    assert read_back(bytes(data)).info["jfif_unit"] == 2
    assert problems(bytes(data)) == []
    data[jfif + 8 : jfif + 12] = (100).to_bytes(2, "big") * 2  # 254 dpi
    assert len(problems(bytes(data))) == 1


def test_verify_catches_progressive():
    data = pillow_jpeg(astronaut(), 69, "4:2:0", progressive=True)
    found = problems(data, window=KbWindow(1, 100))
    assert len(found) == 1 and "progressive" in found[0]


def test_verify_catches_out_of_window(good):
    below = problems(good, window=KbWindow(50, 60))
    above = problems(good, window=KbWindow(1, 10))
    assert len(below) == 1 and "below" in below[0] and "50 KB minimum" in below[0]
    assert len(above) == 1 and "above" in above[0] and "10 KB maximum" in above[0]


def test_verify_catches_metadata():
    exif = Image.Exif()
    exif[0x0131] = "some camera app"  # Software
    data = pillow_jpeg(astronaut(), 69, "4:2:0", exif=exif.tobytes(), comment=b"hello")
    found = problems(data, window=KbWindow(1, 100))
    assert len(found) == 1 and "EXIF" in found[0] and "comment" in found[0]


def test_verify_catches_grey_picture():
    buffer = io.BytesIO()
    Image.fromarray(astronaut()).convert("L").save(buffer, "JPEG", quality=90, dpi=(300, 300))
    found = problems(buffer.getvalue(), window=KbWindow(1, 100))
    assert len(found) == 1 and "RGB" in found[0]


def test_verify_catches_other_formats_and_broken_files(good):
    png = io.BytesIO()
    Image.fromarray(astronaut(48, 64)).save(png, "PNG")
    assert "not JPEG" in problems(png.getvalue(), window=KbWindow(0, 100))[0]
    assert "cannot be read" in problems(b"not a picture at all", window=KbWindow(0, 100))[0]
    truncated = problems(good[: len(good) // 2], window=KbWindow(0, 100))
    assert truncated and "cannot be read" in truncated[0]


# ---------------------------------------------------------------------------------------------
# write_atomic
# ---------------------------------------------------------------------------------------------


def test_write_atomic_content_and_mode(tmp_path):
    target = tmp_path / "photo.jpg"
    write_atomic(target, b"\xff\xd8hello")
    assert target.read_bytes() == b"\xff\xd8hello"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert os.listdir(tmp_path) == ["photo.jpg"]


def test_write_atomic_replaces_existing_file_and_sets_mode(tmp_path):
    target = tmp_path / "photo.jpg"
    target.write_bytes(b"old")
    target.chmod(0o644)
    write_atomic(str(target), b"new contents")
    assert target.read_bytes() == b"new contents"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_write_atomic_mode_is_exact_whatever_the_umask(tmp_path):
    old = os.umask(0o077)
    try:
        write_atomic(tmp_path / "shared.jpg", b"x", mode=0o644)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "shared.jpg").stat().st_mode) == 0o644


def test_write_atomic_failed_replace_keeps_old_target(tmp_path, monkeypatch):
    target = tmp_path / "photo.jpg"
    target.write_bytes(b"old photo")

    def broken_replace(src, dst):
        raise OSError("simulated failure")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="simulated failure"):
        write_atomic(target, b"new photo")
    assert target.read_bytes() == b"old photo"
    assert os.listdir(tmp_path) == ["photo.jpg"]


def test_write_atomic_failed_write_leaves_nothing(tmp_path, monkeypatch):
    def broken_fsync(fd):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(tmp_path / "photo.jpg", b"new photo")
    assert os.listdir(tmp_path) == []


def test_write_atomic_streams_and_a_refusing_check_keeps_the_old_file(tmp_path):
    target = tmp_path / "batch.zip"
    target.write_bytes(b"old batch")
    seen = []

    def refuse(tmp):
        seen.append((tmp.name, tmp.read_bytes(), stat.S_IMODE(tmp.stat().st_mode)))
        raise ValueError("does not check out")

    with pytest.raises(ValueError, match="check out"):
        write_atomic(target, lambda fh: fh.write(b"new batch"), check=refuse)
    # the check saw the complete temporary file, beside the target, already private
    assert seen[0][0].startswith(".batch.zip.") and seen[0][1:] == (b"new batch", 0o600)
    assert target.read_bytes() == b"old batch" and os.listdir(tmp_path) == ["batch.zip"]
    write_atomic(target, lambda fh: fh.write(b"new batch"), check=lambda tmp: None)
    assert target.read_bytes() == b"new batch"


def test_write_atomic_missing_folder_raises(tmp_path):
    with pytest.raises(FileNotFoundError):
        write_atomic(tmp_path / "missing" / "photo.jpg", b"x")
    assert os.listdir(tmp_path) == []
