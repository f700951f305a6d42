"""Identify screen: type a student / exam / ID number on the on-screen keypad (or a keyboard): digits and X, or a
letter keypad (A–Z) when the station's number patterns allow letters (`vm.letter_keys`)."""
from __future__ import annotations

import pygame

from kiosk.texts import error_text, text
from kiosk.ui.common import THEME, Targets, Typesetter, draw_button
from kiosk.ui.error import banner_shown
from kiosk.station.view_model import ViewModel

KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "X", "0", "delete")
#: the letter keypad: digits over the keyboard's letter rows (the layout people know from phones), delete at the end
LETTER_ROWS = ("1234567890", "QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM")


def refusal_text(vm: ViewModel) -> str:
    """Return the line under a refused number in the screen's language: why it was refused when the identity
    rules said so, else the general "that number does not look right"."""
    return refusal_lines(vm)[0]


def refusal_lines(vm: ViewModel) -> tuple[str, str]:
    """Return (the refusal in the screen's language, the same in the other language)."""
    other = "en" if vm.lang == "zh" else "zh"
    if vm.identity_reason is not None:
        return error_text(vm.identity_reason, vm.lang), error_text(vm.identity_reason, other)
    return text("identify_invalid", vm.lang), text("identify_invalid", other)


def _digit_pad(surface: pygame.Surface, ts: Typesetter, vm: ViewModel, targets: Targets) -> None:
    w, h = surface.get_size()
    pad_w, pad_h = w * 0.42, h * 0.48
    x0, y0 = (w - pad_w) / 2, h * 0.41
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


def _letter_pad(surface: pygame.Surface, ts: Typesetter, vm: ViewModel, targets: Targets) -> None:
    w, h = surface.get_size()
    cw = min(w * 0.078, h * 0.12)  # a key's cell, square-ish on wide and narrow screens
    ch = h * 0.105
    y0 = h * 0.41
    for row, keys in enumerate(LETTER_ROWS):
        cells = len(keys) + (1.5 if row == len(LETTER_ROWS) - 1 else 0)  # delete is one and a half keys wide
        x = (w - cells * cw) / 2
        y = y0 + row * ch
        for key in keys:
            r = pygame.Rect(int(x + 4), int(y + 4), int(cw - 8), int(ch - 8))
            targets.rects[f"key:{key}"] = draw_button(surface, ts, r, key, THEME.panel, 4.2)
            x += cw
        if row == len(LETTER_ROWS) - 1:
            r = pygame.Rect(int(x + 4), int(y + 4), int(cw * 1.5 - 8), int(ch - 8))
            targets.rects["key:delete"] = draw_button(surface, ts, r, text("delete", vm.lang), THEME.button_alt, 3)
    bottom = y0 + len(LETTER_ROWS) * ch + h * 0.015
    ok = pygame.Rect(int(w * 0.62), int(bottom), int(w * 0.24), int(h * 0.1))
    back = pygame.Rect(int(w * 0.14), int(bottom), int(w * 0.24), int(h * 0.1))
    targets.rects["ok"] = draw_button(surface, ts, ok, text("ok", vm.lang), THEME.good)
    targets.rects["back"] = draw_button(surface, ts, back, text("back", vm.lang), THEME.button_alt)


def draw(surface: pygame.Surface, ts: Typesetter, vm: ViewModel) -> Targets:
    w, h = surface.get_size()
    surface.fill(THEME.background)
    other = "en" if vm.lang == "zh" else "zh"
    # the title moves below the camera banner when it is shown (kiosk.ui.error.draw_camera_banner)
    (y, size), (sub_y, sub_size) = ((0.12, 5.2), (0.17, 2.8)) if banner_shown(vm) else ((0.08, 6), (0.15, 3.2))
    ts.draw(surface, text("identify_title", vm.lang), (w / 2, h * y), size, anchor="center", max_width=w * 0.92)
    ts.draw(surface, text("identify_title", other), (w / 2, h * sub_y), sub_size, THEME.muted, anchor="center")
    field_rect = pygame.Rect(int(w * 0.2), int(h * 0.2), int(w * 0.6), int(h * 0.1))
    pygame.draw.rect(surface, THEME.panel, field_rect, border_radius=12)
    pygame.draw.rect(surface, THEME.bad if vm.identity_error else THEME.accent, field_rect, 3, border_radius=12)
    ts.draw(surface, vm.identity or "_", field_rect.center, 6, anchor="center", max_width=field_rect.width * 0.95)
    if vm.identity_error:
        line, subtitle = refusal_lines(vm)
        ts.draw(surface, line, (w / 2, h * 0.335), 3.3, THEME.bad, anchor="center", max_width=w * 0.94)
        ts.draw(surface, subtitle, (w / 2, h * 0.375), 2.5, THEME.muted, anchor="center", max_width=w * 0.94)
    targets = Targets()
    (_letter_pad if vm.letter_keys else _digit_pad)(surface, ts, vm, targets)
    return targets
