"""No traceback for people: an output path that cannot be written, a closed output pipe and a kiosk with no display
each end with one sentence (the path, the reason, what to do) and a documented exit status, before any work is
done; the command errors' sentences are declared with their fields."""
from __future__ import annotations

import os
import shutil
import string
from pathlib import Path

import numpy as np
import pytest

from capture.encode import KbWindow, encode_to_window
from kiosk.commands.common import CLI_CODES, EXIT_BROKEN_PIPE, EXIT_USAGE
from kiosk.commands.main import main
from kiosk.store.records import SqliteRecordStore, Status
from kiosk.texts import LANGS, text
from kiosk.texts.cli import CLI
from profiles import get_profile
from tests.kiosk.commands.unprivileged import ROOT, idphoto, read_only_runner, shared_folder

PROFILE = get_profile("chsi-graduation")
GATES_OK = {"single_face": {"ok": True, "value": 1.0}}


def _picture() -> bytes:
    """Return a 480×640, 300 dpi JPEG inside the chsi-graduation KB window (a noisy gradient)."""
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:PROFILE.height_px, 0:PROFILE.width_px]
    base = np.stack([x * 255 / 480, y * 255 / 640, (x + y) * 255 / 1120], -1)
    rgb = np.clip(base + rng.normal(0, 6, base.shape), 0, 255).astype(np.uint8)
    return encode_to_window(rgb, dpi=PROFILE.dpi, window=KbWindow(PROFILE.kb_min, PROFILE.kb_max),
                            quality_min=PROFILE.quality_min).data


def _filed_store(folder: Path) -> Path:
    store = SqliteRecordStore(folder)
    try:
        store.file_picture("2023001", PROFILE, _picture(), GATES_OK)
    finally:
        store.close()
    return folder


def _status(folder: Path) -> Status:
    store = SqliteRecordStore(folder)
    try:
        return store.get("2023001").status
    finally:
        store.close()


def _one_sentence(err: str) -> str:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_every_command_error_code_has_both_sentences_naming_only_its_fields():
    for code, fields in CLI_CODES.items():
        for lang in LANGS:
            sentence = CLI[code][lang]
            named = {name for _, name, _, _ in string.Formatter().parse(sentence) if name}
            assert named <= set(fields), (code, lang)
            assert "{" not in text(f"cli.{code}", lang, **{f: "x" for f in fields})


def test_export_into_an_existing_folder_names_the_file_to_give(tmp_path, capsys):
    store = _filed_store(tmp_path / "store")
    out = tmp_path / "usb"
    out.mkdir()
    assert main(["export", "--store", str(store), "-o", str(out)]) == EXIT_USAGE
    line = _one_sentence(capsys.readouterr().err)
    assert line == (f"error: {out}: This is a folder, not a file name. Give the name of the file to write, for "
                    f"example {out / 'batch.zip'}.")
    assert list(out.iterdir()) == [] and _status(store) is Status.FILED  # nothing written, nothing locked


def test_export_into_a_missing_folder_is_refused_before_anything_is_locked(tmp_path, capsys):
    store = _filed_store(tmp_path / "store")
    target = tmp_path / "no-such" / "batch.zip"
    assert main(["export", "--store", str(store), "-o", str(target)]) == EXIT_USAGE
    line = _one_sentence(capsys.readouterr().err)
    assert line == (f"error: {target}: The folder {target.parent} does not exist. Create it first, or choose a "
                    "folder that exists.")
    assert not target.parent.exists() and _status(store) is Status.FILED


def test_export_into_a_read_only_folder(tmp_path):
    base = shared_folder()
    try:
        store = _filed_store(base / "store")
        locked, run = read_only_runner(base, [store])
        done = run(["export", "--store", str(store), "-o", str(locked / "batch.zip")])
        assert done.status == EXIT_USAGE
        line = _one_sentence(done.err)
        assert line in [f"error: {locked / 'batch.zip'}: The folder {locked} cannot be written ({why}). Choose a "
                        "folder this account can write, or ask the administrator for write access."
                        for why in ("EACCES", "EROFS")]
        assert list(locked.iterdir()) == [] and _status(store) is Status.FILED
    finally:
        shutil.rmtree(base)


