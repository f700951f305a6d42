"""The station's states, each on its own (exact outcome of every action), and the whole station driven through its
public methods only (actions, frames, a fake clock): no camera, no window."""
from __future__ import annotations

import time
from types import SimpleNamespace

import numpy as np
import pytest

from capture.gates import GATE_ORDER, GateResult
from kiosk.station.capture_choice import capturable, choose_frame, gates_steady, keep_best, ready_to_capture
from kiosk.station.flow import Event, State
from kiosk.station.guidance import GuidanceView
from kiosk.station.loop import KioskApp
from kiosk.station.settings import KioskOptions
from kiosk.station.sounds import SoundPlayer
from kiosk.station.states import STATES, Context, countdown, error, guide, identify, idle, review, saved
from kiosk.station.view_model import ViewModel
from kiosk.station.worker import AnalysedFrame
from kiosk.store.records import SqliteRecordStore
from tests.conftest import FakeClock as Clock


def _gates(failing: tuple[str, ...] = ()) -> dict[str, GateResult]:
    return {n: GateResult(n, n not in failing, 0.0, 1.0, "turn_left" if n == "yaw" else n) for n in GATE_ORDER}


def _frame(index: int, rgb: np.ndarray | None = None, failing: tuple[str, ...] = (), face: bool = True,
           complete: bool = True, sharpness: float = 50.0) -> AnalysedFrame:
    analysis = SimpleNamespace(face=object() if face else None, complete=complete, sharpness=sharpness)
    rgb = np.zeros((8, 8, 3), np.uint8) if rgb is None else rgb
    return AnalysedFrame(index, rgb, analysis, _gates(failing), 0.0)


def _view(steady: bool = True, held: bool = True) -> GuidanceView:
    return GuidanceView({"yaw": steady}, "ok" if steady else "turn_left", None, 1.0 if held else 0.0, held)


@pytest.fixture
def ctx(all_profiles, tmp_path):
    options = KioskOptions(profile=all_profiles["chsi-graduation"], store=tmp_path / "store", sound=False)
    store = SqliteRecordStore(options.store)
    context = Context(options, store, SoundPlayer(False), Clock())
    yield context
    context.close()
    store.close()


# ----- the one capture decision --------------------------------------------------------------------------------------
def test_ready_to_capture_needs_steady_gates_held_for_the_hold_time():
    assert ready_to_capture(_view(True, True))
    assert not ready_to_capture(_view(True, False)) and gates_steady(_view(True, False))
    assert not ready_to_capture(_view(False, True)) and not gates_steady(_view(False, True))
    assert not ready_to_capture(None) and not gates_steady(None)


def test_only_a_complete_frame_without_blocking_gates_under_steady_guidance_is_capturable():
    assert capturable(_view(), _frame(1))
    assert not capturable(_view(), _frame(1, complete=False))  # measurements carried over from an earlier frame
    assert not capturable(_view(), _frame(1, failing=("eyes_open",)))
    assert not capturable(_view(steady=False), _frame(1))
    assert not capturable(_view(), None)


def test_the_sharpest_capturable_frame_is_kept_until_the_gates_break():
    soft, sharp, sharper_but_partial = _frame(1, sharpness=10), _frame(2, sharpness=90), _frame(3, complete=False,
                                                                                                 sharpness=200)
    best = keep_best(None, _view(), soft)
    assert best is soft
    best = keep_best(best, _view(), sharp)
    assert best is sharp
    assert keep_best(best, _view(), _frame(4, sharpness=20)) is sharp
    assert keep_best(best, _view(), sharper_but_partial) is sharp
    assert keep_best(best, _view(steady=False), _frame(5)) is None
    assert choose_frame(sharp) is sharp
    assert choose_frame(None) is None  # never the latest frame alone (tests/kiosk/station/test_capture_choice.py)


