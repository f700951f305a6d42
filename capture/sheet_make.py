"""Print sheets from picture files, in the steps a front door calls: read the pictures, fit each around its face
(with the enlargement warning), lay the copies out sheet by sheet, and name the files without overwriting a picture.
The command (`idphoto sheet`) and, later, the console call these; captions come in as finished strings."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from PIL import Image

from capture.errors import PhotoError
from capture.images import Photo, read_photo
from capture.sheet import ENLARGE_WARN, Grid, SheetError, SheetWarning, copies_each, fill_sheets
from capture.sheet_fit import FittedCopy, face_centre, fit_copy
from capture.sheet_render import SUFFIX_KINDS, render_sheet, sheet_paths


@dataclass(frozen=True)
class PlacedPicture:
    """A picture ready to repeat on sheets: its file and its copy at the print size."""

    file: Path
    copy: FittedCopy


def read_pictures(files: Sequence[str | Path]) -> tuple[list[Photo], list[PhotoError]]:
    """Return (the pictures that read, in order; a PhotoError for each that did not, naming its file)."""
    photos, refused = [], []
    for name in files:
        try:
            photos.append(read_photo(name))
        except PhotoError as exc:
            refused.append(exc)
    return photos, refused


def fit_pictures(photos: Sequence[Photo], grid: Grid, analyzer) -> tuple[list[PlacedPicture], list[SheetWarning]]:
    """Return (each photo fitted to the grid's print size around the face `analyzer` (a StillAnalyzer) finds, else
    its centre; an `enlarged` SheetWarning for each enlarged more than ENLARGE_WARN times)."""
    placed, warnings = [], []
    for photo in photos:
        copy = fit_copy(photo.rgb, grid.print_width_px, grid.print_height_px, face_centre(analyzer, photo.rgb))
        placed.append(PlacedPicture(photo.path, copy))
        if copy.enlargement > ENLARGE_WARN:
            warnings.append(SheetWarning(str(photo.path), "enlarged", {"factor": round(copy.enlargement, 2),
                                                                       "limit": ENLARGE_WARN, "dpi": grid.dpi}))
    return placed, warnings


def plan_sheets(grid: Grid, pictures: int, copies: int | None) -> tuple[int, list[list[int]]]:
    """Return (copies of each picture, the sheets as lists of picture indexes one per cell): `copies` each, or as
    many as fit when the pictures share one sheet."""
    each = copies_each(pictures, grid.capacity, copies)
    return each, fill_sheets([each] * pictures, grid.capacity)


def sheet_targets(output: Path, sheets: int, inputs: Sequence[Path]) -> list[Path]:
    """Return the files `sheets` sheets go to (one .pdf, or one JPEG per sheet); SheetError("output_is_input") when
    one of them is a picture being laid out."""
    targets = [output] if SUFFIX_KINDS.get(output.suffix.lower()) == "pdf" else sheet_paths(output, sheets)
    laid_out = {Path(p).resolve() for p in inputs}
    clash = next((t for t in targets if t.resolve() in laid_out), None)
    if clash is not None:
        raise SheetError("output_is_input", str(clash))
    return targets


def draw_sheets(grid: Grid, placed: Sequence[PlacedPicture], sheets: Sequence[Sequence[int]],
                captions: Sequence[str] = (), font=None) -> list[Image.Image]:
    """Return one image per sheet: placed[i]'s copy in each cell holding i, with captions[i] under it when given."""
    return [render_sheet(grid, [placed[i].copy for i in cells], [captions[i] for i in cells] if captions else (), font)
            for cells in sheets]
