"""The operator console's logic (no pygame): PIN checking, pages, and the actions the app carries out.

The console is opened by staff on the kiosk itself. It starts at the PIN page; a wrong PIN five times in a row locks
it for 60 s; the factory PIN "0000" must be changed before anything else. Behind the PIN:

    queue     today's counts and the records (newest first, paged)
    record    one record with its attempts: mark it for re-capture (with a reason), lock it
    settings  choose the photo profile and the camera; change the PIN
    export    hand the records over (the app does the work)

The records come from a provider callable (the store is not imported here). It may return kiosk.store.records.Record
objects (store.list) or plain dicts; either becomes a dict:

    {"identity": "2023001", "status": Status | "已上传" | "filed", "attempts": 2 or [attempt, ...],
     "updated": datetime | ISO str | epoch, optional "profile" / "profile_id", "kind", "reason"}
    attempt: kiosk.store.records.Attempt (at, accepted, picture, gates) or {"at", "result", optional "file" / "note"}

Statuses are shown by key: the store's Status names lower-cased (not_uploaded, filed, needs_recapture, recaptured,
locked); an optional attempts provider (store.attempts) fills the record page.

`OperatorConsole.handle(action)` takes the touch-target names the operator views return and gives back a list of
action objects (MarkRecapture, LockRecord, ChooseProfile, ChooseCamera, ChooseBackdrop, Export, SavePin, ExitConsole)
for the app to do.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

DEFAULT_PIN = "0000"
PIN_MIN_LEN, PIN_MAX_LEN = 4, 8
PBKDF2_ITERATIONS = 200_000
MAX_WRONG_PINS = 5
LOCKOUT_S = 60.0
IDLE_TIMEOUT_S = 180.0
ROWS_PER_PAGE = 8
RECAPTURE_REASONS = ("blurred", "eyes_closed", "background", "wrong_person", "student_request")
PAGES = ("pin", "change_pin", "queue", "record", "settings", "export")


# --- PINs -------------------------------------------------------------------------------------------------------

def hash_pin(pin: str, iterations: int = PBKDF2_ITERATIONS, salt: bytes | None = None) -> str:
    """Return `pin` hashed with PBKDF2-HMAC-SHA256 and a random salt, as "pbkdf2$<iterations>$<salt hex>$<hash hex>"."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode("utf-8"), salt, iterations)
    return f"pbkdf2${iterations}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    """Return whether `pin` matches a hash_pin() string (constant-time compare; a malformed string never matches)."""
    try:
        scheme, iterations, salt_hex, digest_hex = stored.split("$")
        iterations_n = int(iterations)
        salt, expected = bytes.fromhex(salt_hex), bytes.fromhex(digest_hex)
    except (AttributeError, ValueError):
        return False
    if scheme != "pbkdf2" or not 1 <= iterations_n <= 10_000_000 or not expected:
        return False
    digest = hashlib.pbkdf2_hmac("sha256", (pin or "").encode("utf-8"), salt, iterations_n)
    return hmac.compare_digest(digest, expected)


def is_default_pin(stored: str | None) -> bool:
    """Return whether the stored hash is missing or is the factory PIN (which must be changed on first use)."""
    return not stored or verify_pin(DEFAULT_PIN, stored)


def pin_problem(pin: str) -> str | None:
    """Return a text key saying why `pin` cannot be a new PIN, or None if it can."""
    if not (pin.isascii() and pin.isdigit()) or not PIN_MIN_LEN <= len(pin) <= PIN_MAX_LEN:
        return "op_pin_rule"
    if pin == DEFAULT_PIN or len(set(pin)) == 1:
        return "op_pin_weak"
    return None


class PinGuard:
    """Checks PINs with a lock-out: after `max_wrong` wrong PINs in a row, every try is refused for `lockout_s`."""

    def __init__(self, stored: str | None, clock: Callable[[], float] = time.monotonic,
                 max_wrong: int = MAX_WRONG_PINS, lockout_s: float = LOCKOUT_S,
                 iterations: int = PBKDF2_ITERATIONS) -> None:
        self.stored = stored or hash_pin(DEFAULT_PIN, iterations)
        self.clock = clock
        self.max_wrong = max_wrong
        self.lockout_s = lockout_s
        self.wrong = 0
        self._locked_until: float | None = None
        self.must_change = is_default_pin(self.stored)

    def locked_for(self) -> float:
        """Return the seconds the lock-out still lasts (0 when not locked)."""
        if self._locked_until is None:
            return 0.0
        left = self._locked_until - self.clock()
        if left <= 0:
            self._locked_until = None
            self.wrong = 0
            return 0.0
        return left

    def attempt(self, pin: str) -> str:
        """Check `pin`: return "ok", "wrong" or "locked" (a try during the lock-out is not even checked)."""
        if self.locked_for() > 0:
            return "locked"
        if verify_pin(pin, self.stored):
            self.wrong = 0
            return "ok"
        self.wrong += 1
        if self.wrong >= self.max_wrong:
            self._locked_until = self.clock() + self.lockout_s
            return "locked"
        return "wrong"

    def change(self, new_pin: str, iterations: int = PBKDF2_ITERATIONS) -> str:
        """Set a new PIN and return its hash (to be saved by the app). Raise ValueError(text key) if not allowed."""
        problem = pin_problem(new_pin)
        if problem:
            raise ValueError(problem)
        self.stored = hash_pin(new_pin, iterations)
        self.must_change = False
        return self.stored


# --- What the app is asked to do --------------------------------------------------------------------------------

@dataclass(frozen=True)
class MarkRecapture:
    identity: str
    reason: str  # one of RECAPTURE_REASONS


@dataclass(frozen=True)
class LockRecord:
    identity: str


@dataclass(frozen=True)
class ChooseProfile:
    id: str


@dataclass(frozen=True)
class ChooseCamera:
    spec: str


@dataclass(frozen=True)
class ChooseBackdrop:
    replace: bool  # True: paint the backdrop the profile's colour (换底); False: keep the photo's own


@dataclass(frozen=True)
class Export:
    pass


@dataclass(frozen=True)
class SavePin:
    pin_hash: str  # the app writes this where it keeps the operator PIN


@dataclass(frozen=True)
class ExitConsole:
    pass


Action = MarkRecapture | LockRecord | ChooseProfile | ChooseCamera | ChooseBackdrop | Export | SavePin | ExitConsole


@dataclass(frozen=True)
class Choice:
    """A profile or camera the operator can pick: its id and labels."""

    id: str
    zh: str = ""
    en: str = ""

    def label(self, lang: str) -> str:
        return (self.zh if lang == "zh" else self.en) or self.en or self.zh or self.id


def _choices(items: Sequence[Choice | str | tuple[str, str]]) -> tuple[Choice, ...]:
    out = []
    for item in items:
        if isinstance(item, Choice):
            out.append(item)
        elif isinstance(item, str):
            out.append(Choice(item))
        else:
            out.append(Choice(item[0], item[1], item[1]))
    return tuple(out)


# --- Records as shown -------------------------------------------------------------------------------------------

def _as_datetime(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, (int, float)):
        return dt.datetime.fromtimestamp(value)
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def when_text(value: Any, today: dt.date) -> str:
    """Return a short time for a table: "14:05" today, "11-20 14:05" another day, the raw text if not a time."""
    moment = _as_datetime(value)
    if moment is None:
        return "" if value is None else str(value)[:16]
    return moment.strftime("%H:%M" if moment.date() == today else "%m-%d %H:%M")


# The records store's status values (kiosk.store.records.Status) and the keys the console shows them by.
STORE_STATUSES = {"未上传": "not_uploaded", "已上传": "filed", "需重新上传": "needs_recapture",
                  "已重新上传": "recaptured", "已采集(锁定)": "locked"}


def status_key(value: Any) -> str:
    """Return a plain status key: an Enum gives its lower-case name, a store status text its key, else the text."""
    name = getattr(value, "name", None)
    if isinstance(name, str) and hasattr(value, "value"):
        return name.lower()
    text = "" if value is None else str(value)
    return STORE_STATUSES.get(text, text)


def as_row(item: Any) -> dict[str, Any] | None:
    """Return a record or attempt as a plain dict (a Mapping, a dataclass such as kiosk.store.records.Record, or an
    object with attributes); None if it is none of these."""
    if isinstance(item, Mapping):
        row = dict(item)
    elif dataclasses.is_dataclass(item) and not isinstance(item, type):
        row = {f.name: getattr(item, f.name) for f in dataclasses.fields(item)}
    elif hasattr(item, "__dict__"):
        row = dict(vars(item))
    else:
        return None
    if "status" in row:
        row["status"] = status_key(row["status"])
    if "profile" not in row and row.get("profile_id"):
        row["profile"] = row["profile_id"]
    return row


def attempt_row(item: Any) -> dict[str, Any]:
    """Return an attempt as {"at", "result", "note"}: kiosk.store.records.Attempt (accepted, picture, gates) or a dict."""
    row = as_row(item) or {"result": str(item)}
    if "result" not in row:
        if "accepted" in row:
            row["result"] = "filed" if row.get("accepted") else "rejected"
        else:
            row["result"] = status_key(row.get("status", ""))
    if not row.get("note"):
        picture = row.get("picture") or row.get("file")
        gates = row.get("gates")
        if picture:
            row["note"] = str(picture).replace("\\", "/").rsplit("/", 1)[-1]
        elif isinstance(gates, Mapping):
            failed = [str(k) for k, v in gates.items()
                      if v is False or (isinstance(v, str) and v.lower() in ("fail", "failed", "bad"))
                      or (isinstance(v, Mapping) and (v.get("passed") is False or v.get("ok") is False))]
            row["note"] = ", ".join(failed)
    return row


def attempt_count(record: Mapping[str, Any]) -> int:
    attempts = record.get("attempts", 0)
    if isinstance(attempts, (list, tuple)):
        return len(attempts)
    try:
        return int(attempts)
    except (TypeError, ValueError):
        return 0


def today_counts(records: Sequence[Mapping[str, Any]], today: dt.date) -> dict[str, int]:
    """Return {"total": n, <status>: n, ...} over the records updated today."""
    counts: dict[str, int] = {"total": 0}
    for record in records:
        moment = _as_datetime(record.get("updated"))
        if moment is None or moment.date() != today:
            continue
        counts["total"] += 1
        status = status_key(record.get("status", "unknown"))
        counts[status] = counts.get(status, 0) + 1
    return counts


def _sort_key(record: Mapping[str, Any]) -> float:
    moment = _as_datetime(record.get("updated"))
    try:
        return moment.timestamp() if moment else 0.0
    except (OverflowError, OSError, ValueError):
        return 0.0


# --- The console ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OperatorState:
    """Everything an operator view draws (a snapshot: views decide nothing)."""

    page: str
    lang: str
    entered: int = 0  # digits typed on the PIN pad (shown masked)
    prompt: str = "op_pin_enter"  # text key of the PIN pad's title
    message: str = ""  # text key of a notice ("" for none)
    message_bad: bool = False
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


class OperatorConsole:
    """The console's state machine. Feed it target names with handle(); draw from state()."""

    def __init__(self, records: Callable[[], Sequence[Any]], pin_hash: str | None = None,
                 profiles: Sequence[Choice | str | tuple[str, str]] = (),
                 cameras: Sequence[Choice | str | tuple[str, str]] = (),
                 profile_id: str = "", camera_spec: str = "", lang: str = "zh",
                 clock: Callable[[], float] = time.monotonic,
                 today: Callable[[], dt.date] = dt.date.today,
                 pin_iterations: int = PBKDF2_ITERATIONS, idle_timeout_s: float = IDLE_TIMEOUT_S,
                 attempts: Callable[[str], Sequence[Any]] | None = None, replace_backdrop: bool = False) -> None:
        self._records = records
        self.replace_backdrop = replace_backdrop
        self._attempts = attempts
        self.guard = PinGuard(pin_hash, clock, iterations=pin_iterations)
        self.profiles = _choices(profiles)
        self.cameras = _choices(cameras)
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
        self.selected: str | None = None
        self.page_index = 0
        self._last_input = clock()

    # -- reading -----------------------------------------------------------------------------------------------
    def records(self) -> list[Mapping[str, Any]]:
        """Return the provider's records, newest first (a failing provider gives an empty list and a notice)."""
        try:
            rows = [as_row(r) for r in (self._records() or ())]
        except Exception:  # the store belongs to someone else: never let it take the console down
            self._say("op_records_failed", bad=True)
            return []
        return sorted((r for r in rows if r is not None), key=_sort_key, reverse=True)

    def _with_attempts(self, record: dict[str, Any]) -> dict[str, Any]:
        """Fill in the record's attempt list from the attempts provider (if any) or its own "attempts" list."""
        attempts: Any = record.get("attempts")
        if self._attempts is not None:
            try:
                attempts = list(self._attempts(str(record.get("identity"))) or ())
            except Exception:
                self._say("op_records_failed", bad=True)
        if isinstance(attempts, (list, tuple)):
            record = dict(record, attempts=[attempt_row(a) for a in attempts])
        return record

    def state(self) -> OperatorState:
        """Return the snapshot the current page draws."""
        today = self.today()
        rows = self.records() if self.page in ("queue", "record", "export") else []
        pages = max(1, -(-len(rows) // ROWS_PER_PAGE))
        self.page_index = min(self.page_index, pages - 1)
        shown = tuple(rows[self.page_index * ROWS_PER_PAGE:(self.page_index + 1) * ROWS_PER_PAGE])
        prompt = "op_pin_enter"
        if self.page == "change_pin":
            prompt = "op_pin_new" if self.new_pin is None else "op_pin_repeat"
        record = None
        if self.page == "record":
            record = next((r for r in rows if str(r.get("identity")) == self.selected), None)
            if record is not None:
                record = self._with_attempts(record)
        return OperatorState(
            page=self.page, lang=self.lang, entered=len(self.entry), prompt=prompt, message=self.message,
            message_bad=self.message_bad, locked_left_s=self.guard.locked_for(), must_change=self.guard.must_change,
            records=shown, page_index=self.page_index, page_count=pages, counts=today_counts(rows, today),
            total_records=len(rows),
            record=record, profiles=self.profiles, cameras=self.cameras, profile_id=self.profile_id,
            camera_spec=self.camera_spec, replace_backdrop=self.replace_backdrop, today=today)

    # -- input -------------------------------------------------------------------------------------------------
    def tick(self) -> list[Action]:
        """Call every frame: after `idle_timeout_s` without input the console locks itself again."""
        if self.page != "pin" and self.clock() - self._last_input > self.idle_timeout_s:
            self._lock_console()
        return []

    def type_text(self, typed: str) -> list[Action]:
        """Digits from a hardware keyboard on the PIN pages."""
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
        if self.page in ("pin", "change_pin"):
            return self._pin_pad(action)
        if action in ("exit", "quit"):
            self._lock_console()
            return [ExitConsole()]
        if action.startswith("goto:"):
            target = action[5:]
            if target in ("queue", "settings", "export"):
                self._go(target)
            elif target == "change_pin":
                self._go("change_pin")
            return []
        handler = getattr(self, f"_on_{self.page}")
        return handler(action)

    # -- pages -------------------------------------------------------------------------------------------------
    def _pin_pad(self, action: str) -> list[Action]:
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
        self._go("queue")
        self._say("op_pin_changed")
        return [SavePin(stored)]

    def _on_queue(self, action: str) -> list[Action]:
        if action.startswith("open:"):
            self.selected = action[5:]
            self._go("record")
        elif action == "page:next":
            self.page_index += 1  # clamped by state()
        elif action == "page:prev":
            self.page_index = max(0, self.page_index - 1)
        elif action == "back":
            self._lock_console()
            return [ExitConsole()]
        return []

    def _on_record(self, action: str) -> list[Action]:
        identity = self.selected or ""
        if action == "back":
            self._go("queue", keep_page=True)
        elif action.startswith("recapture:") and action[10:] in RECAPTURE_REASONS:
            self._say("op_marked")
            return [MarkRecapture(identity, action[10:])]
        elif action == "lock":  # the store allows it from filed / re-captured only; the app reports a refusal
            self._say("op_locked_done")
            return [LockRecord(identity)]
        return []

    def _on_settings(self, action: str) -> list[Action]:
        if action == "back":
            self._go("queue")
        elif action.startswith("profile:"):
            pid = action[8:]
            if any(c.id == pid for c in self.profiles):
                self.profile_id = pid
                self._say("op_saved_setting")
                return [ChooseProfile(pid)]
        elif action.startswith("camera:"):
            spec = action[7:]
            if any(c.id == spec for c in self.cameras):
                self.camera_spec = spec
                self._say("op_saved_setting")
                return [ChooseCamera(spec)]
        elif action in ("backdrop:keep", "backdrop:replace"):
            self.replace_backdrop = action == "backdrop:replace"
            self._say("op_saved_setting")
            return [ChooseBackdrop(self.replace_backdrop)]
        return []

    def _on_export(self, action: str) -> list[Action]:
        if action == "back":
            self._go("queue")
        elif action == "export":
            self._say("op_export_started")
            return [Export()]
        return []

    def notify(self, message_key: str, bad: bool = False) -> None:
        """Let the app report back (e.g. "op_export_done", "op_export_failed") on the current page."""
        self._say(message_key, bad)

    # -- helpers -----------------------------------------------------------------------------------------------
    def _go(self, page: str, keep_page: bool = False) -> None:
        self.page = page
        self.entry = ""
        self.new_pin = None
        self._say("")
        if not keep_page and page == "queue":
            self.page_index = 0

    def _say(self, key: str, bad: bool = False) -> None:
        self.message, self.message_bad = key, bad

    def _lock_console(self) -> None:
        self.selected = None
        self._go("pin")


def profile_choices(profiles: Mapping[str, Any] | Sequence[Any]) -> tuple[Choice, ...]:
    """Return Choices for photo profiles (anything with .id, .name_zh and .name_en, e.g. load_profiles().values())."""
    items = profiles.values() if isinstance(profiles, Mapping) else profiles
    return tuple(Choice(p.id, getattr(p, "name_zh", ""), getattr(p, "name_en", "")) for p in items)
