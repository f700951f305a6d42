"""Saved screen: a clear confirmation and the number the picture was filed under (ID numbers masked)."""
from __future__ import annotations

import pygame

from kiosk.texts import text
from kiosk.ui.common import THEME, Targets, Typesetter
from kiosk.station.view_model import ViewModel


def draw(surface: pygame.Surface, ts: Typesetter, vm: ViewModel) -> Targets:
    w, h = surface.get_size()
    surface.fill(THEME.background)
    other = "en" if vm.lang == "zh" else "zh"
    centre = (int(w / 2), int(h * 0.3))
    radius = int(h * 0.13)
    pygame.draw.circle(surface, THEME.good, centre, radius)
    pygame.draw.lines(surface, THEME.text, False, [(centre[0] - radius * 0.45, centre[1]),
                                                   (centre[0] - radius * 0.1, centre[1] + radius * 0.35),
                                                   (centre[0] + radius * 0.5, centre[1] - radius * 0.35)], 10)
    ts.draw(surface, text("saved_title", vm.lang), (w / 2, h * 0.55), 8, anchor="center", max_width=w * 0.9)
    ts.draw(surface, text("saved_title", other), (w / 2, h * 0.64), 4, THEME.muted, anchor="center")
    if vm.identity_shown:  # never the file name: it holds the full number, and this is a public screen
        ts.draw(surface, text("saved_number", vm.lang, number=vm.identity_shown), (w / 2, h * 0.74), 4, THEME.accent,
                anchor="center", max_width=w * 0.9)
    ts.draw(surface, text("saved_thanks", vm.lang), (w / 2, h * 0.86), 4.5, anchor="center", max_width=w * 0.9)
    return Targets({"done": surface.get_rect()})