# ----- each state module -------------------------------------------------------------------------------------------
def test_every_state_has_a_module_with_the_same_interface():
    assert set(STATES) == set(State)
    for module in STATES.values():
        for hook in ("enter", "on_frame", "on_action", "view"):
            assert callable(getattr(module, hook)), (module.__name__, hook)


def test_idle_actions(ctx):
    assert idle.on_action(ctx, "start") is Event.PERSON_ARRIVED and ctx.session.identity == ""
    assert idle.on_action(ctx, "ok") is Event.PERSON_ARRIVED
    assert idle.on_action(ctx, "retake") is None and idle.on_action(ctx, "capture") is None
    ctx.options.identity = "2023001"
    assert idle.on_action(ctx, "start") is Event.SKIP_IDENTITY and ctx.session.identity == "2023001"
    ctx.options.identity, ctx.options.skip_identify = None, True
    ctx.session.identity = ""
    assert idle.on_action(ctx, "start") is Event.SKIP_IDENTITY and ctx.session.identity  # an anonymous number


def test_idle_starts_a_session_when_a_face_stays_for_the_arrival_time(ctx):
    ctx.options.arrival_s = 0.5
    assert idle.on_frame(ctx, _frame(1), 10.0) is None
    assert idle.on_frame(ctx, _frame(2), 10.4) is None
    assert idle.on_frame(ctx, _frame(3, face=False), 10.45) is None  # looked away: the wait starts again
    assert idle.on_frame(ctx, _frame(4), 10.5) is None
    assert idle.on_frame(ctx, _frame(5), 11.0) is Event.PERSON_ARRIVED


def test_idle_entry_forgets_the_last_person(ctx):
    ctx.session.identity, ctx.session.typed = "2023001", "2023"
    ctx.guidance.update(_gates(), 0.0)
    assert idle.enter(ctx) is None
    assert ctx.session.identity == "" and ctx.session.typed == "" and ctx.guidance.last is None


def test_identify_actions(ctx):
    assert identify.enter(ctx) is None
    for key in "2023":
        assert identify.on_action(ctx, f"key:{key}") is None
    assert identify.on_action(ctx, "key:DELETE") is None and ctx.session.typed == "202"
    assert identify.on_action(ctx, "delete") is None and ctx.session.typed == "20"
    assert identify.on_action(ctx, "key:%") is None and ctx.session.typed == "20"  # not a character of a number
    assert identify.on_action(ctx, "ok") is None  # too short for any rule
    assert ctx.session.typed_error and ctx.session.typed_reason
    assert identify.on_action(ctx, "key:2") is None and not ctx.session.typed_error  # typing clears the refusal
    for key in "3001":
        identify.on_action(ctx, f"key:{key}")
    assert identify.on_action(ctx, "ok") is Event.IDENTIFIED and ctx.session.identity == "2023001"
    assert identify.on_action(ctx, "back") is Event.CANCEL
    vm = ViewModel(State.IDENTIFY, "en", ctx.options.profile)
    identify.view(ctx, vm)
    assert vm.identity == "2023001" and not vm.identity_error


def test_identify_passes_straight_on_with_a_scanned_identity(ctx):
    ctx.session.identity = "CHSI2023-8F3A"
    assert identify.enter(ctx) is Event.IDENTIFIED


def test_guide_actions_and_entry(ctx):
    ctx.session.best, ctx.session.countdown_from = _frame(1), 5.0
    assert guide.enter(ctx) is None and ctx.session.best is None and ctx.session.countdown_from is None
    assert guide.on_action(ctx, "capture") is Event.MANUAL_CAPTURE
    assert guide.on_action(ctx, "back") is Event.CANCEL
    assert guide.on_action(ctx, "ok") is None and guide.on_action(ctx, "retake") is None


def test_guide_judges_each_analysed_frame_once(ctx):
    assert guide.on_frame(ctx, None, 1.0) is None
    assert guide.on_frame(ctx, _frame(7), 1.0) is Event.FRAME_JUDGED
    assert guide.on_frame(ctx, _frame(7), 1.1) is None  # the same frame again
    assert ctx.tally.analysed_in_guide == 1 and ctx.guidance.last is not None


