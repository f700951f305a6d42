"""Idle / attract screen: the live preview dimmed, the title, a call to step in, and the privacy notice."""
from __future__ import annotations

import pygame

from kiosk.texts import text
from kiosk.ui.common import THEME, Targets, Typesetter, blit_fitted, draw_button
from kiosk.station.view_model import ViewModel


def draw(surface: pygame.Surface, ts: Typesetter, vm: ViewModel) -> Targets:
    w, h = surface.get_size()
    surface.fill(THEME.background)
    if vm.preview is not None:
        where = blit_fitted(surface, vm.preview, surface.get_rect())
        shade = pygame.Surface(where.size, pygame.SRCALPHA)
        shade.fill((0, 0, 0, 150))
        surface.blit(shade, where)
    other = "en" if vm.lang == "zh" else "zh"
    ts.draw(surface, text("title", vm.lang), (w / 2, h * 0.16), 9, anchor="center", max_width=w * 0.9)
    ts.draw(surface, text("title", other), (w / 2, h * 0.26), 4.5, THEME.muted, anchor="center")
    profile_name = vm.profile.name_zh if vm.lang == "zh" else vm.profile.name_en
    ts.draw(surface, profile_name, (w / 2, h * 0.34), 4, THEME.accent, anchor="center", max_width=w * 0.9)
    ts.draw(surface, text("idle_call", vm.lang), (w / 2, h * 0.58), 8, anchor="center", max_width=w * 0.9)
    ts.draw(surface, text("idle_call", other), (w / 2, h * 0.68), 4.5, THEME.muted, anchor="center")
    ts.draw(surface, text("idle_touch", vm.lang), (w / 2, h * 0.76), 3.5, THEME.muted, anchor="center")
    # the privacy notice, in both languages: what the photo is for and where it stays (on a dark band, readable
    # over any preview)
    band = pygame.Rect(int(w * 0.02), int(h * 0.865), int(w * 0.78), int(h * 0.105))
    shade = pygame.Surface(band.size, pygame.SRCALPHA)
    shade.fill((*THEME.background, 215))
    surface.blit(shade, band)
    ts.draw(surface, text(vm.privacy_key, vm.lang), (w * 0.41, h * 0.895), 2.6, THEME.text, anchor="center",
            max_width=w * 0.76)
    ts.draw(surface, text(vm.privacy_key, other), (w * 0.41, h * 0.94), 2.2, THEME.muted, anchor="center",
            max_width=w * 0.76)
    targets = Targets({"start": surface.get_rect()})
    lang_rect = pygame.Rect(int(w * 0.84), int(h * 0.88), int(w * 0.14), int(h * 0.08))
    targets.rects = {"lang": draw_button(surface, ts, lang_rect, text("lang_switch", vm.lang), THEME.button_alt, 3.2),
                     "start": surface.get_rect()}
    return targets
