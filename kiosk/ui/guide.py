"""Guide screen (and countdown): mirrored live preview in the picture's shape, where-to-be outline, the gate
checklist turning green, and one hint in large text."""
from __future__ import annotations

import numpy as np
import pygame

from kiosk.texts import hint_text
from kiosk.texts import gate_label, text
from kiosk.ui.common import THEME, Targets, Typesetter, blit_fitted, draw_button
from kiosk.station.capture_choice import gates_steady
from kiosk.station.view_model import ViewModel, portrait_window
from profiles.model import Profile


def target_outline(profile: Profile) -> tuple[float, float, float, float]:
    """Return the head outline (hair top, eye line, chin, face width) as shares of the picture's height/width,
    placed at the middle of the profile's bands (typical proportions fill in rules a profile does not give)."""
    comp, H, W = profile.composition, profile.height_px, profile.width_px
    hair = comp.hair_top.mid if comp.hair_top else None
    eye = comp.eye_line.mid if comp.eye_line else None
    head = comp.head_height.mid if comp.head_height else None
    fw = comp.face_width.mid if comp.face_width else None
    if hair is None:
        hair = eye - 0.9 * (fw or (head or 0.55 * H) / 1.7)
    if fw is None:
        fw = (head / 1.7) if head else (eye - hair) / 0.9 if eye else 0.45 * W
    if eye is None:
        eye = hair + 0.9 * fw
    chin = hair + head if head else eye + 0.8 * fw
    return hair / H, eye / H, chin / H, fw / W


def _draw_outline(surface: pygame.Surface, rect: pygame.Rect, profile: Profile, colour) -> None:
    hair, eye, chin, fw = target_outline(profile)
    cx = rect.centerx
    top, bottom = rect.top + hair * rect.height, rect.top + chin * rect.height
    width = fw * rect.width * 1.12
    head = pygame.Rect(int(cx - width / 2), int(top), int(width), int(bottom - top))
    pygame.draw.ellipse(surface, colour, head, 4)
    neck_y = bottom + 0.04 * rect.height
    shoulder_y = bottom + 0.16 * rect.height
    for side in (-1, 1):
        points = [(cx + side * width * 0.32, bottom - 0.02 * rect.height), (cx + side * width * 0.34, neck_y),
                  (cx + side * width * 0.9, shoulder_y), (cx + side * width * 1.35, shoulder_y + 0.05 * rect.height),
                  (cx + side * min(width * 1.7, rect.width / 2 - 4), rect.bottom - 4)]
        pygame.draw.lines(surface, colour, False, [(int(x), int(y)) for x, y in points], 4)
    ey = rect.top + eye * rect.height
    pygame.draw.line(surface, colour, (int(cx - width * 0.45), int(ey)), (int(cx - width * 0.3), int(ey)), 3)
    pygame.draw.line(surface, colour, (int(cx + width * 0.3), int(ey)), (int(cx + width * 0.45), int(ey)), 3)


def draw(surface: pygame.Surface, ts: Typesetter, vm: ViewModel) -> Targets:
    w, h = surface.get_size()
    surface.fill(THEME.background)
    preview_box = pygame.Rect(int(w * 0.02), int(h * 0.03), int(w * 0.58), int(h * 0.76))
    ready = gates_steady(vm.guidance)
    colour = THEME.good if ready else THEME.outline
    if vm.preview is not None:
        fh, fw_ = vm.preview.shape[:2]
        left, top, ww, wh = portrait_window((fw_, fh), vm.profile.aspect)
        where = blit_fitted(surface, np.ascontiguousarray(vm.preview[top:top + wh, left:left + ww]), preview_box)
        surface.set_clip(where)
        _draw_outline(surface, where, vm.profile, colour)
        surface.set_clip(None)
        pygame.draw.rect(surface, colour, where, 3)
    else:
        pygame.draw.rect(surface, THEME.panel, preview_box)
        waiting = "camera_starting" if vm.camera in ("ok", "starting") else "camera_lost"
        ts.draw(surface, text(waiting, vm.lang), preview_box.center, 4, THEME.muted, anchor="center",
                max_width=preview_box.width * 0.9)
    # checklist
    panel = pygame.Rect(int(w * 0.62), int(h * 0.03), int(w * 0.36), int(h * 0.76))
    pygame.draw.rect(surface, THEME.panel, panel, border_radius=14)
    checklist = vm.guidance.checklist if vm.guidance else {}
    names = list(checklist) or []
    rows = max(len(names), 1)
    row_h = (panel.height - 20) / rows
    size = min(3.4, row_h / ts.unit * 0.62)
    for i, name in enumerate(names):
        y = panel.top + 10 + (i + 0.5) * row_h
        ok = checklist[name]
        is_hint = vm.guidance is not None and vm.guidance.hint_gate == name
        advisory = vm.guidance is not None and name in vm.guidance.advisory
        dot = THEME.good if ok else THEME.advise if advisory else (THEME.bad if is_hint else THEME.waiting)
        pygame.draw.circle(surface, dot, (int(panel.left + 24), int(y)), int(min(row_h * 0.3, 14)))
        ts.draw(surface, ("✓ " if ok else "") + gate_label(name, vm.lang), (panel.left + 48, y), size,
                THEME.text if (ok or is_hint) else THEME.muted, anchor="midleft", max_width=panel.width - 60)
    # hint bar
    bar = pygame.Rect(0, int(h * 0.81), w, int(h * 0.19))
    pygame.draw.rect(surface, THEME.panel, bar)
    key = vm.guidance.hint if vm.guidance else "no_face"
    if vm.making:
        primary, secondary = text("making", vm.lang), text("making", "en" if vm.lang == "zh" else "zh")
    else:
        primary, secondary = hint_text(key, vm.lang), hint_text(key, "en" if vm.lang == "zh" else "zh")
    advisory_hint = vm.guidance is not None and vm.guidance.hint_gate in vm.guidance.advisory
    colour = THEME.good if key == "ok" else THEME.advise if advisory_hint else THEME.text
    ts.draw(surface, primary, (w * 0.44, bar.top + bar.height * 0.38), 7, colour, anchor="center", max_width=w * 0.78)
    ts.draw(surface, secondary, (w * 0.44, bar.top + bar.height * 0.78), 3.6, THEME.muted, anchor="center",
            max_width=w * 0.8)
    targets = Targets()
    lang_rect = pygame.Rect(int(w * 0.88), int(bar.top + bar.height * 0.2), int(w * 0.1), int(bar.height * 0.6))
    targets.rects["lang"] = draw_button(surface, ts, lang_rect, text("lang_switch", vm.lang), THEME.button_alt, 3)
    if vm.countdown_left_s is not None:
        n = max(1, int(np.ceil(vm.countdown_left_s)))
        ts.draw(surface, str(n), preview_box.center, 30, THEME.good, anchor="center")
        ts.draw(surface, text("hold_still", vm.lang), (preview_box.centerx, preview_box.bottom - h * 0.06), 5,
                THEME.good, anchor="center")
    return targets
