"""`idphoto make` and `idphoto profiles` end to end: a folder of good and bad files, exit codes and JSON lines."""
from __future__ import annotations

import io
import json
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from kiosk.commands.main import main


def _bomb_png(path: Path, width: int = 20000, height: int = 5000) -> None:
    """Write a valid 1-bit PNG of width×height (100 megapixels by default) that is tiny on disk."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    comp = zlib.compressobj(9)
    row = b"\x00" + bytes(width // 8)
    idat = b"".join(comp.compress(row) for _ in range(height)) + comp.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def inbox(tmp_path_factory, grace_framed) -> Path:
    """A USB-stick-like folder: good photos in awkward encodings and broken files."""
    d = tmp_path_factory.mktemp("inbox")
    good = Image.fromarray(grace_framed)
    good.save(d / "good.jpg", quality=92)
    exif = Image.Exif()
    exif[0x0112] = 6  # stored turned a quarter to the left; viewers turn it 90° clockwise
    Image.fromarray(np.rot90(grace_framed, 1)).save(d / "rotated.jpg", quality=92, exif=exif)
    good.convert("CMYK").save(d / "cmyk.jpg", quality=92)
    grey16 = (np.asarray(good.convert("L"), dtype=np.uint16) * 257)
    Image.fromarray(grey16).save(d / "deep16.png")
    rgba = np.dstack([grace_framed, np.full(grace_framed.shape[:2], 255, np.uint8)])
    rgba[:100, :, 3] = 0  # transparent strip above the head
    Image.fromarray(rgba, "RGBA").save(d / "alpha.png")
    (d / "empty.jpg").write_bytes(b"")
    data = (d / "good.jpg").read_bytes()
    (d / "truncated.jpg").write_bytes(data[: len(data) // 2])
    (d / "notes.jpg").write_text("this is not a photo\n")
    _bomb_png(d / "bomb.png")
    (d / "readme.txt").write_text("skipped: not a photo file ending\n")
    return d


@pytest.fixture(scope="module")
def batch(inbox, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    capture = io.StringIO()
    import contextlib

    with contextlib.redirect_stdout(capture):
        # the awkward encodings are about reading files: crop and encode only (Grace Hopper's cap and the grey PNG
        # fail gates; tests/kiosk/commands/test_refusals.py covers make's gates)
        status = main(["make", "--no-gates", "--profile", "chsi-graduation", str(inbox), "-o", str(out), "--json"])
    lines = {Path(r["file"]).name: r for r in map(json.loads, capture.getvalue().splitlines())}
    return status, lines, out


def test_batch_processes_every_photo_and_fails_overall(batch):
    status, lines, _ = batch
    assert status == 1  # some files were refused
    assert set(lines) == {"good.jpg", "rotated.jpg", "cmyk.jpg", "deep16.png", "alpha.png", "empty.jpg",
                          "truncated.jpg", "notes.jpg", "bomb.png"}


@pytest.mark.parametrize("name", ["good.jpg", "rotated.jpg", "cmyk.jpg", "deep16.png", "alpha.png"])
def test_awkward_but_valid_photos_are_made(batch, name, analyzer):
    _, lines, out = batch
    row = lines[name]
    assert row["ok"], row["error"]
    picture = Image.open(row["output"])
    assert picture.size == (480, 640) and picture.mode == "RGB" and picture.format == "JPEG"
    assert Path(row["output"]).stat().st_mode & 0o777 == 0o600
    face = analyzer.find_head(np.asarray(picture)).face
    assert face.eye_right[0] < face.eye_left[0], "mirrored or upside down"
    assert face.chin_y > face.eye_mid[1] + 100, "not upright"
    assert abs(face.eye_left[1] - face.eye_right[1]) < 10, "turned sideways"


@pytest.mark.parametrize(
    ("name", "code"),
    [("empty.jpg", "empty_file"), ("truncated.jpg", "truncated"), ("notes.jpg", "not_an_image"),
     ("bomb.png", "too_many_pixels")],
)
def test_bad_files_are_refused_with_reason(batch, name, code):
    _, lines, _ = batch
    row = lines[name]
    assert not row["ok"] and row["code"] == code
    assert name in row["error"] and "." in row["error"]  # names the file, says a sentence


def test_single_photo_exit_zero_and_table(inbox, tmp_path, capsys):
    assert main(["make", "--no-gates", str(inbox / "good.jpg"), "-o", str(tmp_path / "one.jpg")]) == 0
    assert "wrote" in capsys.readouterr().out
    assert (tmp_path / "one.jpg").exists()


def test_batch_summary_table(inbox, tmp_path, capsys):
    assert main(["make", "--no-gates", str(inbox / "good.jpg"), str(inbox / "empty.jpg"), "-o", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "1 of 2 made for chsi-graduation" in out and "empty_file" in out


def test_unknown_profile_is_a_usage_error(inbox, capsys):
    assert main(["make", "--profile", "nope", str(inbox / "good.jpg")]) == 2
    assert "no such profile" in capsys.readouterr().err


def test_profiles_json_lists_every_profile(capsys):
    assert main(["profiles", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    ids = {p["id"] for p in data}
    assert {"chsi-graduation", "id-card", "icao"} <= ids and len(ids) >= 15
    chsi = next(p for p in data if p["id"] == "chsi-graduation")
    assert chsi["width_px"] == 480 and chsi["composition"]["eye_line_px"] == [200, 300]


def test_operator_profile_folder(tmp_path, capsys):
    src = Path(__file__).resolve().parents[3] / "profiles" / "chsi-graduation.toml"
    text = src.read_text(encoding="utf-8").replace('id = "chsi-graduation"', 'id = "my-school"')
    (tmp_path / "my-school.toml").write_text(text, encoding="utf-8")
    assert main(["profiles", "--profiles-dir", str(tmp_path)]) == 0
    assert "my-school" in capsys.readouterr().out
