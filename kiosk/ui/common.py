"""Shared drawing: theme colours, text with the CJK font, buttons, frames as surfaces, layout by screen size."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pygame
import pygame.freetype

from kiosk.ui.fonts import cjk_font_path

Colour = tuple[int, int, int]


@dataclass(frozen=True)
class Theme:
    background: Colour = (18, 24, 33)
    panel: Colour = (30, 39, 52)
    text: Colour = (240, 244, 248)
    muted: Colour = (150, 162, 178)
    accent: Colour = (64, 156, 255)
    good: Colour = (46, 204, 113)
    bad: Colour = (235, 87, 87)
    waiting: Colour = (120, 130, 145)
    advise: Colour = (242, 170, 40)
    button: Colour = (52, 120, 246)
    button_alt: Colour = (70, 80, 96)
    outline: Colour = (255, 255, 255)


THEME = Theme()


class Typesetter:
    """Renders text with one CJK-capable font at sizes relative to the screen height."""

    def __init__(self, screen_height: int) -> None:
        if not pygame.freetype.get_init():
            pygame.freetype.init()
        self.unit = screen_height / 100.0  # 1 unit = 1% of the screen height
        self._path = str(cjk_font_path())
        self._fonts: dict[int, pygame.freetype.Font] = {}

    def font(self, size_units: float) -> pygame.freetype.Font:
        px = max(8, int(size_units * self.unit))
        if px not in self._fonts:
            font = pygame.freetype.Font(self._path, px)
            font.antialiased = True
            self._fonts[px] = font
        return self._fonts[px]

    def draw(self, surface: pygame.Surface, text: str, pos: tuple[float, float], size: float,
             colour: Colour = THEME.text, anchor: str = "topleft", max_width: float | None = None) -> pygame.Rect:
        """Draw `text` at `pos` (anchored like a Rect attribute); shrink to fit `max_width` px. Return its rect."""
        font = self.font(size)
        rect = font.get_rect(text)
        while max_width is not None and rect.width > max_width and size > 1.5:
            size *= 0.92
            font = self.font(size)
            rect = font.get_rect(text)
        image, rect = font.render(text, colour)
        setattr(rect, anchor, (int(pos[0]), int(pos[1])))
        surface.blit(image, rect)
        return rect


@dataclass
class Targets:
    """Touch/click targets drawn on a screen: action name → rectangle."""

    rects: dict[str, pygame.Rect] = field(default_factory=dict)

    def hit(self, pos: tuple[int, int]) -> str | None:
        """Return the action whose rectangle contains `pos`, or None."""
        for action, rect in self.rects.items():
            if rect.collidepoint(pos):
                return action
        return None


def draw_button(surface: pygame.Surface, ts: Typesetter, rect: pygame.Rect, label: str,
                colour: Colour = THEME.button, size: float = 4.5) -> pygame.Rect:
    """Draw a rounded button with a centred label; return its rect."""
    pygame.draw.rect(surface, colour, rect, border_radius=int(rect.height * 0.25))
    ts.draw(surface, label, rect.center, size, THEME.text, anchor="center", max_width=rect.width * 0.9)
    return rect


def surface_from_rgb(rgb: np.ndarray) -> pygame.Surface:
    """Return a pygame Surface holding a copy of an H×W×3 uint8 RGB image."""
    h, w = rgb.shape[:2]
    return pygame.image.frombuffer(np.ascontiguousarray(rgb).tobytes(), (w, h), "RGB")


def fit_rect(src_wh: tuple[int, int], box: pygame.Rect) -> pygame.Rect:
    """Return the largest rect with the aspect of `src_wh` centred inside `box`."""
    sw, sh = src_wh
    scale = min(box.width / sw, box.height / sh)
    w, h = int(sw * scale), int(sh * scale)
    return pygame.Rect(box.centerx - w // 2, box.centery - h // 2, w, h)


def blit_fitted(surface: pygame.Surface, rgb: np.ndarray, box: pygame.Rect) -> pygame.Rect:
    """Scale `rgb` to fit `box` (keeping its aspect), draw it, and return where it landed."""
    image = surface_from_rgb(rgb)
    target = fit_rect(image.get_size(), box)
    surface.blit(pygame.transform.smoothscale(image, target.size), target)
    return target