def test_countdown_actions_and_entry(ctx):
    assert countdown.enter(ctx) is None and ctx.session.countdown_from == ctx.clock()
    assert countdown.on_action(ctx, "back") is Event.CANCEL
    assert countdown.on_action(ctx, "capture") is None and countdown.on_action(ctx, "ok") is None


def test_review_actions(ctx):
    assert review.enter(ctx) is None
    assert review.on_action(ctx, "confirm") is None  # nothing to file
    ctx.session.identity, ctx.session.picture = "2023001", object()
    assert review.on_action(ctx, "retake") is Event.RETAKE and ctx.session.picture is None
    assert len(ctx.store.attempts("2023001")) == 1  # the turned-down picture counts as an attempt
    for action in ("back", "delete"):
        ctx.session.picture = object()
        assert review.on_action(ctx, action) is Event.RETAKE
    assert review.on_action(ctx, "done") is None


def test_saved_actions_and_chime(ctx):
    assert saved.enter(ctx) is None and ctx.sound.played == ["saved"]
    assert saved.on_action(ctx, "done") is Event.SAVED_SHOWN and saved.on_action(ctx, "ok") is Event.SAVED_SHOWN
    assert saved.on_action(ctx, "retake") is None


def test_error_actions_and_message(ctx):
    assert error.on_action(ctx, "dismiss") is Event.RECOVERED and error.on_action(ctx, "ok") is Event.RECOVERED
    assert error.on_action(ctx, "back") is None
    ctx.session.error_code, ctx.session.error_fields = "station.filing_failed", {"error": "ENOSPC"}
    vm = ViewModel(State.ERROR, "en", ctx.options.profile)
    error.view(ctx, vm)
    assert (vm.error, vm.error_fields) == ("station.filing_failed", {"error": "ENOSPC"})


# ----- the whole station through its public methods ------------------------------------------------------------------
def _feed(app: KioskApp, clock: Clock, frames, fps: float = 30.0) -> None:
    for frame in frames:
        clock.t += 1 / fps
        app.step(frame)


def _until_made(app: KioskApp, clock: Clock, frame: AnalysedFrame, limit_s: float = 60.0) -> None:
    """Keep stepping (same frame, fake time stands still) while the picture is made on its thread."""
    deadline = time.monotonic() + limit_s
    while app.flow.state is State.COUNTDOWN and time.monotonic() < deadline:
        app.step(frame)
        time.sleep(0.02)


def test_gates_held_start_the_countdown_and_a_broken_gate_ends_it(station):
    app, clock = station
    app.act("start")
    assert app.flow.state is State.GUIDE
    _feed(app, clock, (_frame(i, complete=False) for i in range(1, 20)))  # 0.63 s: steady since 0.15 s, not held
    assert app.flow.state is State.GUIDE
    _feed(app, clock, (_frame(i, complete=False) for i in range(20, 30)))
    assert app.flow.state is State.COUNTDOWN and app.flow.history[-1].guard == "all_gates_held"
    assert app.sound.played == ["tick"]  # the first second is announced at once
    assert app.session.best is None  # no fully analysed frame yet: nothing in hand
    _feed(app, clock, (_frame(i, failing=("yaw",)) for i in range(30, 50)))
    assert app.flow.state is State.GUIDE and app.flow.history[-1].guard == "gate_broken"
    assert app.view_model(None, "ok").guidance.hint == "turn_left"


def _countdown_in_hand(app: KioskApp, clock: Clock, face: np.ndarray) -> AnalysedFrame:
    """Guide with `face` until the countdown starts holding a confirmed candidate; return that candidate."""
    app.act("start")
    _feed(app, clock, (_frame(i, face) for i in range(1, 30)))
    assert app.flow.state is State.COUNTDOWN and app.session.best is not None
    return app.session.best


