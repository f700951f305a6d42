"""The pygame window: draws the screen for the current state and turns keys, clicks and touches into actions."""
from __future__ import annotations

import os
from pathlib import Path

import pygame

from kiosk.station.flow import State
from kiosk.ui import error, guide, identify, idle, not_ready, operator, review, saved
from kiosk.ui.common import Targets, Typesetter
from kiosk.ui.staff_banner import draw_staff_banner
from kiosk.station.view_model import ViewModel

SCREENS = {
    State.IDLE: idle.draw,
    State.IDENTIFY: identify.draw,
    State.GUIDE: guide.draw,
    State.COUNTDOWN: guide.draw,
    State.REVIEW: review.draw,
    State.SAVED: saved.draw,
    State.ERROR: error.draw,
    State.NOT_READY: not_ready.draw,
}
KEY_ACTIONS = {
    pygame.K_RETURN: "ok", pygame.K_KP_ENTER: "ok", pygame.K_BACKSPACE: "delete", pygame.K_ESCAPE: "back",
    pygame.K_SPACE: "capture", pygame.K_F2: "lang", pygame.K_F5: "retake", pygame.K_F12: "operator",
}
#: the share of the screen's width and height that counts as the top-left corner (five taps open the console)
CORNER = 0.08


class Screen:
    """A window (or fullscreen kiosk display) of `size` px; `headless` uses SDL's dummy video driver."""

    def __init__(self, size: tuple[int, int], fullscreen: bool = False, headless: bool = False) -> None:
        if headless:
            os.environ["SDL_VIDEODRIVER"] = "dummy"
        pygame.display.init()
        pygame.display.set_caption("idphoto kiosk")
        flags = pygame.FULLSCREEN if fullscreen and not headless else 0
        self.surface = pygame.display.set_mode((0, 0) if flags else size, flags)
        if fullscreen:
            pygame.mouse.set_visible(False)  # touch still arrives as FINGER and mouse events
        self.typesetter = Typesetter(self.surface.get_height())
        self.clock = pygame.time.Clock()
        self.targets = Targets()
        self.state: State | None = None
        pygame.key.start_text_input()

    def draw(self, vm: ViewModel) -> None:
        """Draw the screen for `vm.state` and remember its touch targets."""
        self.state = vm.state
        self.targets = SCREENS[vm.state](self.surface, self.typesetter, vm)
        error.draw_camera_banner(self.surface, self.typesetter, vm)
        draw_staff_banner(self.surface, self.typesetter, vm)
        pygame.display.flip()

    def draw_operator(self, state) -> None:
        """Draw the operator console page for `state` (an OperatorState) and remember its touch targets."""
        self.state = None
        self.targets = operator.draw(self.surface, self.typesetter, state)
        pygame.display.flip()

    def _tap(self, pos: tuple[int, int], out: list[tuple[str, str | None]]) -> None:
        w, h = self.surface.get_size()
        if pos[0] < w * CORNER and pos[1] < h * CORNER:
            out.append(("corner", None))
        action = self.targets.hit(pos)
        if action:
            out.append((action, None))

    def poll_input(self) -> list[tuple[str, str | None]]:
        """Return the input since the last call as (action, typed text or None) pairs."""
        out: list[tuple[str, str | None]] = []
        w, h = self.surface.get_size()
        for event in pygame.event.get():
            if event.type == pygame.QUIT:
                out.append(("quit", None))
            elif event.type == pygame.KEYDOWN:
                if event.key == pygame.K_q and event.mod & pygame.KMOD_CTRL:
                    out.append(("quit", None))
                elif event.key == pygame.K_r and self.state is State.REVIEW:
                    out.append(("retake", None))
                elif event.key in KEY_ACTIONS:
                    out.append((KEY_ACTIONS[event.key], None))
            elif event.type == pygame.TEXTINPUT:
                text = "".join(ch for ch in event.text if ch.isalnum())
                if text:
                    out.append(("type", text))
            elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1 and not getattr(event, "touch", False):
                self._tap(event.pos, out)
            elif event.type == pygame.FINGERDOWN:
                self._tap((int(event.x * w), int(event.y * h)), out)
        return out

    def tick(self, fps: float) -> float:
        """Wait to keep `fps`; return the measured frames per second."""
        self.clock.tick(fps)
        return self.clock.get_fps()

    def save(self, path: str | Path) -> None:
        """Save the current screen as PNG."""
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        pygame.image.save(self.surface, str(path))

    def close(self) -> None:
        pygame.display.quit()
