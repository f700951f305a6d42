"""Sentences for CAMERA: camera states and problems (capture.camera codes), by code, zh + en."""
from __future__ import annotations

CAMERA: dict[str, dict[str, str]] = {
}