def test_a_countdown_with_a_frame_in_hand_finishes_with_it_when_a_gate_breaks(station, studio):
    app, clock = station
    face = studio("astronaut_closed", app.o.profile.backgrounds[0].rgb)
    in_hand = _countdown_in_hand(app, clock, face)
    _feed(app, clock, (_frame(i, face, failing=("yaw",)) for i in range(30, 90)))  # 2 s of a turned head
    assert app.view_model(None, "ok").guidance.checklist["yaw"] is False  # the gate did turn red
    assert not any(t.guard == "gate_broken" for t in app.flow.history)
    _until_made(app, clock, _frame(89, face, failing=("yaw",)))
    assert app.flow.state is State.REVIEW and app.session.captured_index == in_hand.index
    assert app.session.last_filing.checks[0].gate is None  # the picture passed the picture check


def test_a_countdown_with_a_frame_in_hand_ends_when_the_person_leaves(station, studio):
    app, clock = station
    face = studio("astronaut_closed", app.o.profile.backgrounds[0].rgb)
    _countdown_in_hand(app, clock, face)
    _feed(app, clock, (_frame(i, face, face=False) for i in range(30, 50)))
    assert app.flow.state is State.GUIDE and app.flow.history[-1].guard == "gate_broken"
    assert app.session.picture is None and app.sound.played.count("shutter") == 0


def test_no_capturable_frame_after_the_countdown_gives_up(station):
    app, clock = station
    app.act("start")
    frames = (_frame(i, complete=False) for i in range(1, 1000))  # steady gates, never a full analysis
    while app.flow.state is State.GUIDE:
        _feed(app, clock, [next(frames)])
    started = clock.t
    _feed(app, clock, [next(frames) for _ in range(15)])
    assert app.view_model(None, "ok").countdown_left_s == pytest.approx(2.0 - (clock.t - started))
    while app.flow.state is State.COUNTDOWN:
        _feed(app, clock, [next(frames)])
    assert app.flow.history[-1].event is Event.CAPTURE_FAILED and app.flow.state is State.GUIDE
    assert clock.t - started == pytest.approx(4.0, abs=0.05)  # the 2 s countdown, then 2 s waiting for a frame
    assert app.sound.played == ["tick", "tick"]  # no shutter: nothing was taken


def test_the_operators_capture_key_skips_the_hold(station):
    app, clock = station
    app.act("start")
    _feed(app, clock, (_frame(i) for i in range(1, 8)))  # steady after 0.15 s, far from held
    assert app.flow.state is State.GUIDE
    app.act("capture")
    _feed(app, clock, (_frame(i) for i in range(8, 12)))
    assert app.flow.state is State.COUNTDOWN and app.flow.history[-1].event is Event.MANUAL_CAPTURE


def test_a_frame_that_cannot_be_made_into_a_picture_returns_to_guidance(station):
    app, clock = station
    app.act("start")
    blank = np.full((720, 1280, 3), 128, np.uint8)
    _feed(app, clock, (_frame(i, blank) for i in range(1, 30)))
    _feed(app, clock, (_frame(i, blank) for i in range(30, 100)))
    assert app.sound.played[-1] == "shutter"
    _until_made(app, clock, _frame(99, blank))
    assert app.flow.state is State.GUIDE and app.flow.history[-1].event is Event.CAPTURE_FAILED
    assert app.session.error_code == "photo.no_face" and app.filed == 0  # a blank frame: no face to make a picture of


