"""Saved state: a chime and the number filed (masked); a touch or the timeout returns to idle."""
from __future__ import annotations

from kiosk.station.flow import Event
from kiosk.station.states.context import Context
from kiosk.station.view_model import ViewModel
from kiosk.station.worker import AnalysedFrame
from kiosk.store.identity import mask_identity


def enter(ctx: Context) -> Event | None:
    """Chime: the picture is filed; the number's hall claim is let go and the link looks at the outbox now."""
    ctx.sound.play("saved")
    ctx.end_visit()
    if ctx.hall is not None:
        ctx.hall.poke()
    return None


def on_frame(ctx: Context, analysed: AnalysedFrame | None, now: float) -> Event | None:
    """The saved screen waits for a touch or its timeout."""
    return None


def on_action(ctx: Context, action: str) -> Event | None:
    """A touch (or Enter) goes back to idle at once."""
    return Event.SAVED_SHOWN if action in ("done", "ok") else None


def view(ctx: Context, vm: ViewModel) -> None:
    """The name the picture was filed under (for scripts) and the number it was filed under as a public screen may
    show it (ID numbers masked; the file name, which holds the full number, is not drawn)."""
    vm.saved_name = ctx.session.saved_name
    vm.identity_shown = mask_identity(ctx.session.identity)
