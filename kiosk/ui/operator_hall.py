"""The operator console's hall page (大厅): the stations (a green dot when live, grey with the time last seen when not;
filed and attempts today; the number each is capturing, masked) and, beside them, this station's outbox (server
reachable or not, filings waiting, conflicts naming the station that filed the number, masked)."""
from __future__ import annotations

from typing import Any, Mapping

import pygame

from kiosk.console.console import OperatorState
from kiosk.console.hall_page import HallView
from kiosk.texts import text
from kiosk.ui.common import THEME, Targets, Typesetter, draw_button
from kiosk.ui.operator_parts import header, message
from kiosk.ui.operator_queue import TABLE_BOTTOM, TABLE_TOP, draw_paging

__all__ = ["draw_hall"]

#: the stations table's columns: (share of the table's width, head key)
COLUMNS = ((0.02, "op_col_station"), (0.22, "op_col_seen"), (0.46, "op_col_filed_today"),
           (0.61, "op_col_attempts_today"), (0.78, "op_col_capturing"))
#: conflicts listed in the outbox panel at most (then "n more")
CONFLICTS_SHOWN = 6


def _seen(row: Mapping[str, Any], lang: str) -> str:
    if row["live"]:
        return text("op_hall_live", lang)
    return text("op_hall_gone", lang, at=row["last_seen"]) if row["last_seen"] else text("op_hall_gone_never", lang)


def _stations(surface: pygame.Surface, ts: Typesetter, state: OperatorState, view: HallView, left: float,
              width: float) -> None:
    """The stations table between TABLE_TOP and TABLE_BOTTOM, `left`..`left + width` px."""
    h = surface.get_height()
    for x, key in COLUMNS:
        ts.draw(surface, text(key, state.lang), (left + width * x, h * (TABLE_TOP - 0.02)), 2.6, THEME.muted,
                anchor="midleft", max_width=width * (0.19 if x < 0.4 else 0.16))
    row_h = h * (TABLE_BOTTOM - TABLE_TOP) / max(1, state.rows_per_page)
    size = min(3.4, row_h / ts.unit * 0.55)
    for i, row in enumerate(view.rows[:state.rows_per_page]):
        rect = pygame.Rect(int(left), int(h * TABLE_TOP + i * row_h), int(width), int(row_h - 3))
        pygame.draw.rect(surface, THEME.panel if i % 2 == 0 else THEME.background, rect, border_radius=6)
        if row["this"]:
            pygame.draw.rect(surface, THEME.accent, rect, 2, border_radius=6)
        cy = rect.centery
        dot = THEME.good if row["live"] else THEME.waiting
        pygame.draw.circle(surface, dot, (int(left + width * 0.035), cy), int(ts.unit * 1.0))
        r = ts.draw(surface, str(row["name"]), (left + width * 0.06, cy), size, anchor="midleft",
                    max_width=width * 0.12)
        if row["this"]:
            ts.draw(surface, text("op_hall_this", state.lang), (r.right + ts.unit, cy), size * 0.7, THEME.accent,
                    anchor="midleft", max_width=width * 0.21 - (r.right - left))
        ts.draw(surface, _seen(row, state.lang), (left + width * 0.22, cy), size * 0.85,
                THEME.good if row["live"] else THEME.muted, anchor="midleft", max_width=width * 0.235)
        ts.draw(surface, str(row["filed_today"]), (left + width * 0.46, cy), size, anchor="midleft")
        ts.draw(surface, str(row["attempts_today"]), (left + width * 0.61, cy), size, anchor="midleft")
        ts.draw(surface, row["capturing"] or "–", (left + width * 0.78, cy), size * 0.8,
                THEME.advise if row["capturing"] else THEME.muted, anchor="midleft", max_width=width * 0.215)


