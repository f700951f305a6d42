"""The faults of `idphoto bench --hall --faults` (kiosk.tools.hall_bench), at random moments while the stations file:

- kill: SIGKILL one or two running station processes, restart each 0.5-3 s later (it resends what its outbox holds
  and goes on with the next person of its journal);
- cut: the relay drops every connection and refuses new ones for 2-5 s (a cable pulled: the station hears it);
- silent cut: the relay keeps connections open and lets nothing through for 3-6 s (the station hears nothing and
  must give up by its own timeouts);
- server restart: the hall's PostgreSQL server stops (fast shutdown) and starts again 1-4 s later on the same
  folder and port.

The faults come in a shuffled cycle (each kind once before any kind twice), one at a time, 1.5-4 s apart, until every
station has filed all its people and each kind happened at least twice (or every station is done). Beside them a
ghost station claims a number and is killed; the time until another station can claim that number is "a dead
station's claim frees" (at most the lease, kiosk.store.hall_model.LEASE_S).
"""
from __future__ import annotations

import queue
import random
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable

GHOST_IDENTITY = "GHOST0001"
KINDS = ("kill", "cut", "silent_cut", "server_restart")
#: each kind of fault happens at least this often (unless every station is done before)
ROUNDS = 2


def _filed_all(station: Any) -> bool:
    """Return True when the station's events say it filed all its people (only its outbox may be left)."""
    try:
        return '"filed_all"' in station.events.read_text(encoding="utf-8")
    except OSError:
        return False


class FaultDriver:
    """Injects faults into a running hall bench (see the module text) on a helper thread."""

    def __init__(self, rig: Any, stations: list, root: Path, seed: int | None = None) -> None:
        self.rig, self.stations, self.root = rig, stations, root
        self.random = random.Random(seed)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._busy: set[str] = set()  # stations killed and not yet restarted
        self._restarts: list[threading.Timer] = []
        self.done: dict[str, int] = {kind: 0 for kind in KINDS}
        self.killed_stations = 0
        self.log: list[dict] = []
        self.claim_free_s: float | None = None
        self.claim_free_note = ""
        self._threads: list[threading.Thread] = []
        self._jobs: queue.Queue = queue.Queue()

    def start(self) -> None:
        """Start injecting faults and the ghost's claim timing."""
        for target in (self._loop, self._ghost):
            t = threading.Thread(target=target, daemon=True)
            t.start()
            self._threads.append(t)

    def busy(self) -> set[str]:
        """Return the names of stations killed and not restarted yet."""
        with self._lock:
            return set(self._busy)

    def _loop(self) -> None:
        t0 = time.monotonic()
        cycle: list[str] = []
        while not self._stop.wait(self.random.uniform(1.5, 4.0)):
            if all(_filed_all(s) for s in self.stations) and min(self.done.values()) >= ROUNDS:
                return  # everyone filed and each kind of fault happened ROUNDS times
            if not cycle:
                cycle = list(KINDS)
                self.random.shuffle(cycle)
            kind = cycle.pop()
            started = time.monotonic() - t0
            try:
                detail = getattr(self, f"_{kind}")()
            except Exception as exc:  # noqa: BLE001 - a fault that went wrong is reported, the run goes on
                detail = {"failed": f"{type(exc).__name__}: {getattr(exc, 'code', exc)}"}
                self._heal()
            self.done[kind] += 1
            self.log.append({"at_s": round(started, 1), "fault": kind, "took_s": round(time.monotonic() - t0 -
                                                                                       started, 1), **detail})

    def _on_main(self, fn: Callable[[], Any]) -> Any:
        """Run `fn` on the thread that calls `run_jobs` (the bench's main thread) and return its result. The hall
        server must be started by a thread that lives to the end of the run: HallServer starts PostgreSQL with
        PR_SET_PDEATHSIG, which the kernel fires when the starting *thread* ends, not the process."""
        done, box = threading.Event(), {}

        def job() -> None:
            try:
                box["value"] = fn()
            except BaseException as exc:  # noqa: BLE001 - handed back to the faults thread
                box["error"] = exc
            finally:
                done.set()
        self._jobs.put(job)
        done.wait()
        if "error" in box:
            raise box["error"]
        return box.get("value")

    def run_jobs(self) -> None:
        """Run the jobs the faults thread handed to this (main) thread."""
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                return
            job()

    def _heal(self) -> None:
        """From the faults thread: mend the relay and start the server again on the main thread if it is down."""
        self._on_main(self.heal)

    def heal(self) -> None:
        """Mend the relay and start the server again when it is not running (trying for up to a minute)."""
        self.rig.relay.mend()
        deadline = time.monotonic() + 60.0
        while self.rig.server.process is None or self.rig.server.process.poll() is not None:
            try:
                self.rig.server.start()
            except Exception:  # noqa: BLE001 - e.g. the port not free yet: try again
                if time.monotonic() > deadline:
                    raise
                time.sleep(2.0)

    def _kill(self) -> dict:
        running = [s for s in self.stations if s.running()]  # filing, or sending its outbox at the end
        victims = self.random.sample(running, min(len(running), self.random.choice((1, 2))))
        for s in victims:
            with self._lock:
                self._busy.add(s.name)
            if s.kill():
                self.killed_stations += 1
            timer = threading.Timer(self.random.uniform(0.5, 3.0), self._restart, args=(s,))
            timer.daemon = True
            self._restarts.append(timer)
            timer.start()
        return {"stations": [s.name for s in victims]}

    def _restart(self, station: Any) -> None:
        station.start()
        with self._lock:
            self._busy.discard(station.name)

    def _cut(self) -> dict:
        down = self.random.uniform(2.0, 5.0)
        dropped = self.rig.relay.cut()
        time.sleep(down)
        self.rig.relay.mend()
        return {"down_s": round(down, 1), "dropped": dropped}

    def _silent_cut(self) -> dict:
        down = self.random.uniform(3.0, 6.0)
        self.rig.relay.cut(silent=True)
        time.sleep(down)
        self.rig.relay.mend()
        return {"down_s": round(down, 1)}

    def _server_restart(self) -> dict:
        down_s = self.random.uniform(1.0, 4.0)
        down = self._on_main(lambda: self.rig.restart_server(down_s))
        return {"down_s": round(down, 1)}

    def _ghost(self) -> None:
        """Time how long the claim of a killed station takes to free (claim_free_s, or claim_free_note)."""
        try:
            self.claim_free_s = ghost_claim_free_s(self.rig.url, self.root / "ghost", self._stop)
        except Exception as exc:  # noqa: BLE001 - a figure that could not be measured is reported as such
            self.claim_free_note = f"{type(exc).__name__}: {getattr(exc, 'code', '')}"

    def finish(self) -> None:
        """Stop injecting, mend the relay, make sure the server runs and every killed station was restarted."""
        self._stop.set()
        while self._threads[0].is_alive():
            self.run_jobs()  # the faults thread may be waiting for one
            self._threads[0].join(timeout=0.2)
        self.run_jobs()
        self.heal()
        for timer in self._restarts:
            timer.join()
        self._threads[1].join(timeout=120)

    def summary(self) -> dict:
        """Return the faults done (per kind, stations killed, the log) and the claim-freeing time in seconds."""
        from kiosk.store.hall_model import LEASE_S

        return {"counts": dict(self.done), "stations_killed": self.killed_stations, "log": self.log,
                "claim_free_s": None if self.claim_free_s is None else round(self.claim_free_s, 1),
                "claim_free_note": self.claim_free_note, "lease_s": LEASE_S}


