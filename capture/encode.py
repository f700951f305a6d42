"""Encode a finished picture to a JPEG that lands inside a KB window, check it, and write it safely.

Upload sites (e.g. 学信网: 480×640 px, 300 dpi, JPEG, 20–40 KB) judge the file by its byte size,
and they do not agree on what a KB is. `KbWindow` therefore uses byte bounds that pass under both
definitions. `encode_to_window` searches the JPEG quality (and, as a second lever, the chroma
subsampling) for the highest quality that fits; it never pads a file to reach a minimum.
`verify_picture` re-reads the bytes and lists what is wrong; `write_atomic` puts them on disk
without ever leaving a half-written file behind.
"""
from __future__ import annotations

import errno
import io
import math
import os
import tempfile
import threading
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO, Callable

import numpy as np
from PIL import Image, ImageFile

from capture.errors import PhotoError

__all__ = [
    "KbWindow",
    "EncodedPicture",
    "encode_to_window",
    "verify_picture",
    "write_atomic",
    "SUBSAMPLING_420",
    "SUBSAMPLING_444",
]

SUBSAMPLING_420 = "4:2:0"
SUBSAMPLING_444 = "4:4:4"

_PICTURE = "<picture>"


# --------------------------------------------------------------------------------------------
# KB window
# --------------------------------------------------------------------------------------------


def _kb_to_decimal(value: float, name: str) -> Decimal:
    """Return `value` as an exact decimal of what a person typed (20.5 -> Decimal('20.5'))."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name} must be a number of KB, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number of KB, got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must not be negative, got {value!r}")
    # repr() gives the shortest text that round-trips, i.e. what was written in the profile, so
    # 4.35 * 1000 is 4350 and not 4349.999....
    return Decimal(repr(float(value)))


@dataclass(frozen=True)
class KbWindow:
    """An allowed file-size range written in KB, e.g. KbWindow(20, 40) for "20–40 KB".

    Upload sites disagree on the KB: some mean 1024 bytes, others 1000. The byte bounds are
    chosen so the file passes under either reading:

    * ``min_bytes = ceil(kb_min * 1024)`` — at least the minimum even when a KB is 1024 bytes;
    * ``max_bytes = floor(kb_max * 1000)`` — at most the maximum even when a KB is 1000 bytes.

    So 20–40 KB means 20 480–40 000 bytes. A window whose byte range is empty under this rule
    (e.g. 20–20 KB) is rejected with ValueError.
    """

    kb_min: float
    kb_max: float

    def __post_init__(self) -> None:
        low = _kb_to_decimal(self.kb_min, "kb_min")
        high = _kb_to_decimal(self.kb_max, "kb_max")
        if low > high:
            raise ValueError(f"kb_min ({self.kb_min}) must not be larger than kb_max ({self.kb_max})")
        if self.min_bytes > self.max_bytes:
            raise ValueError(
                f"the window {self.kb_min:g}–{self.kb_max:g} KB is too narrow: a file must be at least "
                f"{self.min_bytes} bytes (1 KB = 1024 bytes) and at most {self.max_bytes} bytes "
                f"(1 KB = 1000 bytes), which no size satisfies"
            )

    @property
    def min_bytes(self) -> int:
        """Return the smallest allowed size in bytes: ceil(kb_min × 1024)."""
        return math.ceil(Decimal(repr(float(self.kb_min))) * 1024)

    @property
    def max_bytes(self) -> int:
        """Return the largest allowed size in bytes: floor(kb_max × 1000)."""
        return math.floor(Decimal(repr(float(self.kb_max))) * 1000)

    def contains(self, n_bytes: int) -> bool:
        """Return True when a file of `n_bytes` bytes is inside the window (bounds included)."""
        return self.min_bytes <= n_bytes <= self.max_bytes

    def describe(self) -> str:
        """Return the window for people, e.g. '20–40 KB (20,480–40,000 bytes)'."""
        return f"{self.kb_min:g}–{self.kb_max:g} KB ({self.min_bytes:,}–{self.max_bytes:,} bytes)"


# --------------------------------------------------------------------------------------------
# Encoding
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EncodedPicture:
    """A JPEG file in memory and how it was made.

    `data` is the complete file; `quality` the JPEG quality (1–100) used; `subsampling` the chroma
    subsampling, "4:2:0" or "4:4:4"; `encodes` how many JPEG encodes the search ran in total.
    """

    data: bytes
    quality: int
    subsampling: str
    encodes: int

    @property
    def size_bytes(self) -> int:
        """Return the file size in bytes."""
        return len(self.data)

    @property
    def size_kb(self) -> float:
        """Return the file size in KB of 1024 bytes."""
        return len(self.data) / 1024


# The model the search uses to guess qualities. libjpeg turns quality q into a quantisation scale
# (5000/q percent below 50, 200-2q percent from 50 on); JPEG size is close to a power law of that
# scale, i.e. ln(size) is nearly linear in ln(scale). The constants below are only a first guess;
# every later guess uses the sizes actually measured.
_PRIOR_SLOPE = -0.55  # d ln(size) / d ln(scale), typical for photographs
_PRIOR_BPP_Q75 = {SUBSAMPLING_420: 0.12, SUBSAMPLING_444: 0.17}  # bytes per pixel at quality 75
_RATIO_444_OVER_420 = 1.4  # typical size ratio at equal quality, used to seed the 4:4:4 search

# Pillow sizes its output buffer for optimised Huffman tables as about one byte per pixel, which a
# very detailed picture at 4:4:4 can exceed ("Suspension not allowed here"). Only then do we retry
# with a larger buffer; the lock keeps two such retries from restoring each other's value.
_BUFFER_LOCK = threading.Lock()
_WORST_CASE_BYTES_PER_PIXEL = 8


def _scale(quality: float) -> float:
    """Return libjpeg's quantisation scale (percent) for a quality, never below 1."""
    if quality < 50:
        return 5000.0 / quality
    return max(200.0 - 2.0 * quality, 1.0)


