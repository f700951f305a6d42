"""Print sheets (冲印排版) in the engine: the sizes table, exact grids, cropping around the face without stretching,
the enlargement figure, cut marks outside each copy, captions, and the JPEG / PDF files written."""
from __future__ import annotations

import io
import os
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from capture.sheet import (CAPTION_MM, SheetError, copies_each, fill_sheets, find_layout, find_size, mm_to_px,
                           plan_grid)
from capture.sheet_fit import crop_box, face_centre, fit_copy
from capture.sheet_render import cut_marks, output_kind, render_sheet, sheet_paths, write_sheets
from profiles import load_profiles
from profiles.errors import ProfileError
from profiles.print_sizes import PRINT_SIZES_FILE, load_print_table, print_table
from tests.conftest import astronaut, enlarge, pad_edges

TABLE = print_table()


def _grid(layout: str, size: str, caption: bool = False):
    return plan_grid(find_layout(TABLE, layout), find_size(TABLE, size), TABLE.dpi, caption)


# --- the sizes table ------------------------------------------------------------------------------------------------

def test_table_holds_the_common_sizes_in_mm():
    sizes = {s.id: (s.width_mm, s.height_mm) for s in TABLE.sizes.values()}
    assert sizes["1inch"] == (25, 35) and sizes["2inch"] == (35, 49)
    assert sizes["small-2inch"] == (35, 45) and sizes["large-1inch"] == (33, 48) and sizes["small-1inch"] == (22, 32)
    assert (TABLE.layouts["6inch"].width_mm, TABLE.layouts["6inch"].height_mm) == (102, 152)
    assert (TABLE.layouts["a4"].width_mm, TABLE.layouts["a4"].height_mm) == (210, 297)
    assert TABLE.dpi == 300


def test_print_sizes_file_is_not_read_as_a_profile():
    assert all(p.path != PRINT_SIZES_FILE for p in load_profiles().values())


@pytest.mark.parametrize(("body", "field"), [
    ("dpi = 300\n[[layout]]\nid='a'\nname='A'\nwidth_mm=10\nheight_mm=10\nmargin_mm=0\ngap_mm=0\n", "size"),
    ("dpi = 300\n[[size]]\nid='x'\nname='X'\nwidth_mm='25'\nheight_mm=35\n", "size[0].width_mm"),
    ("dpi = 3\n[[size]]\nid='x'\nname='X'\nwidth_mm=25\nheight_mm=35\n", "dpi"),
    ("dpi = 300\n[[size]]\nid='x'\nname='X'\nwidth_mm=25\nheight_mm=35\n[[layout]]\nid='a'\nname='A'\nwidth_mm=10\n"
     "height_mm=10\nmargin_mm=0\ngap_mm=0\norientations=['sideways']\n", "layout[0].orientations"),
])
def test_a_bad_sizes_file_names_the_field(tmp_path, body, field):
    path = tmp_path / "sizes.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ProfileError) as info:
        load_print_table(path)
    assert info.value.field == field and info.value.path == str(path)


# --- grids ------------------------------------------------------------------------------------------------------------

def test_mm_to_px_at_300_dpi():
    assert (mm_to_px(102, 300), mm_to_px(152, 300)) == (1205, 1795)
    assert (mm_to_px(25, 300), mm_to_px(35, 300)) == (295, 413)
    assert (mm_to_px(210, 300), mm_to_px(297, 300)) == (2480, 3508)


# Worked by hand (px at 300 dpi: margin 4 mm = 47 on 6-inch, 8 mm = 94 on A4; gap 3 mm = 35; caption 3 mm = 35):
# 6-inch landscape 1795×1205, 1inch 295×413: columns (1795−94+35)//(295+35) = 5, rows (1205−94+35)//(413+35) = 2
# -> 10 (portrait would hold 3×3 = 9); with captions rows (1146)//(448+35) = 2 -> still 10.
# 6-inch 2inch 413×579: portrait (1146//448 = 2) × (1736//614 = 2) = 4; landscape 3 × 1 = 3.
# A4 portrait 2480×3508, 1inch: (2327//330 = 7) × (3355//448 = 7) = 49; captions: 3355//483 = 6 rows -> 42.
# A4 2inch: (2327//448 = 5) × (3355//614 = 5) = 25.
@pytest.mark.parametrize(("layout", "size", "caption", "expected"), [
    ("6inch", "1inch", False, (5, 2, "landscape", 1795, 1205)),
    ("6inch", "1inch", True, (5, 2, "landscape", 1795, 1205)),
    ("6inch", "2inch", False, (2, 2, "portrait", 1205, 1795)),
    ("a4", "1inch", False, (7, 7, "portrait", 2480, 3508)),
    ("a4", "1inch", True, (7, 6, "portrait", 2480, 3508)),
    ("a4", "2inch", False, (5, 5, "portrait", 2480, 3508)),
])
def test_grid_counts_are_exact(layout, size, caption, expected):
    grid = _grid(layout, size, caption)
    assert (grid.columns, grid.rows, grid.orientation, grid.sheet_width_px, grid.sheet_height_px) == expected
    assert grid.capacity == expected[0] * expected[1]


