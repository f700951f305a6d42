"""Idle (attract) state: a face that stays, a touch, or a scanned code starts a session. Entering it forgets the last
person entirely: their session, guidance, and the language they chose (back to the station's)."""
from __future__ import annotations

import sqlite3

from kiosk.station.flow import Event
from kiosk.station.states.context import Context
from kiosk.station.states.qr_scan import scan_for_code
from kiosk.station.states.identify import claim_problem
from kiosk.station.view_model import ViewModel
from kiosk.station.worker import AnalysedFrame
from kiosk.store.errors import StoreError
from kiosk.store.identity import anonymous_identity, filing_problem


def begin_session(ctx: Context) -> Event:
    """Return the event that starts a session: straight to guidance when the identity is given (or not asked for),
    else to the identify screen. A given identity whose record takes no picture now (locked, already filed) goes to
    the error screen saying so, before any capture."""
    o = ctx.options
    if o.identity:
        try:
            record = ctx.store.get(o.identity)
        except (OSError, sqlite3.Error, StoreError):  # checked again at filing, which reports its failure
            record = None
        problem = (filing_problem(o.identity, record.status if record is not None else None)
                   or claim_problem(ctx, o.identity))  # in a hall, the given number is claimed like a typed one
        if problem is not None:
            ctx.session.error_code, ctx.session.error_fields = f"identity.{problem.code}", dict(problem.fields)
            return Event.FAILURE
    if o.identity or o.skip_identify:
        ctx.session.identity = o.identity or anonymous_identity()
        return Event.SKIP_IDENTITY
    return Event.PERSON_ARRIVED


def enter(ctx: Context) -> Event | None:
    """A new person may come: forget the last one, and speak the station's language again."""
    ctx.new_session()
    ctx.lang = ctx.options.lang
    return None


def on_frame(ctx: Context, analysed: AnalysedFrame | None, now: float) -> Event | None:
    """Start a session once a face has been in view for `arrival_s`, or when a collection code is scanned (a refused
    code is shown at the identify screen)."""
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
    """The idle screen needs the preview (already in `vm`), its fixed texts and which privacy notice is true here: the
    photo stays on this station, or on the hall's own server."""
    vm.privacy_key = "idle_privacy_hall" if ctx.hall is not None and ctx.hall.snapshot.server else "idle_privacy"