def test_a_disk_that_fails_during_the_export_is_one_sentence_and_locks_nothing(tmp_path, capsys, monkeypatch):
    import errno

    from kiosk.store import export

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(export, "write_atomic", full_disk)
    store = _filed_store(tmp_path / "store")
    target = tmp_path / "batch.zip"
    assert main(["export", "--store", str(store), "-o", str(target)]) == EXIT_USAGE
    assert _one_sentence(capsys.readouterr().err) == (
        f"error: {target}: The export could not be written (ENOSPC); no record was locked. Check the disk's free "
        "space and write access, then try again.")
    assert not target.exists() and _status(store) is Status.FILED


def test_check_report_into_a_missing_folder_stops_before_checking(tmp_path):
    photo = tmp_path / "a.jpg"
    photo.write_bytes(_picture())
    report = tmp_path / "nope" / "r.html"
    done = idphoto(["check", "--report", str(report), str(photo)], cwd=tmp_path)
    assert done.status == EXIT_USAGE and done.out == ""  # no photo was checked
    assert _one_sentence(done.err) == (f"error: {report}: The folder {report.parent} does not exist. Create it "
                                       "first, or choose a folder that exists.")


def test_check_report_into_a_read_only_folder(tmp_path):
    base = shared_folder()
    try:
        photo = base / "a.jpg"
        photo.write_bytes(_picture())
        photo.chmod(0o644)
        locked, run = read_only_runner(base, [])
        done = run(["check", "--report", str(locked / "r.html"), str(photo)])
        assert done.status == EXIT_USAGE and done.out == ""
        assert _one_sentence(done.err).split(" (")[0] == f"error: {locked / 'r.html'}: The folder {locked} cannot be written"
    finally:
        shutil.rmtree(base)


def test_make_into_a_read_only_folder_stops_before_making(tmp_path):
    base = shared_folder()
    try:
        photo = base / "a.jpg"
        photo.write_bytes(_picture())
        photo.chmod(0o644)
        locked, run = read_only_runner(base, [])
        done = run(["make", str(photo), "-o", str(locked / "pictures")])
        assert done.status == EXIT_USAGE and done.out == ""
        assert _one_sentence(done.err).split(" (")[0] == (f"error: {locked / 'pictures'}: The folder "
                                                          f"{locked / 'pictures'} cannot be written")
    finally:
        shutil.rmtree(base)


@pytest.mark.parametrize("command", [["profiles"], ["records", "--store", "STORE"]])
def test_output_into_a_closed_pipe_ends_quietly(tmp_path, command):
    """`idphoto records | head -3`: the reader is gone; no traceback, the status of a tool stopped by SIGPIPE."""
    SqliteRecordStore(tmp_path / "store").close()
    args = [str(tmp_path / "store") if a == "STORE" else a for a in command]
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone before the first line is written
    try:
        done = idphoto(args, cwd=tmp_path, stdout=write_end)
    finally:
        os.close(write_end)
    assert done.status == EXIT_BROKEN_PIPE
    assert done.err == ""


def test_the_kiosk_with_no_display_says_how_to_start_headless(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")}
    done = idphoto(["kiosk", "--camera", "demo", "--store", str(tmp_path / "store"), "--max-runtime", "2"],
                   cwd=tmp_path, env=env)
    assert done.status == EXIT_USAGE
    assert _one_sentence(done.err) == f"error: {text('cli.no_display', 'en')}"
    assert "idphoto kiosk --headless" in done.err
    assert not (tmp_path / "store").exists()  # stopped before anything was set up


def test_display_detection_rules():
    from kiosk.tools.doctor import display_problem

    never = lambda: pytest.fail("the display must not be probed")  # noqa: E731
    assert display_problem({}, "linux", never) == ("no_display", "")
    assert display_problem({"SDL_VIDEODRIVER": "dummy"}, "linux", never) is None  # headless on purpose
    assert display_problem({"DISPLAY": ":0"}, "linux", lambda: ("x11", None)) is None
    assert display_problem({"DISPLAY": ":9"}, "linux", lambda: ("offscreen", None)) == (
        "display_unusable", "SDL fell back to its offscreen driver, which draws nowhere")
    assert display_problem({}, "win32", lambda: (None, "No available video device")) == (
        "display_unusable", "No available video device")


def test_exit_statuses_are_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## The `idphoto` command"):readme.index("## Profiles")]
    for status in ("`0`", "`1`", "`2`", "`130`", "`141`"):
        assert status in section, status

