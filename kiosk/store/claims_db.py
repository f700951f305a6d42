"""Station heartbeats, claims as leases and the hall view of stations, as methods SqliteRecordStore takes on (a
mixin: the store provides `_db`, `_lock`, `_tx` and `station`). The tables are schema step 5
(kiosk.store.migrations); the rules are those of kiosk.store.hall_model and the same as the PostgreSQL store's
kiosk.store.postgres_claims.

Times are this computer's local clock as ISO text with microseconds (so that text order is time order and a lease
of 0 seconds is expired at once); a station's last heartbeat is shown to the second like the records' times. A lease
is live while `expires` is later than now. `claim` runs in one IMMEDIATE transaction, so two stations (two processes
or two stores on the same folder) claiming the same number at once never both win."""
from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from typing import Callable, ContextManager

from kiosk.store.hall_model import LEASE_S, LIVE_S, StationStatus
from kiosk.store.identity import clean_identity

__all__ = ["ClaimsTable", "CLAIMS_SQL"]

#: schema step 5's statements (kiosk.store.migrations)
CLAIMS_SQL = """
CREATE TABLE stations (
    name      TEXT PRIMARY KEY,
    last_seen TEXT,
    state     TEXT,
    started   TEXT
);
CREATE TABLE claims (
    identity TEXT PRIMARY KEY,
    station  TEXT NOT NULL,
    claimed  TEXT,
    expires  TEXT NOT NULL
);
CREATE INDEX claims_station ON claims(station)
"""


def _stamp(moment: dt.datetime) -> str:
    """Return `moment` as the text the claims and stations tables keep (ISO, microseconds, local time)."""
    return moment.isoformat(timespec="microseconds")


class ClaimsTable:
    """heartbeat, claim, release and stations of SqliteRecordStore (see the module text). `lease_s` and `live_s`
    (seconds) may be set per store, e.g. 0 in tests."""

    _db: sqlite3.Connection
    _lock: threading.RLock
    _tx: Callable[[], ContextManager[sqlite3.Connection]]
    station: str
    lease_s: float = LEASE_S
    live_s: float = LIVE_S
    _beat_before: bool = False

    def _lease_end(self, now: dt.datetime) -> str:
        return _stamp(now + dt.timedelta(seconds=float(self.lease_s)))

    def heartbeat(self, state: str = "live") -> None:
        """Record that this station is alive now in `state` (its first beat from this store also sets `started`),
        renew every unexpired claim of this station to now + lease_s seconds and delete every expired claim (of any
        station: an expired claim is as good as none, and its number should not linger)."""
        now = dt.datetime.now()
        with self._tx() as db:
            db.execute("INSERT INTO stations (name, last_seen, state, started) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT (name) DO UPDATE SET last_seen = excluded.last_seen, state = excluded.state, "
                       "started = CASE WHEN ? THEN stations.started ELSE excluded.started END",
                       (self.station, _stamp(now), state, _stamp(now), int(self._beat_before)))
            db.execute("UPDATE claims SET expires = ? WHERE station = ? AND expires > ?",
                       (self._lease_end(now), self.station, _stamp(now)))
            db.execute("DELETE FROM claims WHERE expires <= ?", (_stamp(now),))  # over: no number lingers
        self._beat_before = True

    def claim(self, identity: str) -> str | None:
        """Take or renew this station's lease on `identity` (until now + lease_s seconds); return None when this
        station holds it now, else the name of the station holding a live lease on it (nothing changes then). An
        expired lease of another station is taken over. IdentityError when `identity` is not a safe code."""
        identity = clean_identity(identity)
        now = dt.datetime.now()
        with self._tx() as db:  # BEGIN IMMEDIATE: the read and the write below are one step for every station
            row = db.execute("SELECT station, expires FROM claims WHERE identity = ?", (identity,)).fetchone()
            if row is not None and row[0] != self.station and row[1] > _stamp(now):
                return str(row[0])
            claimed = _stamp(now) if row is None or row[0] != self.station else None
            db.execute("INSERT INTO claims (identity, station, claimed, expires) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT (identity) DO UPDATE SET station = excluded.station, expires = excluded.expires, "
                       "claimed = COALESCE(excluded.claimed, claims.claimed)",
                       (identity, self.station, claimed, self._lease_end(now)))
        return None

    def release(self, identity: str | None = None) -> None:
        """Drop this station's claim on `identity` (None: every claim of this station); another station's claim
        is never touched."""
        with self._tx() as db:
            if identity is None:
                db.execute("DELETE FROM claims WHERE station = ?", (self.station,))
            else:
                db.execute("DELETE FROM claims WHERE station = ? AND identity = ?",
                           (self.station, clean_identity(identity)))

    def _has(self, table: str, column: str) -> bool:
        """Return whether `table` has `column` (an older file opened read-only may have neither)."""
        return any(row[1] == column for row in self._db.execute(f"PRAGMA table_info({table})").fetchall())

    def stations(self) -> list[StationStatus]:
        """Return every station with a heartbeat or an attempt today (this computer's clock), sorted by name: live
        when its last beat is newer than live_s seconds, what it holds a live claim on, and its filings and
        attempts today."""
        now = dt.datetime.now()
        today = now.date().isoformat()
        counted: dict[str, tuple[int, int]] = {}
        seen: dict[str, str] = {}
        holding: dict[str, str] = {}
        with self._lock:
            if self._has("attempts", "station"):
                counted = {name: (int(filed), int(tried)) for name, filed, tried in self._db.execute(
                    "SELECT station, COALESCE(SUM(accepted), 0), COUNT(*) FROM attempts "
                    "WHERE substr(at, 1, 10) = ? AND station IS NOT NULL GROUP BY station", (today,)).fetchall()}
            if self._has("stations", "last_seen"):
                seen = dict(self._db.execute("SELECT name, last_seen FROM stations WHERE substr(last_seen, 1, 10) = ?",
                                             (today,)).fetchall())
                for identity, station in self._db.execute(
                        "SELECT identity, station FROM claims WHERE expires > ? ORDER BY claimed, identity",
                        (_stamp(now),)).fetchall():
                    holding[station] = identity  # ordered oldest first: the newest claim stays
        since = _stamp(now - dt.timedelta(seconds=float(self.live_s)))
        return [StationStatus(name, name in seen and seen[name] > since, seen[name][:19] if name in seen else None,
                              holding.get(name), *counted.get(name, (0, 0)))
                for name in sorted(seen.keys() | counted.keys())]
