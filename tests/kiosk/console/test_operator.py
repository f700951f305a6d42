"""Operator console: PINs, lock-out, navigation, action objects, and the screens rendered headless."""
from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import os

import numpy as np
import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

import pygame  # noqa: E402

from kiosk.console.console import (DEFAULT_PIN, ROWS_PER_PAGE, ChooseBackdrop, ChooseCamera, ChooseProfile, Choice, ExitConsole,  # noqa: E402
                            Export, LockRecord, MarkRecapture, OperatorConsole, PinGuard, SavePin, as_row,
                            attempt_row, hash_pin, is_default_pin, pin_problem, status_key,
                            today_counts, verify_pin)
from kiosk.ui import operator as views  # noqa: E402
from kiosk.ui.common import Typesetter  # noqa: E402

FAST = 1000  # PBKDF2 iterations in tests
NOW = dt.datetime(2026, 11, 23, 15, 30)


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def records() -> list[dict]:
    return views.sample_records(NOW)[:9]  # the hand-made ones (the rest fill pages for the screenshots)


def console(pin: str | None = "4826", clock: FakeClock | None = None, provider=records, **kw) -> OperatorConsole:
    stored = hash_pin(pin, FAST) if pin else None
    return OperatorConsole(provider, stored, profiles=[Choice("chsi-graduation", "学信网", "CHSI"), "id-card"],
                           cameras=["0", "1"], profile_id="chsi-graduation", camera_spec="0",
                           clock=clock or FakeClock(), today=NOW.date, pin_iterations=FAST, **kw)


def enter(c: OperatorConsole, pin: str) -> list:
    for d in pin:
        c.handle(f"key:{d}")
    return c.handle("ok")


# --- PINs -------------------------------------------------------------------------------------------------------

def test_hash_and_verify() -> None:
    stored = hash_pin("4826", FAST)
    scheme, iterations, salt, digest = stored.split("$")
    assert scheme == "pbkdf2" and int(iterations) == FAST and len(bytes.fromhex(salt)) == 16 and len(digest) == 64
    assert verify_pin("4826", stored)
    assert not verify_pin("4827", stored)
    assert not verify_pin("", stored)
    assert hash_pin("4826", FAST) != stored  # a fresh salt each time
    assert "4826" not in stored


def test_default_iterations_are_strong() -> None:
    assert int(hash_pin("1234").split("$")[1]) >= 100_000


@pytest.mark.parametrize("bad", ["", "nonsense", "pbkdf2$x$00$00", "pbkdf2$1000$zz$00", "md5$1000$00$00",
                                 "pbkdf2$1000$00$", "pbkdf2$0$00$00", None])
def test_malformed_hashes_never_match(bad) -> None:
    assert not verify_pin("4826", bad)


def test_default_pin_flag_and_new_pin_rules() -> None:
    assert is_default_pin(None)
    assert is_default_pin(hash_pin(DEFAULT_PIN, FAST))
    assert not is_default_pin(hash_pin("4826", FAST))
    assert pin_problem("4826") is None
    assert pin_problem("123") == "op_pin_rule"
    assert pin_problem("123456789") == "op_pin_rule"
    assert pin_problem("12a4") == "op_pin_rule"
    assert pin_problem("１２３４") == "op_pin_rule"
    assert pin_problem("0000") == "op_pin_weak"
    assert pin_problem("7777") == "op_pin_weak"


def test_lockout_after_five_wrong_pins_for_sixty_seconds() -> None:
    clock = FakeClock()
    guard = PinGuard(hash_pin("4826", FAST), clock)
    for _ in range(4):
        assert guard.attempt("1111") == "wrong"
    assert guard.attempt("1111") == "locked"
    assert guard.locked_for() == pytest.approx(60.0)
    assert guard.attempt("4826") == "locked"  # even the right PIN is refused while locked
    clock.t += 59.9
    assert guard.attempt("4826") == "locked"
    clock.t += 0.2
    assert guard.locked_for() == 0.0
    assert guard.attempt("4826") == "ok"


