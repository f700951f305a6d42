"""The kiosk's states and transitions, declared in one table; no pygame here, and the clock is injected.

idle (attract) → identify → guide → countdown → review → saved → idle; every state but idle times out back to idle;
an error state shows a message and recovers to idle. The app feeds events; `tick()` fires timeouts.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import Enum
from typing import Callable, Mapping


class State(str, Enum):
    IDLE = "idle"
    IDENTIFY = "identify"
    GUIDE = "guide"
    COUNTDOWN = "countdown"
    REVIEW = "review"
    SAVED = "saved"
    ERROR = "error"


class Event(str, Enum):
    PERSON_ARRIVED = "person_arrived"  # a face is seen at the idle screen, or the screen is touched
    IDENTIFIED = "identified"  # an identity was entered or scanned
    SKIP_IDENTITY = "skip_identity"  # configuration says no identity step
    ALL_GATES_HELD = "all_gates_held"  # every gate held for the stable window
    GATE_BROKEN = "gate_broken"  # a gate failed during the countdown
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


#: (state, event) → next state. Anything not listed is ignored (and reported as not handled).
TRANSITIONS: Mapping[tuple[State, Event], State] = {
    (State.IDLE, Event.PERSON_ARRIVED): State.IDENTIFY,
    (State.IDLE, Event.SKIP_IDENTITY): State.GUIDE,
    (State.IDENTIFY, Event.IDENTIFIED): State.GUIDE,
    (State.IDENTIFY, Event.CANCEL): State.IDLE,
    (State.IDENTIFY, Event.TIMEOUT): State.IDLE,
    (State.GUIDE, Event.ALL_GATES_HELD): State.COUNTDOWN,
    (State.GUIDE, Event.MANUAL_CAPTURE): State.COUNTDOWN,
    (State.GUIDE, Event.CANCEL): State.IDLE,
    (State.GUIDE, Event.TIMEOUT): State.IDLE,
    (State.COUNTDOWN, Event.GATE_BROKEN): State.GUIDE,
    (State.COUNTDOWN, Event.COUNTDOWN_DONE): State.REVIEW,
    (State.COUNTDOWN, Event.CAPTURE_FAILED): State.GUIDE,
    (State.COUNTDOWN, Event.CANCEL): State.GUIDE,
    (State.COUNTDOWN, Event.TIMEOUT): State.GUIDE,
    (State.REVIEW, Event.CONFIRM): State.SAVED,
    (State.REVIEW, Event.RETAKE): State.GUIDE,
    (State.REVIEW, Event.TIMEOUT): State.IDLE,
    (State.SAVED, Event.SAVED_SHOWN): State.IDLE,
    (State.SAVED, Event.TIMEOUT): State.IDLE,
    (State.ERROR, Event.RECOVERED): State.IDLE,
    (State.ERROR, Event.TIMEOUT): State.IDLE,
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
    })
    countdown_s: float = 2.0
    #: after the countdown, how long to wait for a fully analysed frame to capture before giving up
    capture_wait_s: float = 2.0


@dataclass(frozen=True)
class Transition:
    """One transition taken: from, event, to, at (clock seconds)."""

    source: State
    event: Event
    target: State
    at_s: float


class Flow:
    """The kiosk state machine. Feed events with `handle`, call `tick` once per UI frame for timeouts."""

    def __init__(self, config: FlowConfig | None = None, clock: Callable[[], float] = time.monotonic,
                 on_enter: Callable[[State, State, Event], None] | None = None) -> None:
        self.config = config or FlowConfig()
        self.clock = clock
        self.state = State.IDLE
        self.entered_at_s = clock()
        self.history: list[Transition] = []
        self.on_enter = on_enter

    @property
    def in_state_s(self) -> float:
        """Return seconds spent in the current state."""
        return self.clock() - self.entered_at_s

    def can(self, event: Event) -> bool:
        """Return True when `event` would change the state now."""
        return event is Event.FAILURE or (self.state, event) in TRANSITIONS

    def handle(self, event: Event) -> bool:
        """Apply `event`; return True if it caused a transition."""
        if event is Event.FAILURE:
            target = FAILURE_TARGET
        else:
            target = TRANSITIONS.get((self.state, event))
            if target is None:
                return False
        source, now = self.state, self.clock()
        self.history.append(Transition(source, event, target, now))
        self.state, self.entered_at_s = target, now
        if self.on_enter is not None:
            self.on_enter(source, target, event)
        return True

    def tick(self) -> bool:
        """Fire the current state's timeout if it is due; return True if a transition happened."""
        limit = self.config.timeouts_s.get(self.state)
        if limit is not None and self.in_state_s >= limit:
            return self.handle(Event.TIMEOUT)
        return False
