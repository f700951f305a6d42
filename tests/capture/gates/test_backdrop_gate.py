"""The background gate's per-colour tolerance and its hints, and the colour gate, on stand-in measurements."""
from __future__ import annotations

import dataclasses
import math
from types import SimpleNamespace

import numpy as np
import pytest

from capture.gates import SPECS_BY_NAME, rules
from capture.measures.colour import srgb_to_lab
from profiles.model import Background

BACKGROUND = SPECS_BY_NAME["background"]
COLOUR = SPECS_BY_NAME["colour"]


def _lab(rgb) -> tuple[float, float, float]:
    return tuple(float(v) for v in srgb_to_lab(np.asarray([rgb], np.float64))[0])


def _frame(lab, gradient: float = 1.0, chroma: float = 20.0) -> SimpleNamespace:
    return SimpleNamespace(background=SimpleNamespace(coverage=1.0, mean_lab=tuple(lab), gradient_mean=gradient),
                           chroma=SimpleNamespace(face_chroma=chroma, pixels=100))


def _judge(profile, rgb=None, lab=None, **kw):
    return BACKGROUND.judge(_frame(lab if lab is not None else _lab(rgb), **kw), profile, None)


@pytest.mark.parametrize("grey", [150, 170, 190])
def test_a_mid_grey_backdrop_fails_the_white_only_id_card(all_profiles, grey):
    result = _judge(all_profiles["id-card"], (grey, grey, grey))
    assert not result.ok and result.hint == "background_white_too_dark" and result.threshold == 8.0


def test_the_flat_grey_187_191_190_is_neither_white_nor_the_2017_light_grey(all_profiles):
    result = _judge(all_profiles["chsi-graduation"], (187, 191, 190))
    assert not result.ok and result.hint == "background_light_grey_too_dark"
    assert result.threshold == 8.0 and 11.5 < result.value < 12.0  # under the old single limit of 12 it passed


@pytest.mark.parametrize("rgb", [(255, 255, 255), (240, 240, 240), (100, 197, 255), (235, 236, 236)])
def test_the_allowed_colours_pass_chsi_graduation(all_profiles, rgb):
    assert _judge(all_profiles["chsi-graduation"], rgb).ok


def test_a_busy_backdrop_of_the_right_colour_fails_as_not_plain(all_profiles):
    result = _judge(all_profiles["chsi-graduation"], (255, 255, 255), gradient=500.0)
    assert not result.ok and result.hint == "background_not_plain"


def test_a_colours_own_tolerance_wins_and_the_profile_threshold_is_the_fallback(all_profiles):
    chsi = all_profiles["chsi-graduation"]
    grey = (187, 191, 190)
    loose = dataclasses.replace(chsi, backgrounds=(Background("light-grey", (240, 240, 240), 12.0),))
    assert _judge(loose, grey).ok
    # no tolerance of its own: the profile's background_delta_e_max (default 12), here set to 10 in [gates]
    fallback = dataclasses.replace(chsi, backgrounds=(Background("light-grey", (240, 240, 240)),))
    assert _judge(fallback, grey).ok and _judge(fallback, grey).threshold == 12.0
    stricter = dataclasses.replace(fallback, gates={**chsi.gates, "background_delta_e_max": 10.0})
    assert not _judge(stricter, grey).ok and _judge(stricter, grey).threshold == 10.0


def _shifted(lab, word: str) -> tuple[float, float, float]:
    """Return `lab` moved the way `word` says (a stand-in for a backdrop off in that one way)."""
    light, a, b = lab
    chroma, hue = math.hypot(a, b), math.atan2(b, a)
    if word == "too_dark":
        return light - 25, a, b
    if word == "too_light":
        return light + 25, a, b
    if word == "too_colourful":
        return (light, 30.0, 0.0) if chroma < 1 else (light, a * 1.8, b * 1.8)
    if word == "too_dull":
        return light, a * 0.2, b * 0.2
    return light, chroma * math.cos(hue + 1.2), chroma * math.sin(hue + 1.2)


#: a stand-in colour for each named backdrop colour, and one the hints do not name
_COLOURS = {"white": (255, 255, 255), "light-grey": (240, 240, 240), "light-blue": (100, 197, 255),
            "blue": (67, 142, 219), "red": (200, 20, 30), "sand": (200, 180, 120)}


def test_every_declared_backdrop_hint_names_the_colour_and_how_it_is_off(all_profiles):
    given = set()
    for name, rgb in _COLOURS.items():
        profile = dataclasses.replace(all_profiles["chsi-graduation"], backgrounds=(Background(name, rgb, 5.0),))
        assert _judge(profile, rgb).ok
        words = rules._NEUTRAL_OFFSETS if name in rules.NEUTRAL_BACKDROPS else rules.BACKDROP_OFFSETS
        for word in words:
            result = _judge(profile, lab=_shifted(_lab(rgb), word))
            assert not result.ok and result.hint == rules.backdrop_hint(name, word), (name, word)
            given.add(result.hint)
    assert given | {"background_not_plain"} == set(BACKGROUND.hints)


def test_greyscale_fails_the_colour_gate_of_a_colour_profile_and_passes_one_that_allows_it(all_profiles):
    chsi = all_profiles["chsi-graduation"]
    grey = COLOUR.judge(_frame(_lab((255, 255, 255)), chroma=0.05), chsi, None)
    assert not grey.ok and grey.hint == "colour" and grey.threshold == 3.0
    assert COLOUR.judge(_frame(_lab((255, 255, 255)), chroma=12.0), chsi, None).ok
    assert COLOUR.judge(_frame(_lab((255, 255, 255)), chroma=0.05), dataclasses.replace(chsi, colour=False), None).ok


def test_every_shipped_profile_wants_colour_and_sets_each_colours_tolerance(all_profiles):
    for profile in all_profiles.values():
        assert profile.colour is True, profile.id
        assert all(b.delta_e_max is not None for b in profile.backgrounds), profile.id
