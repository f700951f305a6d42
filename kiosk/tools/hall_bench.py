"""`idphoto bench --hall`: load, faults and bad input against a real hall server on this PC (loopback only).

1. A hall server (kiosk.hall.server.HallServer, 127.0.0.1, a free port, a temporary folder) with a TcpRelay
   (kiosk.hall.proxy) in front of it: every station reaches the server through the relay, so a cable can be cut.
2. N simulated stations (kiosk.tools.hall_station_sim, one process each) file `pictures` people each through the
   same store code as a kiosk (HallStore: the server plus a local outbox), and K real headless kiosks
   (`idphoto kiosk --headless --camera demo --store URL --local DIR`) file `kiosk_pictures` people each.
3. With `faults`: stations are SIGKILLed and restarted, the server is restarted, the relay is cut loudly and
   silently, at random moments (kiosk.tools.hall_faults); a killed station's claim is timed until it frees.
4. The hall is verified (kiosk.tools.hall_verify): every confirmed capture on the server exactly once, every
   picture passes the profile's file check, no half-written rows.
5. Two stations claim the same number at the same moment, 100 rounds; bad input at start through the real
   commands (kiosk.tools.hall_checks).

`run_hall_bench` returns a HallBench whose `ok` is True only when nothing was lost, duplicated or half-written,
every picture passed, each race round had one winner and every bad input was refused with nothing written.
"""
from __future__ import annotations

import faulthandler
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from kiosk.hall.address import Listen
from kiosk.hall.proxy import TcpRelay
from kiosk.hall.server import KIOSK_PW, HallServer
from kiosk.tools import hall_checks, hall_faults, hall_verify
from kiosk.tools.hall_station_sim import URL_ENV

SIM = "kiosk.tools.hall_station_sim"


def free_port() -> int:
    """Return a TCP port nothing listens on at 127.0.0.1 now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bare_url(url: str) -> str:
    """Return `url` without its password (what may appear on a command line; the password goes in a file)."""
    parts = urlsplit(url)
    host = f"{parts.username}@{parts.hostname}:{parts.port}" if parts.username else f"{parts.hostname}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


class HallRig:
    """The hall server in `folder` and a relay in front of it; `relay_url` is what stations use, `url` the
    server itself (for verification); `restart_server()` stops and starts it on the same folder and port."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, 0o711)  # as root the server runs as `nobody`, who must pass to its folder
        self.server = HallServer(folder / "hall", Listen("127.0.0.1", free_port()))
        self.relay: TcpRelay | None = None
        self.url = ""
        self.relay_url = ""
        self.password_file = folder / "hall" / KIOSK_PW

    def start(self) -> "HallRig":
        """Prepare and start the server, then the relay; return self."""
        self.server.prepare()
        self.url = self.server.start()
        self.relay = TcpRelay(("127.0.0.1", self.server.listen.port)).start()
        self.relay_url = self.relay.url_for(self.url)
        return self

    def restart_server(self, down_s: float) -> float:
        """Stop the server (fast shutdown), wait `down_s` seconds, start it again; return seconds it was down."""
        t0 = time.monotonic()
        self.server.stop()
        time.sleep(down_s)
        self.server.start()
        return time.monotonic() - t0

    def stop(self) -> None:
        """Stop the relay and the server."""
        if self.relay is not None:
            self.relay.stop()
        self.server.stop()


@dataclass
class SimStation:
    """One simulated station process (restartable: it goes on from its journal)."""

    name: str
    folder: Path
    argv: list[str]
    env: dict[str, str]
    proc: subprocess.Popen | None = None
    starts: int = 0
    killed: int = 0

    @property
    def journal(self) -> Path:
        return self.folder / "journal.jsonl"

    @property
    def events(self) -> Path:
        return self.folder / "events.jsonl"

    def start(self) -> None:
        """Start (or restart) the process."""
        with open(self.folder / "stderr.txt", "ab") as err:  # the child keeps its own copy
            self.proc = subprocess.Popen(self.argv, env=self.env, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=err)
        self.starts += 1

    def kill(self) -> bool:
        """SIGKILL the process when it runs; return whether it did."""
        if self.proc is None or self.proc.poll() is not None:
            return False
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self.killed += 1
        return True

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


