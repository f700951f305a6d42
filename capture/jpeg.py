"""Writing and reading JPEG files: the baseline JFIF writer (optimised Huffman tables, no metadata), a per-picture
encode cache, and the header facts (SOF kind, precision, metadata segments) read back from the bytes."""
from __future__ import annotations

import io
import threading
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFile

__all__ = ["SUBSAMPLING_420", "SUBSAMPLING_444", "JpegHeaders", "JpegEncoder", "encode_jpeg", "read_headers", "SOF_NAMES"]

SUBSAMPLING_420 = "4:2:0"
SUBSAMPLING_444 = "4:4:4"

# Pillow sizes its output buffer for optimised Huffman tables as about one byte per pixel, which a
# very detailed picture at 4:4:4 can exceed ("Suspension not allowed here"). Only then do we retry
# with a larger buffer; the lock keeps two such retries from restoring each other's value.
_BUFFER_LOCK = threading.Lock()
_WORST_CASE_BYTES_PER_PIXEL = 8


def encode_jpeg(image: Image.Image, quality: int, subsampling: str, dpi: int) -> bytes:
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


class JpegEncoder:
    """Encodes one picture at (quality, subsampling) on demand, never the same pair twice."""

    def __init__(self, rgb: np.ndarray, dpi: int) -> None:
        # A fresh image from the array carries no EXIF, ICC profile or comment to copy along.
        self.image = Image.fromarray(np.ascontiguousarray(rgb))
        self.pixels = rgb.shape[0] * rgb.shape[1]
        self.dpi = dpi
        self.files: dict[tuple[str, int], bytes] = {}
        self.encodes = 0

    def data(self, subsampling: str, quality: int) -> bytes:
        """Return the JPEG file at (`subsampling`, `quality`), encoding it only the first time it is asked for."""
        key = (subsampling, quality)
        if key not in self.files:
            self.files[key] = encode_jpeg(self.image, quality, subsampling, self.dpi)
            self.encodes += 1
        return self.files[key]

    def size(self, subsampling: str, quality: int) -> int:
        """Return the size in bytes of the JPEG file at (`subsampling`, `quality`)."""
        return len(self.data(subsampling, quality))

    def known(self, subsampling: str) -> dict[int, int]:
        """Return {quality: size in bytes} of everything encoded so far at `subsampling`."""
        return {q: len(d) for (s, q), d in self.files.items() if s == subsampling}


@dataclass
class JpegHeaders:
    """What the marker segments before the first scan say."""

    sof: int | None = None  # the SOFn marker byte, 0xC0 for baseline
    precision: int | None = None  # bits per sample
    components: int | None = None
    exif: bool = False
    icc: bool = False
    comment: bool = False
    xmp: bool = False


_SOF_MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
SOF_NAMES = {
    0xC0: "baseline",
    0xC1: "extended sequential",
    0xC2: "progressive",
    0xC3: "lossless",
}


def read_headers(data: bytes) -> JpegHeaders:
    """Return the header facts of a JPEG by walking its marker segments up to the first scan."""
    headers = JpegHeaders()
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
