"""`idphoto sheet` end to end on pictures made by the engine: sheets, captions with masked ID numbers, copies over
several sheets, the enlargement warning, refused pictures (exit 1) and unusable arguments (exit 2, one sentence)."""
from __future__ import annotations

import json
import os
import re
import string
from pathlib import Path

import pytest
from PIL import Image

import capture.sheet_make as sheet_make
from capture.picture import make_picture
from capture.sheet import SHEET_CODES
from kiosk.commands.main import main
from kiosk.commands.sheet import mask_number
from kiosk.texts import LANGS, text
from kiosk.texts.sheet import SHEET

ID_NUMBER = "110105199001011234"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def pictures(tmp_path_factory, studio, all_profiles) -> Path:
    """A folder with a 学信网 picture made from the astronaut, filed under an ID number and a student number, a
    120×160 copy that must be enlarged, a text file posing as a photo and a 100-megapixel PNG."""
    folder = tmp_path_factory.mktemp("pictures")
    profile = all_profiles["chsi-graduation"]
    from capture.analyzer import StillAnalyzer

    with StillAnalyzer() as analyzer:
        data = make_picture(studio("astronaut", profile.backgrounds[0].rgb), profile, analyzer, "astronaut").data
    (folder / f"{ID_NUMBER}.jpg").write_bytes(data)
    (folder / "2023001.jpg").write_bytes(data)
    with Image.open(folder / "2023001.jpg") as im:
        assert im.size == (480, 640)
        im.resize((120, 160), Image.Resampling.LANCZOS).save(folder / "small.jpg", quality=92)
    (folder / "notes.jpg").write_text("not a photo\n")
    from tests.kiosk.commands.test_cli_make import _bomb_png

    _bomb_png(folder / "huge.png")
    return folder


@pytest.fixture
def captions(monkeypatch) -> list[list]:
    """Record the captions of every sheet the command renders (the real renderer still draws them)."""
    seen: list[list] = []
    real = sheet_make.render_sheet

    def recording(grid, copies, captions=(), font=None):
        seen.append(list(captions))
        return real(grid, copies, captions, font)

    monkeypatch.setattr(sheet_make, "render_sheet", recording)
    return seen


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    rc = main(["sheet", *map(str, argv)])
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_mask_number_hides_the_middle_of_id_numbers_only():
    assert mask_number(ID_NUMBER) == "110105********1234"
    assert mask_number("11010519900101123x") == "110105********123X"
    assert mask_number(f"{ID_NUMBER}_20260601") == "110105********1234_20260601"
    assert mask_number("2023001") == "2023001" and mask_number("1101051990010112345") == "1101051990010112345"


def test_six_inch_sheet_with_masked_captions(pictures, tmp_path, capsys, captions):
    out = tmp_path / "six.jpg"
    rc, stdout, stderr = _run(capsys, pictures / f"{ID_NUMBER}.jpg", pictures / "2023001.jpg", "--layout", "6inch",
                              "--caption", "-o", out)
    assert (rc, stderr) == (0, "")
    assert stdout.startswith(f"wrote {out}: 5 copies of each picture at 1inch, 10 per 6inch sheet")
    assert captions == [["110105********1234"] * 5 + ["2023001"] * 5]
    with Image.open(out) as im:
        assert im.size == (1795, 1205) and im.info["dpi"] == (300, 300)
    assert os.stat(out).st_mode & 0o777 == 0o600
    assert ID_NUMBER not in stdout


def test_copies_spill_onto_numbered_sheets_and_pdf_pages(pictures, tmp_path, capsys, captions):
    pics = [pictures / f"{ID_NUMBER}.jpg", pictures / "2023001.jpg"]
    rc, stdout, _ = _run(capsys, *pics, "--layout", "6inch", "--copies", "7", "-o", tmp_path / "s.jpg", "--json")
    report = json.loads(stdout)
    assert rc == 0 and report["per_sheet"] == 10 and report["copies_each"] == 7
    assert report["sheets"] == [str(tmp_path / "s-1.jpg"), str(tmp_path / "s-2.jpg")]
    assert [len(c) for c in captions] == [0, 0]  # no captions asked for
    rc, stdout, _ = _run(capsys, *pics, "--layout", "a4", "--size", "2inch", "--copies", "30", "-o",
                         tmp_path / "s.pdf", "--json")
    report = json.loads(stdout)
    assert rc == 0 and report["per_sheet"] == 25 and report["sheets"] == [str(tmp_path / "s.pdf")]
    assert len(re.findall(rb"/Type /Page\n", (tmp_path / "s.pdf").read_bytes())) == 3  # 60 copies, 25 a page


