"""Reading a 采集码 (collection code) QR code from a camera frame, and turning its payload into a safe identity key.

The payload is an opaque (encrypted) string issued by 学信网: the kiosk never interprets it. A payload that is a
number the kiosk accepts (the one validation, kiosk.store.identity.validate_identity) is used as is; a payload shaped
like an ID number must be a valid one; anything else becomes a short stable key, "QR-" plus the first 16 hex digits
of its SHA-256, so the same code always files under the same name.
"""
from __future__ import annotations

import hashlib

import cv2
import numpy as np

from kiosk.store.identity import DEFAULT_RULES, IdentityError, IdentityRules, validate_identity

MAX_PAYLOAD_LEN = 4096  # a QR code holds at most ~4.3 kB; anything longer is not from one
#: refusals of an 18-character payload shaped like an ID number: it is an ID number, but not a valid one
_INVALID_ID_NUMBER = ("id_region", "id_birth_date_invalid", "id_birth_date_implausible", "id_check_digit")


def _detector() -> cv2.QRCodeDetector:
    return cv2.QRCodeDetector()


def _decode_gray(detector: cv2.QRCodeDetector, gray: np.ndarray) -> str | None:
    try:
        payload, points, _ = detector.detectAndDecode(gray)
    except cv2.error:
        return None
    return payload or None


def decode_collection_code(rgb: np.ndarray) -> str | None:
    """Return the text of a QR code in an H×W×3 RGB (or H×W grey) frame, or None if there is none readable.

    The frame is tried as given and mirrored (the preview shown to the student is mirrored, and a phone held up to
    a mirrored display may be too); a large frame is also tried at half size, which helps with blur and noise.
    """
    if rgb is None or rgb.size == 0:
        return None
    frame = np.ascontiguousarray(rgb)
    gray = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY) if frame.ndim == 3 else frame
    detector = _detector()
    candidates = [gray, np.ascontiguousarray(gray[:, ::-1])]
    if max(gray.shape) > 960:
        half = cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
        candidates += [half, np.ascontiguousarray(half[:, ::-1])]
    for image in candidates:
        payload = _decode_gray(detector, image)
        if payload:
            return payload
    return None


def payload_identity(payload: str, rules: IdentityRules = DEFAULT_RULES) -> str:
    """Return the identity key for a scanned collection-code payload under `rules` (see the module text). Raise
    IdentityError for an empty or impossibly long payload, an invalid ID number, or when `rules` accept neither the
    number it holds nor collection codes."""
    text = (payload or "").strip()
    if not text:
        raise IdentityError("qr_empty")
    if len(text) > MAX_PAYLOAD_LEN:
        raise IdentityError("qr_too_long", max=MAX_PAYLOAD_LEN)
    try:
        return validate_identity(text, rules, "qr").code
    except IdentityError as exc:
        if exc.code in _INVALID_ID_NUMBER:
            raise  # an ID number with a wrong check digit or date is refused, not hidden under a key
    key = "QR-" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16].upper()
    return validate_identity(key, rules, "qr").code
