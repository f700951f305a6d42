"""Identify state: the student types their number or shows a collection code; either is checked by the one
validation (kiosk.store.identity.validate_identity) and refused here, before any capture, when the store cannot
file a picture under it (a locked or already filed record) or, in a hall, when another station is capturing it
(this station then claims the number through its hall link, kiosk/station/hall_link.py; offline it cannot claim
and goes on with its cached class list)."""
from __future__ import annotations

import logging
import sqlite3

from kiosk.station.flow import Event
from kiosk.station.states.context import Context
from kiosk.station.states.qr_scan import scan_for_code
from kiosk.station.view_model import ViewModel
from kiosk.station.worker import AnalysedFrame
from kiosk.store.errors import StoreError
from kiosk.store.identity import IdentityError, filing_problem, mask_identity, validate_identity
from kiosk.store.roster import roster_problem

MAX_TYPED = 40  # characters
log = logging.getLogger("idphoto.kiosk")


def refuse(ctx: Context, reason: IdentityError) -> None:
    """Show `reason` under the number and forget any identity taken (the student stays at this screen)."""
    s = ctx.session
    s.identity = ""
    s.typed_error = True
    s.typed_reason = reason


def claim_problem(ctx: Context, code: str) -> IdentityError | None:
    """Claim `code` for this station (its hall link); return IdentityError "held_elsewhere" naming the station
    that is capturing it, else None (claimed, or no claim possible: no link, offline, or the server failed, which
    is logged by code and treated as offline). A claim on another number this visit held is let go first."""
    if ctx.hall is None:
        return None
    if ctx.session.claimed and ctx.session.claimed != code:
        ctx.end_visit()
    try:
        claim = ctx.hall.claim(code)
    except (OSError, sqlite3.Error, StoreError) as exc:
        log.warning("claim not taken at identify: %s", getattr(exc, "code", type(exc).__name__))
        return None
    if claim.holder is not None:
        return IdentityError("held_elsewhere", station=claim.holder)
    ctx.session.claimed = code if claim.taken else ""
    return None


def settle(ctx: Context, code: str) -> Event | None:
    """Return IDENTIFIED when a picture can be filed under `code` now (the session's identity is then set), else
    None with the refusal shown (not on the class list; its record is locked or already filed; another station of
    the hall is capturing it)."""
    try:
        record, listed = ctx.store.get(code), roster_problem(ctx.store, code)
    except (OSError, sqlite3.Error, StoreError) as exc:  # checked again at filing, which reports its failure
        log.warning("record not read at identify: %s", getattr(exc, "code", type(exc).__name__))
        record = listed = None
    problem = listed or filing_problem(code, record.status if record is not None else None)
    problem = problem or claim_problem(ctx, code)
    if problem is not None:
        refuse(ctx, problem)
        return None
    ctx.session.identity = code
    ctx.session.typed_error, ctx.session.typed_reason = False, None
    return Event.IDENTIFIED


def enter(ctx: Context) -> Event | None:
    """Pass straight on when the identity is already known (a code scanned at the idle screen) and can be filed."""
    code = ctx.session.identity
    return settle(ctx, code) if code else None


def on_frame(ctx: Context, analysed: AnalysedFrame | None, now: float) -> Event | None:
    """A scanned collection code identifies the student at once (when a picture can be filed under it)."""
    if scan_for_code(ctx) and ctx.session.identity:
        return settle(ctx, ctx.session.identity)
    return None


def _accept(ctx: Context) -> Event | None:
    try:
        accepted = validate_identity(ctx.session.typed, ctx.options.identity_rules, "keypad")
    except IdentityError as exc:
        refuse(ctx, exc)
        return None
    return settle(ctx, accepted.code)


def on_action(ctx: Context, action: str) -> Event | None:
    """Keys type (key:X, key:DELETE, delete), ok checks the number, back cancels."""
    s = ctx.session
    if action.startswith("key:"):
        key = action[4:]
        if key == "DELETE":
            s.typed = s.typed[:-1]
        elif len(key) == 1 and key.isalnum() and len(s.typed) < MAX_TYPED:
            s.typed += key.upper()
        s.typed_error = False
    elif action == "delete":
        s.typed = s.typed[:-1]
    elif action == "ok":
        return _accept(ctx)
    elif action == "back":
        return Event.CANCEL
    return None


def view(ctx: Context, vm: ViewModel) -> None:
    """What has been typed, whether (and why) it was refused, and whether the keypad needs letters."""
    s = ctx.session
    vm.identity, vm.identity_error, vm.identity_reason = s.typed, s.typed_error, s.typed_reason
    vm.letter_keys = ctx.options.identity_rules.typed_letters()
    vm.identity_shown = mask_identity(s.identity) if s.identity else ""
