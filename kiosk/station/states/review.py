"""Review state: the student confirms the picture (it is filed) or retakes it (the attempt is counted)."""
from __future__ import annotations

import json
import logging

from capture.errors import error_name

from kiosk.station.flow import Event
from kiosk.station.states.context import Context
from kiosk.station.view_model import PictureFacts, ViewModel
from kiosk.station.worker import AnalysedFrame
from kiosk.store.identity import IdentityError, mask_identity
from kiosk.store.records import PictureRejected, StoreError, TransitionError

log = logging.getLogger("idphoto.kiosk")


def enter(ctx: Context) -> Event | None:
    """Nothing to prepare: the picture is in the session."""
    return None


def _print_json_line(ctx: Context, record, path) -> None:
    s = ctx.session
    # a hall server keeps the picture in its database: no file then ("picture": null, its name in "name")
    print(json.dumps({"picture": str(path) if path is not None else None, "name": record.picture,
                      "identity": record.identity, "profile": record.profile_id,
                      "status": record.status.value, "gates": s.gates_at_capture,
                      "backdrop_replaced": s.picture.backdrop_replaced,
                      "elapsed_s": round(ctx.clock() - ctx.started_s, 2)}, ensure_ascii=False), flush=True)


def confirm(ctx: Context) -> Event | None:
    """File the session's picture; return CONFIRM when filed, FAILURE (with the session's error text) when the store
    refused it, None when there is no picture."""
    s = ctx.session
    if s.picture is None:
        return None
    try:
        record = ctx.store.file_picture(s.identity, ctx.options.profile, s.picture.data, s.gates_at_capture)
    except TransitionError as exc:
        log.warning("filing refused: %s -> %s", exc.from_status.name, exc.to_status.name)
        s.error_code, s.error_fields = "station.filing_refused", {}
        return Event.FAILURE
    except (OSError, PictureRejected, StoreError, ValueError) as exc:  # StoreError: a hall server failed
        log.error("filing failed: %s", type(exc).__name__)
        s.error_code, s.error_fields = "station.filing_failed", {"error": error_name(exc)}
        return Event.FAILURE
    path = ctx.store.path_of(record)
    ctx.tally.filed += 1
    log.info("filed picture %d profile %s kb %.1f status %s", ctx.tally.filed, record.profile_id,
             len(s.picture.data) / 1024, record.status.name)
    s.identity = record.identity
    s.saved_name = path.name if path else (record.picture or "")  # on a hall server: the picture's name there
    if ctx.options.json_lines:
        _print_json_line(ctx, record, path)
    return Event.CONFIRM


def turn_down(ctx: Context) -> Event:
    """Count the picture the student turned down as an attempt on their record, drop it, and return RETAKE."""
    s = ctx.session
    try:
        ctx.store.record_attempt(s.identity, ctx.options.profile.id, s.gates_at_capture)
    except (IdentityError, OSError, ValueError) as exc:
        log.warning("attempt not recorded: %s", type(exc).__name__)
    s.picture = None
    return Event.RETAKE


def on_frame(ctx: Context, analysed: AnalysedFrame | None, now: float) -> Event | None:
    """With auto-confirm (demos, tests), confirm after `auto_confirm_s`."""
    if ctx.options.auto_confirm and ctx.in_state_s() >= ctx.options.auto_confirm_s:
        return confirm(ctx)
    return None


def wrong_number(ctx: Context) -> Event:
    """The number shown is not the student's: drop the picture (no attempt is counted on a stranger's record) and
    return CANCEL, back to the identify screen with the number as typed, to correct it."""
    s = ctx.session
    s.picture, s.identity = None, ""
    return Event.CANCEL


def on_action(ctx: Context, action: str) -> Event | None:
    """Confirm (or Enter) files the picture; retake, back or delete turn it down; wrong_number goes back to the
    identify screen."""
    if action in ("confirm", "ok"):
        return confirm(ctx)
    if action in ("retake", "back", "delete"):
        return turn_down(ctx)
    if action == "wrong_number":
        return wrong_number(ctx)
    return None


def view(ctx: Context, vm: ViewModel) -> None:
    """The picture, where the head sits in it, its file facts, and the number it is filed under (ID numbers
    masked)."""
    pic, profile = ctx.session.picture, ctx.options.profile
    vm.identity_shown = mask_identity(ctx.session.identity)
    vm.wrong_number = not ctx.options.identity and not ctx.options.skip_identify  # typed or scanned here
    if pic is not None:
        vm.picture, vm.layout = pic.rgb, pic.layout
        vm.facts = PictureFacts(profile.width_px, profile.height_px, pic.size_kb, profile.dpi, pic.backdrop_replaced)
