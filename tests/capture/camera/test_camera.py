"""Camera sources: replays, recorded frames, the supervisor and spec parsing. No webcam, no network, fake clocks."""
from __future__ import annotations

import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from capture import camera as cam
from capture.camera import (
    DEFAULT_SCRIPT,
    CameraError,
    CameraState,
    CameraSupervisor,
    DeviceCamera,
    Frame,
    ImageFolderFrames,
    Keyframe,
    ReplayCamera,
    StillMotionFrames,
    VideoFileFrames,
    find_demo_still,
    open_source,
    probe_device,
)
from kiosk.texts import error_text, text
from tests.capture.camera.camera_faults import FaultyReplay

# The bundled demo still, measured once with FaceMesh: face centre x, eye-line y, cheek-to-cheek width (px).
DEMO_FACE_CENTRE = (585.2, 342.5)
DEMO_FACE_WIDTH_PX = 164.0


class FakeClock:
    """A settable monotonic clock (seconds)."""

    def __init__(self, t: float = 0.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


class NumberedFrames:
    """A provider whose frame i is a small image filled with the value i % 256; counts decodes per index."""

    def __init__(self, count: int | None, size: tuple[int, int] = (32, 24)) -> None:
        self._count = count
        self.size = size
        self.calls: dict[int, int] = {}

    @property
    def frame_count(self) -> int | None:
        return self._count

    def frame_at(self, i: int) -> np.ndarray:
        self.calls[i] = self.calls.get(i, 0) + 1
        return np.full((self.size[1], self.size[0], 3), i % 256, np.uint8)


class StuckSource:
    """A source that always returns the same frame (or None)."""

    name = "stuck"
    fps = 30.0
    resolution = (8, 8)

    def __init__(self, frame: Frame | None) -> None:
        self.frame = frame
        self.stops = 0

    def start(self) -> None:
        pass

    def latest(self) -> Frame | None:
        return self.frame

    def stop(self) -> None:
        self.stops += 1


@pytest.fixture
def no_sleep(monkeypatch):
    """Make any time.sleep in the calling thread fail the test: poll() must never sleep."""

    def forbidden(seconds: float) -> None:
        raise AssertionError(f"time.sleep({seconds}) called")

    monkeypatch.setattr(time, "sleep", forbidden)


def marker_still(width: int = 400, height: int = 300) -> np.ndarray:
    """A grey still with one red square in the middle, to follow where the script moves it."""
    rgb = np.full((height, width, 3), 90, np.uint8)
    rgb[height // 2 - 10:height // 2 + 10, width // 2 - 10:width // 2 + 10] = (255, 0, 0)
    return rgb


def red_centroid(rgb: np.ndarray) -> tuple[float, float] | None:
    mask = (rgb[..., 0] > 200) & (rgb[..., 1] < 80)
    if not mask.any():
        return None
    ys, xs = np.nonzero(mask)
    return float(xs.mean()), float(ys.mean())


def run_supervisor(sup: CameraSupervisor, clock: FakeClock, until_s: float, rate_hz: int = 10):
    """Poll `rate_hz` times per fake second from 0 to until_s; return [(t, state, frame or None)] (t = k / rate_hz)."""
    log = []
    for k in range(int(round(until_s * rate_hz)) + 1):
        clock.t = k / rate_hz
        frame = sup.poll()
        log.append((clock.t, sup.state, frame))
    return log


# --------------------------------------------------------------------------------------------------------------------
# StillMotionFrames
# --------------------------------------------------------------------------------------------------------------------


def test_still_motion_renders_the_requested_size():
    frames = StillMotionFrames(marker_still(), DEFAULT_SCRIPT, size=(320, 180), fps=10)
    rgb = frames.frame_at(0)
    assert rgb.shape == (180, 320, 3) and rgb.dtype == np.uint8
    assert frames.size == (320, 180)
    assert StillMotionFrames(marker_still(), size=(1280, 720)).frame_at(5).shape == (720, 1280, 3)


def test_still_motion_length_is_script_duration_times_fps_plus_hold():
    assert len(StillMotionFrames(marker_still(), DEFAULT_SCRIPT, fps=30)) == round(DEFAULT_SCRIPT[-1].t_s * 30)
    script = [(0.0, 0, 0, 1, 0), (2.0, 0.1, 0, 1, 0)]
    assert StillMotionFrames(marker_still(), script, fps=10, hold_s=1.5).frame_count == 35


def test_still_motion_moves_then_settles_on_its_last_keyframe():
    script = [Keyframe(0.0, -0.4, 0.0, 1.0, 0.0), Keyframe(1.0, 0.0, 0.1, 1.0, 5.0), Keyframe(2.0, 0.0, 0.0, 1.0, 0.0)]
    frames = StillMotionFrames(marker_still(), script, size=(400, 300), fps=10, hold_s=1.0)
    start, middle, settled = red_centroid(frames.frame_at(0)), red_centroid(frames.frame_at(10)), \
        red_centroid(frames.frame_at(29))
    assert start is not None and middle is not None and settled is not None
    assert start[0] == pytest.approx(200 - 0.4 * 300, abs=2)  # dx is a fraction of the output height
    assert middle[1] == pytest.approx(150 + 0.1 * 300, abs=2)  # dy a fraction of the height
    assert settled == pytest.approx((200, 150), abs=1.5)  # centred at the end
    # the hold repeats one pose exactly (no noise), while the walk-in frames differ
    assert np.array_equal(frames.frame_at(20), frames.frame_at(29))
    assert not np.array_equal(frames.frame_at(0), frames.frame_at(5))


def test_still_motion_interpolates_linearly_and_holds_outside_the_script():
    frames = StillMotionFrames(marker_still(), [(1.0, 0.0, 0.0, 1.0, 0.0), (3.0, 0.2, -0.1, 2.0, 10.0)], fps=10)
    assert frames.pose_at(2.0)[1:] == pytest.approx((0.1, -0.05, 1.5, 5.0))
    assert frames.pose_at(0.0)[1:] == pytest.approx((0.0, 0.0, 1.0, 0.0))
    assert frames.pose_at(9.0)[1:] == pytest.approx((0.2, -0.1, 2.0, 10.0))


def test_default_script_frames_the_demo_face_centred_at_kiosk_size():
    rgb = np.asarray(Image.open(find_demo_still()).convert("RGB"))
    frames = StillMotionFrames(rgb, DEFAULT_SCRIPT, size=(1280, 720), fps=30)
    last = len(frames) - 1
    scale = np.linalg.norm(frames.matrix_at(last)[:, 0])  # output px per still px
    face_x, eye_y = frames.matrix_at(last) @ np.array([*DEMO_FACE_CENTRE, 1.0])
    assert face_x == pytest.approx(640, abs=15)
    assert 0.30 * 720 < eye_y < 0.45 * 720  # eyes in the upper-middle of the frame
    assert 200 <= DEMO_FACE_WIDTH_PX * scale <= 260
    # at the start the face is out of view on one side
    start_x, _ = frames.matrix_at(0) @ np.array([*DEMO_FACE_CENTRE, 1.0])
    assert start_x < -DEMO_FACE_WIDTH_PX or start_x > 1280 + DEMO_FACE_WIDTH_PX
    # the last few seconds are one pose
    assert np.array_equal(frames.frame_at(last), frames.frame_at(last - 3 * 30))


def test_default_script_settled_demo_frame_shows_a_centred_face(analyzer):
    rgb = np.asarray(Image.open(find_demo_still()).convert("RGB"))
    frames = StillMotionFrames(rgb, DEFAULT_SCRIPT, size=(1280, 720), fps=30)
    assert analyzer.faces(np.asarray(frames.frame_at(0))) == []  # nobody in front of the camera yet
    faces = analyzer.faces(np.asarray(frames.frame_at(len(frames) - 1)))
    assert len(faces) == 1
    face = faces[0]
    assert 200 <= face.face_width_px <= 260
    assert face.face_centre_x == pytest.approx(640, abs=25)
    assert 0.30 * 720 < face.eye_mid[1] < 0.45 * 720
    assert face.forehead_y > 0 and face.chin_y < 720


def test_still_motion_noise_is_small_seeded_and_varies_per_frame():
    script = [(0.0, 0, 0, 1, 0), (1.0, 0, 0, 1, 0)]
    a = StillMotionFrames(marker_still(), script, size=(160, 120), fps=10, noise_sigma=2.0, seed=7)
    b = StillMotionFrames(marker_still(), script, size=(160, 120), fps=10, noise_sigma=2.0, seed=7)
    clean = StillMotionFrames(marker_still(), script, size=(160, 120), fps=10)
    assert not np.array_equal(a.frame_at(3), a.frame_at(4))
    assert np.array_equal(a.frame_at(3), b.frame_at(3))
    diff = np.abs(a.frame_at(3).astype(int) - clean.frame_at(3).astype(int))
    assert 0 < diff.mean() < 3


def test_still_motion_rejects_bad_scripts():
    with pytest.raises(ValueError):
        StillMotionFrames(marker_still(), [])
    with pytest.raises(ValueError):
        StillMotionFrames(marker_still(), [(1.0, 0, 0, 1, 0), (0.5, 0, 0, 1, 0)])
    with pytest.raises(ValueError):
        StillMotionFrames(marker_still(), [(0.0, 0, 0, 0, 0)])


# --------------------------------------------------------------------------------------------------------------------
# ReplayCamera
# --------------------------------------------------------------------------------------------------------------------


def test_replay_returns_the_frame_due_at_the_clock_time():
    clock = FakeClock(100.0)
    frames = NumberedFrames(20)
    replay = ReplayCamera(frames, fps=10, clock=clock)
    assert replay.latest() is None  # not started
    replay.start()
    first = replay.latest()
    assert first is not None and first.index == 0 and first.rgb[0, 0, 0] == 0
    clock.t = 100.35
    frame = replay.latest()
    assert frame.index == 3 and frame.rgb[0, 0, 0] == 3
    assert frame.timestamp_s == pytest.approx(100.3)
    assert replay.latest() is frame  # nothing new is due: same Frame, not decoded again
    assert frames.calls[3] == 1
    assert not frame.rgb.flags.writeable
    assert replay.resolution == (32, 24)


def test_replay_loops_or_holds_the_last_frame():
    clock = FakeClock()
    looping = ReplayCamera(NumberedFrames(4), fps=10, clock=clock)
    once = ReplayCamera(NumberedFrames(4), fps=10, loop=False, clock=clock)
    looping.start()
    once.start()
    clock.t = 0.65
    assert looping.latest().index == 6 and looping.latest().rgb[0, 0, 0] == 2
    assert once.latest().index == 6 and once.latest().rgb[0, 0, 0] == 3
    clock.t = 2.0
    assert looping.latest().rgb[0, 0, 0] == 0
    assert once.latest().rgb[0, 0, 0] == 3


def test_replay_keeps_world_time_across_stop_and_start():
    clock = FakeClock()
    replay = ReplayCamera(NumberedFrames(None), fps=10, clock=clock)
    replay.start()
    clock.t = 1.0
    replay.stop()
    assert replay.latest() is None
    clock.t = 2.0
    replay.start()
    assert replay.latest().index == 20


def test_replay_fail_window_raises_then_recovers():
    clock = FakeClock()
    replay = FaultyReplay(NumberedFrames(None), fps=10, clock=clock).fail_between(1.0, 2.0)
    replay.start()
    clock.t = 0.9
    assert replay.latest().index == 9
    clock.t = 1.0
    with pytest.raises(CameraError) as info:
        replay.latest()
    assert info.value.code == "injected_failure" and "replay" in str(info.value)
    replay.stop()
    with pytest.raises(CameraError):
        replay.start()  # a broken camera cannot be opened either
    clock.t = 2.0
    replay.start()
    assert replay.latest().index == 20


def test_replay_freeze_window_repeats_one_picture_with_growing_index():
    clock = FakeClock()
    replay = FaultyReplay(NumberedFrames(None), fps=10, clock=clock).freeze_between(1.0, 2.0)
    replay.start()
    seen = []
    for k in range(8, 23):
        clock.t = k / 10
        frame = replay.latest()
        seen.append((frame.index, int(frame.rgb[0, 0, 0])))
    assert [i for i, _ in seen] == list(range(8, 23))
    assert [v for _, v in seen] == [8, 9] + [10] * 10 + [20, 21, 22]


# --------------------------------------------------------------------------------------------------------------------
# Recorded frames
# --------------------------------------------------------------------------------------------------------------------


def test_image_folder_frames_in_natural_name_order(tmp_path: Path):
    for name, value in (("frame10.png", 30), ("frame2.png", 20), ("frame1.png", 10)):
        Image.fromarray(np.full((24, 32, 3), value, np.uint8)).save(tmp_path / name)
    Image.fromarray(np.full((48, 64, 3), 40, np.uint8)).save(tmp_path / "frame11.PNG")  # other size, upper case
    (tmp_path / "notes.txt").write_text("not a frame")
    frames = ImageFolderFrames(tmp_path)
    assert [p.name for p in frames.paths] == ["frame1.png", "frame2.png", "frame10.png", "frame11.PNG"]
    assert len(frames) == 4 and frames.size == (32, 24)
    assert [int(frames.frame_at(i)[0, 0, 0]) for i in range(4)] == [10, 20, 30, 40]
    assert frames.frame_at(3).shape == (24, 32, 3)  # resized to the first frame's size

    clock = FakeClock()
    replay = ReplayCamera(frames, fps=5, clock=clock)
    replay.start()
    clock.t = 0.4  # frame 2 at 5 fps
    assert replay.latest().rgb[0, 0, 0] == 30


def test_image_folder_errors_name_the_folder(tmp_path: Path):
    with pytest.raises(CameraError) as info:
        ImageFolderFrames(tmp_path)
    assert info.value.code == "no_images" and str(tmp_path) in str(info.value)
    with pytest.raises(CameraError) as info:
        ImageFolderFrames(tmp_path / "missing")
    assert info.value.code == "not_found"


def _write_mjpg_avi(path: Path, colours_bgr: list[tuple[int, int, int]], fps: float = 10.0) -> bool:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (64, 48))
    if not writer.isOpened():
        return False
    for colour in colours_bgr:
        writer.write(np.full((48, 64, 3), colour, np.uint8))
    writer.release()
    return path.is_file() and path.stat().st_size > 0


COLOURS_BGR = [(0, 0, 255), (0, 255, 0), (255, 0, 0), (0, 255, 255), (255, 0, 255), (255, 255, 0)]


def test_video_file_frames_decode_lazily_as_rgb(tmp_path: Path):
    path = tmp_path / "clip.avi"
    if not _write_mjpg_avi(path, COLOURS_BGR):
        pytest.skip("this OpenCV build has no MJPG/AVI writer")
    frames = VideoFileFrames(path)
    assert len(frames) == 6 and frames.fps == pytest.approx(10.0) and frames.size == (64, 48)
    expected_rgb = [c[::-1] for c in COLOURS_BGR]
    for i in (0, 1, 4, 2, 5, 3):  # sequential and random access
        assert tuple(int(v) for v in frames.frame_at(i)[24, 32]) == pytest.approx(expected_rgb[i], abs=12)
    with pytest.raises(IndexError):
        frames.frame_at(6)
    frames.close()


def test_unreadable_or_missing_video_gives_camera_error(tmp_path: Path):
    broken = tmp_path / "broken.avi"
    broken.write_bytes(b"RIFF\x00\x00\x00\x00AVI not really a video" * 10)
    with pytest.raises(CameraError) as info:
        VideoFileFrames(broken)
    assert info.value.code == "unreadable_video" and "broken.avi" in str(info.value)
    with pytest.raises(CameraError) as info:
        VideoFileFrames(tmp_path / "missing.mp4")
    assert info.value.code == "not_found"


# --------------------------------------------------------------------------------------------------------------------
# CameraSupervisor
# --------------------------------------------------------------------------------------------------------------------


def test_supervisor_recovers_from_a_failure_window_with_backoff(no_sleep):
    clock = FakeClock()
    replay = FaultyReplay(NumberedFrames(None), fps=30, clock=clock, name="replay").fail_between(1.0, 3.0)
    calls: list[float] = []

    def factory():
        calls.append(clock.t)
        return replay

    sup = CameraSupervisor(factory, clock=clock)
    sup.start()
    log = run_supervisor(sup, clock, 6.0)
    states = {t: s for t, s, _ in log}
    assert states[0.5] is CameraState.OK
    assert states[0.9] is CameraState.OK and states[1.0] is CameraState.LOST
    assert states[2.0] is CameraState.LOST
    assert states[5.0] is CameraState.OK
    # attempts: the first open, then 0.5 s, 1 s and 2 s after each failure (the camera is back from 3 s)
    assert calls == pytest.approx([0.0, 1.5, 2.5, 4.5])
    # frames while healthy, None while lost
    assert all((f is not None) == (s is CameraState.OK) for _, s, f in log)
    assert [f.index for t, _, f in log if t in (0.5, 4.5)] == [15, 135]


def test_supervisor_status_while_lost_names_camera_reason_and_retry():
    clock = FakeClock()
    replay = FaultyReplay(NumberedFrames(None), fps=30, clock=clock, name="desk cam").fail_between(1.0, 9.0)
    sup = CameraSupervisor(lambda: replay, clock=clock)
    sup.start()
    assert sup.poll() is not None and sup.code == "ok"
    clock.t = 1.0
    assert sup.poll() is None
    status = sup.status()
    assert status.state is CameraState.LOST and status.code == "lost_error" and status.reason == "error"
    assert status.fields["camera"] == "desk cam" and status.fields["retry_s"] == 1
    assert status.retry_in_s == pytest.approx(0.5)
    assert status.error == "injected_failure"
    sentence = text(f"camera.{status.code}", "en", **status.fields)
    assert "desk cam" in sentence and "Retrying in 1 s" in sentence
    assert "desk cam" in text(f"camera.{status.code}", "zh", **status.fields)


def test_supervisor_detects_a_frozen_source(no_sleep):
    clock = FakeClock()
    replay = FaultyReplay(NumberedFrames(None), fps=10, clock=clock).freeze_between(1.0, 100.0)
    sup = CameraSupervisor(lambda: replay, clock=clock, freeze_after_s=3.0)
    sup.start()
    log = run_supervisor(sup, clock, 4.2)
    lost_at = next(t for t, s, _ in log if s is not CameraState.OK)
    assert lost_at == pytest.approx(4.0)  # last change at 1.0 s + 3 s
    assert sup.state is CameraState.LOST and sup.reason == "frozen" and sup.code == "lost_frozen"
    assert sup.fields["seconds"] == pytest.approx(3.0)


def test_supervisor_detects_a_stale_source_and_stops_it(no_sleep):
    clock = FakeClock()
    stuck = StuckSource(Frame(np.zeros((8, 8, 3), np.uint8), 0, 0.0))
    sup = CameraSupervisor(lambda: stuck, clock=clock, stale_after_s=2.0, backoff_s=(10.0,))
    sup.start()
    log = run_supervisor(sup, clock, 3.0)
    lost_at = next(t for t, s, _ in log if s is CameraState.LOST)
    assert lost_at == pytest.approx(2.0)
    assert sup.reason == "stale" and stuck.stops == 1


def test_supervisor_gives_up_on_a_source_that_never_sends_a_frame(no_sleep):
    clock = FakeClock()
    silent = StuckSource(None)
    sup = CameraSupervisor(lambda: silent, clock=clock, first_frame_timeout_s=1.0, backoff_s=(10.0,))
    sup.start()
    assert sup.state is CameraState.STARTING and sup.code == "starting"
    log = run_supervisor(sup, clock, 2.0)
    assert next(t for t, s, _ in log if s is CameraState.LOST) == pytest.approx(1.0)
    assert sup.reason == "no_frames"


def test_supervisor_keeps_retrying_a_failing_factory_with_growing_backoff(no_sleep):
    clock = FakeClock()
    calls: list[float] = []

    def factory():
        calls.append(clock.t)
        if len(calls) % 2 == 0:
            raise CameraError("webcam 0", "open_failed")
        raise RuntimeError("driver exploded")  # any exception is retried, not raised

    sup = CameraSupervisor(factory, clock=clock, backoff_s=(0.5, 1, 2, 4, 8))
    sup.start()
    log = run_supervisor(sup, clock, 40.0)
    assert calls == pytest.approx([0.0, 0.5, 1.5, 3.5, 7.5, 15.5, 23.5, 31.5, 39.5])
    assert all(f is None for _, _, f in log)
    assert sup.state is CameraState.LOST and sup.reason == "open_failed" and sup.attempts == 9
    assert sup.status().error == "RuntimeError"
    assert sup.fields["camera"] == "webcam 0" and sup.fields["retry_s"] == 8  # the name from the factory's error
    assert "Retrying in 8 s" in text(f"camera.{sup.code}", "en", **sup.fields)


def test_supervisor_opens_in_the_background_without_blocking_poll():
    opened = threading.Event()

    def slow_factory():
        time.sleep(0.3)  # a slow driver, on the helper thread
        opened.set()
        return ReplayCamera(NumberedFrames(None), fps=30)

    sup = CameraSupervisor(slow_factory, open_in_background=True)
    began = time.monotonic()
    sup.start()
    slowest = time.monotonic() - began
    frame = None
    empty_polls = 0
    while frame is None and time.monotonic() - began < 5.0:
        t0 = time.monotonic()
        frame = sup.poll()
        slowest = max(slowest, time.monotonic() - t0)
        if frame is None:
            empty_polls += 1
            assert sup.state is CameraState.STARTING
            threading.Event().wait(0.01)
    sup.stop()
    assert opened.is_set() and frame is not None
    assert slowest < 0.1  # neither start() nor poll() waited for the 0.3 s open
    assert empty_polls >= 5  # the UI kept polling while the camera opened


def test_supervisor_abandons_a_background_open_that_hangs():
    clock = FakeClock()
    release = threading.Event()
    made: list[StuckSource] = []

    def hanging_factory():
        release.wait(10)
        made.append(StuckSource(None))
        return made[-1]

    sup = CameraSupervisor(hanging_factory, clock=clock, open_in_background=True, open_timeout_s=5.0)
    sup.start()
    clock.t = 4.9
    assert sup.poll() is None and sup.state is CameraState.STARTING
    clock.t = 5.0
    assert sup.poll() is None
    assert sup.state is CameraState.LOST and sup.reason == "open_failed"
    assert sup.status().error == "open_timeout" and sup.fields["seconds"] == 5.0
    release.set()  # the driver finally returns: the abandoned job stops what it opened
    deadline = time.monotonic() + 5.0
    while not (made and made[0].stops) and time.monotonic() < deadline:
        threading.Event().wait(0.01)
    assert made and made[0].stops == 1
    sup.stop()


def test_demo_replay_with_noise_is_never_taken_for_a_frozen_camera(no_sleep):
    clock = FakeClock()
    sup = CameraSupervisor(lambda: open_source("demo", width=320, height=180, fps=10, clock=clock), clock=clock)
    sup.start()
    log = run_supervisor(sup, clock, 12.0)  # covers the 4 s still hold and the loop
    assert all(s is CameraState.OK for _, s, _ in log)


# --------------------------------------------------------------------------------------------------------------------
# DeviceCamera (no webcam here: a missing device, and a fake capture for the reader thread)
# --------------------------------------------------------------------------------------------------------------------


def _in_thread(fn, timeout_s: float):
    """Run fn on a thread; return (result or exception, seconds taken); fail if it does not finish in time."""
    box: dict[str, object] = {}

    def run():
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            box["value"] = exc

    began = time.monotonic()
    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout_s)
    assert not worker.is_alive(), f"did not finish within {timeout_s} s"
    return box.get("value"), time.monotonic() - began


