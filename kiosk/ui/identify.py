"""Identify screen: type a student / exam / ID number on the on-screen keypad (or a keyboard)."""
from __future__ import annotations

import pygame

from kiosk.texts import error_text, text
from kiosk.ui.common import THEME, Targets, Typesetter, draw_button
from kiosk.station.view_model import ViewModel

KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "X", "0", "delete")


def refusal_text(vm: ViewModel) -> str:
    """Return the line under a refused number in the screen's language: why it was refused when the identity
    rules said so, else the general "that number does not look right"."""
    if vm.identity_reason is not None:
        return error_text(vm.identity_reason, vm.lang)
    return text("identify_invalid", vm.lang)


def draw(surface: pygame.Surface, ts: Typesetter, vm: ViewModel) -> Targets:
    w, h = surface.get_size()
    surface.fill(THEME.background)
    other = "en" if vm.lang == "zh" else "zh"
    ts.draw(surface, text("identify_title", vm.lang), (w / 2, h * 0.08), 6, anchor="center", max_width=w * 0.92)
    ts.draw(surface, text("identify_title", other), (w / 2, h * 0.15), 3.2, THEME.muted, anchor="center")
    field_rect = pygame.Rect(int(w * 0.2), int(h * 0.2), int(w * 0.6), int(h * 0.1))
    pygame.draw.rect(surface, THEME.panel, field_rect, border_radius=12)
    pygame.draw.rect(surface, THEME.bad if vm.identity_error else THEME.accent, field_rect, 3, border_radius=12)
    ts.draw(surface, vm.identity or "_", field_rect.center, 6, anchor="center", max_width=field_rect.width * 0.95)
    if vm.identity_error:
        ts.draw(surface, refusal_text(vm), (w / 2, h * 0.33), 3.4, THEME.bad, anchor="center", max_width=w * 0.92)
    targets = Targets()
    pad_w, pad_h = w * 0.42, h * 0.5
    x0, y0 = (w - pad_w) / 2, h * 0.37
    cw, ch = pad_w / 3, pad_h / 4
    for i, key in enumerate(KEYS):
        r = pygame.Rect(int(x0 + (i % 3) * cw + 6), int(y0 + (i // 3) * ch + 6), int(cw - 12), int(ch - 12))
        label = text("delete", vm.lang) if key == "delete" else key
        colour = THEME.button_alt if key == "delete" else THEME.panel
        targets.rects[f"key:{key}"] = draw_button(surface, ts, r, label, colour, 5 if len(label) == 1 else 3.5)
    ok = pygame.Rect(int(w * 0.74), int(h * 0.62), int(w * 0.2), int(h * 0.12))
    back = pygame.Rect(int(w * 0.06), int(h * 0.62), int(w * 0.2), int(h * 0.12))
    targets.rects["ok"] = draw_button(surface, ts, ok, text("ok", vm.lang), THEME.good)
    targets.rects["back"] = draw_button(surface, ts, back, text("back", vm.lang), THEME.button_alt)
    return targets
