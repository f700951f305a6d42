"""Operator console screens: PIN pad, records queue, one record, settings, export. Each draw_* returns Targets whose
names go straight to OperatorConsole.handle(); draw() picks the screen for the console's page."""
from __future__ import annotations

import datetime as dt
import math
import os
from pathlib import Path
from typing import Any, Callable

import pygame

from kiosk.console.console import (ROWS_PER_PAGE, Choice, OperatorConsole, OperatorState, attempt_count,
                            hash_pin, profile_choices, when_text)
from kiosk.texts import has, text
from kiosk.ui.common import THEME, Colour, Targets, Typesetter, draw_button

STATUS_COLOURS: dict[str, Colour] = {
    "filed": THEME.good, "recaptured": THEME.good, "needs_recapture": THEME.advise, "locked": THEME.accent,
    "not_uploaded": THEME.waiting, "rejected": THEME.bad,
}
PIN_KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "delete", "0", "ok")


def status_text(status: str, lang: str) -> str:
    key = f"op_status_{status}"
    return text(key, lang) if has(key) else str(status)


def _message(surface: pygame.Surface, ts: Typesetter, state: OperatorState, pos: tuple[float, float],
             anchor: str = "center") -> None:
    if state.message and has(state.message):
        ts.draw(surface, text(state.message, state.lang), pos, 3.4, THEME.bad if state.message_bad else THEME.good,
                anchor=anchor, max_width=surface.get_width() * 0.9)


def _header(surface: pygame.Surface, ts: Typesetter, state: OperatorState, title_key: str,
            tabs: bool = True) -> Targets:
    """Title bar with the page tabs, the language switch and Exit."""
    w, h = surface.get_size()
    surface.fill(THEME.background)
    bar = pygame.Rect(0, 0, w, int(h * 0.11))
    pygame.draw.rect(surface, THEME.panel, bar)
    r = ts.draw(surface, text("op_title", state.lang), (w * 0.025, bar.centery), 2.8, THEME.muted, anchor="midleft",
                max_width=w * 0.16)
    ts.draw(surface, text(title_key, state.lang), (r.right + ts.unit * 2, bar.centery), 4.4, anchor="midleft",
            max_width=w * 0.4 - r.right)
    targets = Targets()
    bh = int(h * 0.075)
    y = bar.centery - bh // 2
    x = int(w * 0.42)
    if tabs:
        for page, key in (("queue", "op_queue_title"), ("settings", "op_settings"), ("export", "op_export")):
            r = pygame.Rect(x, y, int(w * 0.115), bh)
            current = state.page == page or (page == "queue" and state.page == "record")
            targets.rects[f"goto:{page}"] = draw_button(surface, ts, r, text(key, state.lang),
                                                        THEME.accent if current else THEME.button_alt, 3.2)
            x += int(w * 0.125)
    lang = pygame.Rect(int(w * 0.805), y, int(w * 0.085), bh)
    targets.rects["lang"] = draw_button(surface, ts, lang, text("lang_switch", state.lang), THEME.button_alt, 3.0)
    ex = pygame.Rect(int(w * 0.9), y, int(w * 0.085), bh)
    targets.rects["exit"] = draw_button(surface, ts, ex, text("op_exit", state.lang), THEME.bad, 3.0)
    return targets


def draw_pin(surface: pygame.Surface, ts: Typesetter, state: OperatorState) -> Targets:
    """PIN pad (also used to set a new PIN): masked digits, the lock-out count-down, a 3×4 keypad."""
    w, h = surface.get_size()
    surface.fill(THEME.background)
    other = "en" if state.lang == "zh" else "zh"
    ts.draw(surface, text("op_title", state.lang), (w * 0.03, h * 0.04), 3.0, THEME.muted)
    ts.draw(surface, text(state.prompt, state.lang), (w / 2, h * 0.09), 5.5, anchor="center", max_width=w * 0.9)
    ts.draw(surface, text(state.prompt, other), (w / 2, h * 0.155), 3.0, THEME.muted, anchor="center")
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
        _message(surface, ts, state, (w / 2, h * 0.34))
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
    lang = pygame.Rect(int(w * 0.84), int(h * 0.03), int(w * 0.12), int(h * 0.07))
    targets.rects["lang"] = draw_button(surface, ts, lang, text("lang_switch", state.lang), THEME.button_alt, 3.0)
    return targets