def _start_ghost(url: str, folder: Path) -> subprocess.Popen:
    """Start a ghost station until it says it holds GHOST_IDENTITY (a fault may be under way: try again);
    return its process."""
    from kiosk.tools.hall_bench import child_env

    argv = [sys.executable, "-m", "kiosk.tools.hall_station_sim", "--local", str(folder / "local"),
            "--station", "ghost", "--ghost", GHOST_IDENTITY]
    for _ in range(30):
        ghost = subprocess.Popen(argv, env=child_env(url), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                 text=True)
        if ghost.stdout.readline().strip() == "claimed":
            return ghost
        ghost.kill()
        ghost.wait()
        time.sleep(2.0)
    raise RuntimeError("the ghost station never got its claim")


def _probe(url: str) -> Any:
    """Return a store of the station "claim-probe" (fast timeouts), opened once the server answers."""
    from kiosk.store.errors import StoreError
    from kiosk.store.postgres import PostgresRecordStore
    from kiosk.store.postgres_timeouts import STATION

    for _ in range(60):
        try:
            return PostgresRecordStore(url, station="claim-probe", timeouts=STATION)
        except StoreError:
            time.sleep(1.0)  # the server is being restarted: ask again
    raise RuntimeError("the server never answered the claim probe")


def ghost_claim_free_s(url: str, folder: Path, stop: threading.Event, timeout_s: float = 300.0) -> float:
    """Start a ghost station that claims GHOST_IDENTITY, SIGKILL it, then try to claim the number as another
    station every 0.5 s; return the seconds from the kill until that claim won (the number is released again)."""
    from kiosk.store.errors import StoreError

    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    ghost = _start_ghost(url, folder)
    time.sleep(1.0)
    ghost.kill()
    ghost.wait()
    killed = time.monotonic()
    probe = _probe(url)
    try:
        while time.monotonic() - killed < timeout_s:
            try:
                if probe.claim(GHOST_IDENTITY) is None:
                    freed = time.monotonic() - killed
                    probe.release(GHOST_IDENTITY)
                    return freed
            except StoreError:
                pass  # the server is being restarted: ask again
            time.sleep(0.5)
        raise TimeoutError(GHOST_IDENTITY)
    finally:
        probe.close()
