"""Print sheets (冲印排版): how many copies of a print size fit on a sheet of photo paper, where each goes, and which
picture fills which cell. Pixels at the sheet's dpi; codes, never sentences (kiosk/texts/sheet.py words them).

A sheet is a grid of cells centred on the paper inside its margin: each cell is one printed copy, with room for a
caption line under it when captions are asked for, and the layout's gap between cells, where the cut marks go. The
paper is turned (portrait or landscape, as the layout allows) to whichever holds more copies.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from capture.errors import CodedError
from profiles.print_sizes import PrintSize, PrintTable, SheetLayout

#: height of the caption line under each copy, mm
CAPTION_MM = 3.0
#: a picture enlarged more than this for its print (print px per picture px at the sheet's dpi) gets a warning
ENLARGE_WARN = 1.5

#: every SheetError code (and the `enlarged` warning) -> the fields its sentence may name (kiosk/texts/sheet.py)
SHEET_CODES: Mapping[str, tuple[str, ...]] = {
    "unknown_size": ("size", "known"),
    "unknown_layout": ("layout", "known"),
    "size_does_not_fit": ("size", "layout"),
    "bad_output_type": ("suffix",),
    "output_is_folder": (),
    "output_is_input": (),
    "output_folder_missing": ("folder",),
    "output_folder_not_writable": ("folder", "error"),
    "write_failed": ("error",),
    "nothing_to_print": (),
    "enlarged": ("factor", "limit", "dpi"),
}


class SheetError(CodedError):
    """A sheet cannot be laid out or written: `code` is one of SHEET_CODES, `fields` the facts its sentence names,
    `subject` (optional) the file concerned."""

    domain = "sheet"


@dataclass(frozen=True)
class Grid:
    """Where copies go on one sheet, px at `dpi`: the sheet's size, the print's size, the caption line's height
    under each copy (0 without captions), and each cell's top-left corner, row by row."""

    layout_id: str
    size_id: str
    dpi: int
    orientation: str
    sheet_width_px: int
    sheet_height_px: int
    print_width_px: int
    print_height_px: int
    caption_px: int
    gap_px: int
    columns: int
    rows: int
    cells: tuple[tuple[int, int], ...]

    @property
    def capacity(self) -> int:
        """Return how many copies one sheet holds."""
        return len(self.cells)


def mm_to_px(mm: float, dpi: int) -> int:
    """Return the whole number of pixels nearest to `mm` millimetres at `dpi` dots per inch."""
    return int(round(mm * dpi / 25.4))


def find_size(table: PrintTable, size_id: str) -> PrintSize:
    """Return the print size `size_id`; SheetError("unknown_size") naming the known ones otherwise."""
    if size_id not in table.sizes:
        raise SheetError("unknown_size", size=size_id, known=", ".join(table.sizes))
    return table.sizes[size_id]


def find_layout(table: PrintTable, layout_id: str) -> SheetLayout:
    """Return the sheet layout `layout_id`; SheetError("unknown_layout") naming the known ones otherwise."""
    if layout_id not in table.layouts:
        raise SheetError("unknown_layout", layout=layout_id, known=", ".join(table.layouts))
    return table.layouts[layout_id]


def _count(room_px: int, item_px: int, gap_px: int) -> int:
    """Return how many items of `item_px` with `gap_px` between them fit in `room_px`."""
    return max(0, (room_px + gap_px) // (item_px + gap_px))


def _grid(layout: SheetLayout, size: PrintSize, dpi: int, caption: bool, orientation: str) -> Grid:
    """Return the Grid for the paper turned to `orientation` (it may hold no cell)."""
    w_mm, h_mm = (layout.width_mm, layout.height_mm) if orientation == "portrait" else (layout.height_mm,
                                                                                        layout.width_mm)
    sheet_w, sheet_h = mm_to_px(w_mm, dpi), mm_to_px(h_mm, dpi)
    margin, gap = mm_to_px(layout.margin_mm, dpi), mm_to_px(layout.gap_mm, dpi)
    pw, ph = mm_to_px(size.width_mm, dpi), mm_to_px(size.height_mm, dpi)
    cap = mm_to_px(CAPTION_MM, dpi) if caption else 0
    cols = _count(sheet_w - 2 * margin, pw, gap)
    rows = _count(sheet_h - 2 * margin, ph + cap, gap)
    x0 = (sheet_w - (cols * pw + (cols - 1) * gap)) // 2
    y0 = (sheet_h - (rows * (ph + cap) + (rows - 1) * gap)) // 2
    cells = tuple((x0 + c * (pw + gap), y0 + r * (ph + cap + gap)) for r in range(rows) for c in range(cols))
    return Grid(layout.id, size.id, dpi, orientation, sheet_w, sheet_h, pw, ph, cap, gap, cols, rows, cells)


def plan_grid(layout: SheetLayout, size: PrintSize, dpi: int, caption: bool = False) -> Grid:
    """Return the Grid that holds the most copies of `size` on `layout` (the first allowed orientation on a tie);
    SheetError("size_does_not_fit") when not one copy fits inside the margins."""
    best: Grid | None = None
    for orientation in layout.orientations:
        grid = _grid(layout, size, dpi, caption, orientation)
        if best is None or grid.capacity > best.capacity:
            best = grid
    if best is None or best.capacity == 0:
        raise SheetError("size_does_not_fit", size=size.id, layout=layout.id)
    return best


def copies_each(pictures: int, capacity: int, copies: int | None) -> int:
    """Return how many copies of each picture to print: `copies` when given, else as many as fit when the pictures
    share one sheet equally (at least one each)."""
    if copies is not None:
        return copies
    return max(1, capacity // max(1, pictures))


def fill_sheets(counts: Sequence[int], capacity: int) -> list[list[int]]:
    """Return the sheets as lists of picture indexes, one per cell in order: picture i repeated counts[i] times,
    the pictures one after the other, a new sheet whenever one is full."""
    order = [i for i, n in enumerate(counts) for _ in range(n)]
    return [order[start:start + capacity] for start in range(0, len(order), capacity)]


@dataclass(frozen=True)
class SheetWarning:
    """A picture that prints, with a caveat: `code` (one of SHEET_CODES) and the facts its sentence names."""

    file: str
    code: str
    fields: Mapping[str, Any]