def test_device_camera_on_a_missing_device_raises_quickly():
    camera = DeviceCamera(97, open_timeout_s=5.0)
    outcome, took = _in_thread(camera.start, timeout_s=20.0)
    assert isinstance(outcome, CameraError), outcome
    assert outcome.code in ("open_failed", "open_timeout") and "webcam 97" in str(outcome)
    assert took < 10.0
    camera.stop()  # harmless after a failed start
    assert camera.latest() is None


def test_device_camera_open_that_hangs_times_out(monkeypatch):
    release = threading.Event()
    monkeypatch.setattr(DeviceCamera, "_create_capture", lambda self: release.wait(10) and None)
    camera = DeviceCamera(0, open_timeout_s=0.2)
    outcome, took = _in_thread(camera.start, timeout_s=5.0)
    release.set()
    assert isinstance(outcome, CameraError) and outcome.code == "open_timeout"
    assert took < 2.0


class FakeCapture:
    """Stands in for cv2.VideoCapture: `good` BGR frames, then failing reads."""

    def __init__(self, good: int) -> None:
        self.good = good
        self.reads = 0
        self.released = threading.Event()

    def read(self):
        self.reads += 1
        time.sleep(0.002)
        if self.reads <= self.good:
            image = np.zeros((6, 8, 3), np.uint8)
            image[..., 2] = 200  # red in BGR
            return True, image
        return False, None

    def get(self, prop: int) -> float:
        return {cv2.CAP_PROP_FRAME_WIDTH: 8.0, cv2.CAP_PROP_FRAME_HEIGHT: 6.0, cv2.CAP_PROP_FPS: 30.0}.get(prop, 0.0)

    def release(self) -> None:
        self.released.set()


