"""The operator console's records table and paging (shared by the queue and the search page) and the search page:
the number typed so far, its keypad (digits and X, letters when the station's number patterns allow them), and the
matching records."""
from __future__ import annotations

import pygame

from kiosk.console.console import OperatorState, attempt_count, when_text
from kiosk.texts import text
from kiosk.ui.common import THEME, Targets, Typesetter, draw_button
from kiosk.ui.operator_parts import STATUS_COLOURS, header, message, status_text

__all__ = ["draw_table", "draw_paging", "draw_search", "TABLE_TOP", "TABLE_BOTTOM"]

TABLE_TOP, TABLE_BOTTOM = 0.30, 0.86  # the table's share of the screen height (rows_per_page rows in it)
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def draw_table(surface: pygame.Surface, ts: Typesetter, state: OperatorState, targets: Targets, left: float,
               width: float) -> None:
    """Draw the rows of `state.records` (tap one to open it) between TABLE_TOP and TABLE_BOTTOM, `left`..`left +
    width` px, with the column heads above."""
    w, h = surface.get_size()
    cols = ((0.02, "op_col_identity"), (0.42, "op_col_status"), (0.64, "op_col_attempts"), (0.8, "op_col_updated"))
    for x, key in cols:
        ts.draw(surface, text(key, state.lang), (left + width * x, h * (TABLE_TOP - 0.02)), 2.8, THEME.muted,
                anchor="midleft", max_width=width * 0.2)
    row_h = h * (TABLE_BOTTOM - TABLE_TOP) / max(1, state.rows_per_page)
    size = min(3.4, row_h / ts.unit * 0.55)
    for i, record in enumerate(state.records[:state.rows_per_page]):
        row = pygame.Rect(int(left), int(h * TABLE_TOP + i * row_h), int(width), int(row_h - 3))
        pygame.draw.rect(surface, THEME.panel if i % 2 == 0 else THEME.background, row, border_radius=6)
        status, cy = str(record.get("status", "")), row.centery
        ts.draw(surface, str(record.get("identity", "")), (left + width * 0.02, cy), size, anchor="midleft",
                max_width=width * 0.38)
        pygame.draw.circle(surface, STATUS_COLOURS.get(status, THEME.muted), (int(left + width * 0.405), cy),
                           int(ts.unit * 0.9))
        ts.draw(surface, status_text(status, state.lang), (left + width * 0.42, cy), size * 0.95, anchor="midleft",
                max_width=width * 0.21)
        ts.draw(surface, str(attempt_count(record)), (left + width * 0.64, cy), size * 0.95, anchor="midleft")
        ts.draw(surface, when_text(record.get("updated"), state.today), (left + width * 0.8, cy), size * 0.95,
                anchor="midleft", max_width=width * 0.19)
        targets.rects[f"open:{record.get('identity', '')}"] = row


def draw_paging(surface: pygame.Surface, ts: Typesetter, state: OperatorState, targets: Targets, left: float,
                width: float) -> None:
    """First / previous / "page n of m" / next / last under the table (only when there is more than one page)."""
    if state.page_count <= 1:
        return
    w, h = surface.get_size()
    top, bh, bw = int(h * (TABLE_BOTTOM + 0.01)), int(h * 0.065), width * 0.14
    buttons = (("first", "op_first", 0.0, state.page_index > 0), ("prev", "op_prev", 0.155, state.page_index > 0),
               ("next", "op_next", 0.705, state.page_index < state.page_count - 1),
               ("last", "op_last", 0.86, state.page_index < state.page_count - 1))
    for name, key, x, active in buttons:
        r = pygame.Rect(int(left + width * x), top, int(bw), bh)
        if active:
            targets.rects[f"page:{name}"] = draw_button(surface, ts, r, text(key, state.lang), THEME.button_alt, 3.0)
    ts.draw(surface, text("op_page", state.lang, n=state.page_index + 1, of=state.page_count),
            (left + width / 2, top + bh / 2), 3.0, THEME.muted, anchor="center")


def _keys(letters: bool) -> list[str]:
    return list("1234567890" + (LETTERS if letters else "X")) + ["delete"]


def draw_search(surface: pygame.Surface, ts: Typesetter, state: OperatorState) -> Targets:
    """The search page: the number typed so far, how many records start with it and the matches (tap one), and the
    keypad with Clear and OK (OK, or a scanner's Enter, opens the exact or only match)."""
    w, h = surface.get_size()
    targets = header(surface, ts, state, "op_search")
    field = pygame.Rect(int(w * 0.025), int(h * 0.135), int(w * 0.56), int(h * 0.1))
    pygame.draw.rect(surface, THEME.panel, field, border_radius=12)
    pygame.draw.rect(surface, THEME.bad if state.message_bad else THEME.accent, field, 3, border_radius=12)
    if state.query:
        ts.draw(surface, state.query, (field.x + ts.unit * 2, field.centery), 5.5, anchor="midleft",
                max_width=field.width * 0.7)
        ts.draw(surface, text("op_search_count", state.lang, n=state.matches), (field.right - ts.unit * 2,
                field.centery), 3.0, THEME.muted, anchor="midright")
    else:
        ts.draw(surface, text("op_search_hint", state.lang), (field.x + ts.unit * 2, field.centery), 3.2,
                THEME.muted, anchor="midleft", max_width=field.width * 0.95)
    draw_table(surface, ts, state, targets, w * 0.025, w * 0.56)
    draw_paging(surface, ts, state, targets, w * 0.025, w * 0.56)
    keys = _keys(state.letters)
    columns = 6 if state.letters else 3
    rows = -(-len(keys) // columns)
    box = pygame.Rect(int(w * 0.61), int(h * 0.135), int(w * 0.365), int(h * 0.6))
    cw, ch = box.width / columns, min(box.height / rows, h * 0.12)
    for i, key in enumerate(keys):
        r = pygame.Rect(int(box.x + (i % columns) * cw + 4), int(box.y + (i // columns) * ch + 4), int(cw - 8),
                        int(ch - 8))
        label = text("delete", state.lang) if key == "delete" else key
        colour = THEME.button_alt if key == "delete" else THEME.panel
        targets.rects[f"key:{key}"] = draw_button(surface, ts, r, label, colour, 4.2 if len(label) == 1 else 2.6)
    y = int(box.y + rows * ch + h * 0.02)
    clear = pygame.Rect(box.x, y, int(box.width * 0.45), int(h * 0.09))
    ok = pygame.Rect(int(box.x + box.width * 0.52), y, int(box.width * 0.48), int(h * 0.09))
    targets.rects["clear"] = draw_button(surface, ts, clear, text("op_clear", state.lang), THEME.button_alt, 3.4)
    targets.rects["ok"] = draw_button(surface, ts, ok, text("ok", state.lang), THEME.good, 3.8)
    message(surface, ts, state, (w / 2, h * 0.99), anchor="midbottom")
    return targets