def _status_rank(status: str) -> tuple[int, str]:
    order = ("filed", "recaptured", "needs_recapture", "not_uploaded", "locked", "rejected")
    return (order.index(status) if status in order else len(order), status)


def _counts_strip(surface: pygame.Surface, ts: Typesetter, state: OperatorState, top: float) -> None:
    w, h = surface.get_size()
    strip = pygame.Rect(int(w * 0.025), int(top), int(w * 0.95), int(h * 0.1))
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
    """Today's counts, then the records table (tap a row to open it), with paging."""
    w, h = surface.get_size()
    targets = _header(surface, ts, state, "op_queue_title")
    _counts_strip(surface, ts, state, h * 0.135)
    cols = ((0.04, "op_col_identity"), (0.42, "op_col_status"), (0.62, "op_col_attempts"), (0.78, "op_col_updated"))
    head_y = h * 0.28
    for x, key in cols:
        ts.draw(surface, text(key, state.lang), (w * x, head_y), 3.0, THEME.muted, anchor="midleft")
    row_h = h * 0.058
    y = h * 0.31
    if not state.records:
        ts.draw(surface, text("op_no_records", state.lang), (w / 2, h * 0.5), 4, THEME.muted, anchor="center")
    for i, record in enumerate(state.records):
        row = pygame.Rect(int(w * 0.025), int(y + i * row_h), int(w * 0.95), int(row_h - 4))
        pygame.draw.rect(surface, THEME.panel if i % 2 == 0 else THEME.background, row, border_radius=6)
        status = str(record.get("status", ""))
        cy = row.centery
        ts.draw(surface, str(record.get("identity", "")), (w * 0.04, cy), 3.4, anchor="midleft", max_width=w * 0.36)
        pygame.draw.circle(surface, STATUS_COLOURS.get(status, THEME.muted), (int(w * 0.425), cy), int(ts.unit))
        ts.draw(surface, status_text(status, state.lang), (w * 0.44, cy), 3.2, anchor="midleft", max_width=w * 0.17)
        ts.draw(surface, str(attempt_count(record)), (w * 0.62, cy), 3.2, anchor="midleft")
        ts.draw(surface, when_text(record.get("updated"), state.today), (w * 0.78, cy), 3.2, anchor="midleft")
        targets.rects[f"open:{record.get('identity', '')}"] = row
    bottom = h * (0.31 + 0.058 * ROWS_PER_PAGE) + h * 0.015
    bh = int(h * 0.08)
    if state.page_count > 1:
        prev = pygame.Rect(int(w * 0.025), int(bottom), int(w * 0.15), bh)
        nxt = pygame.Rect(int(w * 0.825), int(bottom), int(w * 0.15), bh)
        if state.page_index > 0:
            targets.rects["page:prev"] = draw_button(surface, ts, prev, text("op_prev", state.lang),
                                                     THEME.button_alt, 3.2)
        if state.page_index < state.page_count - 1:
            targets.rects["page:next"] = draw_button(surface, ts, nxt, text("op_next", state.lang),
                                                     THEME.button_alt, 3.2)
        ts.draw(surface, text("op_page", state.lang, n=state.page_index + 1, of=state.page_count),
                (w / 2, bottom + bh / 2), 3.0, THEME.muted, anchor="center")
    _message(surface, ts, state, (w / 2, h * 0.97), anchor="midbottom")
    return targets


