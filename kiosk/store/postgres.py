"""PostgresRecordStore: the records store of a hall, on a PostgreSQL server shared by every station.

It keeps the RecordStore protocol (kiosk.store.records) and the one lifecycle (kiosk.store.lifecycle). What differs
from the SQLite store:

- the picture bytes live in the database (table `pictures`, one row per filed picture, older ones kept until a
  purge), written in the SAME transaction as the attempt and the record change; before that transaction commits
  the bytes are read back from the database and checked again with capture.filespec (through
  verify_for_profile) and compared with what was given: a filing is all there or not there at all, and there is
  nothing to recover at start-up;
- every time comes from the database server (now(): the transaction's time), shown in this station's time zone;
- the schema is versioned and migrated by the program under an advisory lock (kiosk.store.postgres_schema);
- a connection problem is a StoreError ("server_*") whose subject is the address with the password masked.

psycopg and psycopg_pool are imported when a store is opened (lazily): SQLite stations never load them.
"""
from __future__ import annotations

import datetime as dt
import json
import time
from contextlib import contextmanager
from typing import Any, Iterable, Iterator, Mapping

from kiosk.store import postgres_admin as admin
from kiosk.store.audit import AuditEntry
from kiosk.store.capture_ids import capture_check
from kiosk.store.errors import PictureRejected, RecordMissing, StoreError
from kiosk.store.identity import clean_identity, picture_file_name
from kiosk.store.lifecycle import Status, filing_target, lock_check, reopen_reason
from kiosk.store.model import Attempt, Record, RecoveryReport
from kiosk.store.operators import Operator
from kiosk.store.postgres_claims import PostgresClaims
from kiosk.store.postgres_pages import PostgresPages
from kiosk.store.postgres_roster import PostgresRoster
from kiosk.store.postgres_schema import check_version, migrate, schema_version
from kiosk.store.postgres_timeouts import COMMAND, Timeouts, checker, watchdog
from kiosk.store.postgres_url import connect_once, mask_url, scrub
from kiosk.store.purge import PurgeReport
from kiosk.store.sqlite import PICTURES, default_station
from kiosk.store.verify import verify_for_profile
from profiles.model import Profile

_shown = admin.shown
_COLUMNS = (f"identity, profile_id, status, picture, attempts, reason, {_shown('created')}, {_shown('updated')}, "
            "station")


def _record(row: tuple) -> Record:
    identity, profile_id, status, picture, attempts, reason, created, updated, station = row
    return Record(identity, profile_id, Status(status), picture, int(attempts), reason, created, updated, station)