def test_right_pin_resets_the_wrong_count() -> None:
    guard = PinGuard(hash_pin("4826", FAST), FakeClock())
    for _ in range(4):
        guard.attempt("1111")
    assert guard.attempt("4826") == "ok"
    for _ in range(4):
        assert guard.attempt("1111") == "wrong"


def test_lock_out_restarts_counting_after_it_ends() -> None:
    clock = FakeClock()
    guard = PinGuard(hash_pin("4826", FAST), clock)
    for _ in range(5):
        guard.attempt("1111")
    clock.t += 61
    for _ in range(4):
        assert guard.attempt("1111") == "wrong"
    assert guard.attempt("1111") == "locked"


# --- console ----------------------------------------------------------------------------------------------------

def test_default_pin_forces_a_change_before_anything_else() -> None:
    c = console(pin=None)
    assert c.state().must_change
    assert enter(c, "0000") == []
    assert c.page == "change_pin" and c.state().message == "op_pin_must_change"
    c.handle("goto:queue")  # no way around it
    assert c.page == "change_pin"
    assert enter(c, "0000") == [] and c.state().message == "op_pin_weak"
    enter(c, "5190")
    assert c.state().prompt == "op_pin_repeat"
    assert enter(c, "5191") == [] and c.state().message == "op_pin_mismatch"
    assert c.state().prompt == "op_pin_new"
    enter(c, "5190")
    actions = enter(c, "5190")
    assert len(actions) == 1 and isinstance(actions[0], SavePin)
    assert verify_pin("5190", actions[0].pin_hash)
    assert c.page == "queue" and not c.state().must_change
    # Back out and in again with the new PIN: no change asked any more.
    assert c.handle("exit") == [ExitConsole()]
    enter(c, "5190")
    assert c.page == "queue"


def test_leaving_the_forced_change_locks_the_console() -> None:
    c = console(pin=None)
    enter(c, "0000")
    assert c.handle("back") == [ExitConsole()]
    assert c.page == "pin"


def test_wrong_pins_lock_the_console_pin_pad() -> None:
    clock = FakeClock()
    c = console(clock=clock)
    for _ in range(4):
        enter(c, "1111")
        assert c.state().message == "op_pin_wrong"
    enter(c, "1111")
    state = c.state()
    assert state.message == "op_pin_locked" and state.locked_left_s == pytest.approx(60)
    c.handle("key:4")
    assert c.state().entered == 0  # typing is ignored while locked
    clock.t += 30
    assert c.state().locked_left_s == pytest.approx(30)
    clock.t += 31
    enter(c, "4826")
    assert c.page == "queue"


