"""Countdown state: a tick each second, then the best capturable frame is made into a picture off the UI thread.

The picture is judged as `idphoto check` would judge it (capture.check.StillChecker.check_picture, the same gates
and file rules) in the same job: a picture that fails a blocking gate is not filed; the next confirmed candidate
frame is made and judged instead, and when none is left the student is guided again with that gate's hint (no
error screen; the log names the gate).
"""
from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field

from capture.check import CheckResult, StillChecker
from capture.errors import PhotoError
from capture.gates import GATE_ORDER, first_failure
from capture.picture import Picture, make_picture
from kiosk.station.capture_choice import choose_frames
from kiosk.station.flow import Event
from kiosk.station.states.context import Context
from kiosk.station.states.judging import judge_new_frame
from kiosk.station.view_model import ViewModel
from kiosk.station.worker import AnalysedFrame
from profiles.model import Background, Profile

log = logging.getLogger("idphoto.kiosk")


@dataclass(frozen=True)
class PictureCheck:
    """One made picture judged: the frame it was made from, the gate it failed (None: it passed), the check's ms."""

    frame: int
    gate: str | None
    ms: float


@dataclass
class Filing:
    """What the capture job gives back: the picture to file and the frame it was made from, or the refusal."""

    picture: Picture | None
    frame: AnalysedFrame | None
    refused: tuple[str, str] | None = None  # (gate, hint) the last candidate's picture failed, when none passed
    checks: list[PictureCheck] = field(default_factory=list)  # every picture made and judged, in order

    @property
    def tried(self) -> int:
        """Return how many candidate frames were made into pictures and judged."""
        return len(self.checks)


def picture_refusal(result: CheckResult) -> tuple[str, str] | None:
    """Return (gate, hint) of the first blocking gate the picture check `result` fails ("file_spec", its first
    failing rule's name, when only a file rule fails), or None when the picture passes as `idphoto check` says."""
    if result.ok:
        return None
    failed = first_failure(result.gates) if not result.gates_ok else None
    if failed is not None:
        return failed.name, failed.hint
    rule = next((name for name, item in result.file_spec.items() if not item.ok), result.code or "unreadable")
    return "file_spec", rule


def make_checked(frames: list[AnalysedFrame], profile: Profile, checker: StillChecker,
                 new_backdrop: Background | None, judged_by: Profile) -> Filing:
    """Return the Filing of the first of `frames` whose picture under `profile` passes the picture check under
    `judged_by`; raise the last PhotoError when no frame could be made into a picture at all."""
    filing, error = Filing(None, None), None
    for frame in frames:
        try:
            picture = make_picture(frame.rgb, profile, checker.analyzer, "<frame>", new_backdrop)
        except PhotoError as exc:
            error = exc
            continue
        t0 = time.perf_counter()
        refusal = picture_refusal(checker.check_picture(picture.data, judged_by))
        ms = (time.perf_counter() - t0) * 1000
        filing.checks.append(PictureCheck(frame.index, refusal[0] if refusal else None, ms))
        if refusal is None:
            filing.picture, filing.frame, filing.refused = picture, frame, None
            return filing
        log.warning("picture refused by check: gate=%s frame=%d", refusal[0], frame.index)
        filing.refused = refusal
    if filing.refused is None and error is not None:
        raise error
    return filing


def judging_profile(ctx: Context) -> Profile:
    """Return the profile the made picture is checked under: the station's own (the backdrop colour counts, as in
    `idphoto check`), with an operator's override making its gates advisory for this session."""
    profile, override = ctx.options.profile, ctx.session.override
    return profile.with_advisory(override["gates"]) if override else profile


def enter(ctx: Context) -> Event | None:
    """The countdown starts now."""
    ctx.session.countdown_from = ctx.clock()
    ctx.session.ticked = None
    return None


def _start_capture(ctx: Context, frames: list[AnalysedFrame]) -> None:
    s = ctx.session
    s.captured_index = frames[0].index
    checker, profile, new_backdrop = ctx.still_checker(), ctx.options.profile, ctx.new_backdrop()
    judged_by = judging_profile(ctx)
    s.job = ctx.start_job(lambda _rgb: make_checked(frames, profile, checker, new_backdrop, judged_by), frames[0].rgb)
    ctx.sound.play("shutter")


def _finish_capture(ctx: Context) -> Event:
    s = ctx.session
    job, s.job = s.job, None
    if job.error is not None:
        log.warning("capture refused: %s", job.error.code)
        s.error_code, s.error_fields = f"photo.{job.error.code}", dict(job.error.fields)
        return Event.CAPTURE_FAILED
    filing: Filing = job.result
    s.last_filing = filing
    if filing.picture is None:
        gate = filing.refused[0] if filing.refused is not None else None
        # guidance shows that gate's hint again (states/guide.py); a file rule alone has no hint for the student
        ctx.choice.refusal = filing.refused if gate in GATE_ORDER else None
        return Event.CAPTURE_FAILED
    s.captured_index = filing.frame.index
    s.gates_at_capture = s.filed_gates({n: g.to_dict() for n, g in filing.frame.gates.items()})
    s.picture = filing.picture
    return Event.COUNTDOWN_DONE


def on_frame(ctx: Context, analysed: AnalysedFrame | None, now: float) -> Event | None:
    """Judge a new frame (the flow's `gate_broken` guard may end the countdown); else tick, capture the chosen frames
    when the countdown is over, and report the picture once one is made and passes (or that none could be)."""
    if judge_new_frame(ctx, analysed, now, hold=True):
        return Event.FRAME_JUDGED
    s, config = ctx.session, ctx.flow_config
    elapsed = now - (s.countdown_from if s.countdown_from is not None else now)
    second = math.ceil(config.countdown_s - elapsed)
    if second > 0 and second != s.ticked:
        s.ticked = second
        ctx.sound.play("tick")
    if s.job is None and elapsed >= config.countdown_s:
        frames = choose_frames(s.best, ctx.choice.candidates)
        if not frames:
            # wait for the next fully analysed frame (a fraction of a second); give up if none comes
            return Event.CAPTURE_FAILED if elapsed >= config.countdown_s + config.capture_wait_s else None
        _start_capture(ctx, frames)
    if s.job is not None and s.job.done.is_set():
        return _finish_capture(ctx)
    return None


def on_action(ctx: Context, action: str) -> Event | None:
    """Back stops the countdown."""
    return Event.CANCEL if action == "back" else None


def view(ctx: Context, vm: ViewModel) -> None:
    """The checklist and hint, and the seconds left (none while the picture is being made)."""
    s = ctx.session
    vm.guidance = ctx.guidance.last
    vm.making = s.making
    if s.countdown_from is not None and s.job is None:
        vm.countdown_left_s = max(0.0, ctx.flow_config.countdown_s - (ctx.clock() - s.countdown_from))
