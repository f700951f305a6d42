"""Saved state: a chime and the file name; a touch or the timeout returns to idle."""
from __future__ import annotations

from kiosk.station.flow import Event
from kiosk.station.states.context import Context
from kiosk.station.view_model import ViewModel
from kiosk.station.worker import AnalysedFrame


def enter(ctx: Context) -> Event | None:
    """Chime: the picture is filed."""
    ctx.sound.play("saved")
    return None


def on_frame(ctx: Context, analysed: AnalysedFrame | None, now: float) -> Event | None:
    """The saved screen waits for a touch or its timeout."""
    return None


def on_action(ctx: Context, action: str) -> Event | None:
    """A touch (or Enter) goes back to idle at once."""
    return Event.SAVED_SHOWN if action in ("done", "ok") else None


def view(ctx: Context, vm: ViewModel) -> None:
    """The name the picture was filed under."""
    vm.saved_name = ctx.session.saved_name
