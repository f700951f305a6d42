"""Guide state: the checklist and one hint until every blocking gate has held (the flow's `all_gates_held`).

A soft camera (kiosk/station/soft_camera.py) is watched here: once reported, the staff strip shows and the
sharpness hint gives way to a neutral "please wait"."""
from __future__ import annotations

from kiosk.station.flow import Event
from kiosk.station.soft_camera import GATE, camera_label
from kiosk.station.states.context import Context
from kiosk.station.states.judging import judge_new_frame
from kiosk.station.view_model import ViewModel
from kiosk.station.worker import AnalysedFrame


def enter(ctx: Context) -> Event | None:
    """Guidance starts afresh; no candidate frame, no countdown."""
    ctx.guidance.reset()
    ctx.session.best = None
    ctx.choice.reset()
    ctx.session.countdown_from = None
    refusal = ctx.choice.take_refusal()  # the last picture failed the picture check: show that gate's hint
    if refusal is not None:
        ctx.guidance.refused(*refusal, ctx.clock())
    return None


def on_frame(ctx: Context, analysed: AnalysedFrame | None, now: float) -> Event | None:
    """Judge a new frame (and watch for a soft camera); the flow starts the countdown when its guard says the gates
    held."""
    if not judge_new_frame(ctx, analysed, now):
        return None
    view = ctx.guidance.last
    if analysed.analysis.face is not None and view is not None:
        soft = ctx.soft_camera.update(analysed, view, now, camera_label(ctx.options.camera, analysed.rgb.shape))
        ctx.guidance.quiet = frozenset((GATE,)) if soft else frozenset()
    return Event.FRAME_JUDGED


def on_action(ctx: Context, action: str) -> Event | None:
    """Space captures now (operator), back leaves."""
    return {"capture": Event.MANUAL_CAPTURE, "back": Event.CANCEL}.get(action)


def view(ctx: Context, vm: ViewModel) -> None:
    """The checklist and hint, whether a picture is still being made, and the staff strip for a soft camera."""
    vm.guidance = ctx.guidance.last
    vm.making = ctx.session.making
    watch = ctx.soft_camera
    if watch.soft:
        vm.staff_notice = ("station.soft_camera", {"camera": watch.camera})
