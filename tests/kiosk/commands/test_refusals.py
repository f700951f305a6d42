"""`make`, `check` and `import` refuse a grey backdrop, a greyscale photo and a grey photo with transparent margins,
with the reason in Chinese and English; transparency never makes a two-tone picture."""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from capture.backdrop import place_on_backdrop
from capture.camera import find_demo_still
from capture.errors import PhotoError, refusal_code
from capture.images import read_photo
from kiosk.commands.main import main
from kiosk.texts import error_text, hint_text

CJK = re.compile(r"[\u4e00-\u9fff]")
GREY_2017 = (187, 191, 190)  # neither white nor the 2017 light grey (240, 240, 240)


@pytest.fixture(scope="module")
def photos(tmp_path_factory, analyzer) -> Path:
    """The demo still (it passes chsi-graduation and id-card) and its perturbations, named after people for import."""
    d = tmp_path_factory.mktemp("photos")
    good = read_photo(find_demo_still()).rgb
    h, w = good.shape[:2]
    mask = analyzer.person_mask(good)

    def on(colour):
        return place_on_backdrop(good, mask, (w, h), colour, 1.0, (0, 0))

    Image.fromarray(good).save(d / "2023001.jpg", quality=92)
    Image.fromarray(on(GREY_2017)).save(d / "2023002.png")
    Image.fromarray(on((170, 170, 170))).save(d / "2023003.png")
    grey16 = np.asarray(Image.fromarray(good).convert("L"), dtype=np.uint16) * 257
    Image.fromarray(grey16).save(d / "2023004.png")  # a 16-bit greyscale PNG
    rgba = np.dstack([on(GREY_2017), np.full((h, w), 255, np.uint8)])
    rgba[:, : w // 8, 3] = 0  # transparent margins left and right of a grey backdrop
    rgba[:, -w // 8:, 3] = 0
    Image.fromarray(rgba, "RGBA").save(d / "2023005.png")
    return d


#: photo -> (profile, the hint the refusal gives)
REFUSED = {
    "2023002.png": ("chsi-graduation", "background_light_grey_too_dark"),
    "2023003.png": ("id-card", "background_white_too_dark"),
    "2023004.png": ("chsi-graduation", "colour"),
    "2023005.png": ("chsi-graduation", "background_light_grey_too_dark"),
}


def _json_lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_make_refuses_with_the_reason_and_exit_1(photos, name, tmp_path, capsys):
    profile, hint = REFUSED[name]
    assert main(["make", "--profile", profile, str(photos / name), "-o", str(tmp_path / "out.jpg"), "--json"]) == 1
    (row,) = _json_lines(capsys.readouterr().out)
    assert not row["ok"] and row["code"] == refusal_code(hint) and not (tmp_path / "out.jpg").exists()
    assert hint_text(hint, "en") in row["error"] and "--no-gates" in row["error"]


def test_make_makes_the_good_photo_and_crops_only_with_no_gates(photos, tmp_path, capsys):
    assert main(["make", str(photos / "2023001.jpg"), "-o", str(tmp_path / "good.jpg")]) == 0
    assert main(["make", "--no-gates", str(photos / "2023005.png"), "-o", str(tmp_path / "strips.jpg")]) == 0
    picture = np.asarray(Image.open(tmp_path / "strips.jpg").convert("RGB"), dtype=np.float32)
    # the transparent margins took the photo's own grey: one backdrop colour, not light blue beside grey
    for column in (picture[:200, :12], picture[:200, -12:], picture[:60, 200:280]):
        assert np.abs(column.reshape(-1, 3).mean(axis=0) - GREY_2017).max() < 4


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_check_fails_the_gate_with_its_hint(photos, name, capsys):
    profile, hint = REFUSED[name]
    assert main(["check", "--profile", profile, str(photos / name), "--json"]) == 1
    (row,) = _json_lines(capsys.readouterr().out)
    gate = "colour" if hint == "colour" else "background"
    assert not row["ok"] and row["gates"][gate]["ok"] is False and row["gates"][gate]["hint"] == hint
    failing = [n for n, g in row["gates"].items() if not g["ok"] and not g["advisory"]]
    assert failing == [gate]
    if gate == "background":
        assert row["file_spec"]["background_colour"]["value"]["off"] == "too_dark"


def test_check_passes_the_good_photos_gates(photos, capsys):
    main(["check", "--profile", "id-card", str(photos / "2023001.jpg"), "--json"])  # a photo, not yet a picture
    (row,) = _json_lines(capsys.readouterr().out)
    assert not [n for n, g in row["gates"].items() if not g["ok"] and not g["advisory"]]
    assert row["file_spec"]["background_colour"]["ok"] and row["band_margin_px"] is None  # not the picture's size


def test_import_refuses_the_grey_the_greyscale_and_the_transparent_photos(photos, tmp_path, capsys):
    names = ["2023001.jpg", "2023002.png", "2023004.png", "2023005.png"]
    assert main(["import", *(str(photos / n) for n in names), "--store", str(tmp_path / "store"), "--json"]) == 1
    rows = {Path(r["file"]).name: r for r in _json_lines(capsys.readouterr().out)}
    assert rows["2023001.jpg"]["filed"]
    for name in names[1:]:
        hint = REFUSED[name][1]
        assert not rows[name]["filed"] and rows[name]["code"] == "gates" and rows[name]["hints"] == [hint]


@pytest.mark.parametrize("hint", sorted({h for _, h in REFUSED.values()}))
def test_the_reasons_read_in_chinese_and_english(hint):
    err = PhotoError("2023002.png", refusal_code(hint))
    zh, en = error_text(err, "zh"), error_text(err, "en")
    assert CJK.search(zh) and hint_text(hint, "zh") in zh
    assert not CJK.search(en) and hint_text(hint, "en") in en
    assert ("白色" in hint_text(hint, "zh") or "浅灰色" in hint_text(hint, "zh")) == hint.startswith("background_")


def test_check_json_reports_how_far_inside_its_bands_the_head_of_a_picture_sits(photos, tmp_path, capsys):
    assert main(["make", str(photos / "2023001.jpg"), "-o", str(tmp_path / "pic.jpg")]) == 0
    capsys.readouterr()
    assert main(["check", str(tmp_path / "pic.jpg"), "--json"]) == 0
    (row,) = _json_lines(capsys.readouterr().out)
    margins = row["band_margins_px"]
    assert set(margins) == {"hair_top_px", "eye_line_px", "face_width_px"}  # chsi-graduation's bands
    assert row["band_margin_px"] == min(margins.values()) and row["band_margin_px"] > 5
    assert {"file", "ok", "gates", "file_spec", "measurements"} <= set(row)  # the keys that were there stay
