"""Scanning a 采集码 (collection-code QR) in the camera frame at the idle and identify screens."""
from __future__ import annotations

import logging

from kiosk.station.qr import decode_collection_code, payload_identity
from kiosk.station.states.context import Context
from kiosk.store.identity import IdentityError

log = logging.getLogger("idphoto.kiosk")


def scan_for_code(ctx: Context) -> bool:
    """Look for a collection code in the newest camera frame (one decode at a time, off the UI thread); return True
    when a code was read: the session's identity is then set, or (a refused code) its refusal."""
    s = ctx.session
    if ctx.options.identity:
        s.qr_job = None
        return False
    job = s.qr_job
    if job is not None and job.done.is_set():
        s.qr_job = None
        payload = job.result
        if not payload:
            return False
        try:
            s.identity = payload_identity(payload, ctx.options.identity_rules)
        except IdentityError as exc:  # shown at the identify screen, like a refused typed number
            s.identity, s.typed_error, s.typed_reason = "", True, exc
            log.info("collection code refused: %s", exc.code)
            return True
        log.info("collection code scanned")
        return True
    if job is None and ctx.camera_rgb is not None:
        s.qr_job = ctx.start_job(decode_collection_code, ctx.camera_rgb)
    return False
