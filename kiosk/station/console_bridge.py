"""The operator console inside the running kiosk: opening it (F12 or five corner taps), routing input to it, and
carrying out what it asks (PIN, re-capture, lock, profile, backdrop, camera, export, print).

Settings the operator changes (profile, camera, 换底) are saved in the store for this station and read at the next
start (kiosk.station.settings.saved_layer). A camera is tried first, on a helper thread (`camera_check`, at most
CAMERA_CHECK_S): only one that opens is used and saved; else the console says so and the old camera stays. While a
records page is open, a 采集码 QR held to the camera searches for its number (at most every SCAN_EVERY_S).

Operators and their PINs live in the store. A store without operators gets its first one, "operator 1", from the
shared PIN file of older stations (operator-pin.txt in the store folder: its hash, so its must-change state too)
or, without that file, with the factory PIN that must be changed at first use. The file is then no longer read."""
from __future__ import annotations

import contextlib
import datetime as dt
import logging
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

from kiosk.console.console import (AcceptOverride, ChooseBackdrop, ChooseCamera, ChooseProfile, Choice, ExitConsole, Export, LockRecord,
                                   MarkRecapture, OperatorConsole, PrintSheet, SavePin, profile_choices,
                                   rows_for_height)
from kiosk.console.hall_page import ResolveConflict
from kiosk.console.pages import SEARCH_PAGES
from kiosk.console.source import StoreSource
from capture.errors import CodedError
from capture.files import private_folder, write_atomic
from kiosk.station.settings import local_folder
from kiosk.store.postgres_url import is_server_url
from kiosk.store.records import FIRST_OPERATOR, SqliteRecordStore

if TYPE_CHECKING:
    from kiosk.station.settings import KioskOptions

log = logging.getLogger("idphoto.kiosk")

CORNER_TAPS = 5  # taps in the top-left corner that open the console (touch screens have no F12) ...
CORNER_WINDOW_S = 3.0  # ... within this many seconds
CAMERA_CHECK_S = 3.0  # a camera chosen in the console must deliver a frame within this many seconds
SCAN_EVERY_S = 0.5  # a QR is looked for in the camera frame at most this often while a records page is open
SCAN_REPEAT_S = 3.0  # the same code read again within this many seconds is the same scan


def check_camera(spec: str, timeout_s: float = CAMERA_CHECK_S) -> bool:
    """Return True when camera `spec` ("0", "/dev/video2", "demo", a file or folder) opens and gives a frame within
    `timeout_s` seconds (real time; call it off the UI thread)."""
    from capture.camera import CameraError, first_frame, open_source, probe_device

    if spec.isdigit():
        return probe_device(int(spec), timeout_s)
    try:
        return first_frame(open_source(spec), timeout_s) is not None
    except CameraError:
        return False


