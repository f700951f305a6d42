"""The kiosk end to end: replay camera + SDL dummy driver + scripted input, real models, real pictures on disk."""
from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from capture.camera import Keyframe, ReplayCamera, StillMotionFrames, find_demo_still
from capture.encode import KbWindow
from capture.images import read_photo
from kiosk.station.loop import KioskApp
from kiosk.station.settings import KioskOptions
from kiosk.station.flow import Event, State
from tests.capture.camera.camera_faults import FaultyReplay

#: the demo subject arrives and settles within a second (the demo script takes five)
QUICK_SCRIPT = (
    Keyframe(0.0, -0.6, 0.29, 2.0, 0.0),
    Keyframe(1.0, 0.103, 0.2777, 2.05, 0.0),
    Keyframe(30.0, 0.103, 0.2777, 2.05, 0.0),
)


def _replay(rgb: np.ndarray, fail: tuple[float, float] | None = None):
    frames = StillMotionFrames(rgb, QUICK_SCRIPT, size=(1280, 720), fps=30.0, noise_sigma=1.5)
    if fail is None:
        return ReplayCamera(frames, fps=30.0, loop=False)
    return FaultyReplay(frames, fps=30.0, loop=False).fail_between(*fail)


@pytest.fixture(scope="module")
def demo_still() -> np.ndarray:
    return read_photo(find_demo_still()).rgb


def _options(profile, tmp_path: Path, factory, **kw) -> KioskOptions:
    base = dict(profile=profile, camera="test", store=tmp_path / "store", headless=True, auto_confirm=True,
                exit_after=1, identity="2023001", json_lines=True, max_runtime_s=40.0, source_factory=factory)
    base.update(kw)
    return KioskOptions(**base)


def _assert_picture_meets(path: Path, profile) -> None:
    data = path.read_bytes()
    image = Image.open(io.BytesIO(data))
    assert image.size == (profile.width_px, profile.height_px) and image.format == "JPEG"
    assert tuple(round(v) for v in image.info["dpi"]) == (profile.dpi, profile.dpi)
    assert KbWindow(profile.kb_min, profile.kb_max).contains(len(data))
    assert path.stat().st_mode & 0o777 == 0o600


def test_auto_capture_review_confirm(all_profiles, tmp_path, demo_still, capsys):
    profile = all_profiles["chsi-graduation"]
    app = KioskApp(_options(profile, tmp_path, lambda: _replay(demo_still)))
    assert app.run() == 0
    states = [t.target for t in app.flow.history]
    assert states[:5] == [State.GUIDE, State.COUNTDOWN, State.REVIEW, State.SAVED, State.IDLE][:len(states[:5])]
    assert State.REVIEW in states and State.SAVED in states
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["identity"] == "2023001" and line["profile"] == "chsi-graduation"
    assert all(g["ok"] or g["advisory"] for g in line["gates"].values())  # nothing blocking at capture
    assert line["gates"]["eyes_open"]["ok"] and line["gates"]["mouth_closed"]["ok"]
    picture = Path(line["picture"])
    assert picture == tmp_path / "store" / "pictures" / "2023001.jpg"
    _assert_picture_meets(picture, profile)
    # a tick per countdown second (2 s), then the shutter, then the chime
    cues = app.sound.played
    assert cues[-2:] == ["shutter", "saved"] and cues.count("tick") >= 2 and set(cues[:-2]) == {"tick"}


def test_retake_then_confirm(all_profiles, tmp_path, demo_still):
    profile = all_profiles["chsi-graduation"]
    reviews = []

    def script(app: KioskApp, state: State) -> None:
        if state is State.REVIEW:
            reviews.append(app.clock())
            if len(reviews) == 1:
                app.act("retake")

    options = _options(profile, tmp_path, lambda: _replay(demo_still), auto_confirm=True)
    app = KioskApp(options, on_state=script)
    assert app.run() == 0
    events = [t.event for t in app.flow.history]
    assert Event.RETAKE in events and events.count(Event.COUNTDOWN_DONE) == 2
    _assert_picture_meets(tmp_path / "store" / "pictures" / "2023001.jpg", profile)


