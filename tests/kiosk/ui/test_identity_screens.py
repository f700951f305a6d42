"""The screens that show who is being photographed: the letter keypad, the masked number on review and saved (never a
full ID number on a public screen), the refusal in both languages, and the idle screen's privacy notice."""
from __future__ import annotations

import numpy as np
import pygame
import pytest

from kiosk.station.flow import State
from kiosk.station.view_model import PictureFacts, ViewModel
from kiosk.store.identity import IdentityError, mask_identity
from kiosk.texts import text
from kiosk.ui import identify, idle, review, saved
from kiosk.ui.common import Typesetter

ID_NUMBER = "11010519491231002X"
SIZES = ((1280, 800), (1920, 1080))


class Recording(Typesetter):
    """A Typesetter that keeps every string drawn."""

    def __init__(self, height: int) -> None:
        super().__init__(height)
        self.drawn: list[str] = []

    def draw(self, surface, text, *args, **kwargs):
        self.drawn.append(text)
        return super().draw(surface, text, *args, **kwargs)


def _draw(module, vm: ViewModel, size=(1280, 800)):
    pygame.init()
    surface = pygame.Surface(size)
    ts = Recording(size[1])
    targets = module.draw(surface, ts, vm)
    return targets, ts.drawn, surface


@pytest.mark.parametrize("size", SIZES)
def test_the_letter_keypad_has_every_letter_and_digit_inside_the_screen(all_profiles, size):
    vm = ViewModel(State.IDENTIFY, "zh", all_profiles["chsi-graduation"], identity="S2023", letter_keys=True)
    targets, _, surface = _draw(identify, vm, size)
    keys = {name[4:] for name in targets.rects if name.startswith("key:")}
    assert keys == set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") | {"delete"}
    screen = surface.get_rect()
    rects = list(targets.rects.values())
    assert all(screen.contains(r) for r in rects)
    assert not any(a.colliderect(b) for i, a in enumerate(rects) for b in rects[i + 1:])  # no key hides another
    assert targets.hit(targets.rects["key:Q"].center) == "key:Q"


def test_the_digit_keypad_stays_for_digit_only_numbers(all_profiles):
    vm = ViewModel(State.IDENTIFY, "zh", all_profiles["chsi-graduation"], identity="2023")
    targets, _, _ = _draw(identify, vm)
    keys = {name[4:] for name in targets.rects if name.startswith("key:")}
    assert keys == set("0123456789X") | {"delete"}


def test_a_refusal_at_the_identify_screen_reads_in_both_languages(all_profiles):
    vm = ViewModel(State.IDENTIFY, "zh", all_profiles["chsi-graduation"], identity="2023001", identity_error=True,
                   letter_keys=True, identity_reason=IdentityError("record_locked"))
    _, drawn, _ = _draw(identify, vm)
    assert text("identity.record_locked", "zh") in drawn and text("identity.record_locked", "en") in drawn


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_review_and_saved_show_the_masked_number_never_the_full_one(all_profiles, lang):
    profile = all_profiles["chsi-graduation"]
    shown = mask_identity(ID_NUMBER)
    rgb = np.full((profile.height_px, profile.width_px, 3), 200, np.uint8)
    vm = ViewModel(State.REVIEW, lang, profile, picture=rgb, facts=PictureFacts(480, 640, 30.0, 300),
                   identity_shown=shown, wrong_number=True)
    targets, drawn, _ = _draw(review, vm)
    assert text("review_number", lang, number="110105********002X") in drawn and "wrong_number" in targets.rects
    vm = ViewModel(State.SAVED, lang, profile, saved_name=f"{ID_NUMBER}.jpg", identity_shown=shown)
    _, saved_drawn, _ = _draw(saved, vm)
    assert text("saved_number", lang, number="110105********002X") in saved_drawn
    assert not [line for line in drawn + saved_drawn if ID_NUMBER in line or "19491231" in line]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_idle_screen_carries_the_privacy_notice_in_both_languages(all_profiles, lang):
    vm = ViewModel(State.IDLE, lang, all_profiles["chsi-graduation"])
    _, drawn, _ = _draw(idle, vm)
    assert text("idle_privacy", "zh") in drawn and text("idle_privacy", "en") in drawn
    assert "本机" in text("idle_privacy", "zh") and "this station" in text("idle_privacy", "en")
