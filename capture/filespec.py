"""Does this picture file meet the profile? The one file-level compliance check.

`check_file_spec` re-reads the bytes (Pillow, then the JPEG headers) and returns a `FileSpec`: one `SpecRule` per
rule, each with its code, the value measured, the limit the profile sets and whether it passed. The rules:

    kb         size in KB (1024 bytes), inside the profile's KB window (byte bounds of capture.kbwindow)
    format     "JPEG RGB": the file is a JPEG whose pixels are RGB (value "unreadable (Error)" for a broken file)
    width_px   width in pixels, exactly the profile's
    height_px  height in pixels, exactly the profile's
    ratio      width / height, within RATIO_TOLERANCE of the profile's
    dpi        the JFIF density in dpi [x, y] (dots per cm converted, rounded), exactly the profile's
    baseline   the JPEG kind ("baseline", "progressive", ...), baseline expected by upload sites
    bit_depth  [channels, bits per channel] from the frame header, [3, 8] (24-bit)
    metadata   the metadata the file carries (exif, xmp, icc_profile, comment), none allowed

A broken file has only the kb and format rules; a file that is not a JPEG has no JPEG-header rules. `problems`
lists the codes of the rules that failed; no sentences here (kiosk.texts words them).
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any, Iterable

from PIL import Image

from capture.jpeg import SOF_NAMES, JpegHeaders, read_headers
from capture.kbwindow import kb_window
from profiles.model import Profile

__all__ = ["RATIO_TOLERANCE", "LISTED_RULES", "SpecRule", "FileSpec", "check_file_spec"]

#: how far the file's width/height ratio may stray from the profile's, as a share
RATIO_TOLERANCE = 0.01

#: the rules a file-spec table lists (`idphoto check --json`, the export's per-picture report), in that order
LISTED_RULES = ("format", "width_px", "height_px", "ratio", "kb", "dpi")

_BASELINE_SOF = 0xC0


@dataclass(frozen=True)
class SpecRule:
    """One file-level rule: its `code`, the `value` measured, the `limit` the profile sets, and whether it passed."""

    code: str
    value: Any
    limit: Any
    ok: bool

    @property
    def expected(self) -> Any:
        """Return the limit (named "expected" in the JSON reports)."""
        return self.limit

    def to_dict(self) -> dict:
        """Return the rule as the JSON reports write it: {"ok", "value", "expected"}."""
        return {"ok": bool(self.ok), "value": self.value, "expected": self.limit}


@dataclass(frozen=True)
class FileSpec:
    """The verdict on one file: every rule checked, in the order of the module text."""

    rules: tuple[SpecRule, ...]

    @property
    def ok(self) -> bool:
        """Return True when every rule passed."""
        return all(rule.ok for rule in self.rules)

    @property
    def problems(self) -> tuple[str, ...]:
        """Return the codes of the rules that failed (empty: the file meets the profile)."""
        return tuple(rule.code for rule in self.rules if not rule.ok)

    def rule(self, code: str) -> SpecRule | None:
        """Return the rule called `code`, or None when it was not checked (e.g. JPEG headers of a broken file)."""
        return next((rule for rule in self.rules if rule.code == code), None)

    def listed(self, order: Iterable[str] = LISTED_RULES) -> dict[str, SpecRule]:
        """Return {code: rule} of the rules in `order` that were checked, then any other rule that failed."""
        order = tuple(order)
        table = {code: rule for code in order if (rule := self.rule(code)) is not None}
        table.update({rule.code: rule for rule in self.rules if not rule.ok and rule.code not in table})
        return table


@dataclass(frozen=True)
class _Read:
    """What Pillow says of the file."""

    format: str
    mode: str
    width: int
    height: int
    info: dict


def _read(data: bytes) -> _Read:
    """Return what Pillow reads from `data`, decoding every pixel so a truncated file raises."""
    with Image.open(io.BytesIO(data)) as image:
        read = _Read((image.format or "").upper(), image.mode, image.size[0], image.size[1], dict(image.info))
        image.load()
    return read


def _jfif_dpi(info: dict) -> list[int] | None:
    """Return the JFIF density as [x, y] whole dpi, or None when the file does not state it in dpi or dots/cm."""
    density, unit = info.get("jfif_density"), info.get("jfif_unit")
    if "jfif" not in info or density is None or unit not in (1, 2):
        return None
    factor = 2.54 if unit == 2 else 1.0  # unit 2 is dots per centimetre
    return [round(density[0] * factor), round(density[1] * factor)]


def _pillow_dpi(info: dict) -> list[int] | None:
    """Return the dpi Pillow found in a non-JPEG file as [x, y] whole dpi, or None."""
    dpi = info.get("dpi")
    return [round(float(v)) for v in dpi] if dpi else None


def _geometry_rules(read: _Read, profile: Profile) -> list[SpecRule]:
    w, h = read.width, read.height
    ratio_ok = h > 0 and abs(w / h / profile.aspect - 1) <= RATIO_TOLERANCE
    return [
        SpecRule("width_px", w, profile.width_px, w == profile.width_px),
        SpecRule("height_px", h, profile.height_px, h == profile.height_px),
        SpecRule("ratio", round(w / h, 4) if h else None, round(profile.aspect, 4), ratio_ok),
    ]


def _jpeg_rules(headers: JpegHeaders, info: dict) -> list[SpecRule]:
    kind = SOF_NAMES.get(headers.sof or 0, "unknown")
    carried = [name for name, present in (
        ("exif", headers.exif or "exif" in info),
        ("xmp", headers.xmp),
        ("icc_profile", headers.icc or "icc_profile" in info),
        ("comment", headers.comment or "comment" in info),
    ) if present]
    depth = [headers.components, headers.precision]
    return [
        SpecRule("baseline", kind, SOF_NAMES[_BASELINE_SOF], headers.sof == _BASELINE_SOF),
        SpecRule("bit_depth", depth, [3, 8], depth == [3, 8]),
        SpecRule("metadata", carried, [], not carried),
    ]


def check_file_spec(data: bytes, profile: Profile) -> FileSpec:
    """Return the FileSpec of the picture file `data` under `profile`; never raises for a broken file."""
    data = bytes(data)
    window = kb_window(profile)
    rules = [SpecRule("kb", round(len(data) / 1024, 2), [profile.kb_min, profile.kb_max], window.contains(len(data)))]
    expected_format = "JPEG RGB (24-bit)"
    try:
        read = _read(data)
    except Exception as exc:  # Pillow raises many kinds for broken files: a finding, not a crash
        rules.append(SpecRule("format", f"unreadable ({type(exc).__name__})", expected_format, False))
        return FileSpec(tuple(rules))
    is_jpeg = read.format == "JPEG"
    rules.append(SpecRule("format", f"{read.format} {read.mode}", expected_format, is_jpeg and read.mode == "RGB"))
    rules += _geometry_rules(read, profile)
    dpi = _jfif_dpi(read.info) if is_jpeg else _pillow_dpi(read.info)
    rules.append(SpecRule("dpi", dpi, profile.dpi, dpi == [profile.dpi, profile.dpi]))
    if is_jpeg:
        rules += _jpeg_rules(read_headers(data), read.info)
    return FileSpec(tuple(rules))