def test_cells_stay_inside_the_margins_and_never_overlap():
    for layout in ("6inch", "a4"):
        for size in TABLE.sizes:
            grid = _grid(layout, size, caption=True)
            margin = mm_to_px(TABLE.layouts[layout].margin_mm, grid.dpi)
            boxes = [(x, y, x + grid.print_width_px, y + grid.print_height_px + grid.caption_px) for x, y in grid.cells]
            for x0, y0, x1, y1 in boxes:
                assert margin <= x0 and x1 <= grid.sheet_width_px - margin
                assert margin <= y0 and y1 <= grid.sheet_height_px - margin
            for a in boxes:
                for b in boxes:
                    if a != b:
                        assert a[2] + grid.gap_px <= b[0] or b[2] + grid.gap_px <= a[0] or \
                            a[3] + grid.gap_px <= b[1] or b[3] + grid.gap_px <= a[1]


def test_unknown_size_or_layout_and_a_print_too_large_are_coded():
    with pytest.raises(SheetError) as info:
        find_size(TABLE, "3inch")
    assert info.value.code == "unknown_size" and "1inch" in info.value.fields["known"]
    with pytest.raises(SheetError) as info:
        find_layout(TABLE, "a3")
    assert info.value.code == "unknown_layout"
    from profiles.print_sizes import PrintSize

    with pytest.raises(SheetError) as info:
        plan_grid(TABLE.layouts["6inch"], PrintSize("poster", "海报", 120, 170), 300)
    assert info.value.code == "size_does_not_fit" and info.value.fields == {"size": "poster", "layout": "6inch"}


def test_copies_and_sheets_fill_in_order():
    assert copies_each(1, 10, None) == 10 and copies_each(3, 10, None) == 3 and copies_each(12, 10, None) == 1
    assert copies_each(3, 10, 4) == 4
    assert fill_sheets([4, 4, 4], 10) == [[0, 0, 0, 0, 1, 1, 1, 1, 2, 2], [2, 2]]
    assert fill_sheets([2], 10) == [[0, 0]]


# --- cropping and fitting ---------------------------------------------------------------------------------------------

def test_crop_box_is_centred_on_the_face_across_and_keeps_its_share_down():
    assert crop_box(1000, 700, 5 / 7, (800, 350)) == (500.0, 0.0, 1000.0, 700.0)
    assert crop_box(1000, 700, 5 / 7, (100, 350)) == (0.0, 0.0, 500.0, 700.0)
    assert crop_box(1000, 700, 5 / 7) == (250.0, 0.0, 750.0, 700.0)
    left, top, right, bottom = crop_box(480, 640, 35 / 45, (240, 256))
    assert (left, right) == (0.0, 480.0) and bottom - top == pytest.approx(480 * 45 / 35)
    assert (256 - top) / (bottom - top) == pytest.approx(256 / 640)


def test_fit_never_stretches_a_round_disc():
    rgb = np.full((640, 480, 3), 255, np.uint8)
    yy, xx = np.mgrid[:640, :480]
    rgb[(xx - 240) ** 2 + (yy - 300) ** 2 <= 150 ** 2] = 0
    for size in ("1inch", "small-2inch", "large-1inch"):
        grid = _grid("6inch", size)
        copy = fit_copy(rgb, grid.print_width_px, grid.print_height_px)
        assert copy.image.size == (grid.print_width_px, grid.print_height_px)
        left, top, right, bottom = copy.crop
        assert (right - left) / (bottom - top) == pytest.approx(grid.print_width_px / grid.print_height_px)
        dark = np.argwhere(np.asarray(copy.image.convert("L")) < 128)
        height, width = dark.max(axis=0) - dark.min(axis=0) + 1
        assert abs(int(width) - int(height)) <= 1, size


