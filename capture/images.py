"""Safe reading of any photo file into an upright, 24-bit sRGB array.

Every failure is raised as a `PhotoError` naming the file, with a stable `code`:
not_found, not_a_file, empty_file, not_an_image, truncated, too_many_pixels, unreadable.

Transparent areas are filled so the backdrop stays one colour: with the photo's own backdrop colour, sampled from the
opaque pixels right next to them when those are plain (a PNG with transparent strips beside a grey backdrop becomes
grey all round, never two-tone), otherwise (a cut-out person whose whole surround is transparent) with the caller's
`matte_rgb`.
"""
from __future__ import annotations

import functools
import io
import warnings
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from capture.errors import PhotoError, error_name

DEFAULT_MAX_PIXELS = 80_000_000  # decompression-bomb limit, pixels (w*h)

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_SIXTEEN_BIT_MODES = ("I;16", "I;16L", "I;16B", "I;16N", "I")
_BOMB_ERRORS = (Image.DecompressionBombError, Image.DecompressionBombWarning)
_ALPHA_MODES = ("RGBA", "RGBa", "LA", "La")
_ICC_SPACE_FOR_MODE = {"RGB": "RGB", "L": "GRAY", "CMYK": "CMYK"}

#: opaque pixels up to this far (px) from a transparent area are sampled for the photo's own backdrop colour
BACKDROP_RING_PX = 6
#: the ring counts as plain backdrop when this share of its pixels lies within BACKDROP_RING_RGB_DISTANCE of its median
BACKDROP_RING_MIN_SHARE = 0.6
#: RGB distance (0..255 units, Euclidean) within which a ring pixel counts as the ring's colour
BACKDROP_RING_RGB_DISTANCE = 24.0

_heif_lock = threading.Lock()
_heif_registered = False


@dataclass(frozen=True, eq=False)
class Photo:
    """A decoded photo: `rgb` is an H×W×3 contiguous uint8 array in sRGB, already upright."""

    rgb: np.ndarray
    path: Path
    source_format: str  # Pillow's format name, e.g. "JPEG", "PNG", "HEIF", "WEBP", "BMP"
    conversions: tuple[str, ...]  # what was done to reach sRGB, in order

    @property
    def width(self) -> int:
        """Width in pixels."""
        return int(self.rgb.shape[1])

    @property
    def height(self) -> int:
        """Height in pixels."""
        return int(self.rgb.shape[0])


def read_photo(
    path: str | Path,
    *,
    matte_rgb: tuple[int, int, int] = (255, 255, 255),
    max_pixels: int = DEFAULT_MAX_PIXELS,
    own_backdrop: bool = True,
) -> Photo:
    """Read the photo file at `path` and return it as an upright sRGB `Photo`.

    Transparent areas are filled with the photo's own backdrop colour next to them when it is plain and
    `own_backdrop` is True, else composited over `matte_rgb` (0–255 per channel). Images whose header
    declares more than `max_pixels` pixels (width × height) are refused before decoding.
    """
    path = Path(path)
    try:
        if path.is_dir():
            raise PhotoError(path, "not_a_file")
        if not path.exists():
            raise PhotoError(path, "not_found")
        if not path.is_file():
            raise PhotoError(path, "not_a_file")
        data = path.read_bytes()
    except PhotoError:
        raise
    except (OSError, ValueError) as exc:
        raise PhotoError(path, "unreadable", error=error_name(exc)) from None
    return decode_photo_bytes(data, str(path), matte_rgb=matte_rgb, max_pixels=max_pixels, own_backdrop=own_backdrop)