def _quality_for_scale(scale: float) -> float:
    """Return the (fractional) quality whose quantisation scale is `scale`; inverse of _scale."""
    if scale > 100.0:
        return 5000.0 / scale
    if scale <= 1.0:
        return 100.0
    return (200.0 - scale) / 2.0


def _check_rgb(rgb: np.ndarray) -> None:
    if not isinstance(rgb, np.ndarray):
        raise ValueError(f"rgb must be a numpy array, got {type(rgb).__name__}")
    if rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(f"rgb must be an H×W×3 array, got shape {rgb.shape}")
    if rgb.dtype != np.uint8:
        raise ValueError(f"rgb must be uint8 (8-bit sRGB), got {rgb.dtype}")
    height, width = rgb.shape[:2]
    if height < 1 or width < 1:
        raise ValueError(f"rgb must not be empty, got shape {rgb.shape}")
    if height > 65500 or width > 65500:
        raise ValueError(f"JPEG cannot hold a {width}×{height} picture (65500 px per side at most)")


def _check_dpi(dpi: int) -> None:
    if isinstance(dpi, bool) or not isinstance(dpi, (int, np.integer)) or not 1 <= dpi <= 65535:
        raise ValueError(f"dpi must be an integer from 1 to 65535, got {dpi!r}")


