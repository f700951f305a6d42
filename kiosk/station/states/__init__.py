"""One module per kiosk state, each with the same small interface; `STATES` maps a State to its module.

    enter(ctx) -> Event | None              the state was just entered (an event passes straight on)
    on_frame(ctx, analysed, now) -> Event | None   once per UI frame with the newest analysed frame
    on_action(ctx, action) -> Event | None  a named user action (key, touch, script)
    view(ctx, vm) -> None                   fill in what this state's screen shows

States return events and never touch the flow: the loop hands the events to the flow (kiosk/station/flow.py).
"""
from __future__ import annotations

from types import ModuleType
from typing import Mapping

from kiosk.station.flow import State
from kiosk.station.states import countdown, error, guide, identify, idle, not_ready, review, saved
from kiosk.station.states.context import Context, Tally

STATES: Mapping[State, ModuleType] = {
    State.IDLE: idle,
    State.IDENTIFY: identify,
    State.GUIDE: guide,
    State.COUNTDOWN: countdown,
    State.REVIEW: review,
    State.SAVED: saved,
    State.ERROR: error,
    State.NOT_READY: not_ready,
}

__all__ = ["STATES", "Context", "Tally"]
