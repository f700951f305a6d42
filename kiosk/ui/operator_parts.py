"""What the operator console's screens share: status colours and names, the notice line, the title bar with tabs,
and a disabled button (the console draws what it cannot do, with the reason, instead of letting it fail)."""
from __future__ import annotations

import pygame

from kiosk.console.console import OperatorState
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


def message(surface: pygame.Surface, ts: Typesetter, state: OperatorState, pos: tuple[float, float],
            anchor: str = "center") -> None:
    """Draw the console's notice (with its fields, e.g. an export's path), if any, at `pos`."""
    if state.message and has(state.message):
        ts.draw(surface, text(state.message, state.lang, **state.message_fields), pos, 3.4,
                THEME.bad if state.message_bad else THEME.good, anchor=anchor, max_width=surface.get_width() * 0.94)


def header(surface: pygame.Surface, ts: Typesetter, state: OperatorState, title_key: str,
            tabs: bool = True) -> Targets:
    """Title bar with the page tabs, the language switch and Exit."""
    w, h = surface.get_size()
    surface.fill(THEME.background)
    bar = pygame.Rect(0, 0, w, int(h * 0.11))
    pygame.draw.rect(surface, THEME.panel, bar)
    r = ts.draw(surface, text("op_title", state.lang), (w * 0.025, bar.centery), 2.8, THEME.muted, anchor="midleft",
                max_width=w * 0.16)
    ts.draw(surface, text(title_key, state.lang), (r.right + ts.unit * 2, bar.centery), 4.4, anchor="midleft",
            max_width=w * 0.31 - r.right)
    targets = Targets()
    bh = int(h * 0.075)
    y = bar.centery - bh // 2
    x = int(w * 0.33)
    if tabs:
        for page, key in (("queue", "op_queue_title"), ("roster", "op_roster"), ("hall", "op_hall"),
                          ("settings", "op_settings"), ("export", "op_export")):
            r = pygame.Rect(x, y, int(w * 0.086), bh)
            current = state.page == page or (page == "queue" and state.page == "record")
            targets.rects[f"goto:{page}"] = draw_button(surface, ts, r, text(key, state.lang),
                                                        THEME.accent if current else THEME.button_alt, 3.2)
            x += int(w * 0.094)
    lang = pygame.Rect(int(w * 0.805), y, int(w * 0.085), bh)
    targets.rects["lang"] = draw_button(surface, ts, lang, text("lang_switch", state.lang), THEME.button_alt, 3.0)
    ex = pygame.Rect(int(w * 0.9), y, int(w * 0.085), bh)
    targets.rects["exit"] = draw_button(surface, ts, ex, text("op_exit", state.lang), THEME.bad, 3.0)
    return targets




def draw_disabled(surface: pygame.Surface, ts: Typesetter, rect: pygame.Rect, label: str, size: float = 3.4) -> None:
    """Draw a button that cannot act: greyed, outlined, no touch target."""
    pygame.draw.rect(surface, THEME.background, rect, border_radius=int(rect.height * 0.25))
    pygame.draw.rect(surface, THEME.waiting, rect, 2, border_radius=int(rect.height * 0.25))
    ts.draw(surface, label, rect.center, size, THEME.muted, anchor="center", max_width=rect.width * 0.9)


def wrap_lines(ts: Typesetter, line: str, size: float, width: float) -> list[str]:
    """Return `line` broken into lines no wider than `width` px at `size`: at spaces for words, anywhere for
    Chinese (which has no spaces)."""
    font = ts.font(size)
    out: list[str] = []
    current = ""
    tokens = line.split(" ") if " " in line else list(line)
    glue = " " if " " in line else ""
    for token in tokens:
        trial = f"{current}{glue}{token}" if current else token
        if current and font.get_rect(trial).width > width:
            out.append(current)
            current = token
        else:
            current = trial
    if current:
        out.append(current)
    return out


def draw_wrapped(surface: pygame.Surface, ts: Typesetter, line: str, pos: tuple[float, float], size: float,
                 colour: Colour, width: float, max_lines: int = 3) -> float:
    """Draw `line` wrapped to `width` px from `pos` (top left), at most `max_lines` lines (the last shrinks to fit);
    return the y below the text."""
    lines = wrap_lines(ts, line, size, width)
    if len(lines) > max_lines:
        lines = lines[:max_lines - 1] + [("" if " " not in line else " ").join(lines[max_lines - 1:])]
    x, y = pos
    for text_line in lines:
        r = ts.draw(surface, text_line, (x, y), size, colour, max_width=width)
        y = r.bottom + ts.unit * 0.6
    return y
