"""Error state: what went wrong in one sentence; a touch or the timeout recovers to idle."""
from __future__ import annotations

from kiosk.station.flow import Event
from kiosk.station.states.context import Context
from kiosk.station.view_model import ViewModel
from kiosk.station.worker import AnalysedFrame


def enter(ctx: Context) -> Event | None:
    """The error text is already in the session."""
    return None


def on_frame(ctx: Context, analysed: AnalysedFrame | None, now: float) -> Event | None:
    """The error screen waits for a touch or its timeout."""
    return None


def on_action(ctx: Context, action: str) -> Event | None:
    """A touch (or Enter) recovers at once."""
    return Event.RECOVERED if action in ("dismiss", "ok") else None


def view(ctx: Context, vm: ViewModel) -> None:
    """The sentence saying what went wrong."""
    vm.error, vm.error_fields = ctx.session.error_code, ctx.session.error_fields
