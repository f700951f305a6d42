"""Operator console screens: who is there, PIN pad, records queue, one record (kiosk/ui/operator_record.py),
settings, export. Each draw_* returns Targets whose names go straight to OperatorConsole.handle(); draw() picks the
screen for the console's page. Shared parts: kiosk/ui/operator_parts.py; screenshots: kiosk/ui/operator_shots.py."""
from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any, Callable

import pygame

from kiosk.console.console import Choice, OperatorState
from kiosk.texts import text
from kiosk.ui.common import THEME, Targets, Typesetter, draw_button
from kiosk.ui.operator_parts import STATUS_COLOURS, header, message, status_text, wrap_lines
from kiosk.ui.operator_queue import draw_paging, draw_search, draw_table
from kiosk.ui.operator_hall import draw_hall
from kiosk.ui.operator_override import draw_override
from kiosk.ui.operator_record import draw_record
from kiosk.ui.operator_roster import draw_roster

__all__ = ["STATUS_COLOURS", "PIN_KEYS", "status_text", "draw", "draw_who", "draw_pin", "draw_queue", "draw_search",
           "draw_record",
           "draw_roster", "draw_settings", "draw_export", "sample_records", "render_operator_screenshots", "wrap_lines"]

PIN_KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "delete", "0", "ok")