def draw_record(surface: pygame.Surface, ts: Typesetter, state: OperatorState) -> Targets:
    """One record: its facts and attempts on the left; re-capture reasons and Lock on the right."""
    w, h = surface.get_size()
    targets = _header(surface, ts, state, "op_record_title")
    record = state.record or {}
    status = str(record.get("status", ""))
    left = w * 0.04
    ts.draw(surface, str(record.get("identity", "")), (left, h * 0.15), 6, max_width=w * 0.5)
    pygame.draw.circle(surface, STATUS_COLOURS.get(status, THEME.muted), (int(left + ts.unit), int(h * 0.27)),
                       int(ts.unit))
    facts = [status_text(status, state.lang)]
    for key in ("kind", "profile"):
        if record.get(key):
            facts.append(str(record[key]))
    facts.append(when_text(record.get("updated"), state.today))
    ts.draw(surface, "  ·  ".join(f for f in facts if f), (left + ts.unit * 3, h * 0.27), 3.2, THEME.muted,
            anchor="midleft", max_width=w * 0.5)
    if record.get("reason"):
        reason = str(record["reason"])
        key = f"op_reason_{reason}"
        ts.draw(surface, text(key, state.lang) if has(key) else reason, (left, h * 0.31), 3.0, THEME.advise)
    box = pygame.Rect(int(w * 0.025), int(h * 0.36), int(w * 0.55), int(h * 0.5))
    pygame.draw.rect(surface, THEME.panel, box, border_radius=10)
    ts.draw(surface, f"{text('op_attempts_title', state.lang)} ({attempt_count(record)})",
            (box.x + ts.unit * 2, box.y + ts.unit * 1.5), 3.4, THEME.muted)
    attempts = record.get("attempts")
    if isinstance(attempts, (list, tuple)) and attempts:
        y = box.y + ts.unit * 7
        for n, attempt in enumerate(attempts[-8:], start=max(1, len(attempts) - 7)):
            result = str(attempt.get("result", ""))
            line = f"{n}.  {when_text(attempt.get('at', attempt.get('time')), state.today)}"
            ts.draw(surface, line, (box.x + ts.unit * 2, y), 3.0)
            ts.draw(surface, status_text(result, state.lang), (box.x + box.width * 0.4, y), 3.0,
                    STATUS_COLOURS.get(result, THEME.text), max_width=box.width * 0.25)
            note = str(attempt.get("note") or attempt.get("file") or "")
            ts.draw(surface, note, (box.x + box.width * 0.66, y), 2.6, THEME.muted, max_width=box.width * 0.32)
            y += ts.unit * 5
    else:
        ts.draw(surface, text("op_no_attempts", state.lang), box.center, 3.2, THEME.muted, anchor="center")
    rx, rw = int(w * 0.62), int(w * 0.355)
    ts.draw(surface, text("op_recapture", state.lang), (rx, h * 0.15), 3.4, THEME.muted)
    bh = int(h * 0.075)
    for i, reason in enumerate(state.reasons):
        r = pygame.Rect(rx, int(h * 0.21 + i * (bh + h * 0.015)), rw, bh)
        targets.rects[f"recapture:{reason}"] = draw_button(surface, ts, r, text(f"op_reason_{reason}", state.lang),
                                                          THEME.advise, 3.4)
    lock_y = int(h * 0.21 + len(state.reasons) * (bh + h * 0.015) + h * 0.03)
    if status != "locked":
        targets.rects["lock"] = draw_button(surface, ts, pygame.Rect(rx, lock_y, rw, bh),
                                            text("op_lock", state.lang), THEME.bad, 3.4)
    back = pygame.Rect(int(w * 0.025), int(h * 0.885), int(w * 0.16), int(h * 0.085))
    targets.rects["back"] = draw_button(surface, ts, back, text("back", state.lang), THEME.button_alt, 3.6)
    _message(surface, ts, state, (w * 0.6, h * 0.93))
    return targets