def child_env(url: str | None = None) -> dict[str, str]:
    """Return the environment for a child process: this one, the project on the path, no display, `url` in
    HALL_URL when given (never on a command line)."""
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy", PYTHONUNBUFFERED="1")
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    if url is not None:
        env[URL_ENV] = url
    return env


def make_pictures(folder: Path, profile: Any, count: int = 3) -> list[Path]:
    """Make `count` valid pictures (distinct bytes) from the packaged demo still with the project's picture code;
    return their files."""
    from capture.analyzer import StillAnalyzer
    from capture.files import write_atomic
    from capture.picture import make_picture
    from kiosk.tools.bench import demo_frames

    paths = []
    with StillAnalyzer() as analyzer:
        for i, frame in enumerate(demo_frames((1920, 1080), count)):
            path = folder / f"picture{i}.jpg"
            write_atomic(path, make_picture(frame, profile, analyzer, "bench").data, mode=0o600)
            paths.append(path)
    return paths


def sim_stations(root: Path, rig: HallRig, n: int, pictures: int, files: list[Path], profile_id: str,
                 heartbeat_s: float, pace_s: float = 0.0) -> list[SimStation]:
    """Return `n` station processes (not started) named station-01 ..., filing S01P0000 ... through the relay."""
    out = []
    env = child_env(rig.relay_url)
    for i in range(1, n + 1):
        name, folder = f"station-{i:02d}", root / f"station-{i:02d}"
        folder.mkdir(mode=0o700, parents=True)
        argv = [sys.executable, "-m", SIM, "--local", str(folder / "local"), "--station", name,
                "--prefix", f"S{i:02d}P", "--pictures", str(pictures), "--profile", profile_id,
                "--journal", str(folder / "journal.jsonl"), "--events", str(folder / "events.jsonl"),
                "--heartbeat-s", str(heartbeat_s), "--pace-s", str(pace_s),
                *[a for f in files for a in ("--picture", str(f))]]
        out.append(SimStation(name, folder, argv, env))
    return out


@dataclass
class KioskRuns:
    """What the real kiosks did: identities they reported filed, runs that ended otherwise (exit status, last
    line of their standard error), and each run's seconds."""

    filed: dict[str, str] = field(default_factory=dict)  # identity -> kiosk station name
    failed: list[dict] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    outbox: dict = field(default_factory=dict)


def drain_kiosk_outboxes(rig: HallRig, root: Path, kiosks: int, timeout_s: float = 120.0) -> dict:
    """Send what the kiosks left in their outboxes (filed while the server could not be reached; a kiosk that
    quits does not wait to send them) with the same store code, as the kiosk would at its next start; return
    {"left": filings waiting when the kiosks had finished, "sent": sent now, "still": left after `timeout_s`}."""
    from kiosk.store.open import open_store

    out = {"left": 0, "sent": 0, "still": 0}
    for k in range(1, kiosks + 1):
        local = root / f"kiosk-{k}"
        if not (local / "outbox").is_dir():
            continue
        with open_store(rig.relay_url, station=f"kiosk-{k}", local=local) as store:
            out["left"] += store.pending()
            deadline = time.monotonic() + timeout_s
            while store.pending() and time.monotonic() < deadline:
                report = store.resend()
                out["sent"] += report.sent + report.already_there
                if report.still_offline:
                    time.sleep(1.0)
            out["still"] += store.pending()
    return out