def test_device_camera_reader_keeps_newest_rgb_frame_and_gives_up_after_failures(monkeypatch):
    fake = FakeCapture(good=5)
    monkeypatch.setattr(DeviceCamera, "_create_capture", lambda self: fake)
    camera = DeviceCamera(0, max_failures=3)
    camera.start()
    try:
        assert camera.resolution == (8, 6) and camera.fps == 30.0
        deadline = time.monotonic() + 5.0
        error = None
        while time.monotonic() < deadline:
            try:
                frame = camera.latest()
            except CameraError as exc:
                error = exc
                break
            if frame is not None:
                assert tuple(frame.rgb[0, 0]) == (200, 0, 0)  # converted to RGB
            threading.Event().wait(0.005)
        assert error is not None and error.code == "read_failed" and "webcam 0" in str(error)
        assert camera.failures == 3 and camera.last_frame_s is not None
        assert fake.released.wait(2.0)  # the reader released the device when it gave up
    finally:
        camera.stop()


def test_probe_device_is_false_for_a_missing_device():
    outcome, took = _in_thread(lambda: probe_device(97), timeout_s=20.0)
    assert outcome is False and took < 10.0


# --------------------------------------------------------------------------------------------------------------------
# open_source, find_demo_still, CameraError
# --------------------------------------------------------------------------------------------------------------------


