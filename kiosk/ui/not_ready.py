"""Not-ready screen (暂停服务): the station cannot take pictures now; the student is asked to fetch staff."""
from __future__ import annotations

import pygame

from kiosk.station.view_model import ViewModel
from kiosk.texts import both
from kiosk.ui.common import THEME, Targets, Typesetter


def draw(surface: pygame.Surface, ts: Typesetter, vm: ViewModel) -> Targets:
    w, h = surface.get_size()
    surface.fill(THEME.background)
    centre, radius = (int(w / 2), int(h * 0.27)), int(h * 0.11)
    pygame.draw.circle(surface, THEME.button_alt, centre, radius)
    bar_w, bar_h = int(radius * 0.22), int(radius * 0.9)  # a pause sign: two bars
    for dx in (-radius * 0.22, radius * 0.22):
        bar = pygame.Rect(0, 0, bar_w, bar_h)
        bar.center = (int(centre[0] + dx), centre[1])
        pygame.draw.rect(surface, THEME.text, bar, border_radius=max(1, bar_w // 4))
    title, title_other = both("station.not_ready_title", vm.lang)
    body, body_other = both("station.not_ready_body", vm.lang)
    ts.draw(surface, title, (w / 2, h * 0.5), 8, anchor="center", max_width=w * 0.9)
    ts.draw(surface, title_other, (w / 2, h * 0.59), 4, THEME.muted, anchor="center", max_width=w * 0.9)
    ts.draw(surface, body, (w / 2, h * 0.72), 4.5, anchor="center", max_width=w * 0.92)
    ts.draw(surface, body_other, (w / 2, h * 0.8), 3.2, THEME.muted, anchor="center", max_width=w * 0.92)
    return Targets({})
