"""Guide state: the checklist and one hint until every blocking gate has held (the flow's `all_gates_held`)."""
from __future__ import annotations

from kiosk.station.flow import Event
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
    return None


def on_frame(ctx: Context, analysed: AnalysedFrame | None, now: float) -> Event | None:
    """Judge a new frame; the flow starts the countdown when its guard says the gates held."""
    return Event.FRAME_JUDGED if judge_new_frame(ctx, analysed, now) else None


def on_action(ctx: Context, action: str) -> Event | None:
    """Space captures now (operator), back leaves."""
    return {"capture": Event.MANUAL_CAPTURE, "back": Event.CANCEL}.get(action)


def view(ctx: Context, vm: ViewModel) -> None:
    """The checklist and hint, and whether a picture is still being made."""
    vm.guidance = ctx.guidance.last
    vm.making = ctx.session.making