def test_find_demo_still_is_the_bundled_photo():
    path = find_demo_still()
    assert path.is_file() and path.name == "astronaut-studio.jpg"
    assert path == Path(cam.__file__).resolve().parent / "demo" / "astronaut-studio.jpg"  # package data, not cwd
    assert Image.open(path).size == (1280, 1080)


def test_open_source_demo_plays_the_demo_still():
    clock = FakeClock(50.0)
    source = open_source("demo", clock=clock)
    assert isinstance(source, ReplayCamera) and source.name == "demo"
    source.start()
    clock.t = 56.0  # settled
    frame = source.latest()
    assert frame.rgb.shape == (720, 1280, 3) and frame.index == 180
    assert source.resolution == (1280, 720)
    source.stop()


def test_open_source_picks_the_right_source_for_each_spec(tmp_path: Path):
    webcam = open_source("3", width=640, height=480)
    assert isinstance(webcam, DeviceCamera) and webcam.device == 3 and not webcam.running

    Image.fromarray(np.full((30, 40, 3), 77, np.uint8)).save(tmp_path / "a.png")
    folder = open_source(str(tmp_path))
    assert isinstance(folder, ReplayCamera) and isinstance(folder.frames, ImageFolderFrames)

    still = open_source(str(tmp_path / "a.png"), width=320, height=180)
    assert isinstance(still, ReplayCamera) and isinstance(still.frames, StillMotionFrames)
    assert still.resolution == (320, 180)

    video_path = tmp_path / "clip.avi"
    if _write_mjpg_avi(video_path, COLOURS_BGR, fps=12.0):
        video = open_source(str(video_path))
        assert isinstance(video.frames, VideoFileFrames) and video.fps == pytest.approx(12.0)


