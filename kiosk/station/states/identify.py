"""Identify state: the student types their number (checked by the configured rules) or shows a collection code."""
from __future__ import annotations

from kiosk.station.flow import Event
from kiosk.station.states.context import Context
from kiosk.station.states.qr_scan import scan_for_code
from kiosk.station.view_model import ViewModel
from kiosk.station.worker import AnalysedFrame
from kiosk.store.identity import IdentityError, classify_identity, clean_identity

MAX_TYPED = 40  # characters


def enter(ctx: Context) -> Event | None:
    """Pass straight on when the identity is already known (a code scanned at the idle screen)."""
    return Event.IDENTIFIED if ctx.session.identity else None


def on_frame(ctx: Context, analysed: AnalysedFrame | None, now: float) -> Event | None:
    """A scanned collection code identifies the student at once."""
    return Event.IDENTIFIED if scan_for_code(ctx) else None


def _accept(ctx: Context) -> Event | None:
    s = ctx.session
    try:
        classify_identity(s.typed, ctx.options.identity_rules)
        s.identity = clean_identity(s.typed)
    except IdentityError as exc:
        s.typed_error = True
        s.typed_reason = exc
        return None
    return Event.IDENTIFIED


def on_action(ctx: Context, action: str) -> Event | None:
    """Keys type (key:X, key:DELETE, delete), ok checks the number, back cancels."""
    s = ctx.session
    if action.startswith("key:"):
        key = action[4:]
        if key == "DELETE":
            s.typed = s.typed[:-1]
        elif len(key) == 1 and key.isalnum() and len(s.typed) < MAX_TYPED:
            s.typed += key
        s.typed_error = False
    elif action == "delete":
        s.typed = s.typed[:-1]
    elif action == "ok":
        return _accept(ctx)
    elif action == "back":
        return Event.CANCEL
    return None


def view(ctx: Context, vm: ViewModel) -> None:
    """What has been typed, and whether (and why) it was refused."""
    s = ctx.session
    vm.identity, vm.identity_error, vm.identity_reason = s.typed, s.typed_error, s.typed_reason