def test_enlargement_is_print_px_per_picture_px():
    grid = _grid("6inch", "1inch")
    small = fit_copy(np.zeros((160, 120, 3), np.uint8), grid.print_width_px, grid.print_height_px)
    assert small.enlargement == pytest.approx(413 / 160)
    large = fit_copy(np.zeros((640, 480, 3), np.uint8), grid.print_width_px, grid.print_height_px)
    assert large.enlargement == pytest.approx(413 / 640)


def test_the_face_found_by_the_engine_centres_the_crop(analyzer):
    rgb = pad_edges(enlarge(astronaut(), 1.25), 0, 0, 0, 700)  # the face near the left, a wide empty band right
    centre = face_centre(analyzer, rgb)
    assert centre is not None and centre[0] < rgb.shape[1] / 3
    grid = _grid("6inch", "1inch")
    copy = fit_copy(rgb, grid.print_width_px, grid.print_height_px, centre)
    middle = (copy.crop[0] + copy.crop[2]) / 2
    assert abs(middle - centre[0]) <= 2 or copy.crop[0] == 0.0
    assert copy.crop[2] < rgb.shape[1] / 2  # the empty band the centre crop would show is left out
    assert face_centre(analyzer, np.full((400, 300, 3), 200, np.uint8)) is None


# --- drawing and writing ----------------------------------------------------------------------------------------------

def _copy(grid, value: int = 0):
    return fit_copy(np.full((640, 480, 3), value, np.uint8), grid.print_width_px, grid.print_height_px)


