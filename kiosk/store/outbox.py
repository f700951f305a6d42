"""HallStore: the records store of a station in a hall, which keeps working when the network does not.

It is a RecordStore made of two: `server`, the hall's PostgresRecordStore (short timeouts,
kiosk.store.postgres_timeouts.STATION), and `outbox`, a SqliteRecordStore in the station's local folder
(LOCAL/outbox, 0700). Every filing gets a capture id made here (uuid4 hex) before anything is sent, so a retry after
a lost reply is harmless (kiosk.store.capture_ids).

- Filing: to the server; when the server cannot be reached (a StoreError "server_*": connection lost, timeout) the
  same filing goes into the outbox, marked offline, with the same capture id, and the store turns offline
  (`online` False). While offline, filings go straight to the outbox (no waiting on a dead cable each time).
- Reading while offline (get, list, attempts, on_list, roster, search, page, counts_today, picture_bytes, settings,
  operators) falls back to the outbox, which holds this station's own filings and a cache of the hall's class list,
  settings and operators (`refresh_cache()`, at opening and after every resend that reached the server).
- Every other method needs the server (claim, stations, operator changes, reopening, locking...): offline it raises
  StoreError "server_offline" naming the method; heartbeat and release do nothing offline.
- `resend()` sends the outbox's unsent filings, oldest first, with their capture ids and offline=True: each one is
  filed once (the server ignores a capture id it has), marked sent in the outbox (kept until a purge), or kept as a
  conflict naming the station that filed the number meanwhile, until an operator resolves it (`resolve()`).
  A station killed between "filed locally" and "sent" sends it at the next resend, exactly once.
"""
from __future__ import annotations

import threading
import uuid
from pathlib import Path
from typing import Any, Callable, Mapping

from capture.errors import CodedError
from capture.files import private_folder
from kiosk.store import outbox_db
from kiosk.store.capture_ids import FiledElsewhere
from kiosk.store.errors import StoreError
from kiosk.store.model import Attempt, Record, RecoveryReport
from kiosk.store.outbox_db import Conflict, ResendReport
from kiosk.store.postgres_timeouts import STATION, Timeouts
from kiosk.store.postgres_url import mask_url
from kiosk.store.sqlite import DB_NAME, SqliteRecordStore, default_station
from profiles.model import Profile

__all__ = ["HallStore", "Conflict", "ResendReport", "OUTBOX", "new_capture_id"]

OUTBOX = "outbox"
#: connection problems after which the station goes on offline (anything else at opening is a setup error)
TRANSIENT = ("server_unreachable", "server_failed")
#: reads that fall back to the outbox while offline
_READS = ("get", "list", "attempts", "on_list", "roster", "search", "page", "counts_today", "picture_bytes",
          "settings", "operators")


def new_capture_id() -> str:
    """Return a new capture id: 32 hex digits (uuid4), made by the station before it sends anything."""
    return uuid.uuid4().hex


def _lost(exc: StoreError) -> bool:
    """Return True when `exc` says the server could not be used (go offline), not a refusal of the change."""
    return exc.code.startswith("server_")


