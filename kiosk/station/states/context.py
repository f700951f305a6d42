"""What a state may use: the options, the person's session, guidance, the store, the sound, the clock, the counts."""
from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

import numpy as np

from capture.analyzer import StillAnalyzer
from capture.camera_fit import CameraFit
from capture.picture import backdrop_colour
from kiosk.station.capture_choice import CaptureChooser
from kiosk.station.flow import FlowConfig
from kiosk.station.guidance import Guidance, GuidanceConfig
from kiosk.station.session import Session
from kiosk.station.soft_camera import SoftCameraWatch
from kiosk.station.sounds import SoundPlayer
from kiosk.station.worker import FrameJob
from kiosk.store.records import SqliteRecordStore
from profiles.model import Background, Profile

if TYPE_CHECKING:
    from capture.check import StillChecker
    from kiosk.station.hall_link import HallLink
    from kiosk.station.settings import KioskOptions


@dataclass
class Tally:
    """What the station counts across people (read by the benchmark and the tests)."""

    filed: int = 0  # pictures filed since start
    analysed_in_guide: int = 0  # analysed frames judged by guidance
    hints_shown: set[str] = field(default_factory=set)  # every hint key guidance chose


@dataclass
class Context:
    """Everything the state modules may read or change; the loop owns it and keeps it current."""

    options: "KioskOptions"
    store: SqliteRecordStore
    sound: SoundPlayer
    clock: Callable[[], float] = time.monotonic
    flow_config: FlowConfig = field(default_factory=FlowConfig)
    guidance: Guidance = field(default_factory=lambda: Guidance(GuidanceConfig()))
    session: Session = field(default_factory=Session)
    tally: Tally = field(default_factory=Tally)
    choice: CaptureChooser = field(default_factory=CaptureChooser)  # the best-frame keeper, eyes watched
    soft_camera: SoftCameraWatch = field(default_factory=SoftCameraWatch)  # a soft camera, told to the staff
    lang: str = "zh"
    started_s: float = 0.0  # clock seconds when the station started
    entered_at_s: float = 0.0  # clock seconds when the current state was entered
    camera_rgb: np.ndarray | None = None  # the newest camera frame (not necessarily analysed yet)
    last_judged: int | None = None  # index of the last analysed frame guidance judged
    camera_fit: CameraFit | None = None  # can the camera's frames make the profile's picture (None: not known yet)
    jobs: list[FrameJob] = field(default_factory=list)  # background jobs started, for a clean shutdown
    hall: "HallLink | None" = None  # the link to the hall: claims, heartbeat, outbox (None: no claims taken)
    _still: "StillChecker | None" = None

    def in_state_s(self) -> float:
        """Return seconds spent in the current state."""
        return self.clock() - self.entered_at_s

    def new_session(self) -> None:
        """Forget the last person: their claim released, a fresh session and fresh guidance."""
        self.end_visit()
        self.session = Session()
        self.guidance.reset()

    def end_visit(self) -> None:
        """The visit is over (filed and confirmed, given up, timed out, a new session): release this station's
        claim on the session's number, if it holds one (the link does it off the UI thread)."""
        claimed, self.session.claimed = self.session.claimed, ""
        if claimed and self.hall is not None:
            self.hall.release(claimed)

    def start_job(self, make: Callable[[np.ndarray], object], rgb: np.ndarray) -> FrameJob:
        """Return a started background job running `make(rgb)` (remembered so shutdown can wait for it)."""
        self.jobs = [job for job in self.jobs if not job.done.is_set()]
        job = FrameJob(make, rgb)
        self.jobs.append(job)
        return job

    def still_checker(self) -> "StillChecker":
        """Return the checker a made picture is judged with, as `idphoto check` would (loaded at the first capture)."""
        if self._still is None:
            from capture.check import StillChecker  # here: the models load at the first capture, not at start-up
            self._still = StillChecker()
        return self._still

    def still_analyzer(self) -> StillAnalyzer:
        """Return the analyser pictures are made with (the checker's: loaded at the first capture)."""
        return self.still_checker().analyzer

    def new_backdrop(self) -> Background | None:
        """Return the colour the backdrop is replaced with under the current profile, or None (kept as it is)."""
        o = self.options
        if not o.replace_backdrop:
            return None
        names = [b.name for b in o.profile.backgrounds]
        return backdrop_colour(o.profile, o.backdrop if o.backdrop in names else None)

    def gating_profile(self) -> Profile:
        """Return the profile the gates judge frames by: with a replaced backdrop its colour does not matter (only
        that it is plain, so the person can be cut out cleanly); the room the new backdrop adds above the head is
        the gates' `new_backdrop` argument (capture.gates.evaluate), not part of the profile.
        An operator's override (session.override) makes its gates advisory for this session only."""
        o = self.options
        profile = o.profile
        if o.replace_backdrop:
            profile = dataclasses.replace(o.profile, gates={**profile.gates, "background_delta_e_max": float("inf")},
                                          backgrounds=tuple(dataclasses.replace(b, delta_e_max=None)
                                                            for b in profile.backgrounds))
        if self.session.override:
            profile = profile.with_advisory(self.session.override["gates"])
        return profile

    def close(self, wait_s: float = 10.0) -> None:
        """Wait for running jobs (a native call must not run when the interpreter exits) and free the analyser."""
        for job in self.jobs:
            job.done.wait(wait_s)
        if self._still is not None:
            self._still.close()
            self._still = None