def draw_who(surface: pygame.Surface, ts: Typesetter, state: OperatorState) -> Targets:
    """Who is there: one large button per operator (touch-sized, up to 3 columns), then the PIN pad asks for the
    PIN of the one chosen."""
    w, h = surface.get_size()
    surface.fill(THEME.background)
    other = "en" if state.lang == "zh" else "zh"
    ts.draw(surface, text("op_title", state.lang), (w * 0.03, h * 0.04), 3.0, THEME.muted)
    ts.draw(surface, text("op_who", state.lang), (w / 2, h * 0.1), 5.5, anchor="center", max_width=w * 0.9)
    ts.draw(surface, text("op_who", other), (w / 2, h * 0.165), 3.0, THEME.muted, anchor="center")
    targets = Targets()
    names = state.operators
    columns = 1 if len(names) <= 4 else (2 if len(names) <= 10 else 3)
    rows = -(-len(names) // columns)
    box = pygame.Rect(int(w * 0.2), int(h * 0.22), int(w * 0.6), int(h * 0.6))
    bw, bh = box.width / columns, min(box.height / max(rows, 1), h * 0.12)
    for i, name in enumerate(names):
        r = pygame.Rect(int(box.x + (i % columns) * bw + 8), int(box.y + (i // columns) * bh + 8), int(bw - 16),
                        int(bh - 16))
        targets.rects[f"operator:{i}"] = draw_button(surface, ts, r, name, THEME.panel, 4.2)
    back = pygame.Rect(int(w * 0.05), int(h * 0.84), int(w * 0.16), int(h * 0.1))
    targets.rects["back"] = draw_button(surface, ts, back, text("back", state.lang), THEME.button_alt, 3.8)
    lang = pygame.Rect(int(w * 0.84), int(h * 0.03), int(w * 0.12), int(h * 0.07))
    targets.rects["lang"] = draw_button(surface, ts, lang, text("lang_switch", state.lang), THEME.button_alt, 3.0)
    return targets


def draw_pin(surface: pygame.Surface, ts: Typesetter, state: OperatorState) -> Targets:
    """PIN pad (also used to set a new PIN): masked digits, the lock-out count-down, a 3×4 keypad."""
    w, h = surface.get_size()
    surface.fill(THEME.background)
    other = "en" if state.lang == "zh" else "zh"
    ts.draw(surface, text("op_title", state.lang), (w * 0.03, h * 0.04), 3.0, THEME.muted)
    ts.draw(surface, text(state.prompt, state.lang), (w / 2, h * 0.09), 5.5, anchor="center", max_width=w * 0.9)
    ts.draw(surface, text(state.prompt, other), (w / 2, h * 0.155), 3.0, THEME.muted, anchor="center")
    if state.operator:
        ts.draw(surface, text("op_operator", state.lang, name=state.operator), (w * 0.03, h * 0.25), 4.2,
                THEME.accent, anchor="midleft", max_width=w * 0.24)
    field_rect = pygame.Rect(int(w * 0.32), int(h * 0.2), int(w * 0.36), int(h * 0.1))
    locked = state.locked_left_s > 0
    pygame.draw.rect(surface, THEME.panel, field_rect, border_radius=12)
    pygame.draw.rect(surface, THEME.bad if (locked or state.message_bad) else THEME.accent, field_rect, 3,
                     border_radius=12)
    slots = max(4, state.entered)
    gap = field_rect.width / (slots + 1)
    for i in range(slots):
        centre = (int(field_rect.x + gap * (i + 1)), field_rect.centery)
        radius = int(field_rect.height * 0.16)
        if i < state.entered:
            pygame.draw.circle(surface, THEME.text, centre, radius)
        else:
            pygame.draw.circle(surface, THEME.muted, centre, radius, 2)
    if locked:
        ts.draw(surface, text("op_pin_locked", state.lang) + " · " +
                text("op_pin_wait", state.lang, s=math.ceil(state.locked_left_s)),
                (w / 2, h * 0.34), 3.4, THEME.bad, anchor="center")
    else:
        message(surface, ts, state, (w / 2, h * 0.34))
    targets = Targets()
    pad_w, pad_h = w * 0.36, h * 0.56
    x0, y0 = (w - pad_w) / 2, h * 0.39
    cw, ch = pad_w / 3, pad_h / 4
    for i, key in enumerate(PIN_KEYS):
        r = pygame.Rect(int(x0 + (i % 3) * cw + 6), int(y0 + (i // 3) * ch + 6), int(cw - 12), int(ch - 12))
        if key == "delete":
            label, colour = text("delete", state.lang), THEME.button_alt
        elif key == "ok":
            label, colour = text("ok", state.lang), THEME.good
        else:
            label, colour = key, (THEME.waiting if locked else THEME.panel)
        name = "ok" if key == "ok" else f"key:{key}"
        targets.rects[name] = draw_button(surface, ts, r, label, colour, 5 if len(label) == 1 else 3.5)
    back = pygame.Rect(int(w * 0.05), int(h * 0.84), int(w * 0.16), int(h * 0.1))
    targets.rects["back"] = draw_button(surface, ts, back, text("back", state.lang), THEME.button_alt, 3.8)
    if state.page == "pin" and len(state.operators) > 1:
        who = pygame.Rect(int(w * 0.79), int(h * 0.84), int(w * 0.16), int(h * 0.1))
        targets.rects["who"] = draw_button(surface, ts, who, text("op_switch_operator", state.lang),
                                           THEME.button_alt, 3.8)
    lang = pygame.Rect(int(w * 0.84), int(h * 0.03), int(w * 0.12), int(h * 0.07))
    targets.rects["lang"] = draw_button(surface, ts, lang, text("lang_switch", state.lang), THEME.button_alt, 3.0)
    return targets


def _status_rank(status: str) -> tuple[int, str]:
    order = ("filed", "recaptured", "needs_recapture", "not_uploaded", "locked", "rejected")
    return (order.index(status) if status in order else len(order), status)


def _counts_strip(surface: pygame.Surface, ts: Typesetter, state: OperatorState, top: float,
                  width: float | None = None) -> None:
    w, h = surface.get_size()
    strip = pygame.Rect(int(w * 0.025), int(top), int(width or w * 0.95), int(h * 0.1))
    pygame.draw.rect(surface, THEME.panel, strip, border_radius=10)
    x = strip.x + ts.unit * 2
    r = ts.draw(surface, text("op_today", state.lang), (x, strip.centery), 3.4, THEME.muted, anchor="midleft")
    x = r.right + ts.unit * 3
    items = [("total", text("op_total", state.lang), THEME.text)]
    items += [(k, status_text(k, state.lang), STATUS_COLOURS.get(k, THEME.text))
              for k in sorted((k for k in state.counts if k != "total"), key=_status_rank)]
    for key, label, colour in items:
        r = ts.draw(surface, str(state.counts.get(key, 0)), (x, strip.centery), 5.2, colour, anchor="midleft")
        r = ts.draw(surface, label, (r.right + ts.unit * 0.8, strip.centery), 3.0, THEME.muted, anchor="midleft")
        x = r.right + ts.unit * 4
        if x > strip.right - ts.unit * 10:
            break


def draw_queue(surface: pygame.Surface, ts: Typesetter, state: OperatorState) -> Targets:
    """Today's counts and the search button, then the records table (tap a row to open it; as many rows as the
    screen's height holds), with first / previous / next / last page."""
    w, h = surface.get_size()
    targets = header(surface, ts, state, "op_queue_title")
    _counts_strip(surface, ts, state, h * 0.135, w * 0.475)
    accept = pygame.Rect(int(w * 0.51), int(h * 0.135), int(w * 0.22), int(h * 0.1))
    targets.rects["goto:override"] = draw_button(surface, ts, accept, text("op_override", state.lang),
                                                 THEME.button_alt, 3.4)
    find = pygame.Rect(int(w * 0.745), int(h * 0.135), int(w * 0.23), int(h * 0.1))
    targets.rects["goto:search"] = draw_button(surface, ts, find, text("op_search", state.lang), THEME.button, 3.6)
    if not state.records:
        ts.draw(surface, text("op_no_records", state.lang), (w / 2, h * 0.5), 4, THEME.muted, anchor="center")
    draw_table(surface, ts, state, targets, w * 0.025, w * 0.95)
    draw_paging(surface, ts, state, targets, w * 0.025, w * 0.95)
    message(surface, ts, state, (w / 2, h * 0.99), anchor="midbottom")
    return targets


def _choice_grid(surface: pygame.Surface, ts: Typesetter, targets: Targets, choices: tuple[Choice, ...],
                 current: str, prefix: str, box: pygame.Rect, columns: int, lang: str, trying: str = "") -> None:
    if not choices:
        return
    rows = -(-len(choices) // columns)
    cw = box.width / columns
    ch = min(box.height / rows, ts.unit * 9)
    for i, choice in enumerate(choices):
        r = pygame.Rect(int(box.x + (i % columns) * cw + 4), int(box.y + (i // columns) * ch + 4),
                        int(cw - 8), int(ch - 8))
        colour = THEME.panel if choice.id not in (current, trying) else (
            THEME.accent if choice.id == current else THEME.waiting)
        targets.rects[f"{prefix}:{choice.id}"] = draw_button(surface, ts, r, choice.label(lang), colour, 2.8)
        if choice.id == current:
            pygame.draw.rect(surface, THEME.outline, r, 2, border_radius=int(r.height * 0.25))


def draw_settings(surface: pygame.Surface, ts: Typesetter, state: OperatorState) -> Targets:
    """Photo profile (grid, current one highlighted), camera (list), backdrop replacement (toggle), Change PIN."""
    w, h = surface.get_size()
    targets = header(surface, ts, state, "op_settings")
    _setting_title(surface, ts, state, "op_profile", "profile", (w * 0.03, h * 0.14))
    _choice_grid(surface, ts, targets, state.profiles, state.profile_id, "profile",
                 pygame.Rect(int(w * 0.025), int(h * 0.19), int(w * 0.68), int(h * 0.68)), 3, state.lang)
    _setting_title(surface, ts, state, "op_camera", "camera", (w * 0.74, h * 0.14))
    _choice_grid(surface, ts, targets, state.cameras, state.camera_spec, "camera",
                 pygame.Rect(int(w * 0.735), int(h * 0.19), int(w * 0.24), int(h * 0.4)), 1, state.lang,
                 state.camera_checking)
    # 换底: one button that says what it is now and switches it
    _setting_title(surface, ts, state, "op_backdrop", "replace_backdrop", (w * 0.74, h * 0.61))
    on = state.replace_backdrop
    toggle = pygame.Rect(int(w * 0.74), int(h * 0.66), int(w * 0.23), int(h * 0.09))
    targets.rects["backdrop:keep" if on else "backdrop:replace"] = draw_button(
        surface, ts, toggle, text("op_backdrop_replace" if on else "op_backdrop_keep", state.lang),
        THEME.accent if on else THEME.panel, 3.0)
    pin = pygame.Rect(int(w * 0.74), int(h * 0.78), int(w * 0.23), int(h * 0.09))
    targets.rects["goto:change_pin"] = draw_button(surface, ts, pin, text("op_change_pin", state.lang),
                                                   THEME.button, 3.4)
    message(surface, ts, state, (w / 2, h * 0.95))
    return targets


def _setting_title(surface: pygame.Surface, ts: Typesetter, state: OperatorState, key: str, setting: str,
                   pos: tuple[float, float]) -> None:
    """Draw a setting's title and, after it, where its value comes from (默认 / 配置文件 / 控制台 / 命令行)."""
    r = ts.draw(surface, text(key, state.lang), pos, 3.4, THEME.muted)
    origin = text(f"op_origin_{state.origins.get(setting, 'default')}", state.lang)
    ts.draw(surface, text("op_origin", state.lang, origin=origin), (r.right + ts.unit * 1.5, r.centery), 2.4,
            THEME.advise if state.origins.get(setting) == "flag" else THEME.accent, anchor="midleft")


def draw_export(surface: pygame.Surface, ts: Typesetter, state: OperatorState) -> Targets:
    """Record totals and one Export button (the app does the export and reports back through notify())."""
    w, h = surface.get_size()
    targets = header(surface, ts, state, "op_export_title")
    _counts_strip(surface, ts, state, h * 0.135)
    today = state.counts.get("total", 0)
    ts.draw(surface, text("op_export_body", state.lang, n=state.total_records, today=today), (w / 2, h * 0.42), 4.4,
            anchor="center", max_width=w * 0.9)
    r = pygame.Rect(int(w * 0.35), int(h * 0.55), int(w * 0.3), int(h * 0.13))
    targets.rects["export"] = draw_button(surface, ts, r, text("op_export", state.lang), THEME.good, 5)
    if state.message in ("op_export_done_where", "op_export_partial") and "path" in state.message_fields:
        _export_result(surface, ts, state, pygame.Rect(int(w * 0.05), int(h * 0.72), int(w * 0.9), int(h * 0.2)))
    else:
        message(surface, ts, state, (w / 2, h * 0.78))
    return targets


def _export_result(surface: pygame.Surface, ts: Typesetter, state: OperatorState, box: pygame.Rect) -> None:
    """The export's confirmation: how many pictures, and the file's full path on a line of its own."""
    fields = state.message_fields
    pygame.draw.rect(surface, THEME.panel, box, border_radius=12)
    pygame.draw.rect(surface, THEME.bad if state.message_bad else THEME.good, box, 3, border_radius=12)
    first = text("op_export_count", state.lang, n=fields.get("n", 0))
    if state.message == "op_export_partial":
        first += " · " + text("op_export_left_out", state.lang, refused=fields.get("refused", 0))
    ts.draw(surface, first, (box.x + ts.unit * 3, box.y + box.height * 0.3), 4.4,
            THEME.bad if state.message_bad else THEME.good, anchor="midleft", max_width=box.width * 0.95)
    ts.draw(surface, text("op_export_path", state.lang, path=fields.get("path", "")),
            (box.x + ts.unit * 3, box.y + box.height * 0.72), 3.2, anchor="midleft", max_width=box.width * 0.95)


SCREENS: dict[str, Callable[[pygame.Surface, Typesetter, OperatorState], Targets]] = {
    "who": draw_who, "pin": draw_pin, "change_pin": draw_pin, "queue": draw_queue, "search": draw_search,
    "record": draw_record,
    "settings": draw_settings, "export": draw_export, "roster": draw_roster, "override": draw_override,
    "hall": draw_hall,
}


def draw(surface: pygame.Surface, ts: Typesetter, state: OperatorState) -> Targets:
    """Draw the screen for `state.page` and return its touch targets (names for OperatorConsole.handle)."""
    return SCREENS[state.page](surface, ts, state)


# --- Screenshots (kiosk/ui/operator_shots.py; imported when asked, it imports this module) --------------------------

def sample_records(now: dt.datetime) -> list[dict[str, Any]]:
    """Made-up records for screenshots and tests (see kiosk.ui.operator_shots)."""
    from kiosk.ui.operator_shots import sample_records as made_up

    return made_up(now)


def render_operator_screenshots(out_dir: str | Path, size: tuple[int, int] = (1280, 800)) -> list[Path]:
    """Render every operator page in Chinese and English to out_dir/operator-<page>-<lang>.png; return the paths."""
    from kiosk.ui.operator_shots import render_operator_screenshots as render

    return render(out_dir, size)


if __name__ == "__main__":
    import sys

    for p in render_operator_screenshots(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"):
        print(p)
