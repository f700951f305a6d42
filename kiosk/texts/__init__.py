"""Every sentence a person reads, in Chinese and English: one table, one lookup, one fallback rule.

Codes come from the engine (gate names, hint codes, photo refusals), the store (identity and lifecycle refusals),
the camera supervisor and the station; this package turns them into sentences. Keys are namespaced by where the
code comes from: screen and console texts have no prefix (`title`, `op_export_done`); the others are
`hint.CODE`, `gate.NAME`, `photo.CODE`, `identity.CODE`, `store.CODE`, `camera.CODE`, `station.CODE`.

The one fallback rule: every key has both a Chinese and an English sentence (checked when this package loads), and
an unknown key is shown as the key itself (a code, never a traceback or a sentence in the wrong language).
"""
from __future__ import annotations

from typing import Mapping

from kiosk.texts import domains
from kiosk.texts.gates import GATE_LABELS
from kiosk.texts.hints import HINTS
from kiosk.texts.screens import SCREENS

LANGS: tuple[str, ...] = ("zh", "en")


def _assemble() -> dict[str, Mapping[str, str]]:
    table: dict[str, Mapping[str, str]] = dict(SCREENS)
    table.update({f"hint.{k}": v for k, v in HINTS.items()})
    table.update({f"gate.{k}": v for k, v in GATE_LABELS.items()})
    for prefix, entries in domains.DOMAINS.items():
        table.update({f"{prefix}.{k}": v for k, v in entries.items()})
    missing = [k for k, v in table.items() if any(not v.get(lang) for lang in LANGS)]
    if missing:
        raise RuntimeError(f"texts without both a Chinese and an English sentence: {missing}")
    return table


TABLE: Mapping[str, Mapping[str, str]] = _assemble()


def has(key: str) -> bool:
    """Return True when `key` has a sentence (in both languages, as every key does)."""
    return key in TABLE


def text(key: str, lang: str, **fields: object) -> str:
    """Return the sentence for `key` in `lang` ("zh" or "en"), formatted with `fields`; an unknown key is returned
    as it is (the one fallback rule)."""
    entry = TABLE.get(key)
    if entry is None:
        return key
    value = entry["en" if lang == "en" else "zh"]
    return value.format(**fields) if fields else value


def both(key: str, lang: str = "zh", **fields: object) -> tuple[str, str]:
    """Return (sentence in `lang`, sentence in the other language): a screen's line and its subtitle."""
    other = "en" if lang == "zh" else "zh"
    return text(key, lang, **fields), text(key, other, **fields)


def hint_text(code: str, lang: str = "zh") -> str:
    """Return the hint sentence for hint `code` in `lang`."""
    return text(f"hint.{code}", lang)


def gate_label(name: str, lang: str) -> str:
    """Return the checklist label of gate `name` in `lang`."""
    return text(f"gate.{name}", lang)


def error_text(err: BaseException, lang: str) -> str:
    """Return the one sentence for an error that carries a code: "SUBJECT: sentence" when the error names a subject
    (a file, a camera), looked up as `DOMAIN.CODE` with the error's `fields`. An error whose code has no sentence
    yet falls back to its own text (TRANSITIONAL, until every raise site passes codes only)."""
    domain, code = getattr(err, "domain", None), getattr(err, "code", None)
    key = f"{domain}.{code}"
    if domain is None or code is None or not has(key):
        return str(err)
    sentence = text(key, lang, **getattr(err, "fields", {}))
    subject = getattr(err, "subject", None)
    return f"{subject}: {sentence}" if subject else sentence
