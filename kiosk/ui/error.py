"""Error screen: what went wrong in one sentence, and that the kiosk is recovering by itself."""
from __future__ import annotations

import pygame

from kiosk.texts import both, text
from kiosk.ui.common import THEME, Targets, Typesetter
from kiosk.station.view_model import ViewModel


def error_lines(vm: ViewModel) -> tuple[str, str] | None:
    """Return (what went wrong in the screen's language, the same in the other language), or None when the app
    gave no reason; `vm.error` is a kiosk.texts key and `vm.error_fields` the facts it names."""
    if not vm.error:
        return None
    return both(vm.error, vm.lang, **vm.error_fields)


def draw(surface: pygame.Surface, ts: Typesetter, vm: ViewModel) -> Targets:
    w, h = surface.get_size()
    surface.fill(THEME.background)
    pygame.draw.circle(surface, THEME.bad, (int(w / 2), int(h * 0.28)), int(h * 0.11))
    ts.draw(surface, "!", (w / 2, h * 0.28), 14, THEME.text, anchor="center")
    ts.draw(surface, text("error_title", vm.lang), (w / 2, h * 0.5), 7, anchor="center", max_width=w * 0.9)
    lines = error_lines(vm)
    if lines is not None:
        ts.draw(surface, lines[0], (w / 2, h * 0.6), 3.4, THEME.muted, anchor="center", max_width=w * 0.92)
        ts.draw(surface, lines[1], (w / 2, h * 0.68), 2.6, THEME.muted, anchor="center", max_width=w * 0.92)
    ts.draw(surface, text("error_wait", vm.lang), (w / 2, h * 0.78), 4.5, anchor="center", max_width=w * 0.9)
    return Targets({"dismiss": surface.get_rect()})


BANNER_SHARE = 0.065  # the camera banner's height, a share of the screen height


def banner_shown(vm: ViewModel) -> bool:
    """Return True when the camera banner is drawn over this screen (the camera is not delivering frames)."""
    return vm.camera != "ok"


def draw_camera_banner(surface: pygame.Surface, ts: Typesetter, vm: ViewModel) -> None:
    """Draw a banner across the top (BANNER_SHARE of the height) when the camera is not delivering frames; screens
with a title at the top move it below the banner (`banner_shown`)."""
    if not banner_shown(vm):
        return
    w, h = surface.get_size()
    bar = pygame.Rect(0, 0, w, int(h * BANNER_SHARE))
    pygame.draw.rect(surface, THEME.bad if vm.camera in ("lost", "reconnecting") else THEME.button_alt, bar)
    key = "camera_starting" if vm.camera == "starting" else "camera_lost"
    ts.draw(surface, f"{text(key, vm.lang)}  {text(key, 'en' if vm.lang == 'zh' else 'zh')}", bar.center, 3.2,
            anchor="center", max_width=w * 0.95)
