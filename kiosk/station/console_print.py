"""The console's 打印 button: the record's print sheet (冲印排版) on a 6-inch sheet at the print size nearest the
record's profile (一寸 for most), through the system's `lp` when there is one, else saved in the station's exports
folder. The engine's steps (capture.sheet_make) do the work, as `idphoto sheet` does; a filed picture is already
composed around the face, so it is cut to the print's shape around its centre (no face finding, no models)."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from capture.files import private_folder

LAYOUT = "6inch"  # 102 × 152 mm photo paper
DEFAULT_SIZE = "1inch"
LP_TIMEOUT_S = 15.0


@dataclass(frozen=True)
class PrintResult:
    """What the 打印 button did: `sent` to the printer or only saved; the sheet files written; the copies on them."""

    sent: bool
    files: list[Path]
    copies: int


class _NoFaces:
    """An analyzer that finds no face: fit_copy then cuts around the picture's centre (the filed picture is composed
    around the face already)."""

    @staticmethod
    def faces(rgb) -> list:
        return []


def nearest_size(width_mm: float, height_mm: float) -> str:
    """Return the id of the print size closest to `width_mm` × `height_mm` (mm), e.g. "1inch" for 25 × 35 mm."""
    from profiles.print_sizes import print_table

    sizes = print_table().sizes.values()
    best = min(sizes, key=lambda s: (s.width_mm - width_mm) ** 2 + (s.height_mm - height_mm) ** 2, default=None)
    return best.id if best is not None else DEFAULT_SIZE


def print_record_sheet(picture: Path, exports: Path, size_id: str, stem: str,
                       lp: Callable[[], str | None] = lambda: shutil.which("lp")) -> PrintResult:
    """Lay `picture` out on a 6-inch sheet at print size `size_id` (as many copies as fit), write it as JPEG into
    `exports` (owner-only) named `stem`-sheet-<time>.jpg, and send it to `lp` when the system has one. Raise
    capture.errors.CodedError (PhotoError, SheetError) or OSError / subprocess errors when it cannot."""
    from capture.sheet import find_layout, find_size, plan_grid
    from capture.sheet_make import draw_sheets, fit_pictures, plan_sheets, read_pictures
    from capture.sheet_render import write_sheets
    from profiles.print_sizes import print_table

    table = print_table()
    grid = plan_grid(find_layout(table, LAYOUT), find_size(table, size_id), table.dpi)
    photos, refused = read_pictures([picture])
    if refused:
        raise refused[0]
    placed, _warnings = fit_pictures(photos, grid, _NoFaces())
    copies, sheets = plan_sheets(grid, len(placed), None)
    private_folder(exports).chmod(0o700)  # an older 0755 exports folder is tightened too
    out = exports / f"{stem}-sheet-{dt.datetime.now():%Y%m%d-%H%M%S}.jpg"
    files = write_sheets(draw_sheets(grid, placed, sheets), out, grid.dpi)
    command = lp()
    if command is None:
        return PrintResult(False, files, copies)
    for file in files:
        subprocess.run([command, str(file)], check=True, timeout=LP_TIMEOUT_S, capture_output=True)
    return PrintResult(True, files, copies)