def test_enlarging_more_than_one_and_a_half_times_warns(pictures, tmp_path, capsys, captions):
    rc, stdout, stderr = _run(capsys, pictures / "small.jpg", "--layout", "6inch", "-o", tmp_path / "w.jpg")
    assert rc == 0 and (tmp_path / "w.jpg").is_file()
    assert stderr == f"warning: {pictures / 'small.jpg'}: This picture must be enlarged 2.6× to print at 300 dpi " \
                     "(more than 1.5× looks soft). It is on the sheet; for a sharp print use a higher-resolution " \
                     "picture.\n"
    rc, stdout, stderr = _run(capsys, pictures / "small.jpg", pictures / "2023001.jpg", "--layout", "6inch",
                              "--size", "2inch", "-o", tmp_path / "w.jpg", "--json")
    warnings = json.loads(stdout)["warnings"]
    assert rc == 0 and stderr == ""
    assert [(w["file"], w["code"], w["factor"]) for w in warnings] == [(str(pictures / "small.jpg"), "enlarged",
                                                                        round(579 / 160, 2))]


def test_refused_pictures_are_named_once_and_the_rest_still_print(pictures, tmp_path, capsys, captions):
    bad = [tmp_path / "missing.jpg", pictures / "notes.jpg", pictures / "huge.png", pictures]
    rc, stdout, stderr = _run(capsys, *bad[:2], pictures / "2023001.jpg", *bad[2:], "--layout", "a4",
                              "-o", tmp_path / "r.jpg")
    lines = stderr.splitlines()
    assert rc == 1 and len(lines) == 4 and stdout.startswith(f"wrote {tmp_path / 'r.jpg'}: 49 copies")
    for path, line in zip(bad, lines):
        assert line.startswith(f"error: {path}: ") and "Traceback" not in line
    assert "does not exist" in lines[0] and "not a photo" in lines[1] and "too large" in lines[2]
    assert "folder" in lines[3]
    rc, stdout, stderr = _run(capsys, *bad[:2], "--layout", "a4", "-o", tmp_path / "none.jpg")
    assert rc == 1 and stdout == "" and not (tmp_path / "none.jpg").exists()
    assert stderr.splitlines()[-1] == "error: No picture could be laid out, so no sheet was written. Fix each " \
                                      "picture as said above and try again."


@pytest.mark.parametrize(("args", "expected"), [
    (["--layout", "6inch", "--size", "3inch"], 'error: There is no print size "3inch". Use one of: 1inch, 2inch, '
                                               'small-1inch, large-1inch, small-2inch, id-card.'),
    (["--layout", "a3"], 'error: There is no sheet layout "a3". Use one of: 6inch, a4.'),
])
def test_unknown_size_or_layout_is_one_sentence_exit_2(pictures, tmp_path, capsys, args, expected):
    rc, stdout, stderr = _run(capsys, pictures / "2023001.jpg", *args, "-o", tmp_path / "x.jpg")
    assert (rc, stdout, stderr) == (2, "", expected + "\n")


@pytest.mark.parametrize(("name", "words"), [("nowhere/x.jpg", "does not exist. Create it first"),
                                             ("x.png", 'cannot be written as ".png" files'),
                                             ("", "This is a folder, not a file name")])
def test_unusable_output_is_one_sentence_exit_2(pictures, tmp_path, capsys, name, words):
    target = tmp_path / name if name else tmp_path
    rc, stdout, stderr = _run(capsys, pictures / "2023001.jpg", "--layout", "6inch", "-o", target)
    assert rc == 2 and stdout == "" and stderr.count("\n") == 1
    assert stderr.startswith(f"error: {target}: ") and words in stderr


def test_a_sheet_never_overwrites_a_picture_it_lays_out(pictures, tmp_path, capsys):
    source = tmp_path / "2023001.jpg"
    source.write_bytes((pictures / "2023001.jpg").read_bytes())
    before = source.read_bytes()
    rc, stdout, stderr = _run(capsys, source, "--layout", "6inch", "-o", source)
    assert (rc, stdout) == (2, "") and source.read_bytes() == before
    assert stderr == f"error: {source}: This is one of the pictures being laid out; writing the sheet would " \
                     "overwrite it. Choose another output file name, for example sheet.jpg.\n"