def test_capture_review_confirm_saved_and_back_to_idle(station, studio):
    app, clock = station
    face = studio("astronaut_closed", app.o.profile.backgrounds[0].rgb)  # passes `idphoto check` once made
    app.act("start")
    _feed(app, clock, (_frame(i, face) for i in range(1, 100)))
    _until_made(app, clock, _frame(99, face))
    assert app.flow.state is State.REVIEW
    vm = app.view_model(None, "ok")
    assert vm.picture is not None and vm.facts.width_px == app.o.profile.width_px
    app.act("lang")
    app.act("confirm")
    assert app.flow.state is State.SAVED and app.filed == 1 and app.lang == "en"
    assert app.view_model(None, "ok").saved_name == "2023001.jpg"
    assert app.sound.played[-2:] == ["shutter", "saved"]
    app.act("ok")
    assert app.flow.state is State.IDLE and app.session.identity == "" and app.session.picture is None
    assert [t.target for t in app.flow.history] == [State.GUIDE, State.COUNTDOWN, State.REVIEW, State.SAVED,
                                                    State.IDLE]


def test_states_time_out(station):
    app, clock = station
    app.act("start")
    clock.t += 90.0
    app.step(None)
    assert app.flow.state is State.IDLE and app.flow.history[-1].event is Event.TIMEOUT


# ----- identity and privacy at the kiosk ------------------------------------------------------------------------------
import threading  # noqa: E402

from kiosk.store.identity import IdentityRules  # noqa: E402
from tests.kiosk.store.test_records import picture as filed_picture  # noqa: E402

ID_NUMBER = "11010519491231002X"


def _lock(ctx_or_store, identity: str, profile) -> None:
    """File a picture under `identity` and export (lock) it, as an office does."""
    store = getattr(ctx_or_store, "store", ctx_or_store)
    store.file_picture(identity, profile, filed_picture(0), {})
    store.lock([identity])


def _type(ctx, typed: str) -> Event | None:
    for key in typed:
        identify.on_action(ctx, f"key:{key}")
    return identify.on_action(ctx, "ok")


def _scanned(payload: str) -> SimpleNamespace:
    done = threading.Event()
    done.set()
    return SimpleNamespace(done=done, result=payload)


def test_the_keypad_refuses_a_locked_number_before_any_capture(ctx):
    _lock(ctx, "2023001", ctx.options.profile)
    assert _type(ctx, "2023001") is None
    s = ctx.session
    assert s.identity == "" and s.typed_error and s.typed_reason.code == "record_locked"
    ctx.store.file_picture("2023002", ctx.options.profile, filed_picture(1), {})  # filed, not yet exported
    identify.on_action(ctx, "key:DELETE")
    assert _type(ctx, "2") is None and s.typed_reason.code == "record_filed"
    ctx.store.mark_recapture("2023002", "blurred")  # the operator asked for a new picture: it may be filed again
    identify.on_action(ctx, "ok")
    assert identify.on_action(ctx, "ok") is Event.IDENTIFIED and s.identity == "2023002" and not s.typed_error


def test_a_scanned_code_of_a_locked_record_is_refused_at_the_identify_screen(ctx):
    _lock(ctx, "2023001", ctx.options.profile)
    ctx.session.qr_job = _scanned("2023001")
    assert idle.on_frame(ctx, None, 1.0) is Event.PERSON_ARRIVED  # a code was shown at the idle screen
    assert identify.enter(ctx) is None  # not passed straight on: refused
    assert ctx.session.identity == "" and ctx.session.typed_reason.code == "record_locked"
    ctx.session.qr_job = _scanned("2023001")  # shown again at the identify screen
    assert identify.on_frame(ctx, None, 2.0) is None and ctx.session.typed_reason.code == "record_locked"
    ctx.session.qr_job = _scanned("2023005")
    assert identify.on_frame(ctx, None, 3.0) is Event.IDENTIFIED and ctx.session.identity == "2023005"


def test_a_scanned_code_gets_the_keypads_check(ctx):
    ctx.session.qr_job = _scanned("110105194912310021")  # an ID number with a wrong check digit
    assert identify.on_frame(ctx, None, 1.0) is None
    assert ctx.session.identity == "" and ctx.session.typed_reason.code == "id_check_digit"