def _utc_offset_minutes() -> int:
    """Return this station's offset from UTC now, in minutes (east positive)."""
    return int(time.localtime().tm_gmtoff // 60)


class PostgresRecordStore(PostgresPages, PostgresRoster, PostgresClaims):
    """The records store on the PostgreSQL server at `url` (see the module text); paging, search and saved
    settings come from kiosk.store.postgres_pages, the class list from kiosk.store.postgres_roster."""

    _columns = _COLUMNS
    _to_record = staticmethod(_record)

    def __init__(self, url: str, station: str | None = None, readonly: bool = False, pool_size: int = 4,
                 timeouts: Timeouts = COMMAND) -> None:
        """Connect to `url`, check the schema (migrating it unless `readonly`) and open a small connection pool;
        filing as station `station` (default: this computer's host name), waiting as `timeouts` allow
        (kiosk.store.postgres_timeouts). StoreError ("server_*", "schema_*") when the server cannot be used;
        nothing is written then."""
        from psycopg_pool import ConnectionPool  # lazy: see the module text

        self.url = url
        self.timeouts = timeouts
        self.shown = mask_url(url)
        self.station = (station or "").strip() or default_station()
        self.readonly = readonly
        conn_kwargs = timeouts.connection_kwargs()
        first = connect_once(url, conn_kwargs.pop("connect_timeout"), **conn_kwargs)
        try:
            with watchdog(first, timeouts.deadline_s):
                self._first(first, readonly)
        except self._driver_errors() as exc:
            raise StoreError(self.shown, "server_failed", detail=scrub(str(exc), url)[:200]) from None
        finally:
            first.close()
        self._pool = ConnectionPool(url, min_size=1, max_size=pool_size, kwargs=timeouts.connection_kwargs(),
                                    configure=self._configure, check=checker(timeouts.deadline_s),
                                    timeout=timeouts.pool_s, name="idphoto-records", open=True)

    def _first(self, first, readonly: bool) -> None:
        """Check the schema on the first connection (migrating it unless `readonly`)."""
        if readonly:
            check_version(first, self.shown, readonly=True)
        else:
            migrate(first, self.shown)

    @staticmethod
    def _driver_errors() -> type[Exception]:
        import psycopg

        return psycopg.Error

    def _configure(self, conn) -> None:
        """Set up a new pooled connection: this station's time zone (times read and "today"), read-only if asked."""
        minutes = _utc_offset_minutes()
        with watchdog(conn, self.timeouts.deadline_s):  # a cable cut right after connecting must not hang a worker
            conn.execute(f"SET TIME ZONE INTERVAL '{minutes:+d} minutes'")
            if self.readonly:
                conn.execute("SET default_transaction_read_only = on")
            conn.commit()

    @contextmanager
    def _tx(self) -> Iterator[Any]:
        """Yield a connection inside one transaction (commit on success, rollback on any error); driver errors
        become StoreError (the password masked): "server_unreachable" when the connection failed or timed out
        (psycopg's OperationalError, the pool's timeout), "server_failed" when the server refused the work."""
        import psycopg

        try:
            with self._pool.connection() as conn, watchdog(conn, self.timeouts.deadline_s):
                with conn.transaction():
                    yield conn
        except psycopg.Error as exc:
            code = "server_unreachable" if isinstance(exc, psycopg.OperationalError) else "server_failed"
            raise StoreError(self.shown, code, detail=scrub(str(exc), self.url)[:200]) from None

    def schema_version(self) -> int:
        """Return the database's schema version (kiosk.store.postgres_schema)."""
        with self._tx() as db:
            return schema_version(db, self.shown)

    def close(self) -> None:
        self._pool.close()

    def __enter__(self) -> "PostgresRecordStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def recover(self) -> RecoveryReport:
        """Nothing to repair: a filing is one transaction (the protocol's start-up call, kept for the station)."""
        return RecoveryReport()

    def path_of(self, record: Record) -> None:
        """A hall store keeps no picture files: always None (read the bytes with `picture_bytes`)."""
        return None

    # -- reading --------------------------------------------------------------------------------------------

    def get(self, identity: str) -> Record | None:
        identity = clean_identity(identity)
        with self._tx() as db:
            row = db.execute(f"SELECT {_COLUMNS} FROM records WHERE identity = %s", (identity,)).fetchone()
        return _record(row) if row else None

    def list(self, status: Status | None = None) -> list[Record]:
        with self._tx() as db:
            if status is None:
                rows = db.execute(f"SELECT {_COLUMNS} FROM records ORDER BY identity").fetchall()
            else:
                rows = db.execute(f"SELECT {_COLUMNS} FROM records WHERE status = %s ORDER BY identity",
                                  (Status(status).value,)).fetchall()
        return [_record(r) for r in rows]

    def attempts(self, identity: str) -> list[Attempt]:
        identity = clean_identity(identity)
        with self._tx() as db:
            rows = db.execute(f"SELECT identity, {_shown('at')}, gates, picture, accepted, station, capture_id, "
                              "offline FROM attempts WHERE identity = %s ORDER BY id", (identity,)).fetchall()
        return [Attempt(i, at, dict(g), p, bool(a), st, c, bool(o)) for i, at, g, p, a, st, c, o in rows]

    def filed_capture(self, capture_id: str) -> str | None:
        """Return the identity capture `capture_id` was filed under on the server, or None when it was not."""
        with self._tx() as db:
            return self._filed_as(db, capture_id)

    @staticmethod
    def _filed_as(db, capture_id: str | None) -> str | None:
        if capture_id is None:
            return None
        row = db.execute("SELECT identity FROM attempts WHERE capture_id = %s AND accepted", (capture_id,)).fetchone()
        return row[0] if row else None

    def picture_bytes(self, record: Record | None) -> bytes | None:
        """Return the bytes of `record`'s filed picture (None when there is no record or it has no picture)."""
        if record is None:
            return None
        with self._tx() as db:
            row = db.execute("SELECT p.data FROM records r JOIN pictures p ON p.attempt_id = r.picture_id "
                             "WHERE r.identity = %s", (clean_identity(record.identity),)).fetchone()
        return bytes(row[0]) if row else None

    def counts_today(self) -> dict[str, int]:
        """Return today's figures (the day on the server's clock, in this station's time zone) for the whole
        hall: {"attempts", "filed", "records"} plus one entry per status name (records last changed today)."""
        with self._tx() as db:
            attempts, filed = db.execute("SELECT count(*), count(*) FILTER (WHERE accepted) FROM attempts "
                                         "WHERE at >= date_trunc('day', now())").fetchone()
            rows = db.execute("SELECT status, count(*) FROM records WHERE updated >= date_trunc('day', now()) "
                              "GROUP BY status").fetchall()
        counts = {"attempts": int(attempts), "filed": int(filed), "records": sum(int(n) for _, n in rows)}
        counts.update({s.name: 0 for s in Status})
        counts.update({Status(s).name: int(n) for s, n in rows})
        return counts

    # -- changing -------------------------------------------------------------------------------------------

    @staticmethod
    def _ensure(db, identity: str, profile_id: str) -> None:
        db.execute("INSERT INTO records (identity, profile_id, status) VALUES (%s, %s, %s) "
                   "ON CONFLICT (identity) DO NOTHING", (identity, profile_id, Status.NOT_UPLOADED.value))

    def _row(self, db, identity: str, lock: bool = True) -> Record:
        row = db.execute(f"SELECT {_COLUMNS} FROM records WHERE identity = %s" + (" FOR UPDATE" if lock else ""),
                         (identity,)).fetchone()
        if row is None:
            raise RecordMissing(identity)
        return _record(row)

    def ensure(self, identity: str, profile_id: str) -> Record:
        """Return the record of `identity`, creating it (NOT_UPLOADED) when there is none."""
        identity = clean_identity(identity)
        with self._tx() as db:
            self._ensure(db, identity, profile_id)
            return self._row(db, identity, lock=False)

    def _insert_attempt(self, db, identity: str, gates: Mapping[str, Any], picture: str | None,
                        accepted: bool, capture_id: str | None = None, offline: bool = False) -> tuple[int, str]:
        """Insert one attempt and count it on the record; return (its id, its time as shown)."""
        attempt_id, at = db.execute(
            "INSERT INTO attempts (identity, gates, picture, accepted, station, capture_id, offline) "
            f"VALUES (%s, %s::jsonb, %s, %s, %s, %s, %s) RETURNING id, {_shown('at')}",
            (identity, json.dumps(dict(gates), ensure_ascii=False, default=str), picture, accepted,
             self.station, capture_id, offline)).fetchone()
        db.execute("UPDATE records SET attempts = attempts + 1 WHERE identity = %s", (identity,))
        return int(attempt_id), at

    def record_attempt(self, identity: str, profile_id: str, gates: Mapping[str, Any], *,
                       picture: str | None = None, accepted: bool = False) -> Attempt:
        """Log one capture attempt (e.g. one the gates or the person turned down); counts it on the record."""
        identity = clean_identity(identity)
        with self._tx() as db:
            self._ensure(db, identity, profile_id)
            _, at = self._insert_attempt(db, identity, gates, picture, accepted)
        return Attempt(identity, at, json.loads(json.dumps(dict(gates), default=str)), picture, accepted,
                       self.station)

    def file_picture(self, identity: str, profile: Profile, data: bytes, gates: Mapping[str, Any], *,
                     capture_id: str | None = None, offline: bool = False) -> Record:
        """File the confirmed picture of `identity` in one transaction (see the module text); return the record.
        `capture_id` / `offline`: see kiosk.store.capture_ids (a capture id filed before returns the record as is;
        an offline filing onto a filed or locked record raises FiledElsewhere naming the station that filed it).

        Raises TransitionError when the record's status does not allow a filing (nothing is written),
        PictureRejected when the bytes do not meet the profile (the attempt is logged as not accepted) or do not
        read back the same, and StoreError "server_failed" when the server fails (then nothing changed)."""
        identity = clean_identity(identity)
        data = bytes(data)
        self.ensure(identity, profile.id)
        problems = verify_for_profile(data, profile)
        if problems:
            self.record_attempt(identity, profile.id, gates, accepted=False)
            raise PictureRejected(identity, "picture_rejected", problems)
        name = picture_file_name(profile, identity)
        rel = f"{PICTURES}/{name}"
        with self._tx() as db:
            before = self._row(db, identity)
            filed_as = self._filed_as(db, capture_id)
            if capture_check(filed_as, before, offline, self.shown):
                return self._row(db, filed_as, lock=False)  # type: ignore[arg-type]
            target = filing_target(identity, before.status)
            if db.execute("SELECT 1 FROM records WHERE picture = %s AND identity <> %s", (rel, identity)).fetchone():
                raise PictureRejected(identity, "name_taken", name=name)
            attempt_id, _ = self._insert_attempt(db, identity, gates, rel, True, capture_id, offline)
            db.execute("INSERT INTO pictures (attempt_id, identity, name, data, size) VALUES (%s, %s, %s, %s, %s)",
                       (attempt_id, identity, name, data, len(data)))
            stored = bytes(db.execute("SELECT data FROM pictures WHERE attempt_id = %s", (attempt_id,)).fetchone()[0])
            if stored != data or verify_for_profile(stored, profile):
                raise PictureRejected(identity, "disk_mismatch")  # rolls the whole filing back
            db.execute("UPDATE records SET status = %s, picture = %s, picture_id = %s, profile_id = %s, "
                       "reason = NULL, updated = now(), station = %s WHERE identity = %s",
                       (target.value, rel, attempt_id, profile.id, self.station, identity))
            return self._row(db, identity, lock=False)

    def mark_recapture(self, identity: str, reason: str, operator: str | None = None) -> Record:
        """Reopen a record with a picture for a new picture, with a reason; audited with the operator and this
        station. Raises TransitionError or RecordMissing; nothing changes then."""
        identity = clean_identity(identity)
        with self._tx() as db:
            record = self._row(db, identity)
            reason = reopen_reason(identity, record.status, reason)
            db.execute("UPDATE records SET status = %s, reason = %s, updated = now() WHERE identity = %s",
                       (Status.NEEDS_RECAPTURE.value, reason, identity))
            admin.write_audit(db, AuditEntry("", identity, "reopen", record.status.name,
                                             Status.NEEDS_RECAPTURE.name, operator, self.station, reason))
            return self._row(db, identity, lock=False)

    def lock(self, identities: Iterable[str], operator: str | None = None, reason: str | None = None,
             expected: Mapping[str, tuple[Status, int]] | None = None) -> list[Record]:
        """Lock the given records (after export, or by an operator), all or none, each audited; return them. With
        `expected` (identity -> the status and attempt count read before), a record changed since is not locked."""
        ids = [clean_identity(i) for i in identities]
        with self._tx() as db:
            for identity in ids:
                record = self._row(db, identity)
                lock_check(identity, record.status, record.attempts, (expected or {}).get(identity))
                db.execute("UPDATE records SET status = %s, updated = now() WHERE identity = %s",
                           (Status.LOCKED.value, identity))
                admin.write_audit(db, AuditEntry("", identity, "lock", record.status.name, Status.LOCKED.name,
                                                 operator, self.station, reason))
            return [self._row(db, i, lock=False) for i in ids]

    # -- audit, operators, purge ----------------------------------------------------------------------------

    def audit(self, identity: str | None = None) -> list[AuditEntry]:
        """Return the audit rows of `identity` (every row when None), oldest first."""
        with self._tx() as db:
            return admin.read_audit(db, clean_identity(identity) if identity is not None else None)

    def operators(self) -> list[Operator]:
        """Return the operators, in the order they were added."""
        with self._tx() as db:
            return admin.list_operators(db)

    def add_operator(self, name: str, pin_hash: str) -> Operator:
        """Add an operator with a PIN hash; OperatorError if the name is taken."""
        with self._tx() as db:
            return admin.add_operator(db, name, pin_hash)

    def set_operator_pin(self, name: str, pin_hash: str) -> None:
        """Replace operator `name`'s PIN hash; OperatorError if there is no such operator."""
        with self._tx() as db:
            admin.set_pin(db, name, pin_hash)

    def purge(self, exported_before: dt.date, operator: str | None = None) -> PurgeReport:
        """Remove the pictures and numbers of records locked before `exported_before`; return the counts."""
        with self._tx() as db:
            return admin.purge(db, exported_before, operator, self.station)
