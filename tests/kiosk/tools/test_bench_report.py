"""`idphoto bench --quick` runs and prints valid JSON; `idphoto check --report` writes a self-contained HTML report."""
from __future__ import annotations

import contextlib
import io
import json

import numpy as np
from PIL import Image

from kiosk.commands.main import main

BENCH_KEYS = {"facemesh_ms_640", "facemesh_ms_720", "analysis_ms_720", "overhead_ratio", "guide_fps_720",
              "guide_fps_1080", "overhead_ratio_1080",
              "capture_to_picture_ms_1080", "kb_search_encodes", "check_photos_per_s", "make_photos_per_s",
              "startup_s", "peak_rss_mb", "cores"}


def test_bench_quick_prints_valid_json(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["bench", "--quick", "--json"]) == 0
    assert list(tmp_path.iterdir()) == []  # the bench's kiosk run files its pictures in a temporary store
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert BENCH_KEYS <= set(result)
    assert result["facemesh_ms_720"] > 0 and result["analysis_ms_720"] >= result["facemesh_ms_720"] * 0.5
    assert result["kb_search_encodes"] >= 1 and result["check_photos_per_s"] > 0 and result["cores"] >= 1
    assert result["guide_fps_720"] > 0 and result["peak_rss_mb"] > 0
    stages_1080 = result["analysis_stages_ms_1080"]
    assert result["guide_fps_1080"] > 0 and result["overhead_ratio_1080"] > 0
    assert "preview_copy" in stages_1080 and "reduce" not in stages_1080  # the screen's copy, made once
    assert result["overhead_ratio_with_copy_1080"] > result["overhead_ratio_1080"]


def test_check_report_has_rows_thumbnails_and_hints(tmp_path, studio, capsys):
    good = tmp_path / "good.jpg"
    Image.fromarray(studio("astronaut_closed", (100, 197, 255))).save(good, quality=92)
    blurred = tmp_path / "blurred.jpg"
    import cv2

    Image.fromarray(cv2.GaussianBlur(np.asarray(Image.open(good)), (0, 0), 9)).save(blurred, quality=92)
    (tmp_path / "broken.jpg").write_bytes(b"not a photo")
    report = tmp_path / "report.html"
    status = main(["check", str(tmp_path), "--report", str(report)])
    assert status == 1  # the raw photos are not 480×640 pictures, and one is broken
    html = report.read_text(encoding="utf-8")
    assert html.count("<tr") == 3 and html.count("data:image/jpeg;base64,") == 2
    assert "sharpness" in html and "请保持不动" in html and "broken.jpg" in html
    assert report.stat().st_mode & 0o777 == 0o600
    out = capsys.readouterr().out
    assert "FAIL" in out and "ERROR" in out


def test_check_json_lines_follow_the_interface(tmp_path, capsys):
    (tmp_path / "empty.jpg").write_bytes(b"")
    assert main(["check", "--json", str(tmp_path / "empty.jpg")]) == 1
    line = json.loads(capsys.readouterr().out.strip())
    assert set(line) == {"file", "ok", "error", "profile", "gates", "file_spec", "measurements", "band_margin_px",
                         "band_margins_px"}
    assert line["ok"] is False and "empty" in line["error"] and line["profile"] == "chsi-graduation"


def test_check_usage_error_exit_two(capsys):
    assert main(["check", "--profile", "nope", "x.jpg"]) == 2