def kiosk_once(rig: HallRig, name: str, local: Path, identity: str) -> tuple[bool, int, str, float]:
    """Run `idphoto kiosk --headless` once to file `identity` as station `name`; return (filed, exit status, the
    last line of its standard error, seconds)."""
    import json

    argv = [sys.executable, "-m", "kiosk.commands.main", "kiosk", "--headless", "--camera", "demo",
            "--store", bare_url(rig.relay_url), "--store-password-file", str(rig.password_file),
            "--local", str(local), "--station", name, "--identity", identity, "--auto-confirm",
            "--exit-after", "1", "--max-runtime", "180", "--json"]
    t0 = time.monotonic()
    done = subprocess.run(argv, env=child_env(), stdin=subprocess.DEVNULL, capture_output=True, text=True)
    lines = [json.loads(x) for x in done.stdout.splitlines() if x.startswith("{")]
    filed = done.returncode == 0 and any(x.get("identity") == identity for x in lines)
    return filed, done.returncode, (done.stderr.strip().splitlines() or ["-"])[-1][:300], time.monotonic() - t0


def run_kiosk(rig: HallRig, k: int, count: int, root: Path, runs: KioskRuns, lock: threading.Lock) -> None:
    """File `count` people one after another with `idphoto kiosk --headless` (one process per person, as the
    identity is given on the command line) as station kiosk-K; a run that stops at start (exit 2: the server
    could not be reached during a fault) is started again after 3 s, up to 3 times, as an operator would. Record
    every outcome in `runs`."""
    name, local = f"kiosk-{k}", root / f"kiosk-{k}"
    for j in range(count):
        identity = f"K{k}P{j:04d}"
        for attempt in range(1, 4):
            filed, status, said, seconds = kiosk_once(rig, name, local, identity)
            with lock:
                runs.seconds.append(seconds)
                if filed:
                    runs.filed[identity] = name
                else:
                    runs.failed.append({"identity": identity, "attempt": attempt, "exit": status, "said": said})
            if filed or status != 2:
                break
            time.sleep(3.0)


@dataclass
class HallBench:
    """Every figure of one `idphoto bench --hall` run (JSON-ready through `to_dict`)."""

    stations: int
    pictures: int
    kiosks: int
    kiosk_pictures: int
    faults: bool
    cores: int | None
    pace_s: float
    load_before: list[float]
    load_after: list[float] = field(default_factory=list)
    elapsed_s: float = 0.0
    verify: dict = field(default_factory=dict)
    kiosk_runs: dict = field(default_factory=dict)
    faults_done: dict = field(default_factory=dict)
    race: dict = field(default_factory=dict)
    bad_input: list = field(default_factory=list)
    ok: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


def _wait_stations(stations: list[SimStation], driver: "hall_faults.FaultDriver | None", timeout_s: float,
                   kiosks: tuple[threading.Thread, ...] = ()) -> None:
    """Wait until every station process has ended with status 0 (a killed one is restarted by the fault driver,
    and here too when it ended otherwise) and the `kiosks` threads have ended, running the fault driver's
    main-thread jobs meanwhile; give up after `timeout_s` seconds."""
    start = time.monotonic()
    deadline, dumped = start + timeout_s, False
    while time.monotonic() < deadline:
        if not dumped and time.monotonic() - start > 300.0:  # five minutes: write down where every thread waits
            with open(stations[0].folder.parent / "bench-threads.txt", "w", encoding="utf-8") as f:
                faulthandler.dump_traceback(f, all_threads=True)
            dumped = True
        if driver is not None:
            driver.run_jobs()
        busy = driver.busy() if driver is not None else set()
        pending = [s for s in stations if s.running() or s.name in busy or s.proc.returncode != 0]
        for s in pending:
            if not s.running() and s.name not in busy and s.proc.returncode not in (0, None):
                if s.starts < 40:  # could not open its store during a fault (4), or crashed (stderr.txt)
                    s.start()
        if not pending and not any(t.is_alive() for t in kiosks):
            return
        time.sleep(0.2)


