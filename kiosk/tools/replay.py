"""`idphoto replay`: the live kiosk run on a recording, frame by frame, timed by the recording's own clock.

The kiosk's own pieces are driven, nothing is re-implemented: `KioskApp.step` (states, flow, guidance, the countdown
and the choice of frame, kiosk/station/), the live analyser (capture/live.py, with its full-analysis cadence) and
the gates. What differs from the live kiosk, so that the same file always gives the same answer:

- every frame is analysed, in order (the live worker drops frames when it falls behind);
- the clock is the recording's: frame i is at i / fps seconds, whatever the machine's speed;
- a picture being made is waited for before the next frame (the live kiosk keeps showing frames meanwhile);
- the recording plays once, no looping; the student is given as identity "replay" (no identify screen).

`replay_frames` yields one `FrameRecord` per frame; `kiosk/tools/replay_report.py` turns them into per-second lines,
the summary and the plot.
"""
from __future__ import annotations

import dataclasses
import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from capture.camera import ImageFolderFrames, VideoFileFrames
from capture.camera_fit import CameraFit, camera_fit
from capture.gates import VerdictMemo, evaluate
from capture.live import FrameAnalyzer, freeze_start_up_heap
from capture.picture import Picture
from kiosk.station.flow import State
from kiosk.station.loop import KioskApp
from kiosk.station.settings import KioskOptions
from kiosk.station.worker import AnalysedFrame
from profiles.model import Profile

log = logging.getLogger("idphoto.replay")

#: an image folder has no clock of its own: its images are played at this rate, frames per second
FOLDER_FPS = 25.0
#: states in which the student is being guided (a hint is on screen)
GUIDED = (State.GUIDE, State.COUNTDOWN)


class VideoClock:
    """The recording's clock: `t_s` seconds, set by the replay before each frame; calling it returns them."""

    def __init__(self) -> None:
        self.t_s = 0.0

    def __call__(self) -> float:
        return self.t_s


@dataclass(frozen=True)
class Recording:
    """A video file or image folder opened for replay: its frames, rate (fps) and frame size (px)."""

    frames: VideoFileFrames | ImageFolderFrames
    fps: float
    count: int
    size: tuple[int, int]

    @property
    def seconds(self) -> float:
        """Return the recording's length, seconds."""
        return self.count / self.fps


@dataclass(frozen=True)
class FrameRecord:
    """What the kiosk did with one frame of the recording."""

    index: int
    t_s: float  # the frame's time in the recording, seconds
    state: str  # the kiosk's state after this frame
    hint: str | None  # the hint key on screen (guide and countdown only), else None
    face: bool  # a face was found
    complete: bool  # fully analysed (every measurement taken on this frame)
    gates: dict[str, bool] = field(default_factory=dict)  # gate → passed on this frame (empty without a face)
    advisory: frozenset[str] = frozenset()  # the gates that only advise
    captured_index: int | None = None  # set on the frame whose countdown ended: the frame made into the picture
    picture: Picture | None = None  # ... and the picture made from it (None when it was refused)
    refused: str | None = None  # ... or the code of the reason it could not be made ("check.GATE": its picture
    #: failed that gate of `idphoto check`, and so did every other candidate's)
    #: the pictures made and judged at this capture: (frame, the gate it failed or None, the check's ms)
    checks: tuple[tuple[int, str | None, float], ...] = ()


def open_recording(path: str | Path, fps: float | None = None) -> Recording:
    """Return the Recording at `path` (a video file or a folder of images), played at its own rate (`fps` for a
    folder, default FOLDER_FPS); raise CameraError (not_found, unreadable_video, no_images, ...) when it is not one."""
    path = Path(path)
    frames = ImageFolderFrames(path) if path.is_dir() else VideoFileFrames(path)
    rate = frames.fps or fps or FOLDER_FPS
    return Recording(frames, float(rate), int(frames.frame_count), tuple(frames.size))


