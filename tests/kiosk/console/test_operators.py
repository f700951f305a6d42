"""Operators with their own names and PINs at the console, buttons the lifecycle would refuse drawn disabled with
the reason, and the export's confirmation (where the file is, how many pictures)."""
from __future__ import annotations

import os

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

import pygame  # noqa: E402

from kiosk.console.console import (ExitConsole, MarkRecapture, OperatorConsole, SavePin,  # noqa: E402
                                   hash_pin, verify_pin)
from kiosk.texts import text  # noqa: E402
from kiosk.ui import operator as views  # noqa: E402
from kiosk.ui.common import Typesetter  # noqa: E402
from tests.kiosk.console.test_operator import FAST, NOW, FakeClock, enter, records  # noqa: E402


def team(clock: FakeClock | None = None, lang: str = "zh") -> OperatorConsole:
    return OperatorConsole(records, None, clock=clock or FakeClock(), today=NOW.date, pin_iterations=FAST, lang=lang,
                           operators=[("王老师", hash_pin("4826", FAST)), ("李老师", hash_pin("1357", FAST)),
                                      ("operator 1", None)])


def test_the_operator_is_chosen_then_their_own_pin_opens_the_console() -> None:
    c = team()
    state = c.state()
    assert state.page == "who" and state.operators == ("王老师", "李老师", "operator 1")
    assert c.handle("goto:queue") == [] and c.page == "who"  # nothing behind it without a PIN
    c.handle("operator:1")
    assert c.page == "pin" and c.state().operator == "李老师"
    enter(c, "4826")  # 王老师's PIN is not 李老师's
    assert c.page == "pin" and c.state().message == "op_pin_wrong"
    c.handle("who")  # "not me": back to the names
    assert c.page == "who" and c.state().operator == ""
    c.handle("operator:0")
    enter(c, "4826")
    assert c.page == "queue" and c.state().operator == "王老师"
    c.handle("open:2023001")
    assert c.handle("recapture:blurred") == [MarkRecapture("2023001", "blurred", "王老师")]
    assert c.handle("exit") == [ExitConsole()] and c.page == "who"
    assert c.handle("operator:9") == [] and c.page == "who"


def test_wrong_pins_count_across_names_and_each_factory_pin_must_be_changed() -> None:
    clock = FakeClock()
    c = team(clock)
    for who in (0, 1, 0, 1, 0):
        c.handle(f"operator:{who}")
        enter(c, "9999")
        if who != 0 or c.guard.wrong < 5:
            c.handle("who")
    assert c.state().locked_left_s == pytest.approx(60)  # switching names gives no extra tries
    clock.t += 61
    c.handle("who")
    c.handle("operator:2")  # the operator made from an old station's shared PIN file: factory PIN
    enter(c, "0000")
    assert c.page == "change_pin" and c.state().operator == "operator 1"
    enter(c, "2580")
    [save] = enter(c, "2580")
    assert save == SavePin(save.pin_hash, "operator 1") and verify_pin("2580", save.pin_hash)
    c.handle("exit")
    c.handle("operator:2")
    enter(c, "2580")
    assert c.page == "queue"  # the new PIN holds for the rest of the session


def test_one_operator_starts_at_the_pin_pad() -> None:
    c = OperatorConsole(records, hash_pin("4826", FAST), today=NOW.date, pin_iterations=FAST, clock=FakeClock())
    assert c.page == "pin" and c.state().operator == "operator 1" and "who" not in c.state().operators[1:]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_buttons_that_cannot_act_are_disabled_with_the_reason(lang: str) -> None:
    pygame.init()
    surface = pygame.Surface((1280, 800))
    ts = Typesetter(800)
    c = team(lang=lang)
    c.handle("operator:0")
    enter(c, "4826")
    c.handle("open:2023017")  # locked after an export: reopening is offered, locking is not
    targets = views.draw(surface, ts, c.state())
    assert {f"recapture:{r}" for r in c.state().reasons} <= set(targets.rects) and "lock" not in targets.rects
    assert c.handle("recapture:eyes_closed") == [MarkRecapture("2023017", "eyes_closed", "王老师")]
    c.handle("goto:queue")
    c.handle("open:12345678901234")  # nothing filed yet: nothing to reopen, nothing to lock
    drawn: list[str] = []
    inner = ts.draw
    ts.draw = lambda surface, line, *a, **k: (drawn.append(line), inner(surface, line, *a, **k))[1]
    targets = views.draw(surface, ts, c.state())
    assert not any(name.startswith("recapture:") for name in targets.rects) and "lock" not in targets.rects
    joined = " ".join(drawn)
    for code in ("recapture_needs_picture", "lock_needs_filed"):
        assert " ".join(views.wrap_lines(ts, text(f"store.{code}", lang), 2.6, 10_000))[:12] in joined
    assert c.handle("lock") == [] and c.handle("recapture:blurred") == []  # a key press ends with the reason too
    assert c.state().message == "store.recapture_needs_picture"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_export_confirmation_says_where_and_how_many(lang: str) -> None:
    pygame.init()
    surface = pygame.Surface((1280, 800))
    ts = Typesetter(800)
    c = team(lang=lang)
    c.handle("operator:0")
    enter(c, "4826")
    c.handle("goto:export")
    c.notify("op_export_done_where", n=6, path="/srv/store/exports/batch-20261123-153000.zip")
    drawn: list[str] = []
    inner = ts.draw
    ts.draw = lambda surface, line, *a, **k: (drawn.append(line), inner(surface, line, *a, **k))[1]
    views.draw(surface, ts, c.state())
    assert text("op_export_count", lang, n=6) in drawn
    assert text("op_export_path", lang, path="/srv/store/exports/batch-20261123-153000.zip") in drawn
