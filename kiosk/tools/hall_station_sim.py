"""A light simulated hall station for `idphoto bench --hall` (kiosk.tools.hall_bench), run as a separate process:

    python -m kiosk.tools.hall_station_sim --local DIR --station NAME --prefix P --pictures N --picture FILE ...
        --journal FILE --events FILE          (the hall's URL, password included, in the environment: HALL_URL)

It opens the station's store exactly as a kiosk on a hall does (kiosk.store.open.open_store with `local`: a
HallStore, the server plus the local outbox), first resends what its outbox holds (a restarted station), beats every
`--heartbeat-s` seconds on a helper thread (and, while offline, tries to send its outbox back instead), then for
each person P0000, P0001, ... not yet in its journal: claim the number, file one picture, release. After each
file_picture returns, the capture id is appended to the journal and fsynced: that is "the student confirmed", the
promise the bench checks on the server at the end. Finally it resends its outbox until it is empty.

The journal survives a SIGKILL (a restarted station goes on with the next person); the events file (one JSON object
per line, appended) tells the bench what happened: resends, refusals, errors. With `--ghost IDENTITY` the process
only claims IDENTITY, says "claimed" on standard output and beats until it is killed (the bench measures how long a
dead station's claim takes to free).
"""
from __future__ import annotations

import argparse
import faulthandler
import json
import os
import signal
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

URL_ENV = "HALL_URL"
EXIT_DRAINED, EXIT_NOT_DRAINED, EXIT_NOT_OPENED = 0, 3, 4


@dataclass
class Journal:
    """The confirmed filings of one station, one JSON line each (capture id, identity, filing ms, online)."""

    path: Path

    def done(self) -> set[str]:
        """Return the identities already confirmed (a torn last line, from a kill mid-write, is not a filing)."""
        if not self.path.is_file():
            return set()
        done = set()
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                done.add(json.loads(line)["identity"])
            except (ValueError, KeyError):
                continue
        return done

    def confirm(self, entry: dict[str, Any]) -> None:
        """Append `entry` as one line and fsync it before returning."""
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, (json.dumps(entry) + "\n").encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)


class Events:
    """Append-only JSON lines of what happened (thread-safe, flushed each time, not fsynced)."""

    def __init__(self, path: Path, station: str) -> None:
        self.path, self.station = path, station
        self._lock = threading.Lock()

    def add(self, event: str, **fields: Any) -> None:
        """Append one event with the time (epoch seconds) and this station's name."""
        line = json.dumps({"event": event, "station": self.station, "t": time.time(), **fields}, default=str)
        with self._lock:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                os.write(fd, (line + "\n").encode("utf-8"))
            finally:
                os.close(fd)


def _code(exc: BaseException) -> str:
    """Return a coded error's code, else the exception's class name."""
    return str(getattr(exc, "code", None) or type(exc).__name__)


def _resend(store: Any, events: Events) -> bool:
    """Send the outbox once; record what it did; return True when the server was reached (nothing may be left)."""
    from kiosk.store.errors import StoreError

    try:
        report = store.resend()
    except StoreError as exc:
        events.add("error", where="resend", code=_code(exc))
        return False
    if report.sent or report.already_there:
        events.add("resend", sent=report.sent, already=report.already_there)
    if report.conflicts:
        events.add("conflicts", ids=[c.capture_id for c in report.conflicts], codes=[c.code for c in report.conflicts])
    return not report.still_offline


def _beat(store: Any, events: Events, every_s: float, stop: threading.Event) -> None:
    """Until `stop`: beat (renewing this station's claims) while online, else try to send the outbox back."""
    while not stop.is_set():
        try:
            if store.online:
                store.heartbeat()
            else:
                _resend(store, events)
        except Exception as exc:  # noqa: BLE001 - a helper thread must not die; what went wrong is recorded
            events.add("beat_failed", code=_code(exc))
        stop.wait(every_s)


def _claim(store: Any, identity: str, events: Events) -> bool:
    """Claim `identity`; return False when another station holds it (recorded). Offline there is no claim."""
    from kiosk.store.errors import StoreError

    try:
        holder = store.claim(identity)
    except StoreError as exc:
        events.add("claim_offline", identity=identity, code=_code(exc))
        return True
    if holder is not None:
        events.add("claim_refused", identity=identity, holder=holder)
        return False
    return True


def _release(store: Any, identity: str) -> None:
    from kiosk.store.errors import StoreError

    try:
        store.release(identity)
    except StoreError:
        pass  # offline: the lease runs out by itself