def test_the_keypad_refuses_what_the_command_line_and_qr_refuse(ctx):
    for typed, code in (("CON", "reserved_name"), ("A", "not_accepted"), ("", "empty"),
                        ("110105194912310021", "id_check_digit")):
        ctx.session.typed = ""
        assert _type(ctx, typed) is None and ctx.session.typed_reason.code == code, typed


def test_a_given_identity_that_cannot_be_filed_goes_to_the_error_screen(ctx):
    _lock(ctx, "2023001", ctx.options.profile)
    ctx.options.identity = "2023001"
    assert idle.on_action(ctx, "start") is Event.FAILURE
    assert ctx.session.error_code == "identity.record_locked" and ctx.session.identity == ""


def test_the_keypad_shows_letters_when_the_patterns_allow_them(ctx):
    vm = ViewModel(State.IDENTIFY, "zh", ctx.options.profile)
    identify.view(ctx, vm)
    assert vm.letter_keys  # the default student numbers hold letters
    ctx.options.identity_rules = IdentityRules(student=(r"20[0-9]{6}",))
    identify.view(ctx, vm)
    assert not vm.letter_keys
    for key in "s2023a01":
        identify.on_action(ctx, f"key:{key.upper()}")
    assert ctx.session.typed == "S2023A01"


def test_review_and_saved_show_the_number_masked(ctx):
    s = ctx.session
    s.identity, s.picture = ID_NUMBER, None
    vm = ViewModel(State.REVIEW, "en", ctx.options.profile)
    review.view(ctx, vm)
    assert vm.identity_shown == "110105********002X" and vm.wrong_number
    s.saved_name = f"{ID_NUMBER}.jpg"
    vm = ViewModel(State.SAVED, "en", ctx.options.profile)
    saved.view(ctx, vm)
    assert vm.identity_shown == "110105********002X"
    s.identity = "2023001"
    saved.view(ctx, vm)
    assert vm.identity_shown == "2023001"  # a student number is shown as it is
    ctx.options.identity = "2023001"  # given on the command line: no identify screen to go back to
    review.view(ctx, vm)
    assert not vm.wrong_number


def test_a_wrong_number_at_review_goes_back_to_the_keypad_without_counting_an_attempt(ctx):
    s = ctx.session
    s.typed, s.identity, s.picture = "2023010", "2023010", object()
    assert review.on_action(ctx, "wrong_number") is Event.CANCEL
    assert s.picture is None and s.identity == "" and s.typed == "2023010"  # the number stays, to be corrected
    assert ctx.store.get("2023010") is None  # no record made for a number that was not the student's
    assert identify.enter(ctx) is None  # the identify screen waits for the corrected number


def test_idle_brings_back_the_stations_language(ctx):
    ctx.options.lang, ctx.lang = "zh", "en"
    ctx.session.typed, ctx.session.typed_error = "2023", True
    assert idle.enter(ctx) is None
    assert ctx.lang == "zh" and ctx.session.typed == "" and not ctx.session.typed_error


@pytest.fixture
def visitor(all_profiles, tmp_path):
    """A station with an identify screen (no --identity)."""
    clock = Clock()
    options = KioskOptions(profile=all_profiles["chsi-graduation"], store=tmp_path / "store", sound=False)
    app = KioskApp(options, clock=clock)
    yield app, clock
    app.ctx.close()
    app.store.close()


def test_the_next_person_meets_the_stations_language_and_a_fresh_screen(visitor):
    app, clock = visitor
    app.act("start")
    app.act("lang")  # the first student reads English
    app.type_text("2023")
    app.act("ok")  # refused: too short
    assert app.lang == "en" and app.session.typed_error
    clock.t += 60.0  # ... and walks away
    app.step(None)
    assert app.flow.state is State.IDLE and app.lang == "zh"
    app.act("start")
    vm = app.view_model(None, "ok")
    assert vm.lang == "zh" and vm.identity == "" and not vm.identity_error and vm.identity_reason is None


