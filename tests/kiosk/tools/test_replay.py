"""`idphoto replay` on a short recording made here: the demo astronaut (skimage's, shipped as the demo still)
walking in and holding still, written as a folder of JPEGs at 640×360, 15 fps. Exact outcomes: which frame is
filed and when, the same answer twice, the camera-too-small report, the JSON keys, the plot, and usage errors."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from capture.camera import Keyframe, StillMotionFrames, find_demo_still
from capture.camera.still import read_still
from kiosk.commands.main import main

#: walks in from the left for 1 s, then holds still until 5 s
SCRIPT = (Keyframe(0.0, -0.6, 0.29, 2.0, 0.0), Keyframe(1.0, 0.103, 0.2777, 2.05, 0.0),
          Keyframe(5.0, 0.103, 0.2777, 2.05, 0.0))
FPS = 15.0
SUMMARY_KEYS = {"frames", "seconds", "camera_fits_profile", "captured_at_s", "captured_frame", "hint_changes_per_min",
                "gates"}


@pytest.fixture(scope="module")
def recording(tmp_path_factory) -> Path:
    """Return a folder of 75 JPEG frames (640×360) of the astronaut arriving and holding still."""
    folder = tmp_path_factory.mktemp("recording")
    frames = StillMotionFrames(read_still(find_demo_still(), "demo"), SCRIPT, size=(640, 360), fps=FPS,
                               noise_sigma=1.5)
    for i in range(len(frames)):
        Image.fromarray(frames.frame_at(i)).save(folder / f"frame{i:03d}.jpg", quality=92)
    return folder


def _replay(capsys, *argv: str) -> tuple[int, list[dict], str]:
    status = main(["replay", *argv, "--json"])
    out = capsys.readouterr()
    return status, [json.loads(line) for line in out.out.splitlines()], out.err


def test_replay_captures_the_held_still_frame_and_says_the_same_twice(recording, capsys, tmp_path):
    args = (str(recording), "--fps", "15", "--profile", "zikao-hunan", "--replace-backdrop")
    status, lines, err = _replay(capsys, *args, "--plot", str(tmp_path / "timeline.png"))
    assert status == 0 and "can make a zikao-hunan picture" in err
    summary = lines[-1]
    assert SUMMARY_KEYS <= set(summary) and summary["camera_fits_profile"] is True
    assert (summary["captured_frame"], summary["captured_at_s"], summary["frames"]) == (56, 3.733, 59)
    assert summary["seconds"] == 5.0 and summary["capture_decided_at_s"] == 3.867
    assert [(c["frame"], c["failed"]) for c in summary["picture_checks"]] == [(56, None)]  # judged as check would
    assert summary["gates"]["sharpness"] == {"passed_ratio": 1.0, "advisory": False}
    assert summary["gates"]["ears_visible"]["advisory"] is True
    seconds = lines[:-1]
    assert [s["t_s"] for s in seconds] == [0, 1, 2, 3]
    assert [s["state"] for s in seconds] == ["guide", "countdown", "countdown", "review"]
    assert seconds[-1]["captured_frame"] == 56 and all(s["captured_frame"] is None for s in seconds[:-1])
    with Image.open(tmp_path / "timeline.png") as plot:
        assert plot.format == "PNG" and plot.width > 800
    again = _replay(capsys, *args)
    assert again[0] == 0 and again[1] == lines  # the recording's clock, not the machine's: the same answer


def test_a_camera_too_small_for_the_profile_is_reported_and_never_guided(recording, capsys):
    status, lines, err = _replay(capsys, str(recording), "--fps", "15", "--profile", "chsi-graduation")
    assert status == 1
    assert "640x360 frames are too small for a chsi-graduation picture (at least 320x427" in err
    summary = lines[-1]
    assert (summary["camera_fits_profile"], summary["captured_frame"], summary["captured_at_s"]) == (False, None, None)
    assert summary["camera_fit"]["code"] == "frame_too_small"
    assert {s["state"] for s in lines[:-1]} == {"not_ready"} and {s["hint"] for s in lines[:-1]} == {None}
    assert summary["hint_changes_per_min"] == 0.0 and summary["frames"] == 75


def test_text_lines_per_second(recording, capsys):
    status = main(["replay", str(recording), "--fps", "15", "--profile", "zikao-hunan", "--replace-backdrop"])
    out = capsys.readouterr().out.splitlines()
    assert status == 0
    assert out[0].startswith("camera: The camera's 640x360 frames can make a zikao-hunan picture")
    assert ">> CAPTURE frame 56 at 3.73s" in out[4] and out[4].lstrip().startswith("3s  review")
    assert "capture: frame 56 at 3.73 s" in "\n".join(out[5:])


@pytest.mark.parametrize("argv, says", [
    (["/nonexistent/clip.mp4"], "/nonexistent/clip.mp4: no such file or folder"),
    (["{notvideo}"], "notvideo.mp4: "),
    (["{folder}/a.jpg"], "a.jpg: is a photo, not a video"),
    (["{folder}", "--profile", "no-such-profile"], "no-such-profile"),
    (["{folder}", "--plot", "timeline.jpg"], "--plot timeline.jpg: the file name must end in .png"),
])
def test_usage_errors_exit_2_with_one_sentence(argv, says, tmp_path, capsys):
    bad = tmp_path / "notvideo.mp4"
    bad.write_text("not a video", encoding="utf-8")
    empty = tmp_path / "folder"
    empty.mkdir()
    Image.new("RGB", (64, 48)).save(empty / "a.jpg")
    argv = [a.format(notvideo=bad, folder=empty) for a in argv]
    assert main(["replay", *argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and says in err[0]