def file_one(store: Any, profile: Any, identity: str, data: bytes, journal: Journal, events: Events) -> bool:
    """Claim, file and release one person; journal the capture id once file_picture returned. Return True when
    the picture was filed (here or in the outbox)."""
    from capture.errors import CodedError

    for _ in range(5):
        if _claim(store, identity, events):
            break
        time.sleep(1.0)
    else:
        return False
    capture_id = uuid.uuid4().hex
    t0 = time.perf_counter()
    try:
        store.file_picture(identity, profile, data, {"bench": "hall"}, capture_id=capture_id)
    except CodedError as exc:  # e.g. filed by this station before a kill, before its journal line was written
        events.add("refused", identity=identity, code=_code(exc))
        _release(store, identity)
        return False
    ms = (time.perf_counter() - t0) * 1000.0
    journal.confirm({"cid": capture_id, "identity": identity, "ms": round(ms, 2), "online": bool(store.online),
                     "t": time.time()})
    _release(store, identity)
    return True


def drain(store: Any, events: Events, timeout_s: float) -> bool:
    """Resend the outbox until it is empty and the server answered; return False when `timeout_s` passed first."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if _resend(store, events) and store.pending() == 0:
            return True
        time.sleep(1.0)
    return False


def run_station(args: argparse.Namespace) -> int:
    """Run one station (see the module text); return EXIT_DRAINED, EXIT_NOT_DRAINED, or EXIT_NOT_OPENED when the
    store could not be opened (a first opening needs the server)."""
    from kiosk.store.errors import StoreError
    from kiosk.store.open import open_store
    from profiles import get_profile

    profile = get_profile(args.profile)
    pictures = [Path(p).read_bytes() for p in args.picture]
    journal, events = Journal(Path(args.journal)), Events(Path(args.events), args.station)
    try:
        store = open_store(os.environ[URL_ENV], station=args.station, local=Path(args.local))
    except StoreError as exc:  # a first opening needs the server (a fault may be under way): the bench restarts us
        events.add("open_failed", code=_code(exc))
        return EXIT_NOT_OPENED
    events.add("start", online=bool(store.online), pending=store.pending())
    stop = threading.Event()
    try:
        _resend(store, events)  # what a killed station left in its outbox
        threading.Thread(target=_beat, args=(store, events, args.heartbeat_s, stop), daemon=True).start()
        done = journal.done()
        for j in range(args.pictures):
            identity = f"{args.prefix}{j:04d}"
            if identity not in done:
                file_one(store, profile, identity, pictures[j % len(pictures)], journal, events)
                time.sleep(args.pace_s)  # the next person steps up
        events.add("filed_all")
        drained = drain(store, events, args.drain_timeout_s)
        stop.set()
        events.add("done", drained=drained, pending=store.pending(), conflicts=len(store.conflicts()))
        return EXIT_DRAINED if drained else EXIT_NOT_DRAINED
    finally:
        stop.set()
        store.close()


def run_ghost(args: argparse.Namespace) -> int:
    """Claim `args.ghost`, print "claimed", then beat every heartbeat_s seconds until killed."""
    from kiosk.store.open import open_store

    store = open_store(os.environ[URL_ENV], station=args.station, local=Path(args.local))
    store.heartbeat()
    holder = store.claim(args.ghost)
    print("claimed" if holder is None else f"held-by {holder}", flush=True)
    while True:
        time.sleep(args.heartbeat_s)
        try:
            store.heartbeat()
        except Exception:  # noqa: BLE001 - a ghost just goes on beating until it is killed
            pass


def parser() -> argparse.ArgumentParser:
    """Return this program's argument parser."""
    from kiosk.store.hall_model import HEARTBEAT_S
    from profiles import DEFAULT_PROFILE_ID

    p = argparse.ArgumentParser(prog="hall_station_sim", description="a simulated hall station (bench only)")
    p.add_argument("--local", required=True, help="the station's own folder (its outbox)")
    p.add_argument("--station", required=True, help="the station's name")
    p.add_argument("--prefix", default="S", help="numbers filed: PREFIX0000, PREFIX0001, ...")
    p.add_argument("--pictures", type=int, default=0, help="people to file")
    p.add_argument("--picture", action="append", default=[], help="a made picture file (may repeat)")
    p.add_argument("--profile", default=DEFAULT_PROFILE_ID)
    p.add_argument("--journal", help="confirmed filings (JSON lines, fsynced)")
    p.add_argument("--events", help="what happened (JSON lines)")
    p.add_argument("--heartbeat-s", type=float, default=HEARTBEAT_S)
    p.add_argument("--drain-timeout-s", type=float, default=180.0)
    p.add_argument("--pace-s", type=float, default=0.0, help="seconds between two people (default 0)")
    p.add_argument("--ghost", metavar="IDENTITY", help="only claim IDENTITY and beat until killed")
    return p


def main(argv: list[str] | None = None) -> int:
    """Run a station or a ghost; return the exit status."""
    args = parser().parse_args(argv)
    faulthandler.register(signal.SIGUSR1, all_threads=True)  # `kill -USR1 PID`: where a stuck station waits
    if args.ghost:
        return run_ghost(args)
    if not (args.journal and args.events and args.picture):
        print("hall_station_sim: --journal, --events and --picture are required", file=sys.stderr)
        return 2
    return run_station(args)


if __name__ == "__main__":
    sys.exit(main())