class HallStore:
    """A station's store on a hall server with a local outbox (see the module text)."""

    def __init__(self, url: str, local: Path, station: str | None = None, timeouts: Timeouts = STATION) -> None:
        """Open the outbox in `local`/outbox and the server at `url`, filing as `station` (default: the host
        name). A station that has an outbox from before starts offline when the server cannot be reached (it keeps
        filing into the outbox, numbers checked against its cached class list); a first opening needs the server
        (StoreError "server_unreachable", nothing created: there is no class list to check numbers against). A
        refused login, a missing or foreign database or a newer schema always raise their StoreError."""
        self.url = url
        self.shown = mask_url(url)
        self.local = Path(local)
        self.timeouts = timeouts
        self.station = (station or "").strip() or default_station()
        self.server: Any = None
        self.online = False
        self._resending = threading.Lock()
        self._profiles: dict[str, Profile] = {}
        known = (self.local / OUTBOX / DB_NAME).exists()
        if not known:
            self._open_server()  # raises: a station's first opening needs its hall
        try:
            private_folder(self.local)
            self.outbox = SqliteRecordStore(self.local / OUTBOX, station=self.station)
        except BaseException:
            if self.server is not None:
                self.server.close()
            raise
        try:
            if self._reach():
                self.refresh_cache()
        except BaseException:
            self.close()
            raise

    # -- the server and the way back -------------------------------------------------------------------------

    def _reach(self) -> bool:
        """Open the server store when it is not open yet; return whether it is open (setup errors raise)."""
        if self.server is None:
            try:
                self._open_server()
            except StoreError as exc:
                if exc.code not in TRANSIENT:
                    raise
                self.online = False
                return False
        return True

    def _open_server(self) -> None:
        """Open the server's store (online from then on); its StoreError when it cannot be used."""
        from kiosk.store.postgres import PostgresRecordStore  # lazy: only halls load the driver

        self.server = PostgresRecordStore(self.url, station=self.station, timeouts=self.timeouts)
        self.online = True

    def _went_offline(self) -> None:
        self.online = False

    def _server_call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """Call the server's method `name`; StoreError "server_offline" when offline, and a connection problem
        turns the store offline before it is raised."""
        if not self.online or self.server is None:
            raise StoreError(self.shown, "server_offline", name=name)
        try:
            return getattr(self.server, name)(*args, **kwargs)
        except StoreError as exc:
            if _lost(exc):
                self._went_offline()
            raise

    def _or_outbox(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """Call `name` on the server while online, on the outbox when offline or when the server is lost."""
        if self.online and self.server is not None:
            try:
                return getattr(self.server, name)(*args, **kwargs)
            except StoreError as exc:
                if not _lost(exc):
                    raise
                self._went_offline()
        return getattr(self.outbox, name)(*args, **kwargs)

    def refresh_cache(self) -> bool:
        """Copy the hall's class list, this station's saved settings and the operators into the outbox (for
        reading while offline); return False when the server could not be read (nothing changed then)."""
        try:
            roster = self._server_call("roster")
            settings = self._server_call("settings")
            operators = self._server_call("operators")
        except StoreError as exc:
            if _lost(exc):
                return False
            raise
        if [(e.identity, e.name, e.group) for e in roster] != [(e.identity, e.name, e.group)
                                                                 for e in self.outbox.roster()]:
            if roster:
                self.outbox.replace_roster(roster)
            else:
                self.outbox.clear_roster()
        mine = self.outbox.settings()
        for name, value in settings.items():
            if mine.get(name) != value:
                self.outbox.save_setting(name, value)
        known = {o.name: o.pin_hash for o in self.outbox.operators()}
        for o in operators:
            if o.name not in known:
                self.outbox.add_operator(o.name, o.pin_hash)
            elif known[o.name] != o.pin_hash:
                self.outbox.set_operator_pin(o.name, o.pin_hash)
        return True

    # -- filing -------------------------------------------------------------------------------------------

    def file_picture(self, identity: str, profile: Profile, data: bytes, gates: Mapping[str, Any], *,
                     capture_id: str | None = None, offline: bool = False) -> Record:
        """File the confirmed picture on the server, or in the outbox (marked offline) when the server cannot be
        reached; return the record where it was filed. Refusals (TransitionError, PictureRejected,
        FiledElsewhere) are raised as the store that decided raised them."""
        capture_id = capture_id or new_capture_id()
        self._profiles[profile.id] = profile
        if self.online and self.server is not None:
            try:
                return self.server.file_picture(identity, profile, data, gates, capture_id=capture_id,
                                                offline=offline)
            except StoreError as exc:
                if not _lost(exc):
                    raise
                self._went_offline()
        return self._file_offline(identity, profile, data, gates, capture_id)

    def _file_offline(self, identity: str, profile: Profile, data: bytes, gates: Mapping[str, Any],
                      capture_id: str) -> Record:
        """File into the outbox, marked offline. A number whose earlier outbox filings were all sent is filed
        again (the outbox reopens its own copy): whether the hall wants a new picture is the server's to say at
        resend, as for any number filed before (a conflict then, never an overwrite)."""
        try:
            return self.outbox.file_picture(identity, profile, data, gates, capture_id=capture_id, offline=True)
        except FiledElsewhere:
            if outbox_db.unsent_of(self.outbox, identity):
                raise  # an offline filing of this number still waits: the first one stands
        self.outbox.mark_recapture(identity, "filed again offline after the last one was sent")
        return self.outbox.file_picture(identity, profile, data, gates, capture_id=capture_id, offline=True)

    def ensure(self, identity: str, profile_id: str) -> Record:
        """Return the record of `identity` (created when missing) on the server, or in the outbox when offline."""
        return self._or_outbox("ensure", identity, profile_id)

    def record_attempt(self, identity: str, profile_id: str, gates: Mapping[str, Any], *,
                       picture: str | None = None, accepted: bool = False) -> Attempt:
        """Log one attempt on the server, or in the outbox when offline (such attempts stay local)."""
        return self._or_outbox("record_attempt", identity, profile_id, gates, picture=picture, accepted=accepted)

    # -- the hall's leases (kiosk.store.hall_model) ------------------------------------------------------

    def heartbeat(self, state: str = "live") -> None:
        """Tell the server this station is alive (renewing its claims); offline there is no one to tell: nothing
        happens (a lost server turns the store offline, `online` says so)."""
        self._quietly("heartbeat", state)

    def release(self, identity: str | None = None) -> None:
        """Drop this station's claim on `identity` (None: all); offline nothing happens (the lease runs out)."""
        self._quietly("release", identity)

    def _quietly(self, name: str, *args: Any) -> None:
        if self.online and self.server is not None:
            try:
                getattr(self.server, name)(*args)
            except StoreError as exc:
                if not _lost(exc):
                    raise
                self._went_offline()

    # -- the way back -------------------------------------------------------------------------------------

    def pending(self) -> int:
        """Return how many offline filings wait in the outbox."""
        return outbox_db.pending(self.outbox)

    def conflicts(self) -> list[Conflict]:
        """Return the offline filings the server refused, not yet resolved by an operator, oldest first."""
        return outbox_db.conflicts(self.outbox)

    def resolve(self, capture_id: str, operator: str | None = None) -> bool:
        """Mark the conflict of `capture_id` resolved by `operator`; return False when there is none open."""
        return outbox_db.resolve(self.outbox, capture_id, operator)

    def resend(self) -> ResendReport:
        """Send every unsent outbox filing to the server, oldest first (see the module text); return what
        happened. Stops at the first connection problem (`still_offline`); the rest waits for the next call."""
        with self._resending:
            report = ResendReport()
            try:
                if not self._reach():
                    raise StoreError(self.shown, "server_unreachable", detail="")
                self.server.schema_version()  # a cheap question: is the server there?
                self.online = True
                for item in outbox_db.unsent(self.outbox):
                    self._send(item, report)
            except StoreError as exc:
                if not _lost(exc):
                    raise
                self._went_offline()
                report.still_offline = True
            if not report.still_offline:
                self.refresh_cache()
            report.conflicts = self.conflicts()
            return report

    def _send(self, item: outbox_db.Unsent, report: ResendReport) -> None:
        """Send one outbox filing and mark what became of it; connection problems are raised."""
        if self.server.filed_capture(item.capture_id) is not None:
            outbox_db.mark(self.outbox, item, "already")
            report.already_there += 1
            return
        try:
            data = (self.outbox.folder / item.picture).read_bytes()
        except OSError:
            outbox_db.mark(self.outbox, item, "conflict", None, "disk_mismatch")  # the outbox lost the file
            return
        try:
            self.server.file_picture(item.identity, self._profile(item.profile_id), data, item.gates,
                                     capture_id=item.capture_id, offline=True)
        except FiledElsewhere as exc:
            outbox_db.mark(self.outbox, item, "conflict", exc.station, exc.code)
            return
        except StoreError as exc:
            if exc.code == "server_failed":  # the server refused this one now: it stays unsent, the rest go on
                report.failed += 1
                return
            if _lost(exc):
                raise
            outbox_db.mark(self.outbox, item, "conflict", None, exc.code)
            return
        except CodedError as exc:  # the server's other refusals: PictureRejected, TransitionError, ...
            outbox_db.mark(self.outbox, item, "conflict", None, exc.code)
            return
        outbox_db.mark(self.outbox, item, "sent")
        report.sent += 1

    def _profile(self, profile_id: str) -> Profile:
        """Return the profile a filing was made with (the one given to file_picture, else the shipped one)."""
        if profile_id not in self._profiles:
            from profiles import get_profile

            self._profiles[profile_id] = get_profile(profile_id)
        return self._profiles[profile_id]

    # -- everything else ----------------------------------------------------------------------------------

    def recover(self) -> RecoveryReport:
        """Finish what a crash left half-done in the outbox (the server has nothing to repair)."""
        return self.outbox.recover()

    def path_of(self, record: Record) -> None:
        """A hall station reads pictures with `picture_bytes`: always None."""
        return None

    def close(self) -> None:
        """Close the server's pool and the outbox."""
        if self.server is not None:
            self.server.close()
        self.outbox.close()

    def __enter__(self) -> "HallStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __getattr__(self, name: str) -> Callable[..., Any]:
        """Reads in _READS fall back to the outbox; any other method of the server's store is called there."""
        if name.startswith("_"):
            raise AttributeError(name)
        from kiosk.store.postgres import PostgresRecordStore

        if not callable(getattr(PostgresRecordStore, name, None)):
            raise AttributeError(name)
        if name in _READS:
            return lambda *args, **kwargs: self._or_outbox(name, *args, **kwargs)
        return lambda *args, **kwargs: self._server_call(name, *args, **kwargs)