@pytest.mark.parametrize("spec, code", [
    ("no-such-camera", "bad_spec"),
    ("", "bad_spec"),
    ("-1", "bad_spec"),
    ("/dev/video97", "no_device"),
])
def test_open_source_bad_spec_names_it_and_says_what_to_do(spec: str, code: str):
    with pytest.raises(CameraError) as info:
        open_source(spec)
    assert info.value.code == code and info.value.domain == "camera"
    sentence = error_text(info.value, "en")
    if spec:
        assert sentence.startswith(f"{spec}: ")
    assert "demo" in sentence and "demo" in error_text(info.value, "zh")


def test_open_source_on_a_file_that_is_no_video(tmp_path: Path):
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    with pytest.raises(CameraError) as info:
        open_source(str(notes))
    assert info.value.code == "unreadable_video" and "notes.txt" in str(info.value)


def test_camera_error_carries_a_code_and_fields_and_kiosk_texts_word_it():
    error = CameraError("webcam 1", "open_timeout", timeout_s=5.0)
    assert error.camera == error.subject == "webcam 1" and error.code == "open_timeout"
    assert error.domain == "camera" and error.fields == {"timeout_s": 5.0}
    assert str(error) == "webcam 1: open_timeout (timeout_s=5.0)"  # codes in logs, no sentence
    assert error_text(error, "en").startswith("webcam 1: The camera did not open within 5 s.")
    assert error_text(error, "zh").startswith("webcam 1: 摄像头在 5 秒内没有打开")


