"""Idle (attract) state: a face that stays, a touch, or a scanned code starts a session."""
from __future__ import annotations

from kiosk.station.flow import Event
from kiosk.station.states.context import Context
from kiosk.station.states.qr_scan import scan_for_code
from kiosk.station.view_model import ViewModel
from kiosk.station.worker import AnalysedFrame
from kiosk.store.identity import anonymous_identity


def begin_session(ctx: Context) -> Event:
    """Return the event that starts a session: straight to guidance when the identity is given (or not asked for),
    else to the identify screen."""
    o = ctx.options
    if o.identity or o.skip_identify:
        ctx.session.identity = o.identity or anonymous_identity()
        return Event.SKIP_IDENTITY
    return Event.PERSON_ARRIVED


def enter(ctx: Context) -> Event | None:
    """A new person may come: forget the last one."""
    ctx.new_session()
    return None


def on_frame(ctx: Context, analysed: AnalysedFrame | None, now: float) -> Event | None:
    """Start a session once a face has been in view for `arrival_s`, or when a collection code is scanned."""
    s = ctx.session
    if analysed is not None and analysed.analysis.face is not None:
        s.face_since = s.face_since if s.face_since is not None else now
        if now - s.face_since >= ctx.options.arrival_s:
            return begin_session(ctx)
    else:
        s.face_since = None
    return Event.PERSON_ARRIVED if scan_for_code(ctx) else None


def on_action(ctx: Context, action: str) -> Event | None:
    """A touch (or Enter) starts a session."""
    return begin_session(ctx) if action in ("start", "ok") else None


def view(ctx: Context, vm: ViewModel) -> None:
    """The idle screen needs only the preview (already in `vm`)."""
