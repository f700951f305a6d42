"""Sentences for PHOTO: a photo, a frame or a picture could not be read, made or checked (capture.errors.PhotoError codes), by code, zh + en."""
from __future__ import annotations

PHOTO: dict[str, dict[str, str]] = {
}