@contextlib.contextmanager
def _picture_file(data: bytes, exports: Path, path: Path | None) -> Iterator[Path]:
    """Yield a file holding the picture `data`: its own `path` when the store keeps one, else a private copy in a
    0700 folder under `exports` (a hall server keeps pictures in the database), removed afterwards."""
    if path is not None and path.is_file():
        yield path
        return
    folder = Path(tempfile.mkdtemp(prefix=".picture-", dir=private_folder(exports)))
    try:
        copy = folder / "picture.jpg"
        write_atomic(copy, data)
        yield copy
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class ConsoleBridge:
    """Holds the open console (or None) and turns its requests into changes to the store and the options; the loop
    reads `restart_camera` and `profile_changed` and acts on them."""

    def __init__(self, options: "KioskOptions", store: SqliteRecordStore, clock: Callable[[], float],
                 lang: Callable[[], str], frame: Callable[[], Any] | None = None) -> None:
        """`frame`: the newest camera frame (H×W×3 RGB) or None, for reading a QR while the console is open."""
        self.o = options
        self.store = store
        self.clock = clock
        self.lang = lang
        self.frame = frame
        self.console: OperatorConsole | None = None
        self._restart_camera = False
        self._profile_changed = False  # the gates must judge by another profile
        self.session: Callable[[], Any] | None = None  # the student's Session, for an override (set by the loop)
        self.at_guide: Callable[[], bool] = lambda: False  # a student is at the guide screen (set by the loop)
        self.hall: Callable[[], Any] | None = None  # the hall link's snapshot, for the hall page (set by the loop)
        self.hall_changed: Callable[[], None] = lambda: None  # ask the hall link for a round now (set by the loop)
        self._applied_override: object = None  # the session override the gates judge by now
        self.camera_check: Callable[[str], bool] = check_camera  # replaced in tests
        self._checking: tuple[str, threading.Thread, list[bool]] | None = None
        self._last_scan: tuple[float, str] = (-SCAN_REPEAT_S, "")
        self._scan: tuple[threading.Thread, list[str | None]] | None = None
        self._scan_at = -SCAN_EVERY_S
        self._corner_taps: list[float] = []

    @property
    def restart_camera(self) -> bool:
        """Return True when the operator chose another camera and it opened (the loop reads this every frame, so
        a camera check that answered is applied here even with the console closed)."""
        self._finish_camera_check()
        return self._restart_camera

    @restart_camera.setter
    def restart_camera(self, value: bool) -> None:
        self._restart_camera = value

    @property
    def profile_changed(self) -> bool:
        """Return True when the gates must judge by another profile: the operator chose one, changed 换底, or an
        override began or ended with its session (the loop reads this every frame and resets it)."""
        override = self.session().override if self.session is not None else None
        if override is not self._applied_override:
            self._applied_override = override
            self._profile_changed = True
        return self._profile_changed

    @profile_changed.setter
    def profile_changed(self, value: bool) -> None:
        self._profile_changed = value

    def _accept_override(self, act: AcceptOverride) -> None:
        """Let the override's gates advise for the student at the guide screen (refused with a notice when no one
        is there); audited in the store."""
        if self.session is None or not self.at_guide():
            if self.console is not None:
                self.console.notify("op_override_no_student", bad=True)
            return
        session = self.session()
        session.override = act.to_dict()
        note = getattr(self.store, "note_override", None)  # the SQLite store audits it
        if note is not None:
            note(session.identity, list(act.gates), act.reason, act.operator or None)
        log.info("override: %s for %s", act.reason, ",".join(act.gates))
        if self.console is not None:
            self.console.notify("op_override_done")

    @property
    def pin_file(self) -> Path:
        """Return the shared PIN file of older stations (read once, when the store has no operators yet)."""
        return (local_folder(self.o) if is_server_url(str(self.o.store)) else Path(self.o.store)) / "operator-pin.txt"

    @property
    def exports(self) -> Path:
        """Return the folder exports and print sheets are written to: `exports` in the station's own folder (the
        store folder unless --local says otherwise)."""
        return local_folder(self.o) / "exports"

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

        cameras = [Choice("demo", "演示视频", "Demo video"), Choice("0", "摄像头 0", "Webcam 0"),
                   Choice("1", "摄像头 1", "Webcam 1")]
        if self.o.camera not in ("demo", "0", "1"):
            cameras.append(Choice(self.o.camera))  # a file or folder: shown by its path
        self.console = OperatorConsole(self.store.list, None, profile_choices(load_profiles()), cameras,
                                       self.o.profile.id, self.o.camera, self.lang(), self.clock,
                                       replace_backdrop=self.o.replace_backdrop, operators=self.operators(),
                                       source=StoreSource(self.store), rows_per_page=rows_for_height(self.o.size[1]),
                                       letters=self.o.identity_rules.typed_letters(), origins=self.o.origins)
        self.console.on_tick = self.poll
        self.console.hall_source = self.hall  # the console's hall page reads the link's snapshot (never waits)
        log.info("operator console opened")

    def poll(self) -> None:
        """Called every frame while the console is open: finish a camera check; look for a QR held to the camera
        (decoded on a helper thread, at most every SCAN_EVERY_S) and search for the number it holds."""
        self._finish_camera_check()
        self._finish_scan()
        console = self.console
        now = self.clock()
        if (console is None or self.frame is None or console.page not in SEARCH_PAGES or self._scan is not None
                or now - self._scan_at < SCAN_EVERY_S):
            return
        self._scan_at = now
        rgb = self.frame()
        if rgb is None:
            return
        from kiosk.station.qr import decode_collection_code

        found: list[str | None] = []
        frame = rgb.copy()
        thread = threading.Thread(target=lambda: found.append(decode_collection_code(frame)), daemon=True,
                                  name="console-qr")
        self._scan = (thread, found)
        thread.start()

    def wait_scan(self, timeout_s: float = 5.0) -> None:
        """Wait for the QR being looked for and apply it (tests)."""
        if self._scan is not None:
            self._scan[0].join(timeout_s)
        self._finish_scan()

    def _finish_scan(self) -> None:
        if self._scan is None or self._scan[0].is_alive():
            return
        payload = self._scan[1][0] if self._scan[1] else None
        self._scan = None
        console = self.console
        if not payload or console is None:
            return
        from kiosk.station.qr import payload_identity
        from kiosk.store.identity import IdentityError

        try:
            code = payload_identity(payload, self.o.identity_rules)
        except IdentityError as exc:
            console.notify(f"{exc.domain}.{exc.code}", bad=True, **exc.fields)
            return
        now = self.clock()
        if code == self._last_scan[1] and now - self._last_scan[0] < SCAN_REPEAT_S:
            return  # the same code still held up
        self._last_scan = (now, code)
        console.scanned(code)

    def _start_camera_check(self, spec: str) -> None:
        """Try camera `spec` on a helper thread; `_finish_camera_check` uses it once it answered."""
        answer: list[bool] = []
        thread = threading.Thread(target=lambda: answer.append(bool(self._safe_check(spec))), daemon=True,
                                  name="console-camera-check")
        self._checking = (spec, thread, answer)
        thread.start()

    def _safe_check(self, spec: str) -> bool:
        try:
            return self.camera_check(spec)
        except Exception:  # any trouble opening it: it did not open
            return False

    def wait_camera_check(self, timeout_s: float = CAMERA_CHECK_S + 2.0) -> None:
        """Wait for the camera being tried and apply its answer (tests, and before the station closes)."""
        if self._checking is not None:
            self._checking[1].join(timeout_s)
        self._finish_camera_check()

    def _finish_camera_check(self) -> None:
        if self._checking is None or self._checking[1].is_alive():
            return
        spec, _, answer = self._checking
        self._checking = None
        ok = bool(answer and answer[0])
        if ok:
            self.o.camera = spec
            self._restart_camera = True
            self.store.save_setting("camera", spec, self._operator())
            log.info("camera changed in the console")
        else:
            log.warning("camera chosen in the console did not open; the old one stays")
        if self.console is not None:
            self.console.camera_checked(spec, ok)

    def _operator(self) -> str | None:
        return (self.console.operator or None) if self.console is not None else None

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
        if actions and self.console is not None:
            self.console.refresh()  # the records may have changed: the next frame shows them as they are now

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
            self.store.save_setting("profile", act.id, self._operator())
        elif isinstance(act, ChooseBackdrop):
            self.o.replace_backdrop = act.replace
            self.profile_changed = True  # the gates judge the backdrop differently
            self.store.save_setting("replace_backdrop", act.replace, self._operator())
        elif isinstance(act, ChooseCamera):
            self._start_camera_check(act.spec)
        elif isinstance(act, Export):
            self._export()
        elif isinstance(act, PrintSheet):
            self._print(act.identity)
        elif isinstance(act, AcceptOverride):
            self._accept_override(act)
        elif isinstance(act, ResolveConflict):  # the hall page: a conflict dealt with (the outbox, local)
            self.store.resolve(act.capture_id, act.operator or None)
            self.hall_changed()
        elif isinstance(act, ExitConsole):
            self.console = None
            log.info("operator console closed")

    def _print(self, identity: str) -> None:
        """Print (or save) the record's sheet and say what happened on the console."""
        from kiosk.station.console_print import nearest_size, print_record_sheet

        record = self.store.get(identity)
        data = self.store.picture_bytes(record) if record is not None else None
        if not data:
            if self.console is not None:
                self.console.notify("op_print_no_picture", bad=True)
            return
        profile = self._profile_of(record.profile_id)
        size = nearest_size(profile.width_px / profile.dpi * 25.4, profile.height_px / profile.dpi * 25.4)
        try:
            with _picture_file(data, self.exports, self.store.path_of(record)) as path:
                result = print_record_sheet(path, self.exports, size, record.identity)
        except (OSError, subprocess.SubprocessError) as exc:
            log.warning("print sheet failed: %s", type(exc).__name__)
            if self.console is not None:
                self.console.notify("op_print_failed", bad=True, reason=type(exc).__name__)
            return
        log.info("print sheet: %d file(s), sent %s", len(result.files), result.sent)
        if self.console is not None:
            where = ", ".join(str(f) for f in result.files)
            self.console.notify("op_print_sent" if result.sent else "op_print_saved", n=len(result.files), path=where)

    def _profile_of(self, profile_id: str):
        """Return the record's profile (the station's current one when it is no longer known)."""
        from profiles import get_profile

        try:
            return get_profile(profile_id)
        except Exception:  # a profile removed since: the sheet is still laid out, at the station's print size
            return self.o.profile

    def _export(self) -> None:
        from kiosk.store.export import export_batch

        out = self.exports / dt.datetime.now().strftime("batch-%Y%m%d-%H%M%S.zip")
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
