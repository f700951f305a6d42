"""Sentences for STORE: the records store refused or failed (lifecycle and store codes), by code, zh + en."""
from __future__ import annotations

STORE: dict[str, dict[str, str]] = {
}
