"""Sentences for STATION: the live station's own messages (filing refused, analysis stopped, ...), by code, zh + en."""
from __future__ import annotations

STATION: dict[str, dict[str, str]] = {
}
