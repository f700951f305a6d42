"""A small staff strip along the top of the screen: something only the operator can fix (a soft camera, a hall
server that cannot be reached, filings that conflict with another station's). The station picks the one most
important notice (kiosk.station.hall_link.most_important); this draws it.

Both languages on one line, the screen's language first; drawn over whatever the state's screen shows.
"""
from __future__ import annotations

import pygame

from kiosk.station.view_model import ViewModel
from kiosk.texts import text
from kiosk.ui.common import THEME, Typesetter


def draw_staff_banner(surface: pygame.Surface, ts: Typesetter, vm: ViewModel) -> None:
    """Draw the staff strip of `vm.staff_notice` (nothing when there is none)."""
    if vm.staff_notice is None:
        return
    key, fields = vm.staff_notice
    other = "en" if vm.lang == "zh" else "zh"
    w, h = surface.get_size()
    strip = pygame.Rect(0, 0, w, int(h * 0.035))  # above the preview and checklist, clear of the hint bar
    pygame.draw.rect(surface, THEME.advise, strip)
    line = f"{text(key, vm.lang, **fields)}  ·  {text(key, other, **fields)}"
    ts.draw(surface, line, strip.center, 2.2, (20, 20, 20), anchor="center", max_width=w * 0.96)