def test_navigation_and_record_actions() -> None:
    c = console()
    enter(c, "4826")
    state = c.state()
    assert state.page == "queue"
    assert [r["identity"] for r in state.records][:2] == ["2023001", "11010519491231002X"]  # newest first
    assert len(state.records) == ROWS_PER_PAGE and state.page_count == 2
    assert state.counts["total"] == 7 and state.counts["filed"] == 3 and state.total_records == 9
    c.handle("page:next")
    assert c.state().page_index == 1 and len(c.state().records) == 1
    c.handle("page:next")
    assert c.state().page_index == 1
    c.handle("page:prev")
    c.handle("open:11010519491231002X")
    state = c.state()
    assert state.page == "record" and state.record["identity"] == "11010519491231002X"
    # waiting for its new picture: neither reopening nor locking can act, and the console says why
    assert state.record["refusals"] == {"recapture": "already_reopened", "lock": "lock_needs_filed"}
    assert c.handle("recapture:blurred") == [] and c.state().message == "store.already_reopened"
    assert c.handle("lock") == [] and c.state().message == "store.lock_needs_filed"
    c.handle("back")
    c.handle("page:prev")
    c.handle("open:2023001")
    assert c.handle("recapture:blurred") == [MarkRecapture("2023001", "blurred", "operator 1")]
    assert c.handle("recapture:nonsense") == []
    assert c.handle("lock") == [LockRecord("2023001", "operator 1")]
    c.handle("back")
    assert c.page == "queue"
    c.handle("goto:settings")
    assert c.handle("profile:id-card") == [ChooseProfile("id-card")]
    assert c.state().profile_id == "id-card"
    assert c.handle("profile:../../x") == []
    assert c.handle("camera:1") == [ChooseCamera("1")]
    assert c.handle("camera:9") == []
    assert not c.state().replace_backdrop
    assert c.handle("backdrop:replace") == [ChooseBackdrop(True)] and c.state().replace_backdrop
    assert c.handle("backdrop:keep") == [ChooseBackdrop(False)] and not c.state().replace_backdrop
    c.handle("goto:export")
    assert c.handle("export") == [Export("operator 1")]
    c.notify("op_export_done")
    assert c.state().message == "op_export_done"
    c.handle("goto:change_pin")
    assert c.page == "change_pin"
    c.handle("back")
    assert c.page == "settings"
    c.handle("lang")
    assert c.state().lang == "en"
    assert c.handle("exit") == [ExitConsole()]
    assert c.page == "pin"


def test_pages_need_the_pin() -> None:
    c = console()
    for action in ("goto:queue", "goto:settings", "open:2023001", "export", "profile:id-card"):
        assert c.handle(action) == []
        assert c.page == "pin"


def test_idle_console_locks_itself() -> None:
    clock = FakeClock()
    c = console(clock=clock, idle_timeout_s=120)
    enter(c, "4826")
    clock.t += 119
    c.tick()
    assert c.page == "queue"
    clock.t += 2
    c.tick()
    assert c.page == "pin"


def test_keyboard_digits() -> None:
    c = console()
    c.type_text("48a2６6")
    assert c.state().entered == 4
    c.handle("ok")
    assert c.page == "queue"


def test_a_failing_provider_does_not_break_the_console() -> None:
    def broken() -> list:
        raise OSError("store is busy")

    c = console(provider=broken)
    enter(c, "4826")
    state = c.state()
    assert state.records == () and state.message == "op_records_failed"


def test_today_counts_accepts_several_time_forms() -> None:
    rows = [{"status": "filed", "updated": NOW}, {"status": "已上传", "updated": NOW.isoformat()},
            {"status": "needs_recapture", "updated": NOW.timestamp()}, {"status": "filed", "updated": "yesterday"},
            {"status": "filed", "updated": NOW - dt.timedelta(days=1)}]
    assert today_counts(rows, NOW.date()) == {"total": 3, "filed": 2, "needs_recapture": 1}


class FakeStatus(str, enum.Enum):  # shaped like kiosk.store.records.Status
    FILED = "已上传"
    NEEDS_RECAPTURE = "需重新上传"


@dataclasses.dataclass
class FakeRecord:  # shaped like kiosk.store.records.Record
    identity: str
    profile_id: str
    status: FakeStatus
    picture: str | None
    attempts: int
    reason: str | None
    created: str
    updated: str


@dataclasses.dataclass
class FakeAttempt:  # shaped like kiosk.store.records.Attempt
    identity: str
    at: str
    gates: dict
    picture: str | None
    accepted: bool


