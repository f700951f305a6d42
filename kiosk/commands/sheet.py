"""`idphoto sheet`: lay pictures out on a 6-inch or A4 print sheet (冲印排版), with cut marks and optional captions.

Each picture is cut to the print size's aspect around the face (the engine's face finder; the centre when it finds
none), never stretched, and repeated: `--copies N` each, or by default as many as fit when the pictures share one
sheet. More copies than fit continue on further sheets (NAME-1.jpg, NAME-2.jpg..., or further PDF pages).
Exit status: 0 written, 1 some picture refused (the others are still laid out), 2 usage or output problem.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.commands.common import EXIT_FAILED, EXIT_OK, UsageError
from kiosk.store.identity import mask_identity
from kiosk.texts import error_text, text

#: an 18-character resident ID number inside a file stem (GB 11643 shape), standing on its own
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")


def mask_number(stem: str) -> str:
    """Return `stem` with every ID number in it masked: the first 6 and the last 4 characters kept, the 8 between
    shown as * (110105********002X); other numbers (student numbers, 采集码) are returned as they are."""
    return ID_NUMBER.sub(lambda m: mask_identity(m.group(0)), stem)  # the one masking rule


def _copies(value: str) -> int:
    """argparse type for --copies: a whole number from 1 to 500."""
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= 500:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of copies (give a whole number from 1 to 500)")
    return number


def add_parser(subparsers) -> None:
    """Add the `sheet` subcommand to `subparsers`."""
    p = subparsers.add_parser("sheet", help="lay pictures out on a 6-inch or A4 print sheet (冲印排版)")
    p.add_argument("pictures", nargs="+", metavar="PICTURE", help="picture file(s), laid out in this order")
    p.add_argument("--layout", required=True, metavar="LAYOUT", help="the sheet: 6inch (102×152 mm) or a4")
    p.add_argument("--size", default="1inch", metavar="SIZE",
                   help="print size (default 1inch 一寸 25×35 mm; also 2inch, small-1inch, large-1inch, "
                        "small-2inch, id-card; see profiles/print_sizes.toml)")
    p.add_argument("--copies", type=_copies, metavar="N", help="copies of each picture (default: as many as fit)")
    p.add_argument("--caption", action="store_true",
                   help="print each picture's number (its file name, ID numbers masked) under each copy")
    p.add_argument("-o", "--output", required=True, metavar="FILE",
                   help="sheet.jpg (one file per sheet, 300 dpi) or sheet.pdf (one page per sheet)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of sentences")
    p.set_defaults(func=run)


@dataclass
class _Outcome:
    """What the run did: files written, pictures refused (file, code, sentence), warnings (file, code, sentence)."""

    written: list[Path] = field(default_factory=list)
    refused: list[tuple[str, str, str]] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    copies: int = 0
    capacity: int = 0


def run(args: argparse.Namespace) -> int:
    """Lay out and write the sheets; return 0 when every picture is on them, 1 when some were refused."""
    from capture.sheet import SheetError, find_layout, find_size, plan_grid
    from capture.sheet_render import output_kind
    from profiles.print_sizes import print_table

    table = print_table()
    output = Path(args.output)
    try:
        grid = plan_grid(find_layout(table, args.layout), find_size(table, args.size), table.dpi, args.caption)
        output_kind(output)
    except SheetError as exc:
        raise UsageError(error_text(exc, "en")) from None
    outcome = _Outcome(capacity=grid.capacity)
    placed = _read_and_fit(args.pictures, grid, outcome)
    if placed:
        try:
            _write(args, grid, placed, output, outcome)
        except SheetError as exc:
            raise UsageError(error_text(exc, "en")) from None
    _report(args, grid, outcome)
    return EXIT_OK if not outcome.refused and placed else EXIT_FAILED


def _read_and_fit(pictures: list[str], grid, outcome: _Outcome) -> list:
    """Return the PlacedPicture of every picture that reads, in order; refusals and warnings go to `outcome`."""
    from capture.sheet_make import fit_pictures, read_pictures

    photos, refused = read_pictures(pictures)
    outcome.refused = [(exc.file, exc.code, error_text(exc, "en")) for exc in refused]
    if not photos:
        return []
    from capture.analyzer import StillAnalyzer  # the engine loads MediaPipe: imported here so --help stays fast

    with StillAnalyzer() as analyzer:
        placed, warnings = fit_pictures(photos, grid, analyzer)
    outcome.warnings = [{"file": w.file, "code": w.code, **w.fields,
                         "message": text(f"sheet.{w.code}", "en", **w.fields)} for w in warnings]
    return placed


def _caption_font(captions: list[str], height_px: int):
    """Return the caption font: Pillow's built-in one for Latin captions, a Chinese font when a caption needs it."""
    from capture.sheet_render import caption_font

    if all(c.isascii() for c in captions):
        return caption_font(height_px)
    from kiosk.ui.fonts import FontError, cjk_font_path  # only for captions in Chinese (file names such as 张三.jpg)

    try:
        return caption_font(height_px, cjk_font_path())
    except FontError:
        return caption_font(height_px)


def _write(args: argparse.Namespace, grid, placed: list, output: Path, outcome: _Outcome) -> None:
    """Render the sheets for `placed` (PlacedPictures) and write them to `output`; the files go to
    `outcome.written`. SheetError when a target is one of the pictures or cannot be written."""
    from capture.sheet_make import draw_sheets, plan_sheets, sheet_targets
    from capture.sheet_render import write_sheets

    outcome.copies, sheets = plan_sheets(grid, len(placed), args.copies)
    sheet_targets(output, len(sheets), [p.file for p in placed])
    captions = [mask_number(p.file.stem) for p in placed] if args.caption else []
    font = _caption_font(captions, grid.caption_px) if captions else None
    outcome.written = write_sheets(draw_sheets(grid, placed, sheets, captions, font), output, grid.dpi)


def _report(args: argparse.Namespace, grid, outcome: _Outcome) -> None:
    """Print what was written, refused and warned: sentences (refusals and warnings on stderr) or one JSON object."""
    if args.json:
        print(json.dumps({
            "ok": not outcome.refused and bool(outcome.written), "layout": grid.layout_id, "size": grid.size_id,
            "orientation": grid.orientation, "dpi": grid.dpi, "per_sheet": grid.capacity,
            "copies_each": outcome.copies, "sheets": [str(p) for p in outcome.written],
            "refused": [{"file": f, "code": c, "error": m} for f, c, m in outcome.refused],
            "warnings": outcome.warnings}, ensure_ascii=False))
    for file, _, message in ([] if args.json else outcome.refused):
        print(f"error: {message}", file=sys.stderr)
    for warning in ([] if args.json else outcome.warnings):
        print(f"warning: {warning['file']}: {warning['message']}", file=sys.stderr)
    if args.json:
        return
    if not outcome.written:
        print(f"error: {text('sheet.nothing_to_print', 'en')}", file=sys.stderr)
        return
    print(f"wrote {', '.join(str(p) for p in outcome.written)}: {outcome.copies} "
          f"{'copy' if outcome.copies == 1 else 'copies'} of each picture at {grid.size_id}, {grid.capacity} per "
          f"{grid.layout_id} sheet ({grid.orientation}, {grid.dpi} dpi).")
