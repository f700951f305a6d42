"""Operator-only keys at a public kiosk: in fullscreen, manual capture (Space) and quitting (Ctrl+Q, closing the
window) first ask for the operator PIN, through the operator console's own PIN page; once the PIN is given, the
console closes and the action is carried out. In a window (a developer's desk) both stay direct."""
from __future__ import annotations

import logging

from kiosk.station.console_bridge import ConsoleBridge
from kiosk.station.flow import State

log = logging.getLogger("idphoto.kiosk")

#: actions that need the operator PIN in fullscreen -> the states where they do something (None: any state)
GUARDED: dict[str, tuple[State, ...] | None] = {"capture": (State.GUIDE,), "quit": None}
#: the console's pages that still ask for a PIN (the factory PIN must be changed before it counts)
PIN_PAGES = ("pin", "change_pin")


class OperatorGate:
    """Holds the one action waiting for the operator PIN (or None)."""

    def __init__(self) -> None:
        self.pending: str | None = None

    @staticmethod
    def holds(action: str, fullscreen: bool, state: State) -> bool:
        """Return True when `action` in `state` must wait for the operator PIN (fullscreen only)."""
        if not fullscreen or action not in GUARDED:
            return False
        states = GUARDED[action]
        return states is None or state in states

    def ask(self, action: str, bridge: ConsoleBridge) -> None:
        """Remember `action` and open the operator console at its PIN page."""
        self.pending = action
        bridge.open_console()
        log.info("%s waits for the operator PIN", action)

    def released(self, bridge: ConsoleBridge) -> str | None:
        """Call after each input to the console: return the waiting action once the PIN was given (the console is
        then closed), None while it is still asked for; closing the console without the PIN drops the action."""
        if self.pending is None:
            return None
        console = bridge.console
        if console is None:
            self.pending = None
            return None
        if console.page in PIN_PAGES:
            return None
        action, self.pending = self.pending, None
        for act in console.handle("exit"):
            bridge.carry_out(act)
        return action