def test_store_objects_are_read_as_rows() -> None:
    assert status_key(FakeStatus.NEEDS_RECAPTURE) == "needs_recapture"
    assert status_key("已采集(锁定)") == "locked" and status_key("filed") == "filed"
    stamp = NOW.isoformat(timespec="seconds")
    store = [FakeRecord("2023001", "chsi-graduation", FakeStatus.FILED, "pictures/2023001.jpg", 2, None, stamp,
                        stamp),
             FakeRecord("2023002", "chsi-graduation", FakeStatus.NEEDS_RECAPTURE, None, 1, "blurred", stamp, stamp)]
    row = as_row(store[0])
    assert row["status"] == "filed" and row["profile"] == "chsi-graduation" and row["attempts"] == 2
    attempts = {"2023001": [FakeAttempt("2023001", stamp, {"eyes_open": False, "yaw": True}, None, False),
                            FakeAttempt("2023001", stamp, {}, "pictures/2023001.jpg", True)]}
    c = console(provider=lambda: store, attempts=lambda identity: attempts.get(identity, []))
    enter(c, "4826")
    assert c.state().counts == {"total": 2, "filed": 1, "needs_recapture": 1}
    c.handle("open:2023001")
    shown = c.state().record["attempts"]
    assert [a["result"] for a in shown] == ["rejected", "filed"]
    # a failed attempt carries the gates it failed (the screen words them), never a gate id as its note
    assert shown[0]["failed"] == ["eyes_open"] and not shown[0].get("note")
    assert shown[1]["note"] == "2023001.jpg" and shown[1]["thumb"] is True and shown[0]["thumb"] is False
    assert attempt_row({"at": stamp, "result": "filed"})["result"] == "filed"


# --- screens ----------------------------------------------------------------------------------------------------

def distinct_colours(surface: pygame.Surface) -> int:
    pixels = pygame.surfarray.array3d(surface).reshape(-1, 3)
    return len(np.unique(pixels[::7], axis=0))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_renders(tmp_path, lang: str) -> None:
    size = (1280, 800)
    surface = pygame.Surface(size)
    ts = Typesetter(size[1])
    c = console(lang=lang)
    seen = {}

    def render(name: str):
        targets = views.draw(surface, ts, c.state())
        path = tmp_path / f"operator-{name}-{lang}.png"
        pygame.image.save(surface, str(path))
        assert path.stat().st_size > 5000
        assert distinct_colours(surface) > 40, name
        seen[name] = targets
        return targets

    c.handle("key:4")
    targets = render("pin")
    assert {"key:0", "key:9", "key:delete", "ok", "back", "lang"} <= set(targets.rects)
    # The targets drive the console: tap the PIN in.
    for d in "826":
        c.handle(targets.hit(targets.rects[f"key:{d}"].center))
    c.handle(targets.hit(targets.rects["ok"].center))
    targets = render("queue")
    assert "open:2023001" in targets.rects and "page:next" in targets.rects and "goto:settings" in targets.rects
    assert c.handle(targets.hit(targets.rects["open:2023001"].center)) == []
    targets = render("record")
    assert {f"recapture:{r}" for r in c.state().reasons} <= set(targets.rects) and "lock" in targets.rects
    c.handle("goto:settings")
    targets = render("settings")
    assert {"profile:chsi-graduation", "profile:id-card", "camera:0", "goto:change_pin"} <= set(targets.rects)
    assert c.handle(targets.hit(targets.rects["backdrop:replace"].center)) == [ChooseBackdrop(True)]
    assert "backdrop:keep" in render("settings").rects  # the button now offers the way back
    c.handle("goto:export")
    targets = render("export")
    assert "export" in targets.rects
    for _ in range(5):
        enter(c, "0")  # irrelevant off the PIN page
    c.handle("exit")
    for _ in range(5):
        enter(c, "1111")
    render("pin-locked")


def test_render_operator_screenshots(tmp_path) -> None:
    paths = views.render_operator_screenshots(tmp_path)
    names = sorted(p.name for p in paths)
    for page in ("pin", "pin-locked", "change-pin", "queue", "record", "settings", "export", "roster",
                 "roster-class", "roster-none"):
        for lang in ("zh", "en"):
            assert f"operator-{page}-{lang}.png" in names
    for path in paths:
        image = pygame.image.load(str(path))
        assert image.get_size() == (1280, 800)
        assert distinct_colours(image) > 40