def run_load(rig: HallRig, root: Path, opts: dict, profile: Any, files: list[Path]) -> tuple[dict, dict, float]:
    """Run the stations and kiosks (with faults when asked); return (kiosk runs, faults done, seconds)."""
    from kiosk.store.hall_model import HEARTBEAT_S

    stations = sim_stations(root, rig, opts["stations"], opts["pictures"], files, profile.id, HEARTBEAT_S,
                            opts.get("pace_s", 0.0))
    runs, lock = KioskRuns(), threading.Lock()
    kiosks = [threading.Thread(target=run_kiosk, args=(rig, k, opts["kiosk_pictures"], root, runs, lock))
              for k in range(1, opts["kiosks"] + 1)]
    t0 = time.monotonic()
    for s in stations:
        s.start()
    for t in kiosks:
        t.start()
    driver = hall_faults.FaultDriver(rig, stations, root, opts.get("seed")) if opts["faults"] else None
    if driver is not None:
        driver.start()
    _wait_stations(stations, driver, opts.get("timeout_s", 900.0), tuple(kiosks))
    for t in kiosks:
        t.join()
    elapsed = time.monotonic() - t0
    runs.outbox = drain_kiosk_outboxes(rig, root, opts["kiosks"])
    if driver is not None:
        driver.finish()
        _wait_stations(stations, None, 300.0)  # a station restarted at the very end drains its outbox too
    unfinished = [s.name for s in stations if s.running() or s.proc.returncode != 0]  # a stuck station
    for s in stations:
        s.kill()
    done = driver.summary() if driver is not None else {}
    kiosk = {"filed": len(runs.filed), "failed": runs.failed, "identities": runs.filed, "outbox": runs.outbox,
             "stations_unfinished": unfinished, "station_starts": sum(s.starts for s in stations),
             "median_run_s": round(sorted(runs.seconds)[len(runs.seconds) // 2], 2) if runs.seconds else None}
    return kiosk, done, elapsed


def run_hall_bench(stations: int = 20, pictures: int = 50, kiosks: int = 2, faults: bool = False,
                   kiosk_pictures: int = 5, seed: int | None = None, keep: Path | None = None,
                   checks: bool = True, pace_s: float = 0.0) -> HallBench:
    """Run the whole hall bench (see the module text); return its figures. `keep`: work there and leave it;
    `checks` False leaves out the claim race and the bad input (then `ok` is the verification's alone); `pace_s`
    seconds between two people at each simulated station (0: as fast as the store files)."""
    from profiles import DEFAULT_PROFILE_ID, get_profile

    logging.getLogger("psycopg.pool").setLevel(logging.CRITICAL)  # its retries during the faults are expected
    profile = get_profile(DEFAULT_PROFILE_ID)
    result = HallBench(stations, pictures, kiosks, kiosk_pictures, faults, os.cpu_count(), pace_s,
                       list(os.getloadavg()))
    root = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="idphoto-hall-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    root.chmod(0o711)  # as root the server runs as `nobody`, who must pass to its folder
    rig = HallRig(root / "server")
    try:
        rig.start()
        files = make_pictures(root, profile)
        opts = {"stations": stations, "pictures": pictures, "kiosks": kiosks, "kiosk_pictures": kiosk_pictures,
                "faults": faults, "seed": seed, "pace_s": pace_s}
        result.kiosk_runs, result.faults_done, result.elapsed_s = run_load(rig, root, opts, profile, files)
        result.verify = hall_verify.verify_hall(rig.url, root, result.kiosk_runs["identities"], profile,
                                                result.elapsed_s)
        if checks:
            result.race = hall_checks.claim_race(rig.url, rounds=100)
            result.bad_input = hall_checks.bad_input(rig, root)
        result.load_after = list(os.getloadavg())
        checked = not checks or (result.race.get("ok", False) and all(b["ok"] for b in result.bad_input))
        result.ok = hall_verify.all_good(result.verify) and not result.kiosk_runs["stations_unfinished"] and checked
        return result
    finally:
        rig.stop()
        if keep is None:
            shutil.rmtree(root, ignore_errors=True)
