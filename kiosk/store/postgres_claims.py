"""Station heartbeats, claims as leases and the hall view of stations for PostgresRecordStore (a mixin: the store
provides `_tx` and `station`). The tables are schema step 3 (kiosk.store.postgres_schema); the rules are those of
kiosk.store.hall_model and the same as the SQLite store's kiosk.store.claims_db.

Every time is the database server's now() (the transaction's time), never a station's clock, so stations whose
clocks disagree still agree on who holds a number; times are shown in this station's time zone. A lease is live
while `expires` is later than now(). A claim is one INSERT ... ON CONFLICT DO UPDATE ... WHERE: PostgreSQL takes
the row's lock for it, so two stations claiming the same number at once never both win."""
from __future__ import annotations

from typing import Any, Callable, ContextManager

from kiosk.store import postgres_admin as admin
from kiosk.store.hall_model import LEASE_S, LIVE_S, StationStatus
from kiosk.store.identity import clean_identity

__all__ = ["PostgresClaims", "CLAIMS_SQL"]

#: schema step 3's statements (kiosk.store.postgres_schema)
CLAIMS_SQL = """
CREATE TABLE stations (
    name      text PRIMARY KEY,
    last_seen timestamptz,
    state     text,
    started   timestamptz
);
CREATE TABLE claims (
    identity text PRIMARY KEY,
    station  text NOT NULL,
    claimed  timestamptz,
    expires  timestamptz NOT NULL
);
CREATE INDEX claims_station ON claims(station)
"""

#: now() + lease_s seconds (the parameter), as SQL
_LEASE_END = "now() + %s * interval '1 second'"


class PostgresClaims:
    """heartbeat, claim, release and stations of PostgresRecordStore (see the module text). `lease_s` and
    `live_s` (seconds) may be set per store, e.g. 0 in tests."""

    station: str
    _tx: Callable[[], ContextManager[Any]]
    lease_s: float = LEASE_S
    live_s: float = LIVE_S
    _beat_before: bool = False

    def heartbeat(self, state: str = "live") -> None:
        """Record that this station is alive now in `state` (its first beat from this store also sets `started`),
        renew every unexpired claim of this station to now() + lease_s seconds and delete every expired claim (of
        any station: an expired claim is as good as none, and its number should not linger)."""
        with self._tx() as db:
            db.execute("INSERT INTO stations (name, last_seen, state, started) VALUES (%s, now(), %s, now()) "
                       "ON CONFLICT (name) DO UPDATE SET last_seen = EXCLUDED.last_seen, state = EXCLUDED.state, "
                       "started = CASE WHEN %s THEN stations.started ELSE EXCLUDED.started END",
                       (self.station, state, bool(self._beat_before)))
            db.execute(f"UPDATE claims SET expires = {_LEASE_END} WHERE station = %s AND expires > now()",
                       (float(self.lease_s), self.station))
            db.execute("DELETE FROM claims WHERE expires <= now()")  # over: no number lingers
        self._beat_before = True

    def claim(self, identity: str) -> str | None:
        """Take or renew this station's lease on `identity` (until now() + lease_s seconds); return None when this
        station holds it now, else the name of the station holding a live lease on it (nothing changes then). An
        expired lease of another station is taken over. IdentityError when `identity` is not a safe code."""
        identity = clean_identity(identity)
        with self._tx() as db:
            for _ in range(3):  # a holder may release between our insert and our look: then try again
                won = db.execute(
                    f"INSERT INTO claims (identity, station, claimed, expires) VALUES (%s, %s, now(), {_LEASE_END}) "
                    "ON CONFLICT (identity) DO UPDATE SET station = EXCLUDED.station, expires = EXCLUDED.expires, "
                    "claimed = CASE WHEN claims.station = EXCLUDED.station THEN claims.claimed "
                    "ELSE EXCLUDED.claimed END "
                    "WHERE claims.expires <= now() OR claims.station = EXCLUDED.station RETURNING station",
                    (identity, self.station, float(self.lease_s))).fetchone()
                if won is not None:
                    return None
                holder = db.execute("SELECT station FROM claims WHERE identity = %s", (identity,)).fetchone()
                if holder is not None:
                    return str(holder[0])
        return None  # unreachable in practice: three releases in a row between two statements

    def release(self, identity: str | None = None) -> None:
        """Drop this station's claim on `identity` (None: every claim of this station); another station's claim
        is never touched."""
        with self._tx() as db:
            if identity is None:
                db.execute("DELETE FROM claims WHERE station = %s", (self.station,))
            else:
                db.execute("DELETE FROM claims WHERE station = %s AND identity = %s",
                           (self.station, clean_identity(identity)))

    def stations(self) -> list[StationStatus]:
        """Return every station with a heartbeat or an attempt today (the day on the server's clock in this
        station's time zone), sorted by name: live when its last beat is newer than live_s seconds, what it holds
        a live claim on, and its filings and attempts today."""
        with self._tx() as db:
            rows = db.execute(
                "WITH counted AS (SELECT station, count(*) FILTER (WHERE accepted) AS filed, count(*) AS tried "
                "FROM attempts WHERE at >= date_trunc('day', now()) GROUP BY station), "
                "names AS (SELECT name FROM stations WHERE last_seen >= date_trunc('day', now()) "
                "UNION SELECT station FROM counted) "
                f"SELECT n.name, COALESCE(s.last_seen > now() - %s * interval '1 second', false), "
                f"{admin.shown('s.last_seen')}, "
                "(SELECT c.identity FROM claims c WHERE c.station = n.name AND c.expires > now() "
                " ORDER BY c.claimed DESC, c.identity DESC LIMIT 1), "
                "COALESCE(k.filed, 0), COALESCE(k.tried, 0) "
                "FROM names n LEFT JOIN stations s ON s.name = n.name LEFT JOIN counted k ON k.station = n.name "
                "ORDER BY n.name", (float(self.live_s),)).fetchall()
        return [StationStatus(str(name), bool(live), seen, holding, int(filed), int(tried))
                for name, live, seen, holding, filed, tried in rows]
