"""Scanning a 采集码 (collection-code QR) in the camera frame at the idle and identify screens."""
from __future__ import annotations

import logging

from kiosk.station.qr import decode_collection_code, payload_identity
from kiosk.station.states.context import Context
from kiosk.store.identity import IdentityError

log = logging.getLogger("idphoto.kiosk")


def scan_for_code(ctx: Context) -> bool:
    """Look for a collection code in the newest camera frame (one decode at a time, off the UI thread); return True
    when a decoded code identified the student (the session's identity is then set)."""
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
            s.identity = payload_identity(payload)
        except IdentityError:
            return False
        log.info("collection code scanned")
        return True
    if job is None and ctx.camera_rgb is not None:
        s.qr_job = ctx.start_job(decode_collection_code, ctx.camera_rgb)
    return False
