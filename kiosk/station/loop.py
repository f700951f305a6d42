"""The kiosk application: camera → analysis → guidance → flow → screens, one loop at camera rate.

Everything that decides lives elsewhere (flow.py, guidance.py, capture/); this file wires them together, turns
input into events, and draws the screen for the current state.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import math
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from capture.analyzer import StillAnalyzer
from capture.camera import CameraSupervisor, open_source
from capture.picture import Picture, backdrop_colour, make_picture
from kiosk.station.flow import Event, Flow, FlowConfig, State
from kiosk.station.guidance import Guidance, GuidanceConfig
from kiosk.store.identity import (DEFAULT_RULES, IdentityError, IdentityRules, anonymous_identity, classify_identity,
                            clean_identity)
from kiosk.station.qr import decode_collection_code, payload_identity
from kiosk.console.console import (ChooseBackdrop, ChooseCamera, ChooseProfile, ExitConsole, Export, LockRecord,
                            MarkRecapture, OperatorConsole, SavePin, profile_choices)
from kiosk.store.records import PictureRejected, SqliteRecordStore, TransitionError
from kiosk.station.settings import KioskOptions
from kiosk.station.sounds import SoundPlayer
from kiosk.station.view_model import PictureFacts, ViewModel
from kiosk.station.worker import AnalysedFrame, AnalysisWorker, FrameJob
from profiles.model import Background, Profile

log = logging.getLogger("idphoto.kiosk")


def peak_rss_mb() -> float:
    """Return this process's peak resident memory, MB (VmHWM on Linux, ru_maxrss on other POSIX systems, 0.0 where
    neither exists, e.g. Windows)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    try:
        import resource
    except ImportError:
        return 0.0
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # macOS reports bytes, Linux kilobytes
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


@dataclass
class Session:
    """One student's visit."""

    identity: str = ""
    typed: str = ""
    typed_error: bool = False
    typed_reason: str = ""
    picture: Picture | None = None
    gates_at_capture: dict = field(default_factory=dict)