def _choice_grid(surface: pygame.Surface, ts: Typesetter, targets: Targets, choices: tuple[Choice, ...],
                 current: str, prefix: str, box: pygame.Rect, columns: int, lang: str) -> None:
    if not choices:
        return
    rows = -(-len(choices) // columns)
    cw = box.width / columns
    ch = min(box.height / rows, ts.unit * 9)
    for i, choice in enumerate(choices):
        r = pygame.Rect(int(box.x + (i % columns) * cw + 4), int(box.y + (i // columns) * ch + 4),
                        int(cw - 8), int(ch - 8))
        colour = THEME.accent if choice.id == current else THEME.panel
        targets.rects[f"{prefix}:{choice.id}"] = draw_button(surface, ts, r, choice.label(lang), colour, 2.8)
        if choice.id == current:
            pygame.draw.rect(surface, THEME.outline, r, 2, border_radius=int(r.height * 0.25))


def draw_settings(surface: pygame.Surface, ts: Typesetter, state: OperatorState) -> Targets:
    """Photo profile (grid, current one highlighted), camera (list), backdrop replacement (toggle), Change PIN."""
    w, h = surface.get_size()
    targets = _header(surface, ts, state, "op_settings")
    ts.draw(surface, text("op_profile", state.lang), (w * 0.03, h * 0.14), 3.4, THEME.muted)
    _choice_grid(surface, ts, targets, state.profiles, state.profile_id, "profile",
                 pygame.Rect(int(w * 0.025), int(h * 0.19), int(w * 0.68), int(h * 0.68)), 3, state.lang)
    ts.draw(surface, text("op_camera", state.lang), (w * 0.74, h * 0.14), 3.4, THEME.muted)
    _choice_grid(surface, ts, targets, state.cameras, state.camera_spec, "camera",
                 pygame.Rect(int(w * 0.735), int(h * 0.19), int(w * 0.24), int(h * 0.4)), 1, state.lang)
    # 换底: one button that says what it is now and switches it
    ts.draw(surface, text("op_backdrop", state.lang), (w * 0.74, h * 0.61), 3.4, THEME.muted)
    on = state.replace_backdrop
    toggle = pygame.Rect(int(w * 0.74), int(h * 0.66), int(w * 0.23), int(h * 0.09))
    targets.rects["backdrop:keep" if on else "backdrop:replace"] = draw_button(
        surface, ts, toggle, text("op_backdrop_replace" if on else "op_backdrop_keep", state.lang),
        THEME.accent if on else THEME.panel, 3.0)
    pin = pygame.Rect(int(w * 0.74), int(h * 0.78), int(w * 0.23), int(h * 0.09))
    targets.rects["goto:change_pin"] = draw_button(surface, ts, pin, text("op_change_pin", state.lang),
                                                   THEME.button, 3.4)
    _message(surface, ts, state, (w / 2, h * 0.95))
    return targets


def draw_export(surface: pygame.Surface, ts: Typesetter, state: OperatorState) -> Targets:
    """Record totals and one Export button (the app does the export and reports back through notify())."""
    w, h = surface.get_size()
    targets = _header(surface, ts, state, "op_export_title")
    _counts_strip(surface, ts, state, h * 0.135)
    today = state.counts.get("total", 0)
    ts.draw(surface, text("op_export_body", state.lang, n=state.total_records, today=today), (w / 2, h * 0.42), 4.4,
            anchor="center", max_width=w * 0.9)
    r = pygame.Rect(int(w * 0.35), int(h * 0.55), int(w * 0.3), int(h * 0.13))
    targets.rects["export"] = draw_button(surface, ts, r, text("op_export", state.lang), THEME.good, 5)
    _message(surface, ts, state, (w / 2, h * 0.78))
    return targets


SCREENS: dict[str, Callable[[pygame.Surface, Typesetter, OperatorState], Targets]] = {
    "pin": draw_pin, "change_pin": draw_pin, "queue": draw_queue, "record": draw_record,
    "settings": draw_settings, "export": draw_export,
}


def draw(surface: pygame.Surface, ts: Typesetter, state: OperatorState) -> Targets:
    """Draw the screen for `state.page` and return its touch targets (names for OperatorConsole.handle)."""
    return SCREENS[state.page](surface, ts, state)


# --- Screenshots ------------------------------------------------------------------------------------------------

def sample_records(now: dt.datetime) -> list[dict[str, Any]]:
    """Made-up records for screenshots and tests."""
    def at(minutes: float) -> dt.datetime:
        return now - dt.timedelta(minutes=minutes)

    rows: list[dict[str, Any]] = [
        {"identity": "2023001", "status": "已上传", "updated": at(3), "kind": "student", "profile": "chsi-graduation",
         "attempts": [{"at": at(6), "accepted": False, "picture": None, "gates": {"eyes_open": False, "yaw": True}},
                      {"at": at(3), "accepted": True, "picture": "pictures/2023001.jpg", "gates": {}}]},
        {"identity": "11010519491231002X", "status": "需重新上传", "updated": at(12), "reason": "blurred",
         "kind": "id_number", "attempts": 1},
        {"identity": "12345678901234", "status": "未上传", "updated": at(15), "attempts": 0},
        {"identity": "QR-3F2A9C1B7E4D5A60", "status": "已重新上传", "updated": at(40), "kind": "collection_code",
         "attempts": 3},
        {"identity": "2023017", "status": "已采集(锁定)", "updated": at(62), "attempts": 4},
        {"identity": "2023018", "status": "已上传", "updated": at(75), "attempts": 1},
        {"identity": "2023019", "status": "已上传", "updated": at(90), "attempts": 2},
        {"identity": "2022105", "status": "已上传", "updated": at(60 * 26), "attempts": 1},
        {"identity": "2022106", "status": "已采集(锁定)", "updated": at(60 * 27), "attempts": 1},
    ]
    return rows


def render_operator_screenshots(out_dir: str | Path, size: tuple[int, int] = (1280, 800)) -> list[Path]:
    """Render every operator page in Chinese and English to out_dir/operator-<page>-<lang>.png; return the paths."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    now = dt.datetime(2026, 11, 23, 15, 30)
    records = sample_records(now)
    try:
        from profiles import load_profiles

        profiles = profile_choices(load_profiles())
    except Exception:  # the screenshots do not depend on the profile files
        profiles = (Choice("chsi-graduation", "学信网学历照片", "CHSI graduation"),
                    Choice("id-card", "居民身份证", "Resident ID card"))
    cameras = [Choice("0", "摄像头 0", "Camera 0"), Choice("1", "摄像头 1", "Camera 1"),
               Choice("demo", "演示视频", "Demo video")]
    surface = pygame.Surface(size)
    ts = Typesetter(size[1])
    written: list[Path] = []
    for lang in ("zh", "en"):
        console = OperatorConsole(lambda: records, hash_pin("4826", iterations=1000), profiles, cameras,
                                  profile_id="chsi-graduation", camera_spec="0", lang=lang,
                                  clock=lambda: 0.0, today=now.date, pin_iterations=1000)

        def shot(name: str) -> None:
            draw(surface, ts, console.state())
            path = out / f"operator-{name}-{lang}.png"
            pygame.image.save(surface, str(path))
            written.append(path)

        for key in "48":
            console.handle(f"key:{key}")
        shot("pin")
        for key in "26":
            console.handle(f"key:{key}")
        console.handle("ok")
        shot("queue")
        console.handle("open:2023001")
        shot("record")
        console.handle("goto:settings")
        shot("settings")
        console.handle("goto:export")
        shot("export")
        first = OperatorConsole(lambda: records, None, lang=lang, clock=lambda: 0.0, today=now.date,
                                pin_iterations=1000)
        for key in "0000":
            first.handle(f"key:{key}")
        first.handle("ok")
        first.handle("key:7")
        console = first
        shot("change-pin")
        console = OperatorConsole(lambda: records, hash_pin("4826", iterations=1000), lang=lang, clock=lambda: 0.0,
                                  today=now.date, pin_iterations=1000)
        for _ in range(5):
            for key in "1111":
                console.handle(f"key:{key}")
            console.handle("ok")
        shot("pin-locked")
    return written


if __name__ == "__main__":
    import sys

    for p in render_operator_screenshots(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"):
        print(p)