def _check_quality(quality_min: int, quality_max: int) -> None:
    for name, value in (("quality_min", quality_min), ("quality_max", quality_max)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 1 <= value <= 100:
            raise ValueError(f"{name} must be an integer from 1 to 100, got {value!r}")
    if quality_min > quality_max:
        raise ValueError(f"quality_min ({quality_min}) must not be larger than quality_max ({quality_max})")


def _encode_jpeg(image: Image.Image, quality: int, subsampling: str, dpi: int) -> bytes:
    """Return a baseline JPEG of `image`: JFIF with the DPI, optimised Huffman tables, no metadata."""
    options = dict(
        format="JPEG",
        quality=quality,
        subsampling=subsampling,
        optimize=True,
        progressive=False,
        dpi=(dpi, dpi),
    )
    buffer = io.BytesIO()
    try:
        image.save(buffer, **options)
    except OSError:
        # See _BUFFER_LOCK: retry once with an output buffer big enough for any JPEG of this size.
        width, height = image.size
        needed = _WORST_CASE_BYTES_PER_PIXEL * width * height + 65536
        with _BUFFER_LOCK:
            previous = ImageFile.MAXBLOCK
            ImageFile.MAXBLOCK = max(previous, needed)
            try:
                buffer = io.BytesIO()
                image.save(buffer, **options)
            finally:
                ImageFile.MAXBLOCK = previous
    return buffer.getvalue()


class _Encoder:
    """Encodes one picture at (quality, subsampling) on demand, never the same pair twice."""

    def __init__(self, rgb: np.ndarray, dpi: int) -> None:
        # A fresh image from the array carries no EXIF, ICC profile or comment to copy along.
        self.image = Image.fromarray(np.ascontiguousarray(rgb))
        self.pixels = rgb.shape[0] * rgb.shape[1]
        self.dpi = dpi
        self.files: dict[tuple[str, int], bytes] = {}
        self.encodes = 0

    def data(self, subsampling: str, quality: int) -> bytes:
        key = (subsampling, quality)
        if key not in self.files:
            self.files[key] = _encode_jpeg(self.image, quality, subsampling, self.dpi)
            self.encodes += 1
        return self.files[key]

    def size(self, subsampling: str, quality: int) -> int:
        return len(self.data(subsampling, quality))

    def known(self, subsampling: str) -> dict[int, int]:
        """Return {quality: size in bytes} of everything encoded so far at `subsampling`."""
        return {q: len(d) for (s, q), d in self.files.items() if s == subsampling}


def _highest_fitting(
    size_at: Callable[[int], int],
    lo: int,
    hi: int,
    max_bytes: int,
    anchor: tuple[float, float],
) -> int | None:
    """Return the highest quality in [lo, hi] whose size is <= max_bytes, or None if lo is too big.

    Assumes size grows with quality (true for JPEG apart from rare one-byte wobbles). Keeps a
    bracket fit < fail and picks each probe by interpolating ln(size) over ln(scale) between the
    bracket's measured ends (the prior slope when only one end is measured, `anchor` — a
    (quality, bytes) guess — when none is), with bisection whenever interpolation stops halving the
    bracket. Qualities lo-1 and hi+1 stand for "not measured".
    """
    fit, fail = lo - 1, hi + 1
    measured: dict[int, int] = {}
    widths: list[int] = []
    target = math.log(max_bytes) if max_bytes > 0 else -1.0

    def point(q: int) -> tuple[float, float]:
        return math.log(_scale(q)), math.log(max(measured[q], 1))

    while fail - fit > 1:
        width = fail - fit
        stalled = len(widths) >= 2 and width * 2 > widths[-2]
        widths.append(width)
        guess: float | None = None
        if not stalled:
            have_fit, have_fail = fit >= lo, fail <= hi
            if have_fit and have_fail:
                (x0, y0), (x1, y1) = point(fit), point(fail)
                slope = (y1 - y0) / (x1 - x0) if x1 != x0 else 0.0
                if math.isfinite(slope) and slope < 0:  # size must fall as the scale grows
                    guess = _quality_for_scale(math.exp(x0 + (target - y0) / slope))
            else:
                if have_fit or have_fail:
                    x0, y0 = point(fit if have_fit else fail)
                else:
                    x0, y0 = math.log(_scale(anchor[0])), math.log(max(anchor[1], 1.0))
                guess = _quality_for_scale(math.exp(x0 + (target - y0) / _PRIOR_SLOPE))
        if guess is None or not math.isfinite(guess):
            probe = (fit + fail) // 2
        else:
            probe = math.floor(guess)
        probe = min(max(probe, fit + 1), fail - 1)
        measured[probe] = size_at(probe)
        if measured[probe] <= max_bytes:
            fit = probe
        else:
            fail = probe
    return fit if fit >= lo else None


def encode_to_window(
    rgb: np.ndarray,
    *,
    dpi: int,
    window: KbWindow,
    quality_min: int,
    quality_max: int = 100,
) -> EncodedPicture:
    """Return the picture as a baseline JPEG whose size in bytes lies inside `window`.

    `rgb` is an H×W×3 uint8 sRGB array already at the output size in pixels; `dpi` is written into
    the JFIF header. The file has optimised Huffman tables and no EXIF, ICC profile or comment.

    The search looks for the highest integer quality in [quality_min, quality_max] whose size is at
    most ``window.max_bytes`` using chroma subsampling 4:2:0, then checks it is at least
    ``window.min_bytes``. If 4:2:0 cannot reach the minimum, 4:4:4 (larger files) is tried the same
    way. Only if both fail does it try every remaining quality, so it never reports a window as
    unreachable while some (quality, subsampling) would land inside. Bytes are never padded.

    Raises ValueError for bad arguments and PhotoError(code "kb_window_unreachable") when no
    quality in range lands inside the window; its fields give the sizes reached.
    """
    _check_rgb(rgb)
    _check_dpi(dpi)
    _check_quality(quality_min, quality_max)
    if not isinstance(window, KbWindow):
        raise ValueError(f"window must be a KbWindow, got {type(window).__name__}")

    encoder = _Encoder(rgb, int(dpi))
    lo, hi = int(quality_min), int(quality_max)

    def found(subsampling: str, quality: int) -> EncodedPicture:
        return EncodedPicture(encoder.data(subsampling, quality), quality, subsampling, encoder.encodes)

    # Lever 1: quality at 4:2:0.
    anchor = (75.0, _PRIOR_BPP_Q75[SUBSAMPLING_420] * encoder.pixels)
    q420 = _highest_fitting(
        lambda q: encoder.size(SUBSAMPLING_420, q), lo, hi, window.max_bytes, anchor
    )
    if q420 is not None:
        if encoder.size(SUBSAMPLING_420, q420) >= window.min_bytes:
            return found(SUBSAMPLING_420, q420)
        # Lever 2: 4:4:4 makes bigger files at the same quality. Seed its guess from the largest
        # 4:2:0 file measured.
        q_seed, size_seed = max(encoder.known(SUBSAMPLING_420).items())
        anchor = (float(q_seed), size_seed * _RATIO_444_OVER_420)
        q444 = _highest_fitting(
            lambda q: encoder.size(SUBSAMPLING_444, q), lo, hi, window.max_bytes, anchor
        )
        if q444 is not None and encoder.size(SUBSAMPLING_444, q444) >= window.min_bytes:
            return found(SUBSAMPLING_444, q444)

    # Nothing found by the searches. JPEG size is monotonic in quality only nearly, so before
    # declaring failure try every (quality, subsampling) not yet encoded and take the best fit.
    for subsampling in (SUBSAMPLING_420, SUBSAMPLING_444):
        for quality in range(hi, lo - 1, -1):
            encoder.size(subsampling, quality)
    fitting = [
        (quality, subsampling == SUBSAMPLING_420, subsampling)
        for (subsampling, quality), data in encoder.files.items()
        if window.contains(len(data))
    ]
    if fitting:
        quality, _, subsampling = max(fitting)
        return found(subsampling, quality)
    raise _unreachable(encoder, window, lo, hi)


def _fmt(n_bytes: int) -> str:
    return f"{n_bytes:,} bytes ({n_bytes / 1024:.1f} KB)"


def _unreachable(encoder: _Encoder, window: KbWindow, lo: int, hi: int) -> PhotoError:
    """Return the error saying that no encode landed in the window, with the sizes reached (bytes) and their
    qualities: all above the maximum, all below the minimum, or jumping over the window."""
    sizes = [(len(data), quality) for (_subsampling, quality), data in encoder.files.items()]
    smallest, largest = min(sizes), max(sizes)
    return PhotoError(_PICTURE, "kb_window_unreachable", kb_min=window.kb_min, kb_max=window.kb_max,
                      quality_min=lo, quality_max=hi, smallest_bytes=smallest[0], smallest_quality=smallest[1],
                      largest_bytes=largest[0], largest_quality=largest[1])


# --------------------------------------------------------------------------------------------
# Verification
# --------------------------------------------------------------------------------------------


@dataclass
class _JpegHeaders:
    """What the marker segments before the first scan say."""

    sof: int | None = None  # the SOFn marker byte, 0xC0 for baseline
    precision: int | None = None  # bits per sample
    components: int | None = None
    exif: bool = False
    icc: bool = False
    comment: bool = False
    xmp: bool = False


_SOF_MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_SOF_NAMES = {
    0xC0: "baseline",
    0xC1: "extended sequential",
    0xC2: "progressive",
    0xC3: "lossless",
}


def _read_headers(data: bytes) -> _JpegHeaders:
    """Return the header facts of a JPEG by walking its marker segments up to the first scan."""
    headers = _JpegHeaders()
    if data[:2] != b"\xff\xd8":
        return headers
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            break
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # stand-alone markers
            pos += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, start of scan
            break
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        body = data[pos + 4 : pos + 2 + length]
        if marker in _SOF_MARKERS and headers.sof is None and len(body) >= 6:
            headers.sof = marker
            headers.precision = body[0]
            headers.components = body[5]
        elif marker == 0xE1 and body.startswith(b"Exif\x00"):
            headers.exif = True
        elif marker == 0xE1 and body.startswith(b"http://ns.adobe.com/xap/"):
            headers.xmp = True
        elif marker == 0xE2 and body.startswith(b"ICC_PROFILE\x00"):
            headers.icc = True
        elif marker == 0xFE:
            headers.comment = True
        pos += 2 + length
    return headers


def verify_picture(data: bytes, *, width_px: int, height_px: int, dpi: int, window: KbWindow) -> list[str]:
    """Return the problems of a finished JPEG file as sentences; an empty list means it is fine.

    Checks, by re-reading `data` with Pillow and walking its JPEG headers: format JPEG, baseline
    (not progressive), 24-bit RGB (3 channels of 8 bits), exactly `width_px`×`height_px` pixels,
    a JFIF density equal to `dpi` (after rounding to whole dpi), no EXIF/XMP/ICC/comment, and a
    size in bytes inside `window`.
    """
    problems: list[str] = []
    data = bytes(data)
    size = len(data)
    if size < window.min_bytes:
        problems.append(
            f"The file is {_fmt(size)}, below the {window.kb_min:g} KB minimum ({window.min_bytes:,} bytes)."
        )
    elif size > window.max_bytes:
        problems.append(
            f"The file is {_fmt(size)}, above the {window.kb_max:g} KB maximum ({window.max_bytes:,} bytes)."
        )

    try:
        with Image.open(io.BytesIO(data)) as image:
            image_format = image.format
            mode = image.mode
            width, height = image.size
            info = dict(image.info)
            image.load()  # decode everything, so a truncated or corrupt file is caught
    except Exception as exc:  # Pillow raises many kinds for broken files
        problems.insert(0, f"The file cannot be read as a picture ({type(exc).__name__}: {exc}).")
        return problems

    if image_format != "JPEG":
        problems.insert(0, f"The file is {image_format}, not JPEG.")
        return problems

    headers = _read_headers(data)
    if headers.sof != 0xC0:
        kind = _SOF_NAMES.get(headers.sof or 0, "of an unknown kind")
        problems.append(f"The JPEG is {kind}, not baseline; upload sites expect a baseline JPEG.")
    if mode != "RGB" or headers.components != 3 or headers.precision != 8:
        problems.append(
            f"The picture is mode {mode} with {headers.components} channel(s) of {headers.precision} bits; "
            "it must be 24-bit RGB (3 channels of 8 bits)."
        )
    if (width, height) != (width_px, height_px):
        problems.append(f"The picture is {width}×{height} px; it must be {width_px}×{height_px} px.")

    unit = info.get("jfif_unit")
    density = info.get("jfif_density")
    if "jfif" not in info or density is None:
        problems.append(f"The file has no JFIF header, so it does not state its {dpi} dpi.")
    elif unit not in (1, 2):
        problems.append(f"The JFIF header gives no resolution unit, so the file does not state its {dpi} dpi.")
    else:
        factor = 2.54 if unit == 2 else 1.0  # unit 2 is dots per centimetre
        got = (round(density[0] * factor), round(density[1] * factor))
        if got != (dpi, dpi):
            problems.append(f"The file says {got[0]}×{got[1]} dpi; it must say {dpi} dpi.")

    carried = [
        name
        for name, present in (
            ("EXIF data", headers.exif or "exif" in info),
            ("XMP data", headers.xmp),
            ("an ICC profile", headers.icc or "icc_profile" in info),
            ("a comment", headers.comment or "comment" in info),
        )
        if present
    ]
    if carried:
        problems.append(f"The file carries {', '.join(carried)}; it must carry no metadata.")
    return problems


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------

# Errors from fsync on a directory that only mean "this file system cannot do that".
_DIR_FSYNC_UNSUPPORTED = {errno.EINVAL, errno.EBADF, errno.EACCES, errno.EPERM, errno.EISDIR}
_DIR_FSYNC_UNSUPPORTED |= {getattr(errno, name) for name in ("ENOTSUP", "EOPNOTSUPP") if hasattr(errno, name)}


def _fsync_directory(folder: Path) -> None:
    """Flush the directory entry of a just-renamed file to disk (POSIX only; a no-op elsewhere)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as exc:
        if exc.errno in _DIR_FSYNC_UNSUPPORTED:
            return
        raise
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in _DIR_FSYNC_UNSUPPORTED:
            raise
    finally:
        os.close(fd)


def write_atomic(path: str | Path, data: bytes | Callable[[BinaryIO], None], *, mode: int = 0o600,
                 check: Callable[[Path], None] | None = None) -> None:
    """Write `data` to `path` so that the target is either the old file or the complete new one.

    `data` is the bytes, or a function that writes them to the open file it is given (for large files built on
    the fly, such as an export zip). They go to a temporary file in the same folder, created with permission bits
    `mode` (exactly, regardless of umask), are flushed and fsynced; `check`, if given, is then called with the
    temporary file's path and may raise to refuse it; and the temporary file is renamed onto the target with
    os.replace. On POSIX the folder is then fsynced so the rename survives a power cut. On any failure the
    temporary file is removed and the exception re-raised. Returns None.
    """
    target = Path(path)
    folder = target.parent
    fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:  # closes fd whatever happens inside
            if hasattr(os, "fchmod"):
                os.fchmod(fh.fileno(), mode)
            else:  # pragma: no cover - Windows
                os.chmod(tmp, mode)
            if callable(data):
                data(fh)
            else:
                fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if check is not None:
            check(tmp)
        os.replace(tmp, target)
    except BaseException:
        try:
            tmp.unlink()
        except FileNotFoundError:
            pass
        raise
    _fsync_directory(folder)
