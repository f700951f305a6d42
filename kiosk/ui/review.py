"""Review screen: the picture as it will be filed, the profile's bands beside it, the number it is filed under (ID
numbers masked), its file facts, confirm / retake / wrong number."""
from __future__ import annotations

import pygame

from kiosk.texts import text
from kiosk.ui.common import THEME, Targets, Typesetter, blit_fitted, draw_button
from kiosk.station.view_model import ViewModel

BAND_COLOURS = {"hair": (235, 87, 87), "eyes": (46, 204, 113), "face": (242, 170, 40)}


def _bands(surface: pygame.Surface, ts: Typesetter, vm: ViewModel, where: pygame.Rect) -> None:
    comp = vm.profile.composition
    k = where.height / vm.profile.height_px
    x = where.right + 14
    for key, band, measured in (("hair", comp.hair_top, vm.layout.hair_top if vm.layout else None),
                                ("eyes", comp.eye_line, vm.layout.eye_line if vm.layout else None)):
        if band is None:
            continue
        top, bottom = where.top + band.lo * k, where.top + band.hi * k
        pygame.draw.rect(surface, BAND_COLOURS[key], (x, int(top), 16, max(2, int(bottom - top))))
        ts.draw(surface, text(f"bands_{key}", vm.lang), (x + 24, (top + bottom) / 2), 2.8, BAND_COLOURS[key],
                anchor="midleft")
        if measured is not None:
            y = int(where.top + measured * k)
            pygame.draw.line(surface, BAND_COLOURS[key], (where.left, y), (x + 16, y), 2)
    if comp.face_width is not None:
        kx = where.width / vm.profile.width_px
        y = where.bottom + 14
        lo, hi = comp.face_width.lo * kx, comp.face_width.hi * kx
        pygame.draw.rect(surface, BAND_COLOURS["face"], (int(where.centerx - hi / 2), y, int(hi), 6))
        pygame.draw.rect(surface, BAND_COLOURS["face"], (int(where.centerx - lo / 2), y - 4, int(lo), 14))
        if vm.layout is not None:
            half = vm.layout.face_width * kx / 2
            cx = where.left + vm.layout.face_centre_x * kx
            pygame.draw.line(surface, THEME.text, (int(cx - half), y + 20), (int(cx + half), y + 20), 3)
        ts.draw(surface, text("bands_face", vm.lang), (where.centerx, y + 28), 2.8, BAND_COLOURS["face"], anchor="midtop")


def draw(surface: pygame.Surface, ts: Typesetter, vm: ViewModel) -> Targets:
    w, h = surface.get_size()
    surface.fill(THEME.background)
    other = "en" if vm.lang == "zh" else "zh"
    ts.draw(surface, text("review_title", vm.lang), (w * 0.72, h * 0.12), 6.5, anchor="center", max_width=w * 0.5)
    ts.draw(surface, text("review_title", other), (w * 0.72, h * 0.2), 3.4, THEME.muted, anchor="center")
    box = pygame.Rect(int(w * 0.05), int(h * 0.05), int(w * 0.34), int(h * 0.78))
    if vm.picture is not None:
        where = blit_fitted(surface, vm.picture, box)
        pygame.draw.rect(surface, THEME.text, where, 1)
        _bands(surface, ts, vm, where)
    if vm.identity_shown:  # the number being filed, so a typo is caught (an ID number masked)
        ts.draw(surface, text("review_number", vm.lang, number=vm.identity_shown), (w * 0.72, h * 0.28), 4.4,
                anchor="center", max_width=w * 0.5)
    if vm.facts is not None:
        f = vm.facts
        ts.draw(surface, text("facts", vm.lang, w=f.width_px, h=f.height_px, kb=f.kb, dpi=f.dpi), (w * 0.72, h * 0.35),
                3.4, THEME.accent, anchor="center", max_width=w * 0.5)
    profile_name = vm.profile.name_zh if vm.lang == "zh" else vm.profile.name_en
    ts.draw(surface, profile_name, (w * 0.72, h * 0.405), 3.0, THEME.muted, anchor="center", max_width=w * 0.5)
    if vm.facts is not None and vm.facts.backdrop_replaced:  # an edited photo says so
        ts.draw(surface, f"{text('backdrop_replaced', vm.lang)} · {text('backdrop_replaced', other)}",
                (w * 0.72, h * 0.455), 3.0, THEME.muted, anchor="center", max_width=w * 0.5)
    targets = Targets()
    confirm = pygame.Rect(int(w * 0.52), int(h * 0.5), int(w * 0.4), int(h * 0.14))
    retake = pygame.Rect(int(w * 0.52), int(h * 0.67), int(w * 0.4), int(h * 0.11))
    targets.rects["confirm"] = draw_button(surface, ts, confirm, f"{text('confirm', vm.lang)} · {text('confirm', other)}",
                                           THEME.good, 5)
    targets.rects["retake"] = draw_button(surface, ts, retake, f"{text('retake', vm.lang)} · {text('retake', other)}",
                                          THEME.button_alt, 4.2)
    if vm.wrong_number:
        wrong = pygame.Rect(int(w * 0.52), int(h * 0.81), int(w * 0.4), int(h * 0.09))
        label = f"{text('review_wrong_number', vm.lang)} · {text('review_wrong_number', other)}"
        targets.rects["wrong_number"] = draw_button(surface, ts, wrong, label, THEME.panel, 3.4)
        pygame.draw.rect(surface, THEME.muted, wrong, 2, border_radius=int(wrong.height * 0.25))
    return targets
