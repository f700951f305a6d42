"""The kiosk's states and transitions, declared in one table with named guards; no pygame, the clock is injected.

idle (attract) → identify → guide → countdown → review → saved → idle; every state but idle times out back to idle;
an error state shows a message and recovers to idle; not-ready (a camera too small for the profile) holds until it
fits. The loop hands the flow the events the states return and, after a transition, calls the new state's `enter`
(see states/); the flow calls nothing back. A transition that depends on a condition names its guard (a predicate in
GUARDS over a `Facts` snapshot); `tick()` fires timeouts.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import Enum
from typing import Callable, Mapping

from kiosk.station.capture_choice import countdown_broken, ready_to_capture
from kiosk.station.guidance import GuidanceView


class State(str, Enum):
    IDLE = "idle"
    IDENTIFY = "identify"
    GUIDE = "guide"
    COUNTDOWN = "countdown"
    REVIEW = "review"
    SAVED = "saved"
    ERROR = "error"
    NOT_READY = "not_ready"  # the camera cannot make the chosen profile's picture: "please ask staff"


class Event(str, Enum):
    PERSON_ARRIVED = "person_arrived"  # a face is seen at the idle screen, or the screen is touched
    IDENTIFIED = "identified"  # an identity was entered or scanned
    SKIP_IDENTITY = "skip_identity"  # configuration says no identity step
    FRAME_JUDGED = "frame_judged"  # guidance judged a newly analysed frame (the guards decide what follows)
    MANUAL_CAPTURE = "manual_capture"  # operator key
    COUNTDOWN_DONE = "countdown_done"  # the picture was captured and made
    CAPTURE_FAILED = "capture_failed"  # the frame could not be made into a picture
    CONFIRM = "confirm"
    RETAKE = "retake"
    SAVED_SHOWN = "saved_shown"
    CANCEL = "cancel"  # the student walks away or presses back
    TIMEOUT = "timeout"
    FAILURE = "failure"  # something went wrong: show the error screen
    RECOVERED = "recovered"
    STATION_NOT_READY = "station_not_ready"  # the camera cannot make the profile's picture (capture/camera_fit.py)
    STATION_READY = "station_ready"  # it can again (the operator changed camera, mode or profile)


@dataclass(frozen=True)
class Facts:
    """What the guards read when an event arrives: a snapshot the loop takes."""

    view: GuidanceView | None = None  # guidance's newest view
    making: bool = False  # a frame is being made into a picture
    in_hand: bool = False  # the countdown holds a confirmed candidate frame (capture_choice.py)


def all_gates_held(facts: Facts) -> bool:
    """Return True when the blocking gates have held long enough to start the countdown."""
    return ready_to_capture(facts.view)


def gate_broken(facts: Facts) -> bool:
    """Return True when a blocking gate is no longer steadily green and no picture is being made yet, unless a
    confirmed candidate is in hand and the person is still there (capture_choice.countdown_broken)."""
    return countdown_broken(facts.view, facts.making, facts.in_hand)


#: guard name → predicate; a guarded transition is taken only when its guard holds
GUARDS: Mapping[str, Callable[[Facts], bool]] = {
    "all_gates_held": all_gates_held,
    "gate_broken": gate_broken,
}


@dataclass(frozen=True)
class Guarded:
    """A transition to `target` taken only when the guard named `guard` holds."""

    target: State
    guard: str


#: (state, event) → next state (or a guarded one). Anything not listed is ignored (and reported as not handled).
TRANSITIONS: Mapping[tuple[State, Event], State | Guarded] = {
    (State.IDLE, Event.PERSON_ARRIVED): State.IDENTIFY,
    (State.IDLE, Event.SKIP_IDENTITY): State.GUIDE,
    (State.IDENTIFY, Event.IDENTIFIED): State.GUIDE,
    (State.IDENTIFY, Event.CANCEL): State.IDLE,
    (State.IDENTIFY, Event.TIMEOUT): State.IDLE,
    (State.GUIDE, Event.FRAME_JUDGED): Guarded(State.COUNTDOWN, "all_gates_held"),
    (State.GUIDE, Event.MANUAL_CAPTURE): State.COUNTDOWN,
    (State.GUIDE, Event.CANCEL): State.IDLE,
    (State.GUIDE, Event.TIMEOUT): State.IDLE,
    (State.COUNTDOWN, Event.FRAME_JUDGED): Guarded(State.GUIDE, "gate_broken"),
    (State.COUNTDOWN, Event.COUNTDOWN_DONE): State.REVIEW,
    (State.COUNTDOWN, Event.CAPTURE_FAILED): State.GUIDE,
    (State.COUNTDOWN, Event.CANCEL): State.GUIDE,
    (State.COUNTDOWN, Event.TIMEOUT): State.GUIDE,
    (State.REVIEW, Event.CONFIRM): State.SAVED,
    (State.REVIEW, Event.RETAKE): State.GUIDE,
    (State.REVIEW, Event.CANCEL): State.IDENTIFY,  # the number shown is wrong: type it again
    (State.REVIEW, Event.TIMEOUT): State.IDLE,
    (State.SAVED, Event.SAVED_SHOWN): State.IDLE,
    (State.SAVED, Event.TIMEOUT): State.IDLE,
    (State.ERROR, Event.RECOVERED): State.IDLE,
    (State.ERROR, Event.TIMEOUT): State.IDLE,
    **{(s, Event.STATION_NOT_READY): State.NOT_READY for s in (State.IDLE, State.IDENTIFY, State.GUIDE)},
    (State.NOT_READY, Event.STATION_READY): State.IDLE,
    (State.NOT_READY, Event.TIMEOUT): State.IDLE,  # idle checks again at once
}
#: any state may fail into the error screen
FAILURE_TARGET = State.ERROR


@dataclass(frozen=True)
class FlowConfig:
    """Timeouts (seconds) per state; None = no timeout."""

    timeouts_s: Mapping[State, float | None] = field(default_factory=lambda: {
        State.IDLE: None,
        State.IDENTIFY: 60.0,
        State.GUIDE: 90.0,
        State.COUNTDOWN: 10.0,  # safety net: the countdown itself ends by COUNTDOWN_DONE
        State.REVIEW: 45.0,
        State.SAVED: 4.0,
        State.ERROR: 8.0,
        State.NOT_READY: 30.0,
    })
    countdown_s: float = 2.0
    #: after the countdown, how long to wait for a fully analysed frame to capture before giving up
    capture_wait_s: float = 2.0


@dataclass(frozen=True)
class Transition:
    """One transition taken: from, event, to, at (clock seconds), and the guard that allowed it (if any)."""

    source: State
    event: Event
    target: State
    at_s: float
    guard: str | None = None


def next_state(state: State, event: Event, facts: Facts) -> tuple[State, str | None] | None:
    """Return (target, guard name or None) for `event` in `state` under `facts`, or None when nothing happens."""
    if event is Event.FAILURE:
        return FAILURE_TARGET, None
    rule = TRANSITIONS.get((state, event))
    if isinstance(rule, Guarded):
        return (rule.target, rule.guard) if GUARDS[rule.guard](facts) else None
    return None if rule is None else (rule, None)


class Flow:
    """The kiosk state machine. Feed events with `handle`, call `tick` once per UI frame for timeouts."""

    def __init__(self, config: FlowConfig | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.config = config or FlowConfig()
        self.clock = clock
        self.state = State.IDLE
        self.entered_at_s = clock()
        self.history: list[Transition] = []

    @property
    def in_state_s(self) -> float:
        """Return seconds spent in the current state."""
        return self.clock() - self.entered_at_s

    def can(self, event: Event, facts: Facts = Facts()) -> bool:
        """Return True when `event` would change the state now."""
        return next_state(self.state, event, facts) is not None

    def handle(self, event: Event, facts: Facts = Facts()) -> Transition | None:
        """Apply `event` (guards read `facts`); return the transition taken, or None when the event changed nothing."""
        step = next_state(self.state, event, facts)
        if step is None:
            return None
        target, guard = step
        taken = Transition(self.state, event, target, self.clock(), guard)
        self.history.append(taken)
        self.state, self.entered_at_s = target, taken.at_s
        return taken

    def tick(self) -> Transition | None:
        """Fire the current state's timeout if it is due; return the transition taken, or None."""
        limit = self.config.timeouts_s.get(self.state)
        if limit is not None and self.in_state_s >= limit:
            return self.handle(Event.TIMEOUT)
        return None
