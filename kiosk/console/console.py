"""The operator console's logic (no pygame): pages, and the actions the app carries out (PINs: kiosk.console.pin;
actions and choices: kiosk.console.actions; records as shown: kiosk.console.rows).

The console is opened by staff on the kiosk itself. Each operator has a name and a PIN (the store's operators; a
station that only had the shared PIN file has one operator, "operator 1"). With several operators it starts at the
"who" page (a big button per name), then the PIN pad names the operator chosen; with one it starts at the PIN pad.
A wrong PIN five times in a row locks the pad for 60 s (whichever names were chosen); the factory PIN "0000" must be
changed before anything else. What the operator does carries their name (for the store's audit). Behind the PIN:

    queue     today's counts and the records (newest change first; as many rows a page as the screen's height
              holds, `rows_per_page`; first / previous / next / last page)
    search    the start of a number typed on the console's keypad (digits, X, letters when the number patterns
              allow them), on a keyboard or by a keyboard-wedge scanner (its Enter opens the record), or a 采集码 QR
              held to the camera (`scanned`): the matches listed, the exact (or only) one opened
    record    one record with its picture and attempts (each failed one with the gates it failed, in words):
              reopen it for re-capture (with a reason; locked records too), lock it, print its sheet (冲印排版);
              a button the lifecycle would refuse is drawn disabled with the refusal's sentence
    settings  choose the photo profile, the camera and 换底, each with where its value comes from (默认 / 配置文件 /
              控制台 / 命令行); change the PIN. A camera is only "saved" once the station opened it
              (`camera_checked`)
    export    hand the records over (the app does the work)
    override  accept over a failed check for the student at the guide screen, with a reason (kiosk.console.override)
    hall      the hall's stations and this station's outbox (kiosk.console.hall_page)

The records come from a kiosk.console.source.RecordSource (`source`: the store itself, a page at a time) or a
provider callable returning them all (tests, screenshots). It may return kiosk.store.records.Record objects
(store.list) or plain dicts; either becomes a dict:

    {"identity": "2023001", "status": Status | "已上传" | "filed", "attempts": 2 or [attempt, ...],
     "updated": datetime | ISO str | epoch, optional "profile" / "profile_id", "kind", "reason"}
    attempt: kiosk.store.records.Attempt (at, accepted, picture, gates) or {"at", "result", optional "file" / "note"}

Statuses are shown by key: the store's Status names lower-cased (not_uploaded, filed, needs_recapture, recaptured,
locked); an optional attempts provider (store.attempts) fills the record page.

`OperatorConsole.handle(action)` takes the touch-target names the operator views return and gives back a list of
action objects (MarkRecapture, LockRecord, ChooseProfile, ChooseCamera, ChooseBackdrop, Export, SavePin, PrintSheet,
AcceptOverride, ExitConsole)
for the app to do; `notify(key, bad, **fields)` lets the app report back (e.g. where an export was written).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from kiosk.console.actions import (RECAPTURE_REASONS, Action, ChooseBackdrop, ChooseCamera, ChooseProfile, Choice,
                                   ExitConsole, Export, LockRecord, MarkRecapture, PrintSheet, SavePin, choices,
                                   profile_choices)
from kiosk.console.browse import Browser, rows_for_height
from kiosk.console.hall_page import HallPage, HallView
from kiosk.console.override import OVERRIDE_REASONS, AcceptOverride, OverridePage
from kiosk.console.pages import SEARCH_PAGES, RecordPages
from kiosk.console.roster_page import RosterPage, RosterView
from kiosk.console.source import ListSource, RecordSource
from kiosk.console.pin import (DEFAULT_PIN, LOCKOUT_S, MAX_WRONG_PINS, PBKDF2_ITERATIONS, PIN_MAX_LEN, PIN_MIN_LEN,
                               PinGuard, hash_pin, is_default_pin, pin_problem, verify_pin)
from kiosk.console.rows import (STORE_STATUSES, as_row, attempt_count, attempt_row, record_refusals, status_key,
                                today_counts, when_text)
from kiosk.store.operators import FIRST_OPERATOR

__all__ = [
    "OperatorConsole", "OperatorState", "IDLE_TIMEOUT_S", "ROWS_PER_PAGE", "PAGES",
    # re-exported, so the station and the views import the console's names from one place
    "RECAPTURE_REASONS", "Action", "ChooseBackdrop", "ChooseCamera", "ChooseProfile", "Choice", "ExitConsole", "Export",
    "LockRecord", "MarkRecapture", "PrintSheet", "SavePin", "profile_choices", "rows_for_height", "AcceptOverride",
    "OVERRIDE_REASONS",
    "DEFAULT_PIN", "LOCKOUT_S", "MAX_WRONG_PINS", "PBKDF2_ITERATIONS", "PIN_MAX_LEN", "PIN_MIN_LEN", "PinGuard",
    "hash_pin", "is_default_pin", "pin_problem", "verify_pin",
    "STORE_STATUSES", "as_row", "attempt_count", "attempt_row", "status_key", "today_counts", "when_text",
]

IDLE_TIMEOUT_S = 180.0
ROWS_PER_PAGE = 8
PAGES = ("who", "pin", "change_pin", "queue", "search", "record", "settings", "export", "roster", "override",
         "hall")


@dataclass(frozen=True)
class OperatorState:
    """Everything an operator view draws (a snapshot: views decide nothing)."""

    page: str
    lang: str
    entered: int = 0  # digits typed on the PIN pad (shown masked)
    prompt: str = "op_pin_enter"  # text key of the PIN pad's title
    message: str = ""  # text key of a notice ("" for none)
    message_bad: bool = False
    message_fields: Mapping[str, Any] = field(default_factory=dict)  # the notice's fields (e.g. an export's path)
    operator: str = ""  # the operator chosen (the PIN pad names them; their actions carry the name)
    operators: tuple[str, ...] = ()  # every operator's name, for the "who" page
    locked_left_s: float = 0.0
    must_change: bool = False
    records: tuple[Mapping[str, Any], ...] = ()  # the rows on this page of the queue
    page_index: int = 0
    page_count: int = 1
    counts: Mapping[str, int] = field(default_factory=dict)  # today's: {"total": n, <status>: n}
    total_records: int = 0  # all records, any day
    record: Mapping[str, Any] | None = None
    reasons: tuple[str, ...] = RECAPTURE_REASONS
    profiles: tuple[Choice, ...] = ()
    cameras: tuple[Choice, ...] = ()
    profile_id: str = ""
    camera_spec: str = ""
    replace_backdrop: bool = False
    today: dt.date = field(default_factory=dt.date.today)
    query: str = ""  # the search typed so far
    matches: int = 0  # records the search found
    letters: bool = False  # the search keypad shows letters (the station's number patterns allow them)
    origins: Mapping[str, str] = field(default_factory=dict)  # setting name -> default / file / console / flag
    camera_checking: str = ""  # the camera being tried (not yet saved)
    rows_per_page: int = ROWS_PER_PAGE  # queue rows a page (rows_for_height of the screen)
    roster: RosterView | None = None  # the class-list page's figures (page "roster" only)
    hall: HallView | None = None  # the hall's stations and this station's outbox (page "hall" only)


class OperatorConsole(RecordPages, RosterPage, OverridePage, HallPage):
    """The console's state machine. Feed it target names with handle(); draw from state()."""

    def __init__(self, records: Callable[[], Sequence[Any]], pin_hash: str | None = None,
                 profiles: Sequence[Choice | str | tuple[str, str]] = (),
                 cameras: Sequence[Choice | str | tuple[str, str]] = (),
                 profile_id: str = "", camera_spec: str = "", lang: str = "zh",
                 clock: Callable[[], float] = time.monotonic,
                 today: Callable[[], dt.date] = dt.date.today,
                 pin_iterations: int = PBKDF2_ITERATIONS, idle_timeout_s: float = IDLE_TIMEOUT_S,
                 attempts: Callable[[str], Sequence[Any]] | None = None, replace_backdrop: bool = False,
                 operators: Sequence[tuple[str, str | None]] = (), source: RecordSource | None = None,
                 rows_per_page: int = ROWS_PER_PAGE, letters: bool = False,
                 origins: Mapping[str, str] | None = None,
                 roster: Callable[[], Sequence[Any]] | None = None) -> None:
        """`operators`: (name, PIN hash or None for the factory PIN) of every operator; none given: one operator,
        "operator 1", with `pin_hash`. `source` (else `records` and `attempts`) gives the records; `rows_per_page`
        (rows_for_height of the screen); `letters`: the search keypad has letters; `origins`: where each setting's
        value came from; `roster` (without `source`): the class list's entries."""
        self.replace_backdrop = replace_backdrop
        self.browser = Browser(source or ListSource(records, attempts, roster), rows_per_page, clock)
        self.letters = letters
        self.origins: dict[str, str] = dict(origins or {})
        self.camera_checking = ""
        self.on_tick: Callable[[], None] | None = None  # the station's per-frame work while open (camera, QR)
        self.operators: list[tuple[str, str | None]] = list(operators) or [(FIRST_OPERATOR, pin_hash)]
        self.guard = PinGuard(self.operators[0][1], clock, iterations=pin_iterations)
        self.operator = ""
        self.profiles = choices(profiles)
        self.cameras = choices(cameras)
        self.profile_id = profile_id
        self.camera_spec = camera_spec
        self.lang = lang
        self.clock = clock
        self.today = today
        self.pin_iterations = pin_iterations
        self.idle_timeout_s = idle_timeout_s
        self.page = "pin"
        self.entry = ""
        self.new_pin: str | None = None  # the first entry while changing the PIN
        self.message = ""
        self.message_bad = False
        self.message_fields: dict[str, Any] = {}
        self.selected: str | None = None
        self._last_input = clock()
        self._lock_console()

    # -- reading -----------------------------------------------------------------------------------------------
    def records(self) -> list[Mapping[str, Any]]:
        """Return the rows on the queue's current page, newest first (a failing source gives none and a notice)."""
        return list(self._view("queue").rows)

    def _view(self, page: str):
        view = self.browser.view(page, self.selected, self.today())
        if view.failed and self.message != "op_records_failed":
            self._say("op_records_failed", bad=True)
        return view

    def state(self) -> OperatorState:
        """Return the snapshot the current page draws."""
        today = self.today()
        view = self._view(self.page)
        prompt = "op_pin_enter"
        roster = self.roster_view() if self.page == "roster" else None
        hall = self.hall_view() if self.page == "hall" else None
        if self.page == "change_pin":
            prompt = "op_pin_new" if self.new_pin is None else "op_pin_repeat"
        state = OperatorState(
            page=self.page, lang=self.lang, entered=len(self.entry), prompt=prompt, message=self.message,
            message_bad=self.message_bad, message_fields=dict(self.message_fields), operator=self.operator,
            operators=tuple(name for name, _ in self.operators), locked_left_s=self.guard.locked_for(),
            must_change=self.guard.must_change, records=view.rows, page_index=view.page_index,
            page_count=view.page_count, counts=view.counts, total_records=view.total, record=view.record,
            profiles=self.profiles, cameras=self.cameras, profile_id=self.profile_id, camera_spec=self.camera_spec,
            replace_backdrop=self.replace_backdrop, today=today, query=self.browser.query, matches=view.matches,
            letters=self.letters, origins=dict(self.origins), camera_checking=self.camera_checking,
            rows_per_page=self.browser.rows_per_page, roster=roster, hall=hall)
        paged = roster or hall
        if paged is not None:
            state = dataclasses.replace(state, page_index=paged.page_index, page_count=paged.page_count)
        return state

    # -- input -------------------------------------------------------------------------------------------------
    def tick(self) -> list[Action]:
        """Call every frame: after `idle_timeout_s` without input the console locks itself again."""
        if self.page not in ("pin", "who") and self.clock() - self._last_input > self.idle_timeout_s:
            self._lock_console()
        if self.on_tick is not None:
            self.on_tick()
        return []

    def type_text(self, typed: str) -> list[Action]:
        """Typed text from a hardware keyboard or a keyboard-wedge scanner: digits on the PIN pages; on the queue,
        search and record pages the start of a number to search for (the scanner's Enter then opens it)."""
        if self.page in SEARCH_PAGES:
            self._last_input = self.clock()
            if self.page != "search":  # a new number (e.g. the next student's, scanned): a new search
                self.browser.clear()
            self._go("search")
            self.browser.type(typed)
            return []
        actions: list[Action] = []
        for ch in typed:
            if ch.isascii() and ch.isdigit():
                actions += self.handle(f"key:{ch}")
        return actions

    def handle(self, action: str) -> list[Action]:
        """Apply one touch-target name (or key action) and return what the app must do."""
        self._last_input = self.clock()
        if action == "lang":
            self.lang = "en" if self.lang == "zh" else "zh"
            return []
        if self.page == "who":
            return self._on_who(action)
        if self.page in ("pin", "change_pin"):
            return self._pin_pad(action)
        if action in ("exit", "quit"):
            self._lock_console()
            return [ExitConsole()]
        if action.startswith("goto:"):
            target = action[5:]
            if target in ("queue", "settings", "export", "search", "roster", "override", "hall"):
                self.roster_group = None if target == "roster" else self.roster_group
                self._go(target)
            elif target == "change_pin":
                self._go("change_pin")
            return []
        handler = getattr(self, f"_on_{self.page}")
        return handler(action)

    # -- pages -------------------------------------------------------------------------------------------------
    def _on_who(self, action: str) -> list[Action]:
        """The "who" page: `operator:<n>` chooses the n-th operator (0-based), then the PIN pad asks for their PIN."""
        if action in ("back", "exit", "quit"):
            self._lock_console()
            return [ExitConsole()]
        if action.startswith("operator:") and action[9:].isdigit() and int(action[9:]) < len(self.operators):
            self._choose(int(action[9:]))
            self._go("pin")
        return []

    def _choose(self, index: int) -> None:
        self.operator, stored = self.operators[index]
        self.guard.use(stored)

    def _pin_pad(self, action: str) -> list[Action]:
        if action == "who" and self.page == "pin" and len(self.operators) > 1:
            self._lock_console()
            return []
        if action.startswith("key:"):
            key = action[4:]
            if key == "delete":
                self.entry = self.entry[:-1]
            elif key.isdigit() and len(self.entry) < PIN_MAX_LEN:
                if self.page == "pin" and self.guard.locked_for() > 0:
                    self._say("op_pin_locked", bad=True)
                else:
                    self.entry += key
            return []
        if action in ("back", "exit", "quit"):
            if self.page == "change_pin" and not self.guard.must_change:
                self._go("settings")
                return []
            self._lock_console()
            return [ExitConsole()]
        if action != "ok":
            return []
        entry, self.entry = self.entry, ""
        if self.page == "pin":
            verdict = self.guard.attempt(entry)
            if verdict == "ok":
                if self.guard.must_change:
                    self._go("change_pin")
                    self._say("op_pin_must_change", bad=True)
                else:
                    self._go("queue")
            elif verdict == "locked":
                self._say("op_pin_locked", bad=True)
            else:
                self._say("op_pin_wrong", bad=True)
            return []
        # change_pin: type the new PIN twice
        if self.new_pin is None:
            problem = pin_problem(entry)
            if problem:
                self._say(problem, bad=True)
                return []
            self.new_pin = entry
            self._say("")
            return []
        first, self.new_pin = self.new_pin, None
        if entry != first:
            self._say("op_pin_mismatch", bad=True)
            return []
        stored = self.guard.change(first, self.pin_iterations)
        self.operators = [(name, stored if name == self.operator else old) for name, old in self.operators]
        self._go("queue")
        self._say("op_pin_changed")
        return [SavePin(stored, self.operator)]

    def _on_queue(self, action: str) -> list[Action]:
        if action.startswith("open:"):
            self._open(action[5:])
        elif action.startswith("page:"):
            self.browser.turn(action[5:], self.state().page_count)
        elif action == "back":
            self._lock_console()
            return [ExitConsole()]
        return []

    def _on_record(self, action: str) -> list[Action]:
        identity = self.selected or ""
        if action == "back":
            back = "roster" if self.from_roster else ("search" if self.browser.query else "queue")
            self._go(back, keep_page=True)
        elif action == "print":
            if (self._view("record").record or {}).get("picture_bytes"):
                self._say("op_print_started")
                return [PrintSheet(identity, self.operator)]
            self._say("op_print_no_picture", bad=True)
        elif action.startswith("recapture:") and action[10:] in RECAPTURE_REASONS:
            if not self._refused("recapture"):
                self._say("op_marked")
                return [MarkRecapture(identity, action[10:], self.operator)]
        elif action == "lock":
            if not self._refused("lock"):
                self._say("op_locked_done")
                return [LockRecord(identity, self.operator)]
        return []

    def _refused(self, what: str) -> bool:
        """Say why the lifecycle refuses `what` ("recapture" or "lock") for the open record; return whether it does
        (the screen draws that button disabled; a key press on it ends here instead of failing in the store)."""
        record = self._view("record").record
        code = record_refusals(record.get("status") if record else None).get(what)
        if code:
            self._say(f"store.{code}", bad=True)
        return bool(code)

    def notify(self, message_key: str, bad: bool = False, **fields: Any) -> None:
        """Let the app report back on the current page: a text key (e.g. "op_export_done_where", "store.locked")
        and the fields its sentence names (e.g. path=..., n=...)."""
        self._say(message_key, bad, **fields)
        self.refresh()

    def refresh(self) -> None:
        """Read the records afresh at the next state() (the app changed them, e.g. after carrying out an action)."""
        self.browser.version += 1

    # -- helpers -----------------------------------------------------------------------------------------------
    def _go(self, page: str, keep_page: bool = False) -> None:
        self.page = page
        self.entry = ""
        self.new_pin = None
        self._say("")
        self.browser.version += 1
        if not keep_page and page == "queue":
            self.browser.page_index = 0

    def _say(self, key: str, bad: bool = False, **fields: Any) -> None:
        self.message, self.message_bad, self.message_fields = key, bad, fields

    def _lock_console(self) -> None:
        """Back to the start: the "who" page with several operators, else the PIN pad of the only one."""
        self.selected = None
        if len(self.operators) == 1:
            self._choose(0)
            self._go("pin")
        else:
            self.operator = ""
            self._go("who")
