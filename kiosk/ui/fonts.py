"""Finding a font that draws Chinese: a system CJK font if there is one, else Noto Sans SC from a dependency."""
from __future__ import annotations

import importlib.util
import os
from functools import lru_cache
from pathlib import Path

import pygame
import pygame.freetype

#: text every kiosk font must draw (Chinese, Latin and digits)
PROBE_TEXT = "学信网毕业照采集请向左转确认重拍ABCxyz0123"
#: system fonts tried first, by pygame's normalised family name
SYSTEM_FAMILIES = ("notosanscjksc", "notosanssc", "notosanscjk", "sourcehansanssc", "wenquanyimicrohei",
                   "wenquanyizenhei", "microsoftyahei", "microsoftyaheiui", "simhei", "pingfangsc")
PACKAGE_FONT = ("pylopdf_fonts_zh_cn", "NotoSansSC-Regular.otf")


class FontError(RuntimeError):
    """No font that draws Chinese could be found."""


def draws_all(path: str | Path, text: str = PROBE_TEXT) -> bool:
    """Return True when the font file at `path` has a glyph for every character of `text`."""
    if not pygame.freetype.get_init():
        pygame.freetype.init()
    try:
        font = pygame.freetype.Font(str(path), 24)
    except (OSError, pygame.error):
        return False
    return all(m is not None for m in font.get_metrics(text))


def _package_font() -> Path | None:
    spec = importlib.util.find_spec(PACKAGE_FONT[0])
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / PACKAGE_FONT[1]
    return path if path.is_file() else None


@lru_cache(maxsize=1)
def cjk_font_path() -> Path:
    """Return the path of a font that draws Chinese and Latin text; raise FontError if there is none."""
    candidates: list[Path] = []
    env = os.environ.get("IDPHOTO_FONT")
    if env:
        candidates.append(Path(env))
    for family in SYSTEM_FAMILIES:
        found = pygame.font.match_font(family)
        if found:
            candidates.append(Path(found))
    packaged = _package_font()
    if packaged is not None:
        candidates.append(packaged)
    for path in candidates:
        if draws_all(path):
            return path
    raise FontError("no font that draws Chinese was found: reinstall the project (it brings Noto Sans SC) "
                    "or set IDPHOTO_FONT to a .ttf/.otf file with Chinese glyphs.")