def _outbox(surface: pygame.Surface, ts: Typesetter, state: OperatorState, view: HallView, box: pygame.Rect,
            targets: Targets) -> None:
    """This station's outbox: the server reachable or not, filings waiting, conflicts (masked numbers), each with
    a Done button (`resolve:<i>`) once the operator has dealt with it."""
    pygame.draw.rect(surface, THEME.panel, box, border_radius=10)
    x, y, wide = box.x + ts.unit * 2, box.y + ts.unit * 2, box.width - ts.unit * 4
    r = ts.draw(surface, text("op_hall_outbox", state.lang), (x, y), 3.4, THEME.muted, max_width=wide)
    y = r.bottom + ts.unit * 1.5
    if not view.outboxed:
        ts.draw(surface, text("op_hall_no_outbox", state.lang), (x, y), 2.8, THEME.muted, max_width=wide)
        return
    online = view.online
    r = ts.draw(surface, text("op_hall_online" if online else "op_hall_offline", state.lang), (x, y), 3.0,
                THEME.good if online else THEME.bad, max_width=wide)
    y = r.bottom + ts.unit * 1.2
    r = ts.draw(surface, text("op_hall_pending", state.lang, n=view.pending), (x, y), 3.4,
                THEME.advise if view.pending else THEME.text, max_width=wide)
    y = r.bottom + ts.unit * 1.2
    r = ts.draw(surface, text("op_hall_conflicts", state.lang, n=len(view.conflicts)), (x, y), 3.4,
                THEME.bad if view.conflicts else THEME.text, max_width=wide)
    y = r.bottom + ts.unit
    done_w, row_h = box.width * 0.28, ts.unit * 8
    for c in view.conflicts[:CONFLICTS_SHOWN]:
        ts.draw(surface, c["identity"], (x, y + row_h * 0.3), 2.8, THEME.text, anchor="midleft",
                max_width=wide - done_w - ts.unit)
        why = text("op_hall_conflict_by", state.lang, station=c["station"]) if c["station"] else text(
            "op_hall_conflict_refused", state.lang)
        ts.draw(surface, why, (x, y + row_h * 0.74), 2.4, THEME.muted, anchor="midleft",
                max_width=wide - done_w - ts.unit)
        done = pygame.Rect(int(box.right - ts.unit * 2 - done_w), int(y + row_h * 0.15), int(done_w),
                           int(row_h * 0.7))
        targets.rects[f"resolve:{c['index']}"] = draw_button(surface, ts, done, text("op_hall_resolve", state.lang),
                                                              THEME.button_alt, 2.6)
        y += row_h + ts.unit * 0.6
    if len(view.conflicts) > CONFLICTS_SHOWN:
        ts.draw(surface, text("op_hall_conflicts_more", state.lang, n=len(view.conflicts) - CONFLICTS_SHOWN),
                (x, y), 2.6, THEME.muted, max_width=wide)


def draw_hall(surface: pygame.Surface, ts: Typesetter, state: OperatorState) -> Targets:
    """The hall page: a strip (stations live of listed, whether the Records page is the whole hall's, when the link
    last looked), the stations table with paging, this station's outbox beside it."""
    w, h = surface.get_size()
    targets = header(surface, ts, state, "op_hall_title")
    view = state.hall or HallView()
    strip = pygame.Rect(int(w * 0.025), int(h * 0.135), int(w * 0.95), int(h * 0.1))
    pygame.draw.rect(surface, THEME.panel, strip, border_radius=10)
    r = ts.draw(surface, text("op_hall_live_count", state.lang, live=view.live, total=view.total),
                (strip.x + ts.unit * 2, strip.centery), 4.0, anchor="midleft", max_width=strip.width * 0.3)
    r = ts.draw(surface, text("op_hall_queue_hall" if view.server else "op_hall_queue_local", state.lang),
                (r.right + ts.unit * 4, strip.centery), 3.0, THEME.muted, anchor="midleft",
                max_width=strip.width * 0.5)
    if view.checked_at:
        ts.draw(surface, text("op_hall_checked", state.lang, at=view.checked_at),
                (strip.right - ts.unit * 2, strip.centery), 2.8, THEME.muted, anchor="midright",
                max_width=strip.width * 0.16)
    table_w = w * 0.68
    if not view.rows:
        ts.draw(surface, text("op_hall_none", state.lang), (w * 0.025 + table_w / 2, h * 0.5), 4, THEME.muted,
                anchor="center", max_width=table_w)
    _stations(surface, ts, state, view, w * 0.025, table_w)
    _outbox(surface, ts, state, view, pygame.Rect(int(w * 0.72), int(h * TABLE_TOP - h * 0.04), int(w * 0.255),
                                                  int(h * (TABLE_BOTTOM - TABLE_TOP + 0.04))), targets)
    draw_paging(surface, ts, state, targets, w * 0.025, table_w)
    message(surface, ts, state, (w / 2, h * 0.99), anchor="midbottom")
    return targets
