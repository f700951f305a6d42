"""Tests for capture.images: every photo file becomes an upright sRGB array, or a clear PhotoError."""
from __future__ import annotations

import struct
import time
import warnings
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageCms, ImageFile, PngImagePlugin
from skimage.data import astronaut

from capture.errors import PhotoError
from kiosk.texts import error_text
from capture.images import DEFAULT_MAX_PIXELS, Photo, decode_photo_bytes, read_photo


# ---------------------------------------------------------------- helpers


def _face() -> np.ndarray:
    """A real, non-square RGB photo (400 high × 500 wide) so swapped axes show up."""
    return np.ascontiguousarray(astronaut()[:400, :500])


def _save(tmp_path: Path, name: str, image: Image.Image, fmt: str, **params) -> Path:
    path = tmp_path / name
    image.save(path, fmt, **params)
    return path


def _png(width: int, height: int, bit_depth: int, colour_type: int, rows, extra_chunks: bytes = b"") -> bytes:
    """Write a PNG by hand (filter type 0 on every row); `rows` yields raw scanline bytes."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(b"\x00" + row) for row in rows) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + extra_chunks
            + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def _linear_rgb_icc() -> bytes:
    """A minimal ICC v2 display profile: sRGB primaries but linear (gamma 1.0) tone curves."""

    def s15(x: float) -> bytes:
        return struct.pack(">i", round(x * 65536))

    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ \0\0\0\0" + s15(x) + s15(y) + s15(z)

    text = b"Linear RGB test profile\0"
    desc = b"desc\0\0\0\0" + struct.pack(">I", len(text)) + text + b"\0" * (4 + 4 + 2 + 1 + 67)
    curve = b"curv\0\0\0\0" + struct.pack(">I", 0)  # zero entries = identity curve
    tags = [
        (b"desc", desc),
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(0.4361, 0.2225, 0.0139)),
        (b"gXYZ", xyz(0.3851, 0.7169, 0.0971)),
        (b"bXYZ", xyz(0.1431, 0.0606, 0.7141)),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for signature, data in tags:
        data += b"\0" * (-len(data) % 4)
        table += signature + struct.pack(">II", offset + len(body), len(data))
        body += data
    size = offset + len(body)
    header = (struct.pack(">I", size) + b"\0\0\0\0" + struct.pack(">I", 0x02100000) + b"mntrRGB XYZ "
              + b"\0" * 12 + b"acsp" + b"\0" * 28 + s15(0.9642) + s15(1.0) + s15(0.8249) + b"\0" * 48)
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + body


def _assert_error(excinfo: pytest.ExceptionInfo, code: str, file: Path | str) -> PhotoError:
    err = excinfo.value
    assert isinstance(err, PhotoError)
    assert err.code == code
    assert err.file == str(file)
    assert str(file) in str(err)
    for lang in ("en", "zh"):  # a sentence in both languages: what is wrong, then what to do
        sentence = error_text(err, lang)
        assert sentence.startswith(f"{file}: ") and sentence.count("." if lang == "en" else "。") >= 2
    return err


# ---------------------------------------------------------------- round trips


@pytest.mark.parametrize(
    "fmt, suffix, params, tolerance",
    [
        ("JPEG", ".jpg", {"quality": 95}, 4.0),
        ("PNG", ".png", {}, 0.0),
        ("WEBP", ".webp", {"lossless": True}, 0.0),
        ("BMP", ".bmp", {}, 0.0),
    ],
)
def test_round_trip(tmp_path, fmt, suffix, params, tolerance):
    face = _face()
    path = _save(tmp_path, "face" + suffix, Image.fromarray(face), fmt, **params)
    photo = read_photo(path)
    assert isinstance(photo, Photo)
    assert photo.source_format == fmt
    assert photo.path == path
    assert photo.rgb.dtype == np.uint8 and photo.rgb.shape == face.shape
    assert photo.rgb.flags["C_CONTIGUOUS"]
    assert (photo.width, photo.height) == (500, 400)
    assert np.abs(photo.rgb.astype(float) - face).mean() <= tolerance
    assert photo.conversions == ()


def test_decode_photo_bytes_matches_read_photo(tmp_path):
    path = _save(tmp_path, "face.png", Image.fromarray(_face()), "PNG")
    photo = decode_photo_bytes(path.read_bytes(), "upload.png")
    assert photo.path == Path("upload.png")
    assert np.array_equal(photo.rgb, read_photo(path).rgb)
    with pytest.raises(PhotoError) as excinfo:
        decode_photo_bytes(b"hello, not a photo", "upload.png")
    _assert_error(excinfo, "not_an_image", "upload.png")


def test_heic_round_trip(tmp_path):
    pillow_heif = pytest.importorskip("pillow_heif")
    if not pillow_heif.libheif_info().get("HEIF"):
        pytest.skip("the installed pillow_heif has no HEIF encoder")
    face = _face()
    heif_file = pillow_heif.from_bytes(mode="RGB", size=(face.shape[1], face.shape[0]), data=face.tobytes())
    path = tmp_path / "face.heic"
    heif_file.save(path, quality=95)
    photo = read_photo(path)
    assert photo.source_format == "HEIF"
    assert photo.rgb.shape == face.shape and photo.rgb.dtype == np.uint8
    assert np.abs(photo.rgb.astype(float) - face).mean() < 6.0


# ---------------------------------------------------------------- orientation


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
@pytest.mark.parametrize(
    "orientation, turns, marker_corner",
    [
        (3, 2, "bottom-right"),  # stored upside down
        (6, -1, "top-right"),  # display = stored turned 90° clockwise
        (8, 1, "bottom-left"),  # display = stored turned 90° anticlockwise
    ],
)
def test_exif_orientation_gives_upright_image(tmp_path, fmt, orientation, turns, marker_corner):
    stored = np.full((60, 90, 3), 40, np.uint8)  # 60 high × 90 wide, dark grey
    stored[:20, :20] = (255, 0, 0)  # red marker in the stored top-left corner
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = _save(tmp_path, f"rot{orientation}.{fmt.lower()}", Image.fromarray(stored), fmt,
                 exif=exif.tobytes(), quality=95)

    photo = read_photo(path)

    expected = np.rot90(stored, turns)
    assert photo.rgb.shape == expected.shape
    assert photo.rgb.shape[:2] == ((90, 60) if orientation in (6, 8) else (60, 90))
    assert "exif-orientation" in photo.conversions
    h, w = photo.rgb.shape[:2]
    corners = {
        "top-left": photo.rgb[2:18, 2:18],
        "top-right": photo.rgb[2:18, w - 18:w - 2],
        "bottom-left": photo.rgb[h - 18:h - 2, 2:18],
        "bottom-right": photo.rgb[h - 18:h - 2, w - 18:w - 2],
    }
    for corner, block in corners.items():
        is_red = block[..., 0].mean() > 200 and block[..., 1].mean() < 60
        assert is_red == (corner == marker_corner), corner
    assert np.abs(photo.rgb.astype(int) - expected).mean() < 4


def test_no_orientation_tag_means_no_rotation(tmp_path):
    stored = np.zeros((30, 50, 3), np.uint8)
    path = _save(tmp_path, "plain.jpg", Image.fromarray(stored), "JPEG")
    photo = read_photo(path)
    assert photo.rgb.shape == (30, 50, 3)
    assert "exif-orientation" not in photo.conversions


# ---------------------------------------------------------------- colour


def test_cmyk_jpeg_becomes_rgb(tmp_path):
    image = Image.new("CMYK", (60, 20), (0, 0, 0, 0))  # white paper
    image.paste((255, 0, 0, 0), (0, 0, 20, 20))  # cyan ink
    image.paste((0, 0, 0, 255), (20, 0, 40, 20))  # black ink
    path = _save(tmp_path, "cmyk.jpg", image, "JPEG", quality=95)
    with Image.open(path) as check:  # Pillow writes an Adobe marker: the stored data is inverted CMYK
        assert check.mode == "CMYK" and "adobe" in check.info

    photo = read_photo(path)
    assert photo.rgb.shape == (20, 60, 3)
    assert "cmyk-to-rgb" in photo.conversions
    cyan, black, white = (photo.rgb[5:15, x:x + 10].reshape(-1, 3).mean(axis=0) for x in (5, 25, 45))
    assert np.allclose(cyan, (0, 255, 255), atol=12)
    assert np.allclose(black, (0, 0, 0), atol=12)
    assert np.allclose(white, (255, 255, 255), atol=12)


def test_16bit_grayscale_png_keeps_its_range(tmp_path):
    ramp = np.linspace(0, 65535, 256).round().astype(np.uint16)
    gradient = np.tile(ramp, (8, 1))
    path = _save(tmp_path, "gray16.png", Image.fromarray(gradient), "PNG")
    with Image.open(path) as check:
        assert check.mode.startswith("I")

    photo = read_photo(path)
    assert "16bit-to-8bit" in photo.conversions
    row = photo.rgb[0]
    assert np.array_equal(row[:, 0], row[:, 1]) and np.array_equal(row[:, 0], row[:, 2])
    assert row[0, 0] == 0 and row[-1, 0] == 255
    assert np.array_equal(row[:, 0], np.round(ramp / 257).astype(np.uint8))
    assert len(np.unique(row[:, 0])) == 256  # scaled, not clipped to 255


@pytest.mark.parametrize("with_alpha", [False, True])
def test_16bit_rgb_png_scaled_with_rounding(tmp_path, with_alpha):
    # Pillow cannot write 16-bit colour PNGs, so the file is written by hand.
    rng = np.random.default_rng(7)
    k = rng.integers(0, 255, size=(12, 16, 3))
    values = (257 * k + 128).astype(np.uint16)  # round(v/257) = k, while the high byte is k+1 for k >= 128
    channels = [values]
    if with_alpha:
        alpha = np.full((12, 16, 1), 65535, np.uint16)
        alpha[0, 0] = 0
        channels.append(alpha)
    pixels = np.concatenate(channels, axis=2).astype(">u2")
    data = _png(16, 12, 16, 6 if with_alpha else 2, (row.tobytes() for row in pixels))
    path = tmp_path / "rgb16.png"
    path.write_bytes(data)

    photo = read_photo(path, matte_rgb=(1, 2, 3))
    assert "16bit-to-8bit" in photo.conversions
    expected = k.astype(np.uint8)
    if with_alpha:
        expected[0, 0] = (1, 2, 3)
        assert "alpha-flattened" in photo.conversions
    assert np.array_equal(photo.rgb, expected)


def test_png_alpha_composited_over_matte(tmp_path):
    rgba = np.zeros((10, 30, 4), np.uint8)
    rgba[:, :10] = (255, 0, 0, 0)  # fully transparent red
    rgba[:, 10:20] = (0, 0, 255, 255)  # opaque blue
    rgba[:, 20:] = (0, 0, 0, 128)  # half-transparent black
    path = _save(tmp_path, "alpha.png", Image.fromarray(rgba, "RGBA"), "PNG")
    matte = (10, 200, 30)

    photo = read_photo(path, matte_rgb=matte, own_backdrop=False)
    assert "alpha-flattened" in photo.conversions
    assert tuple(photo.rgb[5, 5]) == matte
    assert tuple(photo.rgb[5, 15]) == (0, 0, 255)
    assert np.allclose(photo.rgb[5, 25], np.array(matte) * 127 / 255, atol=2)
    assert tuple(read_photo(path, own_backdrop=False).rgb[5, 5]) == (255, 255, 255)  # default matte is white
    # by default the photo's own plain backdrop next to the transparency fills it: blue, not the matte
    own = read_photo(path, matte_rgb=matte)
    assert "alpha-filled-own-backdrop" in own.conversions and tuple(own.rgb[5, 5]) == (0, 0, 255)


def test_grayscale_with_alpha(tmp_path):
    la = np.zeros((4, 4, 2), np.uint8)
    la[..., 0] = 90
    la[..., 1] = 255
    la[0, 0, 1] = 0
    path = _save(tmp_path, "la.png", Image.fromarray(la, "LA"), "PNG")
    photo = read_photo(path, matte_rgb=(0, 0, 250))
    assert tuple(photo.rgb[0, 0]) == (0, 0, 250)
    assert tuple(photo.rgb[1, 1]) == (90, 90, 90)


def test_palette_png_with_transparency(tmp_path):
    image = Image.new("P", (8, 4), 1)
    image.putpalette([0, 0, 0, 200, 30, 40] + [0] * (254 * 3))
    image.paste(0, (0, 0, 4, 4))
    path = _save(tmp_path, "palette.png", image, "PNG", transparency=0)
    with Image.open(path) as check:
        assert check.mode == "P" and check.info.get("transparency") == 0

    photo = read_photo(path, matte_rgb=(7, 8, 9), own_backdrop=False)
    assert "alpha-flattened" in photo.conversions
    assert tuple(photo.rgb[2, 1]) == (7, 8, 9)
    assert tuple(photo.rgb[2, 6]) == (200, 30, 40)


@pytest.mark.parametrize("mode", ["L", "1"])
def test_grayscale_becomes_rgb(tmp_path, mode):
    gray = Image.fromarray(np.tile(np.array([0, 255], np.uint8), (3, 2))).convert(mode)
    path = _save(tmp_path, f"gray_{mode}.png", gray, "PNG")
    photo = read_photo(path)
    assert photo.rgb.shape == (3, 4, 3)
    assert tuple(photo.rgb[0, 0]) == (0, 0, 0) and tuple(photo.rgb[0, 1]) == (255, 255, 255)


def test_non_srgb_icc_profile_converted_to_srgb(tmp_path):
    icc = _linear_rgb_icc()
    path = _save(tmp_path, "linear.png", Image.new("RGB", (4, 4), (128, 128, 128)), "PNG", icc_profile=icc)
    photo = read_photo(path)
    assert "icc-to-srgb" in photo.conversions
    # linear 128/255 is about 188 once sRGB-encoded
    assert np.all(np.abs(photo.rgb.astype(int) - 188) <= 2)


def test_srgb_profile_left_alone(tmp_path):
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    path = _save(tmp_path, "srgb.png", Image.new("RGB", (4, 4), (128, 60, 20)), "PNG", icc_profile=srgb)
    photo = read_photo(path)
    assert "icc-to-srgb" not in photo.conversions
    assert tuple(photo.rgb[0, 0]) == (128, 60, 20)


def test_broken_icc_profile_falls_back_to_plain_conversion(tmp_path):
    path = _save(tmp_path, "badicc.jpg", Image.new("RGB", (8, 8), (30, 120, 220)), "JPEG",
                 icc_profile=b"not really an icc profile" * 10, quality=100)
    photo = read_photo(path)
    assert "icc-to-srgb" not in photo.conversions
    assert np.allclose(photo.rgb[4, 4], (30, 120, 220), atol=4)


# ---------------------------------------------------------------- errors


def test_missing_file(tmp_path):
    path = tmp_path / "nobody.jpg"
    with pytest.raises(PhotoError) as excinfo:
        read_photo(path)
    _assert_error(excinfo, "not_found", path)


def test_directory(tmp_path):
    with pytest.raises(PhotoError) as excinfo:
        read_photo(tmp_path)
    _assert_error(excinfo, "not_a_file", tmp_path)


def test_zero_byte_file(tmp_path):
    path = tmp_path / "empty.jpg"
    path.write_bytes(b"")
    with pytest.raises(PhotoError) as excinfo:
        read_photo(path)
    _assert_error(excinfo, "empty_file", path)


def test_text_file_named_jpg(tmp_path):
    path = tmp_path / "notes.jpg"
    path.write_text("Passport appointment on Tuesday at 10:00.\n" * 20)
    with pytest.raises(PhotoError) as excinfo:
        read_photo(path)
    _assert_error(excinfo, "not_an_image", path)


@pytest.mark.parametrize("fmt, suffix", [("JPEG", ".jpg"), ("PNG", ".png")])
def test_truncated_file(tmp_path, fmt, suffix):
    whole = _save(tmp_path, "whole" + suffix, Image.fromarray(_face()), fmt)
    data = whole.read_bytes()
    path = tmp_path / ("half" + suffix)
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(PhotoError) as excinfo:
        read_photo(path)
    _assert_error(excinfo, "truncated", path)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False  # never switched on behind anyone's back


def test_over_pixel_limit_argument(tmp_path):
    path = _save(tmp_path, "face.png", Image.fromarray(_face()), "PNG")
    with pytest.raises(PhotoError) as excinfo:
        read_photo(path, max_pixels=500 * 400 - 1)
    err = _assert_error(excinfo, "too_many_pixels", path)
    assert err.fields == {"limit": 199_999, "width": 500, "height": 400}
    assert "199,999" in error_text(err, "en")
    assert read_photo(path, max_pixels=500 * 400).rgb.shape == (400, 500, 3)


@pytest.fixture(scope="module")
def huge_png(tmp_path_factory) -> Path:
    """A valid 1-bit 30000×30000 PNG (900 megapixels) that compresses to about 100 kB."""
    side = 30000
    row = bytes(side // 8)
    path = tmp_path_factory.mktemp("bomb") / "bomb.png"
    path.write_bytes(_png(side, side, 1, 0, (row for _ in range(side))))
    assert path.stat().st_size < 1_000_000
    return path


@pytest.mark.parametrize("pillow_limit", ["default", None])
def test_huge_header_refused_without_decoding(huge_png, monkeypatch, pillow_limit):
    if pillow_limit is None:  # our own check must hold even with Pillow's guard switched off
        monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)

    def no_decoding(self):
        raise AssertionError("the pixel data must not be decoded")

    monkeypatch.setattr(PngImagePlugin.PngImageFile, "load", no_decoding)
    start = time.perf_counter()
    with pytest.raises(PhotoError) as excinfo:
        read_photo(huge_png)
    assert time.perf_counter() - start < 2.0
    err = _assert_error(excinfo, "too_many_pixels", huge_png)
    assert f"{DEFAULT_MAX_PIXELS:,}" in error_text(err, "en")


def test_pillow_bomb_error_and_warning_mapped(tmp_path, monkeypatch):
    path = _save(tmp_path, "small.png", Image.new("RGB", (20, 20)), "PNG")  # 400 pixels
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)  # 400 > 2 * 100: Pillow raises its error
    with pytest.raises(PhotoError) as excinfo:
        read_photo(path)
    _assert_error(excinfo, "too_many_pixels", path)

    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 300)  # 300 < 400 <= 600: Pillow only warns
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        # our own max_pixels decides below Pillow's hard limit: the warning is not let through
        assert read_photo(path).rgb.shape == (20, 20, 3)
        with pytest.raises(PhotoError) as excinfo:
            read_photo(path, max_pixels=300)
    _assert_error(excinfo, "too_many_pixels", path)


def test_corrupt_data_is_unreadable_not_a_crash(tmp_path):
    data = bytearray(_png(4, 4, 8, 2, (bytes(12) for _ in range(4))))
    idat = data.index(b"IDAT")
    data[idat + 4: idat + 12] = b"\xff" * 8  # wreck the zlib stream (the CRC no longer matches either)
    path = tmp_path / "corrupt.png"
    path.write_bytes(bytes(data))
    with pytest.raises(PhotoError) as excinfo:
        read_photo(path)
    assert excinfo.value.code in ("unreadable", "truncated")
    _assert_error(excinfo, excinfo.value.code, path)


def test_photo_size_properties():
    photo = Photo(rgb=np.zeros((3, 5, 3), np.uint8), path=Path("x.png"), source_format="PNG", conversions=())
    assert (photo.width, photo.height) == (5, 3)


def test_transparent_strips_beside_a_grey_backdrop_become_that_grey_not_two_tone(tmp_path):
    rgb = np.full((120, 90, 3), (150, 152, 151), np.uint8)
    rgb[40:, 30:60] = (200, 120, 90)  # a "person" in the middle, clear of the strips
    alpha = np.full((120, 90), 255, np.uint8)
    alpha[:, :12] = 0  # transparent strips at both sides
    alpha[:, -12:] = 0
    path = _save(tmp_path, "strips.png", Image.fromarray(np.dstack([rgb, alpha]), "RGBA"), "PNG")
    photo = read_photo(path, matte_rgb=(100, 197, 255))
    assert photo.conversions == ("alpha-filled-own-backdrop",)
    assert tuple(photo.rgb[60, 3]) == (150, 152, 151) and tuple(photo.rgb[60, 86]) == (150, 152, 151)
    backdrop = np.concatenate([photo.rgb[:, :30].reshape(-1, 3), photo.rgb[:, 60:].reshape(-1, 3)])
    assert np.ptp(backdrop, axis=0).max() == 0  # one colour all round


def test_a_cut_out_person_with_no_backdrop_of_its_own_gets_the_matte(tmp_path):
    rng = np.random.default_rng(3)
    rgb = rng.integers(0, 256, (80, 80, 3), dtype=np.uint8)  # a busy "person": no plain colour beside the cut
    alpha = np.zeros((80, 80), np.uint8)
    alpha[20:, 25:55] = 255
    path = _save(tmp_path, "cutout.png", Image.fromarray(np.dstack([rgb, alpha]), "RGBA"), "PNG")
    photo = read_photo(path, matte_rgb=(100, 197, 255))
    assert photo.conversions == ("alpha-flattened",)
    assert tuple(photo.rgb[5, 5]) == (100, 197, 255) and tuple(photo.rgb[60, 75]) == (100, 197, 255)
