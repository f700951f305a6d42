"""The operator console's "accept over a failed check" page: what it does, then one large button per reason (each
naming the checks it relaxes, in words); the console carries the choice to the station (kiosk.console.override)."""
from __future__ import annotations

from typing import Any, Mapping

import pygame

from kiosk.console.console import OVERRIDE_REASONS, OperatorState
from kiosk.texts import text
from kiosk.ui.common import THEME, Targets, Typesetter, draw_button
from kiosk.ui.operator_parts import draw_wrapped, header, message

__all__ = ["draw_override", "override_line"]


def gate_words(gates: Any, lang: str) -> str:
    """Return the checks `gates` (names) in words, joined for `lang`."""
    return ("、" if lang == "zh" else ", ").join(text(f"gate.{g}", lang) for g in gates or ())


def override_line(override: Mapping[str, Any] | None, lang: str) -> str:
    """Return an attempt's override in words ("" when none): reason, checks and operator."""
    if not override:
        return ""
    reason = str(override.get("reason", ""))
    key = f"op_override_reason_{reason}"
    return text("op_override_record", lang, reason=text(key, lang) if reason in OVERRIDE_REASONS else reason,
                gates=gate_words(override.get("gates"), lang), operator=override.get("operator") or "—")


def draw_override(surface: pygame.Surface, ts: Typesetter, state: OperatorState) -> Targets:
    """The explanation, then a 2×2 grid of reason buttons (touch targets "override:<reason>"), and Back."""
    w, h = surface.get_size()
    targets = header(surface, ts, state, "op_override_title")
    draw_wrapped(surface, ts, text("op_override_body", state.lang), (w * 0.05, h * 0.15), 3.4, THEME.text,
                 w * 0.9)
    box = pygame.Rect(int(w * 0.05), int(h * 0.33), int(w * 0.9), int(h * 0.48))
    cw, ch = box.width / 2, box.height / 2
    for i, (reason, gates) in enumerate(OVERRIDE_REASONS.items()):
        r = pygame.Rect(int(box.x + (i % 2) * cw + 8), int(box.y + (i // 2) * ch + 8), int(cw - 16), int(ch - 16))
        label_r = pygame.Rect(r.x, r.y, r.width, int(r.height * 0.7))
        targets.rects[f"override:{reason}"] = draw_button(surface, ts, r, "", THEME.panel, 4.6)
        ts.draw(surface, text(f"op_override_reason_{reason}", state.lang), label_r.center, 4.6, anchor="center",
                max_width=r.width * 0.9)
        ts.draw(surface, text("op_override_gates", state.lang, gates=gate_words(gates, state.lang)),
                (r.centerx, r.y + r.height * 0.75), 2.6, THEME.muted, anchor="center", max_width=r.width * 0.9)
    back = pygame.Rect(int(w * 0.05), int(h * 0.85), int(w * 0.16), int(h * 0.1))
    targets.rects["back"] = draw_button(surface, ts, back, text("back", state.lang), THEME.button_alt, 3.8)
    message(surface, ts, state, (w * 0.6, h * 0.9))
    return targets
