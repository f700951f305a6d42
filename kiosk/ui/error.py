"""Error screen: what went wrong in one sentence, and that the kiosk is recovering by itself."""
from __future__ import annotations

import pygame

from kiosk.texts import text
from kiosk.ui.common import THEME, Targets, Typesetter
from kiosk.station.view_model import ViewModel


def draw(surface: pygame.Surface, ts: Typesetter, vm: ViewModel) -> Targets:
    w, h = surface.get_size()
    surface.fill(THEME.background)
    pygame.draw.circle(surface, THEME.bad, (int(w / 2), int(h * 0.28)), int(h * 0.11))
    ts.draw(surface, "!", (w / 2, h * 0.28), 14, THEME.text, anchor="center")
    ts.draw(surface, text("error_title", vm.lang), (w / 2, h * 0.5), 7, anchor="center", max_width=w * 0.9)
    if vm.error:
        ts.draw(surface, vm.error, (w / 2, h * 0.62), 3.4, THEME.muted, anchor="center", max_width=w * 0.92)
    ts.draw(surface, text("error_wait", vm.lang), (w / 2, h * 0.78), 4.5, anchor="center", max_width=w * 0.9)
    return Targets({"dismiss": surface.get_rect()})


def draw_camera_banner(surface: pygame.Surface, ts: Typesetter, vm: ViewModel) -> None:
    """Draw a banner across the top when the camera is not delivering frames."""
    if vm.camera == "ok":
        return
    w, h = surface.get_size()
    bar = pygame.Rect(0, 0, w, int(h * 0.09))
    pygame.draw.rect(surface, THEME.bad if vm.camera in ("lost", "reconnecting") else THEME.button_alt, bar)
    key = "camera_starting" if vm.camera == "starting" else "camera_lost"
    ts.draw(surface, f"{text(key, vm.lang)}  {text(key, 'en' if vm.lang == 'zh' else 'zh')}", bar.center, 3.6,
            anchor="center", max_width=w * 0.95)
