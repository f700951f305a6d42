"""Drawing print sheets (copies, thin grey cut marks, caption lines) and writing them: JPEG at the sheet's dpi, one
file per sheet, or one PDF with a page per sheet (Pillow's PDF writer); atomic writes, private file mode."""
from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Sequence

from PIL import Image, ImageDraw, ImageFont

from capture.errors import error_name
from capture.files import write_atomic
from capture.sheet import Grid, SheetError, mm_to_px
from capture.sheet_fit import FittedCopy

#: cut marks: line width, distance from the print's corner, length (mm), grey level (0 black .. 255 white)
MARK_WIDTH_MM, MARK_OFFSET_MM, MARK_LENGTH_MM, MARK_GREY = 0.2, 0.5, 1.5, 150
CAPTION_GREY = 70
JPEG_QUALITY = 95
SUFFIX_KINDS = {".jpg": "jpeg", ".jpeg": "jpeg", ".pdf": "pdf"}


def cut_marks(grid: Grid, left: int, top: int) -> list[tuple[int, int, int, int]]:
    """Return the cut marks, as (x0, y0, x1, y1) line segments px, of the print whose top-left corner is
    (`left`, `top`): at each corner one short line on each edge's extension, outside the print."""
    off, length = mm_to_px(MARK_OFFSET_MM, grid.dpi), mm_to_px(MARK_LENGTH_MM, grid.dpi)
    length = max(1, min(length, grid.gap_px - 2 * off))  # never reaching the next copy across the gap
    right, bottom = left + grid.print_width_px - 1, top + grid.print_height_px - 1
    lines = []
    for x, dx in ((left, -1), (right, 1)):
        for y, dy in ((top, -1), (bottom, 1)):
            lines.append((x + dx * off, y, x + dx * (off + length), y))  # along the horizontal edge
            lines.append((x, y + dy * off, x, y + dy * (off + length)))  # along the vertical edge
    return lines


def caption_font(height_px: int, font_path: str | Path | None = None) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    """Return the font for caption lines `height_px` tall: the TrueType/OpenType font at `font_path` (for captions
    outside Latin letters and digits), else Pillow's built-in font."""
    size = max(8, round(height_px * 0.75))
    if font_path is not None:
        return ImageFont.truetype(str(font_path), size)
    return ImageFont.load_default(size)


def _draw_caption(draw: ImageDraw.ImageDraw, grid: Grid, left: int, top: int, caption: str, font) -> None:
    """Draw `caption` centred in the caption line under the print at (`left`, `top`), shrunk to the print's width."""
    room = grid.print_width_px - 2 * mm_to_px(MARK_OFFSET_MM, grid.dpi)
    while True:
        x0, y0, x1, y1 = draw.textbbox((0, 0), caption, font=font)
        if x1 - x0 <= room or not hasattr(font, "font_variant") or font.size <= 8:
            break
        font = font.font_variant(size=font.size - 1)
    cx = left + grid.print_width_px / 2
    cy = top + grid.print_height_px + grid.caption_px / 2
    draw.text((cx, cy), caption, fill=(CAPTION_GREY,) * 3, font=font, anchor="mm")


def render_sheet(grid: Grid, copies: Sequence[FittedCopy], captions: Sequence[str | None] = (),
                 font=None) -> Image.Image:
    """Return one sheet (RGB, grid.sheet_width_px × grid.sheet_height_px, white) with `copies` in the grid's cells
    in order, cut marks around each, and `captions[i]` (when given and the grid has a caption line) under copy i."""
    if len(copies) > grid.capacity:
        raise ValueError(f"{len(copies)} copies for a sheet of {grid.capacity}")
    sheet = Image.new("RGB", (grid.sheet_width_px, grid.sheet_height_px), (255, 255, 255))
    draw = ImageDraw.Draw(sheet)
    width = max(1, mm_to_px(MARK_WIDTH_MM, grid.dpi))
    if font is None and grid.caption_px:
        font = caption_font(grid.caption_px)
    for index, copy in enumerate(copies):
        left, top = grid.cells[index]
        sheet.paste(copy.image, (left, top))
        for line in cut_marks(grid, left, top):
            draw.line(line, fill=(MARK_GREY,) * 3, width=width)
        caption = captions[index] if index < len(captions) else None
        if caption and grid.caption_px:
            _draw_caption(draw, grid, left, top, caption, font)
    return sheet


def output_kind(path: Path) -> str:
    """Return "jpeg" or "pdf" for output `path` after checking it can be written: SheetError (bad_output_type,
    output_is_folder, output_folder_missing, output_folder_not_writable) otherwise. Writes and removes a probe
    file in the folder (permission bits alone do not tell for root or a read-only mount)."""
    if path.is_dir():
        raise SheetError("output_is_folder", str(path))
    kind = SUFFIX_KINDS.get(path.suffix.lower())
    if kind is None:
        raise SheetError("bad_output_type", str(path), suffix=path.suffix or "(none)")
    folder = path.parent
    if not folder.is_dir():
        raise SheetError("output_folder_missing", str(path), folder=str(folder))
    try:
        with tempfile.TemporaryFile(dir=folder, prefix=".idphoto-sheet-probe-"):
            pass
    except OSError as exc:
        raise SheetError("output_folder_not_writable", str(path), folder=str(folder), error=error_name(exc)) from None
    return kind


def sheet_paths(output: Path, sheets: int) -> list[Path]:
    """Return the files `sheets` JPEG sheets are written to: `output` itself for one, else NAME-1.jpg, NAME-2.jpg..."""
    if sheets == 1:
        return [output]
    return [output.with_name(f"{output.stem}-{n}{output.suffix}") for n in range(1, sheets + 1)]


def write_sheets(images: Sequence[Image.Image], output: Path, dpi: int) -> list[Path]:
    """Write `images` to `output` (a .jpg/.jpeg: one file per sheet, see sheet_paths; a .pdf: one page per sheet)
    at `dpi`, atomically with mode 0600; return the files written. SheetError("write_failed") on a system error."""
    kind = output_kind(output)
    targets = [output] if kind == "pdf" else sheet_paths(output, len(images))
    try:
        if kind == "pdf":
            def save_pdf(fh) -> None:
                images[0].save(fh, "PDF", resolution=float(dpi), save_all=True, append_images=list(images[1:]))

            write_atomic(output, save_pdf, mode=0o600)
        else:
            for image, target in zip(images, targets):
                buffer = io.BytesIO()
                image.save(buffer, "JPEG", quality=JPEG_QUALITY, dpi=(dpi, dpi))
                write_atomic(target, buffer.getvalue(), mode=0o600)
    except OSError as exc:
        raise SheetError("write_failed", str(output), error=error_name(exc)) from None
    return targets