def test_a_locked_number_is_refused_at_the_identify_screen_and_a_good_one_goes_on(visitor):
    app, clock = visitor
    _lock(app, "2023001", app.o.profile)
    app.act("start")
    app.type_text("2023001")
    app.act("ok")
    assert app.flow.state is State.IDENTIFY and app.session.typed_reason.code == "record_locked"
    vm = app.view_model(None, "ok")
    assert vm.identity_error and vm.identity_reason.code == "record_locked"
    for _ in range(7):
        app.act("delete")
    app.type_text("2023002")
    app.act("ok")
    assert app.flow.state is State.GUIDE and app.session.identity == "2023002"


def _give_pin(app: KioskApp) -> None:
    """Type the factory PIN, then a new one twice (the factory PIN must be changed before it counts)."""
    for pin in ("0000", "2468", "2468"):
        for key in pin:
            app.handle_input(f"key:{key}")
        app.handle_input("ok")


def test_in_fullscreen_space_captures_only_after_the_operator_pin(visitor):
    app, clock = visitor
    app.o.fullscreen = True
    app.act("start")
    app.type_text("2023001")
    app.act("ok")
    _feed(app, clock, (_frame(i) for i in range(1, 8)))  # steady gates, far from held
    assert app.flow.state is State.GUIDE
    app.handle_input("capture")  # Space
    assert app.flow.state is State.GUIDE and app.console is not None and app.console.page == "pin"
    _give_pin(app)
    assert app.console is None  # closed again: the PIN was for this capture
    _feed(app, clock, (_frame(i) for i in range(8, 12)))
    assert app.flow.state is State.COUNTDOWN and app.flow.history[-1].event is Event.MANUAL_CAPTURE


def test_in_fullscreen_a_wrong_pin_or_leaving_the_console_does_not_capture(visitor):
    app, clock = visitor
    app.o.fullscreen = True
    app.act("start")
    app.type_text("2023001")
    app.act("ok")
    _feed(app, clock, (_frame(i) for i in range(1, 8)))
    app.handle_input("capture")
    for key in "9999":
        app.handle_input(f"key:{key}")
    app.handle_input("ok")
    assert app.console is not None and app.console.page == "pin"  # wrong PIN: still asking
    app.handle_input("back")  # the operator gives up
    assert app.console is None and app.operator_gate.pending is None
    _feed(app, clock, (_frame(i) for i in range(8, 12)))
    assert app.flow.state is State.GUIDE and Event.MANUAL_CAPTURE not in [t.event for t in app.flow.history]


def test_in_fullscreen_quitting_needs_the_operator_pin(visitor):
    app, _ = visitor
    app.o.fullscreen = True
    app.handle_input("quit")  # Ctrl+Q or closing the window
    assert not app._quit and app.console is not None and app.console.page == "pin"
    _give_pin(app)
    assert app._quit and app.console is None


def test_in_a_window_quitting_and_space_stay_direct(visitor):
    app, clock = visitor
    app.act("start")
    app.type_text("2023001")
    app.act("ok")
    _feed(app, clock, (_frame(i) for i in range(1, 8)))
    app.handle_input("capture")
    assert app.console is None
    _feed(app, clock, (_frame(i) for i in range(8, 12)))
    assert app.flow.state is State.COUNTDOWN
    app.handle_input("quit")
    assert app._quit and app.console is None


def test_the_station_goes_back_from_review_to_the_keypad_for_a_wrong_number(visitor):
    app, _ = visitor
    app.act("start")
    app.type_text("2023010")
    app.act("ok")
    app.session.picture = object()  # as if captured
    app.flow.state = State.REVIEW
    app.act("wrong_number")
    assert app.flow.state is State.IDENTIFY and app.session.typed == "2023010" and app.session.identity == ""
    app.act("delete")
    app.type_text("1")
    app.act("ok")
    assert app.flow.state is State.GUIDE and app.session.identity == "2023011"