def test_cut_marks_are_thin_grey_and_outside_every_copy():
    grid = _grid("6inch", "1inch")
    sheet = np.asarray(render_sheet(grid, [_copy(grid)] * grid.capacity))
    assert sheet.shape == (grid.sheet_height_px, grid.sheet_width_px, 3)
    prints = [(x, y, x + grid.print_width_px, y + grid.print_height_px) for x, y in grid.cells]
    for x, y in grid.cells:
        assert sheet[y, x].max() < 30 and sheet[y + grid.print_height_px - 1, x + grid.print_width_px - 1].max() < 30
        for x0, y0, x1, y1 in cut_marks(grid, x, y):
            assert not any(px0 <= min(x0, x1) <= px1 - 1 and py0 <= min(y0, y1) <= py1 - 1 or
                           px0 <= max(x0, x1) <= px1 - 1 and py0 <= max(y0, y1) <= py1 - 1
                           for px0, py0, px1, py1 in prints), "a cut mark on a copy"
            assert tuple(sheet[(y0 + y1) // 2, (x0 + x1) // 2]) == (150, 150, 150)
    left, top = grid.cells[0]
    column = sheet[top - 30:top - 2, left]  # the vertical mark above the first copy's top-left corner
    assert {tuple(p) for p in column} >= {(150, 150, 150)}
    row = sheet[top - 20, left - 6:left + 7]  # across the mark: about 0.2 mm (2 px) wide
    assert sum(1 for p in row if tuple(p) == (150, 150, 150)) == 2


def test_captions_are_drawn_only_when_asked():
    plain, captioned = _grid("6inch", "1inch"), _grid("6inch", "1inch", caption=True)
    assert plain.caption_px == 0 and captioned.caption_px == mm_to_px(CAPTION_MM, 300)
    sheet = np.asarray(render_sheet(captioned, [_copy(captioned, 255)], ["110105********002X"]).convert("L"))
    x, y = captioned.cells[0]
    strip = sheet[y + captioned.print_height_px + 4:y + captioned.print_height_px + captioned.caption_px,
                  x + 8:x + captioned.print_width_px - 8]
    assert (strip < 128).sum() > 200
    blank = np.asarray(render_sheet(captioned, [_copy(captioned, 255)], [None]).convert("L"))
    assert (blank[y + captioned.print_height_px + 4:y + captioned.print_height_px + captioned.caption_px,
                  x + 8:x + captioned.print_width_px - 8] < 128).sum() == 0


def test_jpeg_sheets_carry_300_dpi_private_mode_and_numbered_names(tmp_path):
    grid = _grid("6inch", "2inch")
    images = [render_sheet(grid, [_copy(grid)] * 4), render_sheet(grid, [_copy(grid)] * 2)]
    written = write_sheets(images, tmp_path / "sheet.jpg", grid.dpi)
    assert written == [tmp_path / "sheet-1.jpg", tmp_path / "sheet-2.jpg"] == sheet_paths(tmp_path / "sheet.jpg", 2)
    for path in written:
        with Image.open(path) as im:
            assert im.format == "JPEG" and im.size == (1205, 1795) and im.info["dpi"] == (300, 300)
        assert os.stat(path).st_mode & 0o777 == 0o600
    assert write_sheets(images[:1], tmp_path / "one.jpeg", 300) == [tmp_path / "one.jpeg"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.jpeg", "sheet-1.jpg", "sheet-2.jpg"]  # no temp files


def test_pdf_has_one_page_per_sheet_at_the_paper_size(tmp_path):
    grid = _grid("a4", "1inch")
    images = [render_sheet(grid, [_copy(grid)] * n) for n in (49, 49, 3)]
    assert write_sheets(images, tmp_path / "sheet.pdf", 300) == [tmp_path / "sheet.pdf"]
    data = (tmp_path / "sheet.pdf").read_bytes()
    assert data.startswith(b"%PDF") and os.stat(tmp_path / "sheet.pdf").st_mode & 0o777 == 0o600
    boxes = re.findall(rb"/MediaBox \[ 0 0 ([\d.]+) ([\d.]+) \]", data)
    assert len(boxes) == 3
    for w, h in boxes:  # points (1/72 in) -> mm
        assert float(w) / 72 * 25.4 == pytest.approx(210, abs=0.1)
        assert float(h) / 72 * 25.4 == pytest.approx(297, abs=0.1)
    start = data.index(b"stream", data.index(b"/DCTDecode")) + len(b"stream\n")
    with Image.open(io.BytesIO(data[start:data.index(b"endstream", start)])) as page:
        assert page.size == (2480, 3508)


@pytest.mark.parametrize(("name", "code"), [("sheet.png", "bad_output_type"), ("missing/sheet.jpg",
                                            "output_folder_missing"), ("", "output_is_folder")])
def test_unusable_outputs_are_coded(tmp_path, name, code):
    target = tmp_path / name if name else tmp_path / "folder.jpg"
    if not name:
        target.mkdir()
    with pytest.raises(SheetError) as info:
        output_kind(target)
    assert info.value.code == code and info.value.subject == str(target)
    assert output_kind(tmp_path / "ok.PDF") == "pdf" and output_kind(Path(tmp_path / "ok.jpg")) == "jpeg"


# --- the steps a front door calls -------------------------------------------------------------------------------------

def test_read_fit_plan_and_draw_from_files(tmp_path, analyzer):
    from capture.sheet_make import draw_sheets, fit_pictures, plan_sheets, read_pictures, sheet_targets

    Image.fromarray(np.full((160, 120, 3), 90, np.uint8)).save(tmp_path / "small.png")
    Image.fromarray(np.full((640, 480, 3), 200, np.uint8)).save(tmp_path / "big.png")
    photos, refused = read_pictures([tmp_path / "small.png", tmp_path / "gone.jpg", tmp_path / "big.png"])
    assert [p.path.name for p in photos] == ["small.png", "big.png"]
    assert [(e.code, e.file) for e in refused] == [("not_found", str(tmp_path / "gone.jpg"))]
    grid = _grid("6inch", "2inch")
    placed, warnings = fit_pictures(photos, grid, analyzer)
    assert [(w.file, w.code, w.fields) for w in warnings] == [
        (str(tmp_path / "small.png"), "enlarged", {"factor": round(579 / 160, 2), "limit": 1.5, "dpi": 300})]
    each, sheets = plan_sheets(grid, len(placed), 3)
    assert each == 3 and sheets == [[0, 0, 0, 1], [1, 1]]
    images = draw_sheets(grid, placed, sheets)
    assert [im.size for im in images] == [(1205, 1795)] * 2
    x, y = grid.cells[3]
    assert tuple(np.asarray(images[0])[y + 10, x + 10]) == (200, 200, 200)
    assert sheet_targets(tmp_path / "s.jpg", 2, [p.file for p in placed]) == [tmp_path / "s-1.jpg",
                                                                              tmp_path / "s-2.jpg"]
    with pytest.raises(SheetError) as info:
        sheet_targets(tmp_path / "big.png.pdf", 1, [tmp_path / "big.png.pdf"])
    assert info.value.code == "output_is_input"
