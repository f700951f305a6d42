"""Sentences for IDENTITY: a typed or scanned number was refused (kiosk.store.identity codes), by code, zh + en."""
from __future__ import annotations

IDENTITY: dict[str, dict[str, str]] = {
}