class KioskApp:
    """The kiosk. `run()` returns the exit status."""

    def __init__(self, options: KioskOptions, clock: Callable[[], float] = time.monotonic,
                 on_state: Callable[["KioskApp", State], None] | None = None) -> None:
        self.o = options
        self.clock = clock
        self.on_state = on_state
        self.lang = options.lang
        self.started_s = clock()
        self.flow = Flow(FlowConfig(), clock, on_enter=self._entered)
        self.guidance = Guidance(GuidanceConfig())
        self.session = Session()
        self.filed = 0
        self.frames_shown = 0
        self.first_guided_frame_s: float | None = None
        self.error_text: str | None = None
        self.store = SqliteRecordStore(options.store)
        self.console: OperatorConsole | None = None
        self._corner_taps: list[float] = []
        self._restart_camera = False
        self._profile_changed = False
        self._last_index: int | None = None
        self._qr_job: FrameJob | None = None
        self._saved_name = ""
        self._face_since: float | None = None
        self._best: AnalysedFrame | None = None
        self._job: FrameJob | None = None
        self._countdown_from: float | None = None
        self._frame = None
        self._shots: set[str] = set()
        self._quit = False
        self._still: StillAnalyzer | None = None
        self.sound = SoundPlayer(options.sound)
        self._ticked: int | None = None  # the countdown second last announced
        self.camera_states: list[str] = []  # camera states seen, in order (changes only)
        self.hints_shown: set[str] = set()
        self.analysed_in_guide = 0

    # ----- flow hooks -------------------------------------------------------------------------------------------
    def _entered(self, source: State, target: State, event: Event) -> None:
        log.info("state %s -> %s on %s", source.value, target.value, event.value)
        if target is State.IDLE:
            self.session = Session()
            self.guidance.reset()
            self._face_since = None
        if target is State.GUIDE:
            self.guidance.reset()
            self._best = None
            self._countdown_from = None
        if target is State.COUNTDOWN:
            self._countdown_from = self.clock()
            self._ticked = None
        if target is State.SAVED:
            self.sound.play("saved")
        if self.on_state is not None:
            self.on_state(self, target)

    # ----- actions ----------------------------------------------------------------------------------------------
    def act(self, action: str) -> None:
        """Apply a named user action (from a key, a click, a touch, or a script)."""
        st = self.flow.state
        if action == "lang":
            self.lang = "en" if self.lang == "zh" else "zh"
        elif action == "quit":
            self._quit = True
        elif st is State.IDLE and action in ("start", "ok"):
            self._begin_session()
        elif st is State.IDENTIFY:
            self._identify_action(action)
        elif st is State.GUIDE and action == "capture":
            self.flow.handle(Event.MANUAL_CAPTURE)
        elif st in (State.GUIDE, State.COUNTDOWN) and action == "back":
            self.flow.handle(Event.CANCEL)
        elif st is State.REVIEW and action in ("confirm", "ok"):
            self._confirm()
        elif st is State.REVIEW and action in ("retake", "back", "delete"):
            self._log_turned_down()
            self.session.picture = None
            self.flow.handle(Event.RETAKE)
        elif st is State.SAVED and action in ("done", "ok"):
            self.flow.handle(Event.SAVED_SHOWN)
        elif st is State.ERROR and action in ("dismiss", "ok"):
            self.flow.handle(Event.RECOVERED)

    def _log_turned_down(self) -> None:
        """Count a picture the student turned down as an attempt on their record."""
        try:
            self.store.record_attempt(self.session.identity, self.o.profile.id, self.session.gates_at_capture)
        except (IdentityError, OSError, ValueError) as exc:
            log.warning("attempt not recorded: %s", type(exc).__name__)

    # ----- operator console -------------------------------------------------------------------------------------
    @property
    def pin_file(self) -> Path:
        return Path(self.o.store) / "operator-pin.txt"

    def open_console(self) -> None:
        """Open the PIN-protected operator console over the kiosk."""
        from profiles import load_profiles

        pin_hash = self.pin_file.read_text(encoding="ascii").strip() if self.pin_file.exists() else None
        cameras = [("demo", "demo"), ("0", "webcam 0"), ("1", "webcam 1")]
        if self.o.camera not in ("demo", "0", "1"):
            cameras.append((self.o.camera, self.o.camera))
        self.console = OperatorConsole(self.store.list, pin_hash or None, profile_choices(load_profiles()), cameras,
                                       self.o.profile.id, self.o.camera, self.lang, self.clock,
                                       attempts=self.store.attempts, replace_backdrop=self.o.replace_backdrop)
        log.info("operator console opened")

    def console_input(self, action: str, text: str | None) -> None:
        """Route one input to the console and carry out what it asks."""
        console = self.console
        if console is None:
            return
        if text is not None:
            actions = console.type_text(text)
        else:
            action = {"delete": "key:delete", "operator": "back"}.get(action, action)
            actions = console.handle(action)
        for act in actions:
            self._carry_out(act)

    def _carry_out(self, act: object) -> None:
        console = self.console
        try:
            if isinstance(act, SavePin):
                from capture.encode import write_atomic

                write_atomic(self.pin_file, act.pin_hash.encode("ascii"))
            elif isinstance(act, MarkRecapture):
                self.store.mark_recapture(act.identity, act.reason)
            elif isinstance(act, LockRecord):
                self.store.lock([act.identity])
            elif isinstance(act, ChooseProfile):
                from profiles import get_profile

                self.o.profile = get_profile(act.id)
                self._profile_changed = True
            elif isinstance(act, ChooseBackdrop):
                self.o.replace_backdrop = act.replace
                self._profile_changed = True  # the gates judge the backdrop differently
            elif isinstance(act, ChooseCamera):
                self.o.camera = act.spec
                self._restart_camera = True
            elif isinstance(act, Export):
                import datetime as dt

                from kiosk.store.export import export_batch

                out = Path(self.o.store) / "exports" / dt.datetime.now().strftime("batch-%Y%m%d-%H%M%S.zip")
                out.parent.mkdir(parents=True, exist_ok=True)
                report = export_batch(self.store, out)
                log.info("export: %d pictures, %d refused", len(report.exported), len(report.refused))
                if console is not None:
                    console.notify("op_export_done" if not report.refused else "op_export_failed",
                                   bad=bool(report.refused))
            elif isinstance(act, ExitConsole):
                self.console = None
                log.info("operator console closed")
        except (TransitionError, ValueError, OSError, RuntimeError) as exc:
            log.warning("operator action %s refused: %s", type(act).__name__, type(exc).__name__)
            if console is not None:
                console.notify("op_action_failed", bad=True)

    def _corner_tap(self) -> None:
        """Five taps in the top-left corner within 3 s open the console (touch screens have no F12)."""
        now = self.clock()
        self._corner_taps = [t for t in self._corner_taps if now - t < 3.0] + [now]
        if len(self._corner_taps) >= 5:
            self._corner_taps.clear()
            self.open_console()

    def type_text(self, chars: str) -> None:
        """Typed characters at the identify screen."""
        if self.flow.state is State.IDENTIFY:
            for ch in chars:
                self._identify_action(f"key:{ch.upper()}")

    def _begin_session(self) -> None:
        if self.o.identity or self.o.skip_identify:
            self.session.identity = self.o.identity or anonymous_identity()
            self.flow.handle(Event.SKIP_IDENTITY)
        else:
            self.flow.handle(Event.PERSON_ARRIVED)

    def _identify_action(self, action: str) -> None:
        s = self.session
        if action.startswith("key:"):
            key = action[4:]
            if key == "DELETE":
                s.typed = s.typed[:-1]
            elif len(key) == 1 and key.isalnum() and len(s.typed) < 40:
                s.typed += key
            s.typed_error = False
        elif action == "delete":
            s.typed = s.typed[:-1]
        elif action == "ok":
            try:
                classify_identity(s.typed, self.o.identity_rules)
                s.identity = clean_identity(s.typed)
            except IdentityError as exc:
                s.typed_error = True
                s.typed_reason = str(exc)
                return
            self.flow.handle(Event.IDENTIFIED)
        elif action == "back":
            self.flow.handle(Event.CANCEL)

    def _confirm(self) -> None:
        s = self.session
        if s.picture is None:
            return
        try:
            record = self.store.file_picture(s.identity, self.o.profile, s.picture.data, s.gates_at_capture)
        except TransitionError as exc:
            log.warning("filing refused: %s -> %s", exc.from_status.name, exc.to_status.name)
            self.error_text = f"This number already has a filed photo ({exc.why}). Please ask the operator."
            self.flow.handle(Event.FAILURE)
            return
        except (OSError, PictureRejected, ValueError) as exc:
            log.error("filing failed: %s", type(exc).__name__)
            self.error_text = f"The picture could not be saved ({exc}). Check the store folder and free space."
            self.flow.handle(Event.FAILURE)
            return
        path = self.store.path_of(record)
        self.filed += 1
        log.info("filed picture %d profile %s kb %.1f status %s", self.filed, record.profile_id,
                 len(s.picture.data) / 1024, record.status.name)
        self.session.identity = record.identity
        self._saved_name = path.name if path else ""
        if self.o.json_lines:
            print(json.dumps({"picture": str(path), "identity": record.identity, "profile": record.profile_id,
                              "status": record.status.value, "gates": s.gates_at_capture,
                              "backdrop_replaced": s.picture.backdrop_replaced,
                              "elapsed_s": round(self.clock() - self.started_s, 2)}, ensure_ascii=False), flush=True)
        self.flow.handle(Event.CONFIRM)

    def new_backdrop(self) -> Background | None:
        """Return the colour the backdrop is replaced with under the current profile, or None (kept as it is)."""
        if not self.o.replace_backdrop:
            return None
        names = [b.name for b in self.o.profile.backgrounds]
        return backdrop_colour(self.o.profile, self.o.backdrop if self.o.backdrop in names else None)

    def gating_profile(self) -> Profile:
        """Return the profile the gates judge frames by: with a replaced backdrop its colour does not matter (only
        that it is plain, so the person can be cut out cleanly)."""
        if not self.o.replace_backdrop:
            return self.o.profile
        return dataclasses.replace(self.o.profile,
                                   gates={**self.o.profile.gates, "background_delta_e_max": float("inf")})

    # ----- per-frame logic --------------------------------------------------------------------------------------
    def step(self, analysed: AnalysedFrame | None) -> None:
        """Advance guidance and the flow for the newest analysis (called once per UI frame)."""
        now = self.clock()
        st = self.flow.state
        face = analysed is not None and analysed.analysis.face is not None
        if st is State.IDLE:
            if face:
                self._face_since = self._face_since if self._face_since is not None else now
                if now - self._face_since >= self.o.arrival_s:
                    self._begin_session()
            else:
                self._face_since = None
        elif st in (State.GUIDE, State.COUNTDOWN):
            if analysed is not None and analysed.index != self._last_index:
                self._last_index = analysed.index
                self.analysed_in_guide += 1
                view = self.guidance.update(analysed.gates if face else None, now)
                self.hints_shown.add(view.hint)
                if view.blocking_ok and analysed.capturable:
                    if self._best is None or analysed.analysis.sharpness > self._best.analysis.sharpness:
                        self._best = analysed
                elif not view.blocking_ok:
                    self._best = None
                if st is State.GUIDE and view.ready:
                    self.flow.handle(Event.ALL_GATES_HELD)
                elif st is State.COUNTDOWN and not view.blocking_ok and self._job is None:
                    self.flow.handle(Event.GATE_BROKEN)
            if self.flow.state is State.COUNTDOWN:
                self._run_countdown(now, analysed)
        elif st is State.REVIEW and self.o.auto_confirm and self.flow.in_state_s >= self.o.auto_confirm_s:
            self._confirm()
        self.flow.tick()

    def _run_countdown(self, now: float, analysed: AnalysedFrame | None) -> None:
        started = self._countdown_from or now
        second = math.ceil(self.flow.config.countdown_s - (now - started))
        if second > 0 and second != self._ticked:
            self._ticked = second
            self.sound.play("tick")
        if self._job is None and now - started >= self.flow.config.countdown_s:
            latest_ok = analysed is not None and analysed.capturable
            chosen = self._best or (analysed if latest_ok else None)
            if chosen is None:
                # wait for the next fully analysed frame (a fraction of a second); give up if none comes
                if now - started >= self.flow.config.countdown_s + self.flow.config.capture_wait_s:
                    self.flow.handle(Event.CAPTURE_FAILED)
                return
            self.session.gates_at_capture = {n: g.to_dict() for n, g in chosen.gates.items()}
            still = self._still_analyzer()
            profile, new_backdrop = self.o.profile, self.new_backdrop()
            self._job = FrameJob(lambda rgb: make_picture(rgb, profile, still, "<frame>", new_backdrop), chosen.rgb)
            self.sound.play("shutter")
        if self._job is not None and self._job.done.is_set():
            job, self._job = self._job, None
            if job.error is not None:
                log.warning("capture refused: %s", job.error.code)
                self.error_text = job.error.reason
                self.flow.handle(Event.CAPTURE_FAILED)
            else:
                self.session.picture = job.result
                self.flow.handle(Event.COUNTDOWN_DONE)

    def _scan_qr(self, frame_rgb: np.ndarray | None) -> None:
        """At the idle and identify screens, look for a 采集码 QR in the camera frame (one decode at a time, off the
        UI thread); a decoded code identifies the student at once."""
        if self.flow.state not in (State.IDLE, State.IDENTIFY) or self.o.identity:
            self._qr_job = None
            return
        job = self._qr_job
        if job is not None and job.done.is_set():
            self._qr_job = None
            payload = job.result
            if payload:
                try:
                    self.session.identity = payload_identity(payload)
                except IdentityError:
                    return
                log.info("collection code scanned")
                if self.flow.state is State.IDLE:
                    self.flow.handle(Event.PERSON_ARRIVED)
                self.flow.handle(Event.IDENTIFIED)
        elif job is None and frame_rgb is not None:
            self._qr_job = FrameJob(decode_collection_code, frame_rgb)

    def _supervisor(self) -> CameraSupervisor:
        """Return an unstarted supervisor for the configured camera (webcams open in the background)."""
        device = self.o.camera.isdigit() or self.o.camera.startswith("/dev/")
        factory = self.o.source_factory or (lambda: open_source(self.o.camera, width=self.o.camera_size[0],
                                                                height=self.o.camera_size[1], fps=self.o.fps))
        return CameraSupervisor(factory, open_in_background=device)

    def _still_analyzer(self) -> StillAnalyzer:
        if self._still is None:
            self._still = StillAnalyzer()
        return self._still

    # ----- view model -------------------------------------------------------------------------------------------
    def view_model(self, preview: np.ndarray | None, camera_state: str) -> ViewModel:
        st = self.flow.state
        vm = ViewModel(state=st, lang=self.lang, profile=self.o.profile, preview=preview, camera=camera_state)
        vm.guidance = self.guidance.last
        vm.identity, vm.identity_error = self.session.typed, self.session.typed_error
        vm.identity_reason = self.session.typed_reason
        vm.making = self._job is not None
        if st is State.COUNTDOWN and self._countdown_from is not None and self._job is None:
            vm.countdown_left_s = max(0.0, self.flow.config.countdown_s - (self.clock() - self._countdown_from))
        pic = self.session.picture
        if pic is not None:
            vm.picture, vm.layout = pic.rgb, pic.layout
            vm.facts = PictureFacts(self.o.profile.width_px, self.o.profile.height_px, pic.size_kb, self.o.profile.dpi,
                                    pic.backdrop_replaced)
        vm.saved_name = self._saved_name
        vm.error = self.error_text
        return vm

    # ----- the loop ---------------------------------------------------------------------------------------------
    def run(self) -> int:
        """Open the window and the camera, loop until quit (or exit_after pictures); return the exit status."""
        from kiosk.ui.screen import Screen

        if self.o.headless:
            os.environ["SDL_VIDEODRIVER"] = "dummy"
        supervisor = self._supervisor()
        report = self.store.recover()
        if report.repairs:
            log.warning("store recovered: %s", report.to_dict())
        worker = AnalysisWorker(self.gating_profile())
        worker.start()
        screen = Screen(self.o.size, self.o.fullscreen, self.o.headless)
        self.sound.prepare()
        supervisor.start()
        status = 0
        if self.o.startup_probe:
            self.act("start")
        try:
            while not self._quit:
                for action, text in screen.poll_input():
                    if action == "corner":
                        self._corner_tap()
                    elif self.console is not None:
                        self.console_input(action, text)
                    elif action == "operator":
                        self.open_console()
                    elif text is not None:
                        self.type_text(text)
                    else:
                        self.act(action)
                if self._restart_camera:
                    self._restart_camera = False
                    supervisor.stop()
                    supervisor = self._supervisor()
                    supervisor.start()
                if self._profile_changed:
                    self._profile_changed = False
                    worker.profile = self.gating_profile()
                frame = supervisor.poll()
                if frame is not None:
                    worker.submit(frame.index, frame.rgb)
                    self._frame = frame
                if worker.error is not None:
                    self.error_text = f"The face analysis stopped: {type(worker.error).__name__}: {worker.error}"
                    print(f"kiosk: {self.error_text}", file=sys.stderr)
                    status = 1
                    break
                self.step(worker.latest())
                self._scan_qr(self._frame.rgb if self._frame is not None else None)
                preview = np.fliplr(self._frame.rgb) if self._frame is not None else None
                state_name = getattr(supervisor.state, "value", str(supervisor.state))
                if not self.camera_states or self.camera_states[-1] != state_name:
                    self.camera_states.append(state_name)
                    log.info("camera %s", state_name)
                vm = self.view_model(preview, "ok" if state_name == "ok" else state_name)
                if self.console is not None:
                    self.console.tick()
                    screen.draw_operator(self.console.state())
                else:
                    screen.draw(vm)
                self.frames_shown += 1
                if self.first_guided_frame_s is None and self.flow.state is State.GUIDE and self._frame is not None:
                    self.first_guided_frame_s = self.clock() - self.started_s
                    if self.o.startup_probe:
                        print(f"first-guided-frame {self.first_guided_frame_s:.3f}", flush=True)
                if (self.o.startup_probe and self.first_guided_frame_s is not None
                        and self.clock() - self.started_s - self.first_guided_frame_s >= self.o.probe_run_s):
                    print(f"peak-rss-mb {peak_rss_mb():.1f}", flush=True)
                    break
                if self.o.screenshot_dir is not None:
                    self._screenshot(screen, vm)
                if (self.o.exit_after is not None and self.filed >= self.o.exit_after
                        and (self.flow.state is not State.SAVED or self.flow.in_state_s >= 1.0)):
                    break
                if self.o.max_runtime_s is not None and self.clock() - self.started_s > self.o.max_runtime_s:
                    print("kiosk: stopped after the maximum run time.", file=sys.stderr)
                    status = 1
                    break
                screen.tick(self.o.fps)
        finally:
            for job in (self._job, self._qr_job):
                if job is not None:
                    job.done.wait(10.0)  # a native call must not be running when the interpreter exits
            supervisor.stop()
            worker.stop()
            self.sound.close()
            screen.close()
            if self._still is not None:
                self._still.close()
            self.store.close()
        return status

    def _screenshot(self, screen, vm: ViewModel) -> None:
        key = f"{vm.state.value}-{vm.lang}"
        if key not in self._shots and self.flow.in_state_s > 0.4:
            self._shots.add(key)
            screen.save(self.o.screenshot_dir / f"{key}.png")
