"""The kiosk's loop: camera → analysis worker → the current state's hooks → the flow → the screen, at camera rate.

Nothing here decides what a state does (kiosk/station/states/), when it changes (flow.py), or when to capture
(capture_choice.py); the operator console's wiring is in console_bridge.py. This file polls, routes input to
actions, hands the events states return to the flow, calls `enter` after each transition, draws, and stops.
"""
from __future__ import annotations

import logging
import os
import sys
import time
from typing import Callable

import numpy as np

from capture.camera import CameraSupervisor, open_source
from capture.camera_fit import CameraFit, camera_fit
from capture.errors import error_name
from kiosk.station.console_bridge import ConsoleBridge
from kiosk.station.flow import Event, Facts, Flow, FlowConfig, State, Transition
from kiosk.station.hall_link import HallLink, hall_notice, most_important
from kiosk.station.guidance import Guidance
from kiosk.station.operator_gate import OperatorGate
from kiosk.station.session import Session
from kiosk.station.settings import KioskOptions, local_folder
from kiosk.station.sounds import SoundPlayer
from kiosk.station.states import STATES, Context
from kiosk.station.view_model import ViewModel
from kiosk.station.worker import AnalysedFrame, AnalysisWorker, ReducedCopies
from kiosk.store.open import is_server_url, open_store
from kiosk.texts import text as say
from profiles.model import Background, Profile

log = logging.getLogger("idphoto.kiosk")
#: a state may answer one frame with a few events in a row (judged → countdown started → first tick); at most this
MAX_EVENTS_PER_FRAME = 4


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