def test_copies_must_be_a_positive_number(pictures, tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        main(["sheet", str(pictures / "2023001.jpg"), "--layout", "6inch", "--copies", "0", "-o",
              str(tmp_path / "x.jpg")])
    assert info.value.code == 2 and "give a whole number from 1 to 500" in capsys.readouterr().err


def _main_as_nobody(argv: list[str]) -> tuple[int | None, str]:
    """Run main(`argv`) in a forked child that has dropped root to `nobody`; return (exit status, stderr), or
    (None, why) when privileges cannot be dropped. (The venv's python lives under /root, so `nobody` cannot start a
    new interpreter; a fork keeps the modules already loaded.)"""
    import contextlib
    import io
    import traceback

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        result: list = [None, "unknown"]
        try:
            os.close(read)
            try:
                os.setgid(65534)
                os.setuid(65534)
            except OSError as exc:
                result = [None, f"cannot drop root privileges here ({exc})"]
            else:
                err = io.StringIO()
                with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                    result = [main(argv), err.getvalue()]
        except BaseException:  # noqa: BLE001 - reported to the parent, which fails the test with it
            result = [-1, traceback.format_exc()]
        finally:
            os.write(write, json.dumps(result).encode())
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as fh:
        data = fh.read()
    os.waitpid(pid, 0)
    rc, err = json.loads(data)
    return rc, err


def test_read_only_output_folder_is_one_sentence_exit_2(capsys):
    """Root ignores permission bits, so as root the command runs as `nobody` on a folder root owns with mode 0555."""
    folder = Path(f"/tmp/idphoto-sheet-ro-{os.getpid()}")
    folder.mkdir(mode=0o555)
    try:
        os.chmod(folder, 0o555)
        argv = ["sheet", "photo.jpg", "--layout", "6inch", "-o", str(folder / "sheet.jpg")]
        if os.geteuid() != 0:
            rc, stderr = main(argv), capsys.readouterr().err
        elif hasattr(os, "fork"):
            rc, stderr = _main_as_nobody(argv)
        else:  # pragma: no cover - Windows
            rc, stderr = None, "no fork here to drop root privileges"
        if rc is None:
            pytest.skip(f"a read-only folder cannot be made: {stderr}")
        assert rc == 2, stderr
        assert stderr == f"error: {folder / 'sheet.jpg'}: Files cannot be written in the folder {folder} " \
                         "(EACCES). Choose a folder you can write to (for example your home folder or a mounted " \
                         "USB stick).\n"
        assert list(folder.iterdir()) == []
    finally:
        folder.rmdir()


SAMPLE = {"size": "3inch", "known": "1inch, 2inch", "layout": "a3", "suffix": ".png", "folder": "/media/usb",
          "error": "EROFS", "factor": 2.58, "limit": 1.5, "dpi": 300}


def test_every_sheet_code_has_both_sentences_naming_only_its_fields():
    assert set(SHEET) == set(SHEET_CODES)
    for code, fields in SHEET_CODES.items():
        for lang in LANGS:
            names = {n for _, n, _, _ in string.Formatter().parse(SHEET[code][lang]) if n}
            assert names <= set(fields), (code, lang)
            worded = text(f"sheet.{code}", lang, **{f: SAMPLE[f] for f in fields})
            assert worded != f"sheet.{code}" and "{" not in worded
        assert CJK.search(SHEET[code]["zh"]) and not CJK.search(SHEET[code]["en"])


def test_chinese_captions_get_a_font_that_draws_them():
    from PIL import ImageFont

    from kiosk.commands.sheet import _caption_font
    from kiosk.ui.fonts import cjk_font_path

    latin = _caption_font(["110105********1234", "2023001"], 35)
    chinese = _caption_font(["张三", "2023001"], 35)
    assert isinstance(chinese, ImageFont.FreeTypeFont) and chinese.path == str(cjk_font_path())
    assert getattr(latin, "path", None) != chinese.path
    one, two = (chinese.getmask(ch) for ch in "张三")
    assert one.getbbox() is not None and bytes(one) != bytes(two)  # two different glyphs, not the same empty box