def test_sources_satisfy_the_frame_source_protocol():
    replay = ReplayCamera(NumberedFrames(3))
    assert isinstance(replay, cam.FrameSource) and isinstance(DeviceCamera(0), cam.FrameSource)
    assert isinstance(NumberedFrames(3), cam.FrameProvider)


def test_find_demo_still_says_what_is_missing(monkeypatch, tmp_path: Path):
    from capture.camera import still

    monkeypatch.setattr(still, "DEMO_STILL", tmp_path / "gone" / "astronaut-studio.jpg")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CameraError) as info:
        find_demo_still()
    assert info.value.code == "no_demo_still" and info.value.subject == "demo"
    assert "gone" in error_text(info.value, "en") and "demo" in error_text(info.value, "zh")


def test_background_open_hands_a_late_result_to_release_once_abandoned():
    from capture.camera.threads import BackgroundOpen

    go, released = threading.Event(), []
    job = BackgroundOpen(lambda: go.wait(5) and "device", released.append)
    assert job.wait(0.05) is False  # gave up: abandoned
    go.set()
    assert job.done.wait(5)
    deadline = time.monotonic() + 5
    while not released and time.monotonic() < deadline:
        threading.Event().wait(0.01)
    assert released == ["device"]
    quick = BackgroundOpen(lambda: "other", released.append)
    assert quick.wait(5) and quick.result == "other" and released == ["device"]  # a collected result is kept
    broken = BackgroundOpen(lambda: 1 / 0, released.append)
    assert broken.wait(5) and isinstance(broken.error, ZeroDivisionError) and broken.result is None