def test_person_who_keeps_eyes_closed_is_never_captured(all_profiles, tmp_path, demo_still, analyzer):
    from capture.synth import close_eyes

    profile = all_profiles["chsi-graduation"]
    shut = close_eyes(demo_still, analyzer.context(demo_still).face)
    app = KioskApp(_options(profile, tmp_path, lambda: _replay(shut), max_runtime_s=8.0))
    assert app.run() == 1  # stopped by the run-time limit, nothing filed
    assert app.filed == 0 and not list((tmp_path / "store" / "pictures").glob("*.jpg"))
    assert State.COUNTDOWN not in [t.target for t in app.flow.history]
    assert State.GUIDE in [t.target for t in app.flow.history]
    assert app.guidance.last is not None and app.guidance.last.hint == "eyes_open"
    assert not app.guidance.last.checklist["eyes_open"]


def test_camera_unplugged_then_back(all_profiles, tmp_path, demo_still):
    profile = all_profiles["chsi-graduation"]
    camera = _replay(demo_still, fail=(0.5, 2.5))
    app = KioskApp(_options(profile, tmp_path, lambda: camera))
    assert app.run() == 0
    assert any(s in ("lost", "reconnecting") for s in app.camera_states), app.camera_states
    assert app.camera_states[-1] == "ok"
    assert app.filed == 1


def test_collection_code_qr_identifies_the_student(all_profiles, tmp_path, demo_still):
    import cv2

    profile = all_profiles["chsi-graduation"]
    payload = "CHSI2023:8f3a9c1b7e4d"  # an opaque 采集码-like payload (no path characters)
    code = cv2.QRCodeEncoder.create().encode(payload)
    code = cv2.resize(code, (code.shape[1] * 6, code.shape[0] * 6), interpolation=cv2.INTER_NEAREST)
    code = np.pad(code, 24, constant_values=255)
    still = demo_still.copy()
    y0, x0 = 200, 150  # on the backdrop left of the head: the student holds the code up beside their face
    still[y0:y0 + code.shape[0], x0:x0 + code.shape[1]] = code[..., None]
    options = _options(profile, tmp_path, lambda: _replay(still), identity=None)
    app = KioskApp(options)
    assert app.run() == 0
    targets = [t.target for t in app.flow.history]
    assert targets[:2] == [State.IDENTIFY, State.GUIDE]
    assert (tmp_path / "store" / "pictures" / "CHSI2023-8F3A9C1B7E4D.jpg").exists() or \
        list((tmp_path / "store" / "pictures").glob("QR-*.jpg"))


def test_a_plain_wall_of_the_wrong_colour_with_backdrop_replacement(all_profiles, tmp_path, demo_still, analyzer):
    """A station with a beige wall instead of the spec's backdrop cloth: without replacement the background gate
    holds capture back; with --replace-backdrop the student is captured and the picture has the spec's colour."""
    from capture.gates import evaluate
    from capture.rebackdrop import replace_backdrop

    profile = all_profiles["chsi-graduation"]
    head = analyzer.find_head(demo_still).head
    beige = replace_backdrop(demo_still, analyzer.person_mask(demo_still), (205, 180, 140), head.face_width,
                             (head.face_centre_x, head.eye_y)).rgb
    keep = KioskApp(_options(profile, tmp_path / "keep", None))
    replace = KioskApp(_options(profile, tmp_path / "replace", None, replace_backdrop=True))
    m = analyzer_measure(analyzer, beige)
    assert not evaluate(m, keep.gating_profile())["background"].ok  # beige is not an allowed colour
    assert evaluate(m, replace.gating_profile())["background"].ok  # any plain colour will be replaced
    keep.store.close()
    replace.store.close()

    app = KioskApp(_options(profile, tmp_path, lambda: _replay(beige), replace_backdrop=True, backdrop="white"))
    assert app.run() == 0 and app.filed == 1
    picture = tmp_path / "store" / "pictures" / "2023001.jpg"
    _assert_picture_meets(picture, profile)
    corner = np.asarray(Image.open(picture).convert("RGB"))[:20, :20].reshape(-1, 3).mean(axis=0)
    assert corner.min() >= 250  # white, as asked


def analyzer_measure(analyzer, rgb):
    from capture.measurements import measure_context

    return measure_context(analyzer.context(rgb), None)