def decode_photo_bytes(
    data: bytes,
    name: str,
    *,
    matte_rgb: tuple[int, int, int] = (255, 255, 255),
    max_pixels: int = DEFAULT_MAX_PIXELS,
    own_backdrop: bool = True,
) -> Photo:
    """Decode photo file contents `data` into an upright sRGB `Photo`; `name` is used in errors.

    Same options as `read_photo`.
    """
    if not data:
        raise PhotoError(name, "empty_file")
    _register_heif_once()
    try:
        with warnings.catch_warnings():
            # our own pixel limit below decides; Pillow's warning would only repeat it on the console
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(data))
    except _BOMB_ERRORS:
        raise _too_many_pixels(name, None, max_pixels) from None
    except UnidentifiedImageError:
        raise PhotoError(name, "not_an_image") from None
    except Exception as exc:  # a plugin recognised the file but choked on its header
        raise _unreadable(name, exc) from None

    with im:
        width, height = im.size
        if width <= 0 or height <= 0:
            raise _unreadable(name, ValueError("zero-sized image"))
        if width * height > max_pixels:
            raise _too_many_pixels(name, (width, height), max_pixels)
        source_format = im.format or "unknown"
        try:
            im.load()
        except _BOMB_ERRORS:
            raise _too_many_pixels(name, (width, height), max_pixels) from None
        except (OSError, EOFError, SyntaxError) as exc:
            if isinstance(exc, EOFError) or "truncated" in str(exc).lower():
                raise PhotoError(name, "truncated") from None
            raise _unreadable(name, exc) from None
        except Exception as exc:
            raise _unreadable(name, exc) from None
        try:
            rgb, conversions = _to_srgb(im, data, matte_rgb, own_backdrop)
        except _BOMB_ERRORS:
            raise _too_many_pixels(name, (width, height), max_pixels) from None
        except Exception as exc:
            raise _unreadable(name, exc) from None
    return Photo(rgb=rgb, path=Path(name), source_format=source_format, conversions=conversions)


def _register_heif_once() -> None:
    """Register pillow_heif's HEIC/HEIF opener with Pillow the first time it is needed."""
    global _heif_registered
    if _heif_registered:
        return
    with _heif_lock:
        if not _heif_registered:
            try:
                import pillow_heif

                pillow_heif.register_heif_opener()
            except Exception:  # HEIF support missing: such files are reported as not_an_image
                pass
            _heif_registered = True


def _too_many_pixels(name: str, size: tuple[int, int] | None, max_pixels: int) -> PhotoError:
    """Return the too_many_pixels error; the photo's width and height (px) are fields when its header gave them."""
    dims = {"width": size[0], "height": size[1]} if size else {}
    return PhotoError(name, "too_many_pixels", limit=max_pixels, **dims)


def _unreadable(name: str, exc: BaseException) -> PhotoError:
    return PhotoError(name, "unreadable", error=error_name(exc))


