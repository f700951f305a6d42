"""The operator console's class-list page (名单): per class expected / done / missing (tap a class), then the class's
missing students by number and name (tap one to open their record). Names are drawn only here, behind the PIN."""
from __future__ import annotations

from typing import Any, Mapping

import pygame

from kiosk.console.console import OperatorState
from kiosk.texts import text
from kiosk.ui.common import THEME, Targets, Typesetter, draw_button
from kiosk.ui.operator_parts import STATUS_COLOURS, header, message, status_text
from kiosk.ui.operator_queue import TABLE_BOTTOM, TABLE_TOP, draw_paging

__all__ = ["draw_roster"]


def _group(name: str, lang: str) -> str:
    return name or text("op_roster_no_class", lang)


def _heads(surface: pygame.Surface, ts: Typesetter, state: OperatorState, cols: tuple[tuple[float, str], ...],
           left: float, width: float) -> None:
    h = surface.get_height()
    for x, key in cols:
        ts.draw(surface, text(key, state.lang), (left + width * x, h * (TABLE_TOP - 0.02)), 2.8, THEME.muted,
                anchor="midleft", max_width=width * 0.2)


def _rows(surface: pygame.Surface, state: OperatorState, rows: tuple[Mapping[str, Any], ...], left: float,
          width: float) -> list[tuple[pygame.Rect, Mapping[str, Any]]]:
    """Draw the row stripes between TABLE_TOP and TABLE_BOTTOM; return (rect, row) of each."""
    h = surface.get_height()
    row_h = h * (TABLE_BOTTOM - TABLE_TOP) / max(1, state.rows_per_page)
    out = []
    for i, row in enumerate(rows[:state.rows_per_page]):
        rect = pygame.Rect(int(left), int(h * TABLE_TOP + i * row_h), int(width), int(row_h - 3))
        pygame.draw.rect(surface, THEME.panel if i % 2 == 0 else THEME.background, rect, border_radius=6)
        out.append((rect, row))
    return out


def _classes(surface: pygame.Surface, ts: Typesetter, state: OperatorState, targets: Targets, left: float,
             width: float) -> None:
    """The classes table: name, expected, done, missing (missing in the advisory colour while any are left)."""
    cols = ((0.02, "op_col_class"), (0.45, "op_col_expected"), (0.63, "op_col_done"), (0.81, "op_col_missing"))
    _heads(surface, ts, state, cols, left, width)
    size = min(3.4, surface.get_height() * (TABLE_BOTTOM - TABLE_TOP) / max(1, state.rows_per_page) / ts.unit * 0.55)
    for rect, row in _rows(surface, state, state.roster.classes, left, width):
        cy = rect.centery
        ts.draw(surface, _group(str(row["class"]), state.lang), (left + width * 0.02, cy), size, anchor="midleft",
                max_width=width * 0.4)
        ts.draw(surface, str(row["expected"]), (left + width * 0.45, cy), size, anchor="midleft")
        ts.draw(surface, str(row["done"]), (left + width * 0.63, cy), size, THEME.good, anchor="midleft")
        ts.draw(surface, str(row["missing"]), (left + width * 0.81, cy), size,
                THEME.advise if row["missing"] else THEME.muted, anchor="midleft")
        targets.rects[f"class:{row['index']}"] = rect


def _missing(surface: pygame.Surface, ts: Typesetter, state: OperatorState, targets: Targets, left: float,
             width: float) -> None:
    """The chosen class's missing students: number, name, their record's status (or none yet)."""
    cols = ((0.02, "op_col_identity"), (0.38, "op_col_name"), (0.66, "op_col_record"))
    _heads(surface, ts, state, cols, left, width)
    size = min(3.4, surface.get_height() * (TABLE_BOTTOM - TABLE_TOP) / max(1, state.rows_per_page) / ts.unit * 0.55)
    for rect, row in _rows(surface, state, state.roster.missing, left, width):
        cy = rect.centery
        ts.draw(surface, str(row["identity"]), (left + width * 0.02, cy), size, anchor="midleft",
                max_width=width * 0.34)
        ts.draw(surface, str(row["name"]), (left + width * 0.38, cy), size, anchor="midleft", max_width=width * 0.26)
        status = str(row.get("status") or "")
        if row.get("has_record"):
            pygame.draw.circle(surface, STATUS_COLOURS.get(status, THEME.muted), (int(left + width * 0.645), cy),
                               int(ts.unit * 0.9))
            ts.draw(surface, status_text(status, state.lang), (left + width * 0.66, cy), size * 0.95,
                    anchor="midleft", max_width=width * 0.32)
        else:
            ts.draw(surface, text("op_roster_no_record_yet", state.lang), (left + width * 0.66, cy), size * 0.95,
                    THEME.muted, anchor="midleft", max_width=width * 0.32)
        targets.rects[f"open:{row['identity']}"] = rect


def draw_roster(surface: pygame.Surface, ts: Typesetter, state: OperatorState) -> Targets:
    """The class list: the totals strip, then the classes (or the chosen class's missing students) with paging;
    without a list, what to run to load one."""
    w, h = surface.get_size()
    view = state.roster
    group = view.group if view is not None else None
    title = text("op_roster_class_title", state.lang, group=_group(group, state.lang)) if group is not None else ""
    targets = header(surface, ts, state, "op_roster_title")
    if view is None or not view.loaded:
        if view is None or not view.failed:
            ts.draw(surface, text("op_roster_none", state.lang), (w / 2, h * 0.42), 5, anchor="center",
                    max_width=w * 0.9)
            ts.draw(surface, text("op_roster_how", state.lang), (w / 2, h * 0.54), 3.6, THEME.muted,
                    anchor="center", max_width=w * 0.9)
        message(surface, ts, state, (w / 2, h * 0.99), anchor="midbottom")
        return targets
    strip = pygame.Rect(int(w * 0.025), int(h * 0.135), int(w * 0.95 if group is None else w * 0.75), int(h * 0.1))
    pygame.draw.rect(surface, THEME.panel, strip, border_radius=10)
    r = ts.draw(surface, title, (strip.x + ts.unit * 2, strip.centery), 4.0, anchor="midleft",
                max_width=strip.width * 0.45) if title else pygame.Rect(strip.x, strip.y, 0, 0)
    ts.draw(surface, text("op_roster_totals", state.lang, **view.totals), (r.right + ts.unit * 3, strip.centery),
            3.8, THEME.text, anchor="midleft", max_width=strip.right - r.right - ts.unit * 4)
    if group is not None:
        back = pygame.Rect(int(w * 0.795), int(h * 0.135), int(w * 0.18), int(h * 0.1))
        targets.rects["back"] = draw_button(surface, ts, back, text("back", state.lang), THEME.button_alt, 3.6)
        if not view.missing:
            ts.draw(surface, text("op_roster_all_done", state.lang), (w / 2, h * 0.5), 4, THEME.good,
                    anchor="center")
        _missing(surface, ts, state, targets, w * 0.025, w * 0.95)
    else:
        _classes(surface, ts, state, targets, w * 0.025, w * 0.95)
    draw_paging(surface, ts, state, targets, w * 0.025, w * 0.95)
    message(surface, ts, state, (w / 2, h * 0.99), anchor="midbottom")
    return targets
