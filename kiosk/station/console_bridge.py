"""The operator console inside the running kiosk: opening it (F12 or five corner taps), routing input to it, and
carrying out what it asks (PIN, re-capture, lock, profile, backdrop, camera, export).

Operators and their PINs live in the store. A store without operators gets its first one, "operator 1", from the
shared PIN file of older stations (operator-pin.txt in the store folder: its hash, so its must-change state too)
or, without that file, with the factory PIN that must be changed at first use. The file is then no longer read."""
from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from kiosk.console.console import (ChooseBackdrop, ChooseCamera, ChooseProfile, ExitConsole, Export, LockRecord,
                                   MarkRecapture, OperatorConsole, SavePin, profile_choices)
from capture.errors import CodedError
from kiosk.store.records import FIRST_OPERATOR, SqliteRecordStore

if TYPE_CHECKING:
    from kiosk.station.settings import KioskOptions

log = logging.getLogger("idphoto.kiosk")

CORNER_TAPS = 5  # taps in the top-left corner that open the console (touch screens have no F12) ...
CORNER_WINDOW_S = 3.0  # ... within this many seconds


class ConsoleBridge:
    """Holds the open console (or None) and turns its requests into changes to the store and the options; the loop
    reads `restart_camera` and `profile_changed` and acts on them."""

    def __init__(self, options: "KioskOptions", store: SqliteRecordStore, clock: Callable[[], float],
                 lang: Callable[[], str]) -> None:
        self.o = options
        self.store = store
        self.clock = clock
        self.lang = lang
        self.console: OperatorConsole | None = None
        self.restart_camera = False  # the operator chose another camera
        self.profile_changed = False  # the gates must judge by another profile
        self._corner_taps: list[float] = []

    @property
    def pin_file(self) -> Path:
        """Return the shared PIN file of older stations (read once, when the store has no operators yet)."""
        return Path(self.o.store) / "operator-pin.txt"

    def operators(self) -> list[tuple[str, str]]:
        """Return (name, PIN hash) of every operator, making the first one when the store has none."""
        if not self.store.operators():
            from kiosk.console.pin import DEFAULT_PIN, hash_pin

            pin_hash = self.pin_file.read_text(encoding="ascii").strip() if self.pin_file.exists() else ""
            self.store.add_operator(FIRST_OPERATOR, pin_hash or hash_pin(DEFAULT_PIN))
            log.info("operators: the first operator was set up")
        return [(o.name, o.pin_hash) for o in self.store.operators()]

    def open_console(self) -> None:
        """Open the PIN-protected operator console over the kiosk."""
        from profiles import load_profiles

        cameras = [("demo", "demo"), ("0", "webcam 0"), ("1", "webcam 1")]
        if self.o.camera not in ("demo", "0", "1"):
            cameras.append((self.o.camera, self.o.camera))
        self.console = OperatorConsole(self.store.list, None, profile_choices(load_profiles()), cameras,
                                       self.o.profile.id, self.o.camera, self.lang(), self.clock,
                                       attempts=self.store.attempts, replace_backdrop=self.o.replace_backdrop,
                                       operators=self.operators())
        log.info("operator console opened")

    def corner_tap(self) -> None:
        """Count a tap in the top-left corner; five within three seconds open the console."""
        now = self.clock()
        self._corner_taps = [t for t in self._corner_taps if now - t < CORNER_WINDOW_S] + [now]
        if len(self._corner_taps) >= CORNER_TAPS:
            self._corner_taps.clear()
            self.open_console()

    def console_input(self, action: str, text: str | None) -> None:
        """Route one input to the open console and carry out what it asks."""
        console = self.console
        if console is None:
            return
        if text is not None:
            actions = console.type_text(text)
        else:
            action = {"delete": "key:delete", "operator": "back"}.get(action, action)
            actions = console.handle(action)
        for act in actions:
            self.carry_out(act)

    def carry_out(self, act: object) -> None:
        """Carry out one console request; a refusal is logged (its code) and shown on the console with its sentence,
        never raised."""
        try:
            self._carry_out(act)
        except CodedError as exc:  # a refusal of the store (e.g. the lifecycle's): its own sentence
            log.warning("operator action %s refused: %s", type(act).__name__, exc.code)
            if self.console is not None:
                self.console.notify(f"{exc.domain}.{exc.code}", bad=True, **exc.fields)
        except (ValueError, OSError, RuntimeError) as exc:
            log.warning("operator action %s failed: %s", type(act).__name__, type(exc).__name__)
            if self.console is not None:
                self.console.notify("op_action_failed", bad=True)

    def _carry_out(self, act: object) -> None:
        if isinstance(act, SavePin):
            self.store.set_operator_pin(act.operator or FIRST_OPERATOR, act.pin_hash)
        elif isinstance(act, MarkRecapture):
            self.store.mark_recapture(act.identity, act.reason, operator=act.operator or None)
        elif isinstance(act, LockRecord):
            self.store.lock([act.identity], operator=act.operator or None, reason="locked by hand")
        elif isinstance(act, ChooseProfile):
            from profiles import get_profile

            self.o.profile = get_profile(act.id)
            self.profile_changed = True
        elif isinstance(act, ChooseBackdrop):
            self.o.replace_backdrop = act.replace
            self.profile_changed = True  # the gates judge the backdrop differently
        elif isinstance(act, ChooseCamera):
            self.o.camera = act.spec
            self.restart_camera = True
        elif isinstance(act, Export):
            self._export()
        elif isinstance(act, ExitConsole):
            self.console = None
            log.info("operator console closed")

    def _export(self) -> None:
        from kiosk.store.export import export_batch

        out = Path(self.o.store) / "exports" / dt.datetime.now().strftime("batch-%Y%m%d-%H%M%S.zip")
        report = export_batch(self.store, out)  # it creates the exports folder, owner-only
        log.info("export: %d pictures, %d refused", len(report.exported), len(report.refused))
        if self.console is None:
            return
        if report.zip_path is None:
            if report.refused:
                self.console.notify("op_export_all_refused", bad=True, refused=len(report.refused))
            else:
                self.console.notify("op_export_nothing")
        elif report.refused:
            self.console.notify("op_export_partial", bad=True, n=len(report.exported), path=str(report.zip_path),
                                refused=len(report.refused))
        else:
            self.console.notify("op_export_done_where", n=len(report.exported), path=str(report.zip_path))