def _to_srgb(
    im: Image.Image, data: bytes, matte_rgb: tuple[int, int, int], own_backdrop: bool = True
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Return (H×W×3 contiguous uint8 sRGB array, conversions done) for a loaded image."""
    conversions: list[str] = []
    icc = im.info.get("icc_profile")

    precise = _sixteen_bit_png_colour(im, data)
    if precise is not None:
        im = precise
        conversions.append("16bit-to-8bit")

    if _orientation(im) in range(2, 9):
        im = ImageOps.exif_transpose(im)
        conversions.append("exif-orientation")

    if im.mode in _SIXTEEN_BIT_MODES:
        im = Image.fromarray(_scale_16_to_8(np.asarray(im)), "L")
        conversions.append("16bit-to-8bit")

    # Bring every mode to one of RGB / L / CMYK, with alpha split off if there is any.
    has_transparency = im.info.get("transparency") is not None
    if im.mode in ("P", "PA"):
        im = im.convert("RGBA" if im.mode == "PA" or has_transparency else "RGB")
    elif im.mode in ("1", "L", "RGB") and has_transparency:
        im = im.convert("RGBA" if im.mode == "RGB" else "LA")
    alpha = im.getchannel("A") if im.mode in _ALPHA_MODES else None
    if im.mode not in _ICC_SPACE_FOR_MODE:
        im = im.convert("L" if im.mode in ("1", "LA", "La") else "RGB")

    was_cmyk = im.mode == "CMYK"
    rgb_im = _icc_to_srgb(im, icc)
    if rgb_im is not None:
        conversions.append("icc-to-srgb")
    else:
        rgb_im = im.convert("RGB")
    if was_cmyk:
        conversions.append("cmyk-to-rgb")

    if alpha is not None and alpha.getextrema()[0] < 255:
        own = backdrop_next_to_transparency(np.asarray(rgb_im), np.asarray(alpha)) if own_backdrop else None
        fill = own if own is not None else tuple(int(c) for c in matte_rgb)
        flat = Image.new("RGB", rgb_im.size, fill)
        flat.paste(rgb_im, (0, 0), alpha)
        rgb_im = flat
        conversions.append("alpha-filled-own-backdrop" if own is not None else "alpha-flattened")

    rgb = np.array(rgb_im, dtype=np.uint8, order="C")
    return rgb, tuple(conversions)


def backdrop_next_to_transparency(rgb: np.ndarray, alpha: np.ndarray) -> tuple[int, int, int] | None:
    """Return the photo's own backdrop colour (sRGB 0..255) sampled from the opaque pixels within BACKDROP_RING_PX
    of its transparent areas (alpha < 128), or None when there are none or they are not plain (fewer than
    BACKDROP_RING_MIN_SHARE of them near their median colour: the transparency borders the person, not a backdrop).
    `rgb` is H×W×3 uint8, `alpha` H×W uint8."""
    import cv2  # OpenCV is needed only for a transparent photo

    transparent = (alpha < 128).astype(np.uint8)
    size = 2 * BACKDROP_RING_PX + 1
    near = cv2.dilate(transparent, cv2.getStructuringElement(cv2.MORPH_RECT, (size, size)))
    ring = rgb[(near > 0) & (alpha == 255)].astype(np.float32)
    if len(ring) < 16:
        return None
    median = np.median(ring, axis=0)
    close = np.linalg.norm(ring - median, axis=1) <= BACKDROP_RING_RGB_DISTANCE
    if close.mean() < BACKDROP_RING_MIN_SHARE:
        return None
    r, g, b = np.round(ring[close].mean(axis=0)).astype(int)
    return int(r), int(g), int(b)


def _orientation(im: Image.Image) -> int:
    """Return the EXIF (or XMP) orientation tag, 1 when absent or unreadable."""
    try:
        return int(im.getexif().get(0x0112, 1))
    except Exception:
        return 1


def _scale_16_to_8(values: np.ndarray) -> np.ndarray:
    """Scale 16-bit values (0–65535) to 8 bit as round(value / 257)."""
    v = np.clip(values.astype(np.int64), 0, 65535)
    return ((2 * v + 257) // 514).astype(np.uint8)


def _sixteen_bit_png_colour(im: Image.Image, data: bytes) -> Image.Image | None:
    """Re-decode a 16-bit colour (or grey+alpha) PNG at full depth and scale it to 8 bit.

    Pillow keeps only the high byte of such PNGs; OpenCV decodes all 16 bits. Returns None when
    the image is not such a PNG or OpenCV is unavailable (Pillow's 8-bit decode is then kept).
    """
    if im.format != "PNG" or data[:8] != _PNG_SIGNATURE or len(data) < 26:
        return None
    bit_depth, colour_type = data[24], data[25]
    if bit_depth != 16 or colour_type not in (2, 4, 6):
        return None
    try:
        import cv2
    except ImportError:
        return None
    arr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if arr is None or arr.dtype != np.uint16 or arr.ndim != 3 or arr.shape[2] not in (3, 4):
        return None
    arr8 = _scale_16_to_8(arr)
    arr8 = arr8[..., [2, 1, 0, 3]] if arr8.shape[2] == 4 else arr8[..., ::-1]
    out = Image.fromarray(np.ascontiguousarray(arr8), "RGBA" if arr8.shape[2] == 4 else "RGB")
    if out.size != im.size:
        return None
    out.info = {k: v for k, v in im.info.items() if k != "transparency"}
    return out


def _icc_to_srgb(im: Image.Image, icc: bytes | None) -> Image.Image | None:
    """Convert `im` (RGB, L or CMYK) from its embedded ICC profile to sRGB.

    Returns None when there is no usable profile, it is already sRGB, or the conversion fails.
    """
    if not icc:
        return None
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if profile.profile.xcolor_space.strip() != _ICC_SPACE_FOR_MODE.get(im.mode):
            return None
        if "srgb" in ImageCms.getProfileDescription(profile).lower():
            return None
        return ImageCms.profileToProfile(im, profile, _srgb_profile(), outputMode="RGB")
    except Exception:  # broken or unsupported profile: the caller falls back to a plain convert
        return None


@functools.lru_cache(maxsize=1)
def _srgb_profile() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
