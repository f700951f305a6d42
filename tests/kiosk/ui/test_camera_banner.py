"""The camera-lost banner does not cover the identify screen's title: the title moves below it (rendered headless)."""
from __future__ import annotations

import os

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

import pygame  # noqa: E402

from kiosk.station.flow import State  # noqa: E402
from kiosk.station.view_model import ViewModel  # noqa: E402
from kiosk.ui import error, identify  # noqa: E402
from kiosk.ui.common import THEME, Typesetter  # noqa: E402
from profiles import get_profile  # noqa: E402


def _ink_rows(surface: pygame.Surface, top: int, bottom: int) -> list[int]:
    """Return the rows in top..bottom holding anything but the background (the middle half of the width)."""
    w = surface.get_width()
    return [y for y in range(top, bottom)
            if any(tuple(surface.get_at((x, y)))[:3] != THEME.background for x in range(w // 4, 3 * w // 4, 2))]


@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080), (800, 1280)])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_identify_title_is_below_the_camera_banner(size, lang):
    pygame.init()
    surface = pygame.Surface(size)
    ts = Typesetter(size[1])
    vm = ViewModel(State.IDENTIFY, lang, get_profile("chsi-graduation"), preview=None, camera="lost")
    identify.draw(surface, ts, vm)
    error.draw_camera_banner(surface, ts, vm)
    bottom = int(size[1] * error.BANNER_SHARE)
    assert tuple(surface.get_at((2, bottom - 2)))[:3] == THEME.bad  # the banner is there
    assert _ink_rows(surface, bottom, bottom + 4) == []  # nothing cut at its edge: the title starts below it
    assert len(_ink_rows(surface, bottom, int(size[1] * 0.2))) > size[1] * 0.04  # and the title is drawn there
