"""Print sizes (一寸, 二寸, ...) and sheet layouts (6-inch, A4) as data: read from print_sizes.toml beside the profiles.

A leaf like the rest of `profiles/`: it imports nothing from capture/ or kiosk/. Why a TOML file and not a Python
table: the sizes are shop conventions with sources that disagree, so they sit as data with their sources in one
commented file, like the specs; adding a size is an edit to that file, validated here with the file and field named.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from profiles.errors import ProfileError

#: the print sizes file; it lives among the profiles but is not one (the profile loader skips it)
PRINT_SIZES_FILE: Path = Path(__file__).resolve().parent / "print_sizes.toml"
ORIENTATIONS = ("portrait", "landscape")


@dataclass(frozen=True)
class PrintSize:
    """A printed photo's size: `id` for the command line, `name` as shops say it, width × height in mm (portrait)."""

    id: str
    name: str
    width_mm: float
    height_mm: float


@dataclass(frozen=True)
class SheetLayout:
    """A sheet of photo paper: its size in mm (portrait), the blank `margin_mm` at its edges, the `gap_mm` between
    copies, and the `orientations` it may be turned to, in order of preference."""

    id: str
    name: str
    width_mm: float
    height_mm: float
    margin_mm: float
    gap_mm: float
    orientations: tuple[str, ...]


@dataclass(frozen=True)
class PrintTable:
    """Everything print_sizes.toml declares: the sheets' resolution (dpi) and the sizes and layouts by id."""

    dpi: int
    sizes: Mapping[str, PrintSize]
    layouts: Mapping[str, SheetLayout]


def _number(path: Path, where: str, entry: Mapping[str, Any], key: str, minimum: float) -> float:
    """Return entry[key] as a float; raise ProfileError unless it is a number of at least `minimum`."""
    value = entry.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
        raise ProfileError(path, f"{where}.{key}", f"expected a number of at least {minimum:g}")
    return float(value)


def _text(path: Path, where: str, entry: Mapping[str, Any], key: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ProfileError(path, f"{where}.{key}", "expected a non-empty text")
    return value


def _size(path: Path, index: int, entry: Any) -> PrintSize:
    where = f"size[{index}]"
    if not isinstance(entry, dict):
        raise ProfileError(path, where, "expected a table")
    return PrintSize(_text(path, where, entry, "id"), _text(path, where, entry, "name"),
                     _number(path, where, entry, "width_mm", 1), _number(path, where, entry, "height_mm", 1))


def _layout(path: Path, index: int, entry: Any) -> SheetLayout:
    where = f"layout[{index}]"
    if not isinstance(entry, dict):
        raise ProfileError(path, where, "expected a table")
    turns = entry.get("orientations", ["portrait"])
    if not isinstance(turns, list) or not turns or any(t not in ORIENTATIONS for t in turns):
        raise ProfileError(path, f"{where}.orientations", f"expected a list of {' / '.join(ORIENTATIONS)}")
    return SheetLayout(_text(path, where, entry, "id"), _text(path, where, entry, "name"),
                       _number(path, where, entry, "width_mm", 1), _number(path, where, entry, "height_mm", 1),
                       _number(path, where, entry, "margin_mm", 0), _number(path, where, entry, "gap_mm", 0),
                       tuple(turns))


def _by_id(path: Path, kind: str, items: list) -> dict:
    out: dict = {}
    for index, item in enumerate(items):
        if item.id in out:
            raise ProfileError(path, f"{kind}[{index}].id", f"id {item.id!r} is used twice")
        out[item.id] = item
    return out


def load_print_table(path: str | Path = PRINT_SIZES_FILE) -> PrintTable:
    """Return the PrintTable in TOML file `path`; raise ProfileError naming the file and field on any problem."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except OSError as exc:
        raise ProfileError(path, "", f"cannot be read ({exc.strerror or exc})") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ProfileError(path, "", f"is not valid UTF-8 TOML: {exc}") from None
    dpi = data.get("dpi")
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not 72 <= dpi <= 1200:
        raise ProfileError(path, "dpi", "expected a whole number from 72 to 1200")
    sizes = [_size(path, i, e) for i, e in enumerate(data.get("size", []))]
    layouts = [_layout(path, i, e) for i, e in enumerate(data.get("layout", []))]
    if not sizes or not layouts:
        raise ProfileError(path, "size" if not sizes else "layout", "expected at least one entry")
    return PrintTable(dpi, _by_id(path, "size", sizes), _by_id(path, "layout", layouts))


@lru_cache(maxsize=1)
def print_table() -> PrintTable:
    """Return the built-in PrintTable (read once)."""
    return load_print_table()
