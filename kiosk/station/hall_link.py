"""The station's link to its hall: a daemon thread that beats every HEARTBEAT_S seconds (which renews this station's
claims, kiosk.store.hall_model), sends the outbox back once the hall's server answers again, and keeps a snapshot
the UI thread reads without waiting (the staff banner, the console's hall page).

On a hall store with an outbox (kiosk.store.outbox.HallStore: `online`, `pending`, `conflicts`, `resend`,
`refresh_cache`) a round is: offline -> `resend()` (it reconnects first; with nothing waiting it only asks the
server whether it is there); online -> `heartbeat()`, `resend()` when filings wait, `refresh_cache()` every
REFRESH_EVERY rounds, then `stations()`. A plain store (a station's SQLite folder, or a server without an outbox)
only beats and lists the stations (SQLite: this station alone), which is cheap.

Claims go through the link (`claim`, `release`) so a release never waits on the network on the UI thread (the
thread does it at once) and a release still queued cannot drop a claim taken again meanwhile. Logs carry codes and
counts only, never a number.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass, replace
from typing import Any

from kiosk.store.hall_model import HEARTBEAT_S, StationStatus

__all__ = ["HallLink", "HallSnapshot", "Claim", "hall_notice", "most_important", "NOTICE_ORDER", "REFRESH_EVERY"]

log = logging.getLogger("idphoto.kiosk")

#: the class list, settings and operators are copied into the outbox again every this many rounds (~5 min)
REFRESH_EVERY = 30
#: staff notices, most important first (the banner shows one)
NOTICE_ORDER = ("station.hall_offline", "station.soft_camera", "station.hall_conflicts")
#: what a store call may raise that the link logs by code and survives: anything (a StoreError, sqlite3.Error,
#: OSError, a driver's error); the thread must outlive every failure of the store it watches
FAILURES = (Exception,)


@dataclass(frozen=True)
class HallSnapshot:
    """What the link last saw (read by the UI thread; replaced as a whole, never changed in place).

    station     this station's name
    server      the records are on a hall's server (the console's queue is the whole hall's)
    outboxed    the store keeps an outbox (it can file while the server is unreachable)
    online      the server answered the last time it was asked (always True for a local store)
    pending     offline filings waiting in the outbox
    conflicts   (number, station that filed it meanwhile, capture id) of each offline filing the server refused and
                no operator has resolved yet, raw numbers (masking is the screen's job); station "" when unknown
    stations    the hall's stations as the store lists them (kiosk.store.hall_model.StationStatus)
    checked_at  local time of the last round ("09:30:05"), "" before the first
    failed      the code of the last round's failure ("" when it went through)
    """

    station: str = ""
    server: bool = False
    outboxed: bool = False
    online: bool = True
    pending: int = 0
    conflicts: tuple[tuple[str, str, str], ...] = ()
    stations: tuple[StationStatus, ...] = ()
    checked_at: str = ""
    failed: str = ""


@dataclass(frozen=True)
class Claim:
    """The answer to a claim at identify: `taken` when this station holds the number now; `holder` the station
    capturing it (refuse then); neither when the station is offline and proceeds without a claim."""

    taken: bool
    holder: str | None = None


def _code(exc: BaseException) -> str:
    return str(getattr(exc, "code", "") or type(exc).__name__)


def hall_notice(snap: HallSnapshot) -> tuple[str, dict] | None:
    """Return the staff notice the hall asks for: (kiosk.texts key, fields) for an unreachable server (filing into
    the outbox, with the count waiting) or for conflicts to look at; None when all is well."""
    if snap.outboxed and not snap.online:
        return "station.hall_offline", {"n": snap.pending}
    if snap.conflicts:
        return "station.hall_conflicts", {"n": len(snap.conflicts)}
    return None


def most_important(*notices: tuple[str, dict] | None) -> tuple[str, dict] | None:
    """Return the most important of `notices` by NOTICE_ORDER (unknown keys last), None when there are none."""
    given = [n for n in notices if n is not None]
    rank = {key: i for i, key in enumerate(NOTICE_ORDER)}
    return min(given, key=lambda n: rank.get(n[0], len(rank))) if given else None


class HallLink:
    """The link's thread and its snapshot (see the module text). `start()` / `stop()`; `check()` runs one round on
    the calling thread (tests, and the thread itself)."""

    def __init__(self, store: Any, server: bool = False, every_s: float = HEARTBEAT_S) -> None:
        """`store`: the station's open store; `server`: it is a hall's server; `every_s`: seconds between rounds."""
        self.store = store
        self.every_s = every_s
        self.outboxed = callable(getattr(store, "resend", None)) and callable(getattr(store, "pending", None))
        self._snapshot = HallSnapshot(station=str(getattr(store, "station", "") or ""), server=server,
                                      outboxed=self.outboxed, online=self._store_online())
        self._round = threading.Lock()  # one round at a time
        self._claims = threading.Lock()  # a claim and the releases never cross
        self._releases: set[str] = set()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.rounds = 0

    # -- what the UI thread reads ------------------------------------------------------------------------------
    @property
    def snapshot(self) -> HallSnapshot:
        """Return the last snapshot (never waits)."""
        return self._snapshot

    def _store_online(self) -> bool:
        return bool(getattr(self.store, "online", True))

    def offline(self) -> bool:
        """Return True when the station knows its server is unreachable now (its store says so: no waiting)."""
        return self.outboxed and not self._store_online()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # -- claims ------------------------------------------------------------------------------------------------
    def claim(self, identity: str) -> Claim:
        """Claim `identity` for this station now (on the caller's thread: the identify check). Offline: no claim
        and no waiting. Raises what the store raises (a StoreError when the server failed meanwhile)."""
        if self.offline():
            return Claim(False)
        with self._claims:
            self._releases.discard(identity)  # a release still queued must not drop this claim
            holder = self.store.claim(identity)
        return Claim(holder is None, holder)

    def release(self, identity: str) -> None:
        """Let `identity` go: done by the thread at once (never waiting here); without a running thread, now."""
        with self._claims:
            self._releases.add(identity)
        if self.running:
            self._wake.set()
        else:
            self._release_queued()

    def _release_queued(self) -> None:
        with self._claims:
            queued, self._releases = sorted(self._releases), set()
            if not queued or self.offline():
                return  # offline: the leases run out by themselves
            for identity in queued:
                try:
                    self.store.release(identity)
                except FAILURES as exc:
                    log.warning("hall: claim not released: %s", _code(exc))

    def poke(self) -> None:
        """Ask for a round now (after a filing: the outbox count and the banner follow at once)."""
        self._wake.set()

    # -- one round ---------------------------------------------------------------------------------------------
    def check(self) -> HallSnapshot:
        """Run one round (see the module text) and return the new snapshot; failures are logged by code and kept
        in `failed`, never raised."""
        with self._round:
            self.rounds += 1
            failed = ""
            try:
                if self.outboxed and not self._store_online():
                    self._resend()
                if self._store_online():
                    self._release_queued()
                    self.store.heartbeat()
                    if self.outboxed and self.store.pending() > 0:
                        self._resend()
                    if self.outboxed and self.rounds % REFRESH_EVERY == 0:
                        self.store.refresh_cache()
            except FAILURES as exc:
                failed = _code(exc)
                log.warning("hall: round failed: %s", failed)
            self._snapshot = self._read(failed)
            return self._snapshot

    def _resend(self) -> None:
        """Send the outbox (reconnecting first); log what happened by counts only."""
        report = self.store.resend()
        if report.sent or report.already_there or not report.still_offline:
            log.info("hall: resend sent %d, already there %d, conflicts %d, still offline %s", report.sent,
                     report.already_there, len(report.conflicts), report.still_offline)

    def _read(self, failed: str) -> HallSnapshot:
        """Return the snapshot of the store as it is now (the hall's stations only while online)."""
        snap = replace(self._snapshot, online=self._store_online(), failed=failed,
                       checked_at=dt.datetime.now().strftime("%H:%M:%S"))
        try:
            if self.outboxed:
                conflicts = tuple((c.identity, c.station, c.capture_id) for c in self.store.conflicts())
                snap = replace(snap, pending=int(self.store.pending()), conflicts=conflicts)
            if self._store_online():
                snap = replace(snap, stations=tuple(self.store.stations()))
        except FAILURES as exc:
            log.warning("hall: state not read: %s", _code(exc))
            snap = replace(snap, online=self._store_online(), failed=failed or _code(exc))
        return snap

    # -- the thread --------------------------------------------------------------------------------------------
    def start(self) -> None:
        """Start the thread (a first round at once, then every `every_s` seconds or when poked)."""
        if self.running:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="hall-link", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.check()
            self._wake.wait(self.every_s)
            self._wake.clear()

    def halt(self, wait_s: float = 15.0) -> None:
        """Stop the thread (waiting at most `wait_s` seconds for its round) and nothing else: no more beats, no
        claim released (what a station that died looks like to the hall)."""
        thread, self._thread = self._thread, None
        self._stop.set()
        self._wake.set()
        if thread is not None:
            thread.join(wait_s)

    def stop(self, wait_s: float = 15.0) -> None:
        """Stop the thread (see `halt`) and release all of this station's claims (when the server can be reached;
        otherwise their leases run out)."""
        self.halt(wait_s)
        with self._claims:
            self._releases.clear()
            if self.offline():
                return
            try:
                self.store.release(None)
            except FAILURES as exc:
                log.warning("hall: claims not released at stop: %s", _code(exc))
