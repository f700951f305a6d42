"""`idphoto check` and the folder commands in words: failing gates and file rules as sentences (no Python reprs),
advisory results marked, a photo too small for the profile refused as "resolution too low" with both sizes (check,
import and make), and the entries of a folder that were skipped counted."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from capture.check import CheckResult
from capture.filespec import SpecRule
from capture.gates import GateResult
from kiosk.commands.main import main
from kiosk.tools.report import describe, gate_sentence, rule_sentence
from profiles import get_profile
from tests.conftest import grace_hopper

PROFILE = get_profile("chsi-graduation")
JSON_KEYS = {"file", "ok", "error", "profile", "gates", "file_spec", "measurements", "band_margin_px", "band_margins_px"}


@pytest.fixture(scope="module")
def photos(tmp_path_factory, grace_framed) -> Path:
    """A folder as it comes off a USB stick: a photo, one too small for chsi-graduation, a subfolder, a broken
    link and a text file."""
    d = tmp_path_factory.mktemp("photos")
    Image.fromarray(grace_framed).save(d / "2023001.jpg", quality=92)
    Image.fromarray(grace_framed).resize((240, 376), Image.Resampling.LANCZOS).save(d / "2023002.jpg", quality=92)
    (d / "holiday").mkdir()
    (d / "2023003.jpg").symlink_to(d / "gone.jpg")
    (d / "notes.txt").write_text("not a photo\n")
    return d


SMALL = ("Resolution too low: the photo is 240×376 px, and this profile's 480×640 px picture needs a photo of at "
         "least 320×427 px (it may be enlarged at most 1.5× to stay sharp). Use the original photo from the camera "
         "or phone, not a thumbnail or a screenshot.")


def test_gate_sentences_name_the_label_value_limit_and_hint():
    assert gate_sentence(GateResult("mouth_closed", False, 0.104, 0.04, "mouth_closed", "ratio")) == (
        "Mouth closed (mouth_closed): 10.4%, allowed at most 4%. Close your mouth naturally.")
    assert gate_sentence(GateResult("distance", False, 2.64, (1.0, 2.0), "move_closer", "×")) == (
        "Distance (distance): 2.64×, needed between 1× and 2×. Come a little closer to the camera.")
    assert gate_sentence(GateResult("roll", False, -7.25, 6.0, "tilt_left", "deg")) == (
        "Head level (roll): -7.25°, allowed between −6° and 6°. " + _hint("tilt_left") + ".")
    assert gate_sentence(GateResult("ears_visible", False, 0.08, 0.27, "ears_visible", "ratio", advisory=True)) == (
        "Ears visible (ears_visible, advisory): 8%, needed at least 27%. Tuck your hair behind your ears so both "
        "ears show.")
    assert gate_sentence(GateResult("yaw", False, None, 8.0, "no_face", "deg")) == (
        "Face forward (yaw): not measured. Face the camera so your whole face is in the picture.")


def _hint(code: str) -> str:
    from kiosk.texts import hint_text

    return hint_text(code, "en").rstrip(".")


def test_file_rule_sentences_have_no_python_reprs():
    colour = SpecRule("background_colour", {"nearest": "light-blue", "delta_e": 37.19},
                      ["light-blue", "white", "light-grey"], False)
    assert rule_sentence("background_colour", colour, PROFILE) == (
        "file backdrop colour: nearest light-blue, ΔE 37.19 away, must be one of light-blue, white, light-grey "
        "(within ΔE 12).")
    assert rule_sentence("kb", SpecRule("kb", 59.87, [20.0, 40.0], False), PROFILE) == (
        "file size: 59.87 KB, must be 20–40 KB.")
    assert rule_sentence("dpi", SpecRule("dpi", [96, 96], 300, False), PROFILE) == (
        "file resolution tag: 96 dpi, must be 300 dpi.")
    assert rule_sentence("dpi", SpecRule("dpi", None, 300, False), PROFILE) == (
        "file resolution tag: not set, must be 300 dpi.")
    assert rule_sentence("metadata", SpecRule("metadata", ["comment"], [], False), PROFILE) == (
        "file metadata: comment, must be none.")


def test_an_advisory_failure_on_a_passing_photo_is_marked():
    result = CheckResult("a.jpg", PROFILE.id,
                         gates={"eyes_open": GateResult("eyes_open", True, 0.3, 0.037, "eyes_open", "ratio"),
                                "ears_visible": GateResult("ears_visible", False, 0.1, 0.27, "ears_visible", "ratio",
                                                           advisory=True)},
                         file_spec={"kb": SpecRule("kb", 30.0, [20.0, 40.0], True)})
    assert result.ok
    assert describe(result, PROFILE).splitlines() == [
        "PASS a.jpg",
        "    Ears visible (ears_visible, advisory): 10%, needed at least 27%. Tuck your hair behind your ears so "
        "both ears show."]


def test_check_in_sentences_with_the_small_photo_refused_for_its_size(photos, capsys):
    assert main(["check", str(photos)]) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert f"ERROR {photos / '2023002.jpg'}: {SMALL}" in lines
    assert "Move back" not in out and "move_back" not in out  # no distance hint for a photo that is too small
    assert "{" not in out and "(limit" not in out and "[" not in out  # no Python dicts, tuples or lists
    assert lines[0] == f"FAIL {photos / '2023001.jpg'}"
    assert any(line.startswith("    No hat (head_covering): ") for line in lines)
    assert any(line.startswith("    file backdrop colour: nearest light-blue, ΔE ") for line in lines)
    assert lines[-2:] == ["skipped 3: 1 folder, 1 broken link, 1 file that is not a photo",
                          "0 of 2 photos pass chsi-graduation."]


def test_check_json_keys_stay_and_carry_the_size_refusal(photos, capsys):
    assert main(["check", "--json", str(photos / "2023002.jpg")]) == 1
    (row,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert set(row) == JSON_KEYS
    assert row["error"] == f"{photos / '2023002.jpg'}: {SMALL}" and row["gates"] == {}


def test_import_refuses_a_small_photo_for_its_size_first(tmp_path, capsys):
    tiny = tmp_path / "2023009.jpg"
    Image.fromarray(grace_hopper()).resize((50, 50), Image.Resampling.LANCZOS).save(tiny, quality=92)
    assert main(["import", str(tiny), "--store", str(tmp_path / "store"), "--json"]) == 1
    (row,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert row["code"] == "resolution_too_low" and not row["filed"] and row["hints"] == []
    assert "Resolution too low: the photo is 50×50 px" in row["message"] and "320×427 px" in row["message"]


def test_import_and_make_count_what_they_skipped(photos, tmp_path, capsys):
    assert main(["import", str(photos), "--store", str(tmp_path / "store")]) == 1
    assert "skipped 3: 1 folder, 1 broken link, 1 file that is not a photo" in capsys.readouterr().out.splitlines()
    assert main(["make", str(photos), "-o", str(tmp_path / "out"), "--json"]) == 1
    captured = capsys.readouterr()
    rows = {Path(r["file"]).name: r for r in map(json.loads, captured.out.splitlines())}
    assert set(rows) == {"2023001.jpg", "2023002.jpg"}  # JSON lines stay one per photo
    assert rows["2023002.jpg"]["code"] == "resolution_too_low"  # its size, not "no face" or "face too small"
    assert rows["2023002.jpg"]["error"] == f"{photos / '2023002.jpg'}: {SMALL}"
    assert "skipped 3: 1 folder, 1 broken link, 1 file that is not a photo" in captured.err.splitlines()
    assert (tmp_path / "out").stat().st_mode & 0o777 == 0o700  # the output folder it created is private
