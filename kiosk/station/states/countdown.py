"""Countdown state: a tick each second, then the best capturable frame is made into a picture off the UI thread."""
from __future__ import annotations

import logging
import math

from capture.picture import make_picture
from kiosk.station.capture_choice import choose_frame
from kiosk.station.flow import Event
from kiosk.station.states.context import Context
from kiosk.station.states.judging import judge_new_frame
from kiosk.station.view_model import ViewModel
from kiosk.station.worker import AnalysedFrame

log = logging.getLogger("idphoto.kiosk")


def enter(ctx: Context) -> Event | None:
    """The countdown starts now."""
    ctx.session.countdown_from = ctx.clock()
    ctx.session.ticked = None
    return None


def _start_capture(ctx: Context, chosen: AnalysedFrame) -> None:
    s = ctx.session
    s.gates_at_capture = s.filed_gates({n: g.to_dict() for n, g in chosen.gates.items()})
    s.captured_index = chosen.index
    still, profile, new_backdrop = ctx.still_analyzer(), ctx.options.profile, ctx.new_backdrop()
    s.job = ctx.start_job(lambda rgb: make_picture(rgb, profile, still, "<frame>", new_backdrop), chosen.rgb)
    ctx.sound.play("shutter")


def _finish_capture(ctx: Context) -> Event:
    s = ctx.session
    job, s.job = s.job, None
    if job.error is not None:
        log.warning("capture refused: %s", job.error.code)
        s.error_code, s.error_fields = f"photo.{job.error.code}", dict(job.error.fields)
        return Event.CAPTURE_FAILED
    s.picture = job.result
    return Event.COUNTDOWN_DONE


def on_frame(ctx: Context, analysed: AnalysedFrame | None, now: float) -> Event | None:
    """Judge a new frame (the flow's `gate_broken` guard may end the countdown); else tick, capture the chosen frame
    when the countdown is over, and report the picture once it is made (or that none could be)."""
    if judge_new_frame(ctx, analysed, now):
        return Event.FRAME_JUDGED
    s, config = ctx.session, ctx.flow_config
    elapsed = now - (s.countdown_from if s.countdown_from is not None else now)
    second = math.ceil(config.countdown_s - elapsed)
    if second > 0 and second != s.ticked:
        s.ticked = second
        ctx.sound.play("tick")
    if s.job is None and elapsed >= config.countdown_s:
        chosen = choose_frame(s.best)
        if chosen is None:
            # wait for the next fully analysed frame (a fraction of a second); give up if none comes
            return Event.CAPTURE_FAILED if elapsed >= config.countdown_s + config.capture_wait_s else None
        _start_capture(ctx, chosen)
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