class KioskApp:
    """The kiosk. `run()` returns the exit status; `act`, `type_text`, `handle_input` and `step` drive it from
    outside (keys, touches, scripts, tests with a fake clock)."""

    def __init__(self, options: KioskOptions, clock: Callable[[], float] = time.monotonic,
                 on_state: Callable[["KioskApp", State], None] | None = None) -> None:
        self.o = options
        self.clock = clock
        self.on_state = on_state
        self.started_s = clock()
        self.flow = Flow(FlowConfig(), clock)
        self.store = open_store(options.store, station=options.station,  # a folder, or a hall's postgresql:// URL
                                local=local_folder(options))
        self.sound = SoundPlayer(options.sound)
        self.ctx = Context(options, self.store, self.sound, clock, self.flow.config, lang=options.lang,
                           started_s=self.started_s, entered_at_s=self.flow.entered_at_s)
        self.console_bridge = ConsoleBridge(options, self.store, clock, lambda: self.ctx.lang,
                                            frame=lambda: self.ctx.camera_rgb)
        self.console_bridge.session, self.console_bridge.at_guide = lambda: self.ctx.session, self._at_guide
        # claims, heartbeat and outbox off the UI thread (started by run(), stopped at quit)
        self.hall = self.ctx.hall = HallLink(self.store, server=is_server_url(str(options.store)))
        self.console_bridge.hall, self.console_bridge.hall_changed = lambda: self.hall.snapshot, self.hall.poke
        self.copies = ReducedCopies()  # the frames' reduced copies, shared by the preview and the analysis thread
        self.operator_gate = OperatorGate()  # in fullscreen, Space and quitting wait for the operator PIN
        self.frames_shown = 0
        self.first_guided_frame_s: float | None = None
        self.camera_states: list[str] = []  # camera states seen, in order (changes only)
        self._frame = None
        self._shots: set[str] = set()
        self._quit = False
        self._fit_key: tuple | None = None  # (frame size, profile id, backdrop replaced) the fit was checked for

    # ----- what tests, the benchmark and the command line read ---------------------------------------------------
    @property
    def session(self) -> Session:
        """Return the current student's session."""
        return self.ctx.session

    @property
    def guidance(self) -> Guidance:
        return self.ctx.guidance

    @property
    def lang(self) -> str:
        return self.ctx.lang

    @property
    def filed(self) -> int:
        """Return the number of pictures filed since start."""
        return self.ctx.tally.filed

    @property
    def analysed_in_guide(self) -> int:
        """Return the number of analysed frames guidance judged."""
        return self.ctx.tally.analysed_in_guide

    @property
    def hints_shown(self) -> set[str]:
        """Return every hint key guidance chose."""
        return self.ctx.tally.hints_shown

    @property
    def console(self):
        """Return the open operator console (an OperatorConsole), or None."""
        return self.console_bridge.console

    def new_backdrop(self) -> Background | None:
        """Return the colour the backdrop is replaced with under the current profile, or None (kept as it is)."""
        return self.ctx.new_backdrop()

    def _at_guide(self) -> bool:
        return self.flow.state is State.GUIDE

    def gating_profile(self) -> Profile:
        """Return the profile the gates judge frames by (see Context.gating_profile)."""
        return self.ctx.gating_profile()

    # ----- events to the flow, enter after each transition -------------------------------------------------------
    def _apply(self, event: Event | None) -> None:
        while event is not None:
            facts = Facts(self.ctx.guidance.last, self.ctx.session.making, self.ctx.session.best is not None)
            taken = self.flow.handle(event, facts)
            if taken is None:
                return
            event = self._entered(taken)

    def _entered(self, taken: Transition) -> Event | None:
        guard = f" [{taken.guard}]" if taken.guard else ""
        log.info("state %s -> %s on %s%s", taken.source.value, taken.target.value, taken.event.value, guard)
        self.ctx.entered_at_s = taken.at_s
        event = STATES[taken.target].enter(self.ctx)
        if self.on_state is not None:
            self.on_state(self, taken.target)
        return event if self.flow.state is taken.target else None

    # ----- input ------------------------------------------------------------------------------------------------
    def act(self, action: str) -> None:
        """Apply a named user action (from a key, a click, a touch, or a script)."""
        if action == "lang":
            self.ctx.lang = "en" if self.ctx.lang == "zh" else "zh"
        elif action == "quit":
            self._quit = True
        else:
            self._apply(STATES[self.flow.state].on_action(self.ctx, action))

    def type_text(self, chars: str) -> None:
        """Typed characters (they count at the identify screen)."""
        if self.flow.state is State.IDENTIFY:
            for ch in chars:
                self.act(f"key:{ch.upper()}")

    def handle_input(self, action: str, text: str | None = None) -> None:
        """Route one input from the screen: corner taps and F12 to the operator console (and everything while it is
        open), typed text to the identify screen, every other action to the current state; in fullscreen, manual
        capture and quitting wait for the operator PIN (kiosk/station/operator_gate.py)."""
        bridge = self.console_bridge
        if action == "corner":
            bridge.corner_tap()
        elif bridge.console is not None:
            bridge.console_input(action, text)
            released = self.operator_gate.released(bridge)
            if released is not None:
                self.act(released)
        elif text is None and self.operator_gate.holds(action, self.o.fullscreen, self.flow.state):
            self.operator_gate.ask(action, bridge)
        elif action == "operator":
            bridge.open_console()
        elif text is not None:
            self.type_text(text)
        else:
            self.act(action)

    # ----- the camera against the profile -----------------------------------------------------------------------
    def check_camera_fit(self, frame_size: tuple[int, int]) -> CameraFit:
        """Return whether frames of `frame_size` (width, height px) can make the current profile's picture; checked
        again (and logged with the numbers for the operator) only when the size, the profile or backdrop
        replacement changed. A camera that cannot puts the station in the not-ready state at the next `step`."""
        key = (tuple(frame_size), self.o.profile.id, bool(self.o.replace_backdrop))
        if key != self._fit_key or self.ctx.camera_fit is None:
            fit = camera_fit(frame_size[0], frame_size[1], self.o.profile, self.o.replace_backdrop)
            self._fit_key, self.ctx.camera_fit = key, fit
            n = fit.numbers()
            (log.info if fit.ok else log.warning)(
                "camera fit %s: profile %s, frame %s, need at least %s, distance band %s, backdrop replaced %s",
                fit.code, n["profile"], n["frame"], n["need"], n["band"], fit.replace_backdrop)
        return self.ctx.camera_fit

    # ----- per frame --------------------------------------------------------------------------------------------
    def step(self, analysed: AnalysedFrame | None) -> None:
        """Give the current state the newest analysis (once per UI frame), hand its events to the flow, and fire
        the state's timeout when due. A state that moved on gets the same frame (it is judged only once). A camera
        that cannot make the profile's picture first sends the station to the not-ready screen."""
        now = self.clock()
        self._hold_if_not_ready()
        for _ in range(MAX_EVENTS_PER_FRAME):
            event = STATES[self.flow.state].on_frame(self.ctx, analysed, now)
            if event is None:
                break
            self._apply(event)
        timed_out = self.flow.tick()
        if timed_out is not None:
            self._apply(self._entered(timed_out))
            self._hold_if_not_ready()  # the not-ready screen's timeout must not show idle for a frame

    def _hold_if_not_ready(self) -> None:
        """Send the station to the not-ready screen while the camera cannot make the profile's picture."""
        if self.ctx.camera_fit is not None and not self.ctx.camera_fit.ok:
            self._apply(Event.STATION_NOT_READY)  # taken from idle, identify and guide only (flow.py)

    def view_model(self, preview: np.ndarray | None, camera_state: str) -> ViewModel:
        """Return what the screen shows now: the common parts, then the current state's own."""
        vm = ViewModel(state=self.flow.state, lang=self.ctx.lang, profile=self.o.profile, preview=preview,
                       camera=camera_state)
        STATES[self.flow.state].view(self.ctx, vm)
        vm.staff_notice = most_important(vm.staff_notice, hall_notice(self.hall.snapshot))
        return vm

    def _supervisor(self) -> CameraSupervisor:
        """Return an unstarted supervisor for the configured camera (webcams open in the background)."""
        device = self.o.camera.isdigit() or self.o.camera.startswith("/dev/")
        factory = self.o.source_factory or (lambda: open_source(self.o.camera, width=self.o.camera_size[0],
                                                                height=self.o.camera_size[1], fps=self.o.fps))
        return CameraSupervisor(factory, open_in_background=device)

    def _follow_console(self, supervisor: CameraSupervisor, worker: AnalysisWorker) -> CameraSupervisor:
        """Apply what the operator changed: another camera, another profile; return the running supervisor."""
        bridge = self.console_bridge
        if bridge.restart_camera:
            bridge.restart_camera = False
            supervisor.stop()
            supervisor = self._supervisor()
            supervisor.start()
            self._fit_key = None  # the new camera is checked against the profile at its first frame
        if bridge.profile_changed:
            bridge.profile_changed = False
            worker.profile, worker.new_backdrop = self.gating_profile(), self.o.replace_backdrop
        return supervisor

    def _camera_state(self, supervisor: CameraSupervisor) -> str:
        state_name = getattr(supervisor.state, "value", str(supervisor.state))
        if not self.camera_states or self.camera_states[-1] != state_name:
            self.camera_states.append(state_name)
            log.info("camera %s", state_name)
        return state_name

    def _draw(self, screen, supervisor: CameraSupervisor) -> ViewModel:
        preview = self.copies.mirrored(self._frame.rgb) if self._frame is not None else None
        vm = self.view_model(preview, self._camera_state(supervisor))
        console = self.console_bridge.console
        if console is not None:
            console.tick()
            screen.draw_operator(console.state())
        else:
            screen.draw(vm)
        self.frames_shown += 1
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
        self.hall.start()
        worker = AnalysisWorker(self.gating_profile(), new_backdrop=self.o.replace_backdrop, copies=self.copies)
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
                    self.handle_input(action, text)
                supervisor = self._follow_console(supervisor, worker)
                frame = supervisor.poll()
                if frame is not None:
                    worker.submit(frame.index, frame.rgb)
                    self._frame = frame
                    self.check_camera_fit((frame.width, frame.height))
                if worker.error is not None:
                    self.session.error_code = "station.analysis_stopped"
                    self.session.error_fields = {"error": error_name(worker.error)}
                    print(f"kiosk: {say(self.session.error_code, 'en', **self.session.error_fields)} "
                          f"({error_name(worker.error)})", file=sys.stderr)
                    status = 1
                    break
                self.ctx.camera_rgb = self._frame.rgb if self._frame is not None else None
                self.step(worker.latest())
                vm = self._draw(screen, supervisor)
                if self._startup_probed():
                    break
                if self.o.screenshot_dir is not None:
                    self._screenshot(screen, vm)
                stop = self._stop_status()
                if stop is not None:
                    status = stop
                    break
                screen.tick(self.o.fps)
        finally:
            supervisor.stop()  # stop feeding first; running jobs are waited for in ctx.close()
            worker.stop()
            self.ctx.close()
            self.sound.close()
            screen.close()
            self.hall.stop()  # releases this station's claims
            self.store.close()
        return status

    def _startup_probed(self) -> bool:
        """Note when the first guided frame was drawn; return True when the startup probe has seen enough."""
        if self.first_guided_frame_s is None and self.flow.state is State.GUIDE and self._frame is not None:
            self.first_guided_frame_s = self.clock() - self.started_s
            if self.o.startup_probe:
                print(f"first-guided-frame {self.first_guided_frame_s:.3f}", flush=True)
        if (self.o.startup_probe and self.first_guided_frame_s is not None
                and self.clock() - self.started_s - self.first_guided_frame_s >= self.o.probe_run_s):
            print(f"peak-rss-mb {peak_rss_mb():.1f}", flush=True)
            return True
        return False

    def _stop_status(self) -> int | None:
        """Return the exit status when the loop should stop after this frame (pictures filed, run time over)."""
        if (self.o.exit_after is not None and self.filed >= self.o.exit_after
                and (self.flow.state is not State.SAVED or self.flow.in_state_s >= 1.0)):
            return 0
        if self.o.max_runtime_s is not None and self.clock() - self.started_s > self.o.max_runtime_s:
            print("kiosk: stopped after the maximum run time.", file=sys.stderr)
            return 1
        return None

    def _screenshot(self, screen, vm: ViewModel) -> None:
        key = f"{vm.state.value}-{vm.lang}"
        if key not in self._shots and self.flow.in_state_s > 0.4:
            self._shots.add(key)
            screen.save(self.o.screenshot_dir / f"{key}.png")