def recording_fit(recording: Recording, profile: Profile, replace_backdrop: bool) -> CameraFit:
    """Return whether the recording's frames can make `profile`'s picture (capture/camera_fit.py)."""
    return camera_fit(recording.size[0], recording.size[1], profile, replace_backdrop)


def _options(profile: Profile, replace_backdrop: bool, backdrop: str | None, store: Path) -> KioskOptions:
    return KioskOptions(profile=profile, camera="replay", lang="en", store=store, sound=False, headless=True,
                        replace_backdrop=replace_backdrop, backdrop=backdrop, identity="replay")


def _record(app: KioskApp, analysed: AnalysedFrame) -> FrameRecord:
    state = app.flow.state
    view = app.guidance.last
    face = analysed.analysis.face is not None
    return FrameRecord(analysed.index, analysed.at_s, state.value,
                       view.hint if state in GUIDED and view is not None else None, face,
                       analysed.analysis.complete and face,
                       {n: g.ok for n, g in analysed.gates.items()} if face else {},
                       frozenset(n for n, g in analysed.gates.items() if g.advisory))


def _checks(app: KioskApp) -> tuple[tuple[int, str | None, float], ...]:
    filing = app.session.last_filing
    return tuple((c.frame, c.gate, round(c.ms, 1)) for c in filing.checks) if filing is not None else ()


def _step(app: KioskApp, analysed: AnalysedFrame) -> dict:
    """Hand `analysed` to the kiosk; when its countdown started making a picture, wait for it and hand the same
    frame again at the same clock so the countdown collects it (and judges it as `idphoto check` would, trying
    the next candidate frame when it fails). Return {} when nothing was captured, else the FrameRecord fields
    `captured_index` (the frame filed, or the first tried when none was), `picture`, `refused` and `checks`."""
    session = app.session
    session.captured_index, session.last_filing = None, None
    app.step(analysed)
    if app.session.captured_index is None:
        return {}
    job = app.session.job
    if job is not None:
        job.done.wait()
        app.step(analysed)
    s = app.session
    if app.flow.state is State.REVIEW and s.picture is not None:
        return {"captured_index": s.captured_index, "picture": s.picture, "refused": None, "checks": _checks(app)}
    filing = s.last_filing
    refused = f"check.{filing.refused[0]}" if filing is not None and filing.refused else None
    return {"captured_index": s.captured_index, "picture": None,
            "refused": refused or s.error_code or "capture_failed", "checks": _checks(app)}


def replay_frames(recording: Recording, profile: Profile, replace_backdrop: bool = False,
                  backdrop: str | None = None, to_end: bool = False) -> Iterator[FrameRecord]:
    """Yield a FrameRecord per frame of `recording` as the kiosk (with `profile`, backdrop replacement as asked)
    would handle it. Stops after the frame whose countdown made the first picture, unless `to_end`: then the student
    turns every picture down and is guided again until the recording ends."""
    clock = VideoClock()
    with tempfile.TemporaryDirectory(prefix="idphoto-replay-") as store:
        app = KioskApp(_options(profile, replace_backdrop, backdrop, Path(store)), clock)
        analyzer = FrameAnalyzer()
        freeze_start_up_heap()  # as the station's worker does
        memo = VerdictMemo()
        gating = app.gating_profile()
        try:
            app.check_camera_fit(recording.size)
            for i in range(recording.count):
                clock.t_s = i / recording.fps
                rgb = recording.frames.frame_at(i)
                analysis = analyzer.analyse(rgb)
                gates = evaluate(analysis.measurements, gating, new_backdrop=replace_backdrop, memo=memo)
                analysed = AnalysedFrame(i, rgb, analysis, gates, clock.t_s)
                app.ctx.camera_rgb = rgb
                captured = _step(app, analysed)
                record = dataclasses.replace(_record(app, analysed), **captured)
                yield record
                if record.captured_index is not None and record.picture is not None:
                    if not to_end:
                        return
                    app.act("retake")
        finally:
            analyzer.close()
            app.ctx.close()
            app.store.close()
            close = getattr(recording.frames, "close", None)
            if close is not None:
                close()
