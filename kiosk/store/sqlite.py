"""SqliteRecordStore: the records store in one folder, with the crash-safe filing protocol described in
kiosk.store.records (pending file, one transaction, rename, recovery at start-up)."""
from __future__ import annotations

import datetime as dt
import json
import os
import socket
import sqlite3
import threading
import uuid
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence
from urllib.parse import quote

from capture.files import fsync_directory as _fsync_directory, write_atomic
from kiosk.store import claims_db, migrations, operators as ops, pages, roster_db
from kiosk.store.capture_ids import SqliteCaptureIds, capture_check
from kiosk.store.audit import AuditEntry, OverrideAudit, read_audit, write_audit
from kiosk.store.errors import PictureRejected, RecordMissing, StoreError
from kiosk.store.sqlite_tx import SqliteTx
from kiosk.store.identity import clean_identity, picture_file_name
from kiosk.store.lifecycle import Status, filing_target, lock_check, reopen_reason
from kiosk.store.model import Attempt, Record, RecoveryReport, now_local
from kiosk.store.verify import verify_for_profile
from profiles.model import Profile

DB_NAME = "records.sqlite3"
PICTURES = "pictures"
PENDING = ".pending"
ORPHANS = ".orphans"


def default_station() -> str:
    """Return this computer's host name (a station's name when none is given), or "station" if it has none."""
    return socket.gethostname().strip() or "station"


_COLUMNS = "identity, profile_id, status, picture, attempts, reason, created, updated"


def _record(row: sqlite3.Row | tuple) -> Record:
    identity, profile_id, status, picture, attempts, reason, created, updated, *rest = row
    return Record(identity, profile_id, Status(status), picture, int(attempts), reason, created, updated,
                  rest[0] if rest else None)


def _private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)


class SqliteRecordStore(SqliteTx, roster_db.RosterTable, pages.StorePages, OverrideAudit, claims_db.ClaimsTable,
                        SqliteCaptureIds):
    """The records store in one folder (see the module text for the layout and the filing protocol)."""

    def __init__(self, folder: str | Path, station: str | None = None, readonly: bool = False) -> None:
        """Open (creating and migrating when needed) the store in `folder`, filing as station `station` (default:
        this computer's host name). `readonly`: open an existing records file for reading only: nothing is created,
        migrated or chmod-ed (a listing by another account); StoreError "records_unusable" if it cannot be read."""
        self.folder = Path(folder)
        self.station = (station or "").strip() or default_station()
        self.readonly = readonly
        self.pictures = self.folder / PICTURES
        self.pending_dir = self.pictures / PENDING
        self.orphans_dir = self.pictures / ORPHANS
        self.db_path = self.folder / DB_NAME
        self._lock = threading.RLock()
        self._db = self._connect_readonly() if readonly else self._connect()
        self._columns = {t: migrations.columns(self._db, t) for t in ("records", "attempts", "audit", "operators")}

    def _connect(self) -> sqlite3.Connection:
        for d in (self.folder, self.pictures, self.pending_dir):
            _private_dir(d)
        # Create the database owner-only before SQLite opens it; SQLite gives its -wal/-shm files the same mode.
        os.close(os.open(self.db_path, os.O_RDWR | os.O_CREAT, 0o600))
        db = sqlite3.connect(self.db_path, isolation_level=None, check_same_thread=False, timeout=30)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA foreign_keys=ON")
            migrations.migrate(db, self.db_path)
        except sqlite3.DatabaseError as exc:
            db.close()
            raise StoreError(self.db_path, "records_unusable", detail=str(exc), pictures=str(self.pictures)) from None
        except BaseException:
            db.close()
            raise
        for suffix in ("", "-wal", "-shm"):
            p = Path(str(self.db_path) + suffix)
            if p.exists():
                os.chmod(p, 0o600)
        return db

    def _connect_readonly(self) -> sqlite3.Connection:
        uri = f"file:{quote(str(self.db_path.resolve()))}?mode=ro"
        try:
            db = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False, timeout=30)
        except sqlite3.Error as exc:
            raise StoreError(self.db_path, "records_unusable", detail=str(exc), pictures=str(self.pictures)) from None
        try:
            migrations.check_not_newer(db, self.db_path)
            db.execute("SELECT COUNT(*) FROM records").fetchone()
        except sqlite3.DatabaseError as exc:
            db.close()
            raise StoreError(self.db_path, "records_unusable", detail=str(exc), pictures=str(self.pictures)) from None
        except BaseException:
            db.close()
            raise
        return db

    def schema_version(self) -> int:
        """Return the records file's schema version (kiosk.store.migrations)."""
        with self._lock:
            return migrations.schema_version(self._db)

    # -- plumbing -------------------------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> "SqliteRecordStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def path_of(self, record: Record) -> Path | None:
        """Return the absolute path of the record's picture, or None."""
        return self.folder / record.picture if record.picture else None

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """Return every row of one query (under the store's lock)."""
        with self._lock:
            return self._db.execute(sql, tuple(params)).fetchall()

    def _select(self) -> str:
        """Return the record columns this file has (an older file read-only has no station)."""
        return _COLUMNS + (", station" if "station" in self._columns["records"] else "")

    # -- reading --------------------------------------------------------------------------------------------

    def get(self, identity: str) -> Record | None:
        identity = clean_identity(identity)
        with self._lock:
            row = self._db.execute(f"SELECT {self._select()} FROM records WHERE identity = ?", (identity,)).fetchone()
        return _record(row) if row else None

    def list(self, status: Status | None = None) -> list[Record]:
        with self._lock:
            if status is None:
                rows = self._db.execute(f"SELECT {self._select()} FROM records ORDER BY identity").fetchall()
            else:
                rows = self._db.execute(f"SELECT {self._select()} FROM records WHERE status = ? ORDER BY identity",
                                        (Status(status).value,)).fetchall()
        return [_record(r) for r in rows]

    def attempts(self, identity: str) -> list[Attempt]:
        identity = clean_identity(identity)
        with self._lock:
            rows = self._db.execute(f"SELECT {self._attempt_columns()} FROM attempts WHERE identity = ? ORDER BY id",
                                    (identity,)).fetchall()
        return [Attempt(i, at, json.loads(g), p, bool(a), st, c, bool(o)) for i, at, g, p, a, st, c, o in rows]

    def counts_today(self) -> dict[str, int]:
        """Return today's figures: {"attempts", "filed" (accepted attempts), "records" (touched today)} plus one
        entry per status name with the number of records whose last change was today."""
        today = dt.date.today().isoformat()
        with self._lock:
            attempts, filed = self._db.execute(
                "SELECT COUNT(*), COALESCE(SUM(accepted), 0) FROM attempts WHERE substr(at, 1, 10) = ?",
                (today,)).fetchone()
            rows = self._db.execute("SELECT status, COUNT(*) FROM records WHERE substr(updated, 1, 10) = ? "
                                    "GROUP BY status", (today,)).fetchall()
        counts = {"attempts": int(attempts), "filed": int(filed), "records": sum(n for _, n in rows)}
        counts.update({s.name: 0 for s in Status})
        counts.update({Status(s).name: int(n) for s, n in rows})
        return counts

    # -- changing -------------------------------------------------------------------------------------------

    def ensure(self, identity: str, profile_id: str) -> Record:
        """Return the record of `identity`, creating it (NOT_UPLOADED) when there is none."""
        identity = clean_identity(identity)
        now = now_local()
        with self._tx() as db:
            db.execute("INSERT OR IGNORE INTO records (identity, profile_id, status, attempts, created, updated) "
                       "VALUES (?, ?, ?, 0, ?, ?)", (identity, profile_id, Status.NOT_UPLOADED.value, now, now))
            row = db.execute(f"SELECT {self._select()} FROM records WHERE identity = ?", (identity,)).fetchone()
        return _record(row)

    def record_attempt(self, identity: str, profile_id: str, gates: Mapping[str, Any], *,
                       picture: str | None = None, accepted: bool = False) -> Attempt:
        """Log one capture attempt (e.g. a capture the gates or the person turned down); counts it on the record."""
        identity = clean_identity(identity)
        self.ensure(identity, profile_id)
        at = now_local()
        with self._tx() as db:
            self._insert_attempt(db, identity, at, gates, picture, accepted)
        return Attempt(identity, at, dict(gates), picture, accepted, self.station)

    def file_picture(self, identity: str, profile: Profile, data: bytes, gates: Mapping[str, Any], *,
                     capture_id: str | None = None, offline: bool = False) -> Record:
        """File the confirmed picture of `identity` (see the module text for the protocol); return the record.
        `capture_id` / `offline`: see kiosk.store.capture_ids (a capture id filed before returns the record as is;
        an offline filing onto a filed record raises FiledElsewhere).

        Raises TransitionError when the record's status does not allow a filing (nothing is written),
        PictureRejected when the bytes do not meet the profile (the attempt is logged as not accepted), and
        OSError / sqlite3.Error when the disk fails (then nothing changed: the old picture and status stay).
        """
        identity = clean_identity(identity)
        self.ensure(identity, profile.id)  # the status is checked inside the transaction (after the capture id)
        final_name = picture_file_name(profile, identity)
        final_rel = f"{PICTURES}/{final_name}"
        pending_name = f"{identity}-{uuid.uuid4().hex}.jpg"
        pending_path = self.pending_dir / pending_name
        final_path = self.pictures / final_name

        write_atomic(pending_path, bytes(data))
        try:
            problems = verify_for_profile(pending_path.read_bytes(), profile)
            mismatch = not problems and pending_path.stat().st_size != len(data)
            if problems or mismatch:
                self.record_attempt(identity, profile.id, gates, accepted=False)
                raise PictureRejected(identity, "disk_mismatch" if mismatch else "picture_rejected", problems)
            at = now_local()
            with self._tx() as db:
                before = self._row(db, identity)
                filed_as = self._capture_filed_as(db, capture_id)
                if capture_check(filed_as, before, offline, str(self.db_path)):
                    raise _Resent(filed_as)
                target = filing_target(identity, before.status)
                clash = db.execute("SELECT identity FROM records WHERE picture = ? AND identity != ?",
                                   (final_rel, identity)).fetchone()
                if clash:
                    raise PictureRejected(identity, "name_taken", name=final_name)
                attempt_id = self._insert_attempt(db, identity, at, gates, final_rel, True, capture_id, offline)
                db.execute("UPDATE records SET status = ?, picture = ?, pending = ?, profile_id = ?, reason = NULL, "
                           "updated = ?, station = ? WHERE identity = ?",
                           (target.value, final_rel, pending_name, profile.id, at, self.station, identity))
        except _Resent as resent:  # rule (a): nothing was written
            _unlink(pending_path)
            return self.get(resent.identity)  # type: ignore[return-value]
        except BaseException:
            _unlink(pending_path)
            raise
        # Committed: from here on the new picture is the filed one; recover() finishes this if we die.
        try:
            os.replace(pending_path, final_path)
            _fsync_directory(self.pictures)
            _fsync_directory(self.pending_dir)
        except BaseException:
            self._undo_filing(before, attempt_id, pending_path)
            raise
        with self._tx() as db:
            db.execute("UPDATE records SET pending = NULL WHERE identity = ? AND pending = ?", (identity, pending_name))
        if before.picture and before.picture != final_rel:
            self._retire(before.picture)
        return self.get(identity)  # type: ignore[return-value]

    def _undo_filing(self, before: Record, attempt_id: int, pending_path: Path) -> None:
        """The rename failed after the commit: put the record back as it was and drop the pending file."""
        with self._tx() as db:
            db.execute("UPDATE records SET status = ?, picture = ?, pending = NULL, profile_id = ?, reason = ?, "
                       "updated = ?, station = ? WHERE identity = ?",
                       (before.status.value, before.picture, before.profile_id, before.reason, before.updated,
                        before.station, before.identity))
            db.execute("UPDATE attempts SET accepted = 0, picture = NULL WHERE id = ?", (attempt_id,))
        _unlink(pending_path)
        _fsync_directory(self.pending_dir)

    def _retire(self, rel: str) -> None:
        """Move a picture no record refers to any more into .orphans (kept, not deleted)."""
        with self._lock:
            used = self._db.execute("SELECT 1 FROM records WHERE picture = ?", (rel,)).fetchone()
        src = self.folder / rel
        if not used and src.exists():
            _private_dir(self.orphans_dir)
            os.replace(src, self.orphans_dir / f"{src.stem}-{uuid.uuid4().hex[:8]}{src.suffix}")
            _fsync_directory(self.pictures)

    def _row(self, db: sqlite3.Connection, identity: str) -> Record:
        row = db.execute(f"SELECT {self._select()} FROM records WHERE identity = ?", (identity,)).fetchone()
        if row is None:
            raise RecordMissing(identity)
        return _record(row)

    def mark_recapture(self, identity: str, reason: str, operator: str | None = None) -> Record:
        """Reopen a record with a picture (filed, re-filed, or locked after an export) for a new picture, with a
        reason; audited with the operator and this station. The old picture stays until replaced. Raises
        TransitionError (e.g. "recapture_needs_picture", "reason_required") or RecordMissing; nothing changes then."""
        identity = clean_identity(identity)
        now = now_local()
        with self._tx() as db:
            record = self._row(db, identity)
            reason = reopen_reason(identity, record.status, reason)
            db.execute("UPDATE records SET status = ?, reason = ?, updated = ? WHERE identity = ?",
                       (Status.NEEDS_RECAPTURE.value, reason, now, identity))
            write_audit(db, AuditEntry(now, identity, "reopen", record.status.name, Status.NEEDS_RECAPTURE.name,
                                       operator, self.station, reason))
        return self.get(identity)  # type: ignore[return-value]

    def lock(self, identities: Iterable[str], operator: str | None = None, reason: str | None = None,
             expected: Mapping[str, tuple[Status, int]] | None = None) -> list[Record]:
        """Lock the given records (after export, or by an operator), all or none, each audited; return them. With
        `expected` (identity -> the status and attempt count read before), a record changed since is not locked."""
        ids = [clean_identity(i) for i in identities]
        now = now_local()
        with self._tx() as db:
            for identity in ids:
                record = self._row(db, identity)
                lock_check(identity, record.status, record.attempts, (expected or {}).get(identity))
                db.execute("UPDATE records SET status = ?, updated = ? WHERE identity = ?",
                           (Status.LOCKED.value, now, identity))
                write_audit(db, AuditEntry(now, identity, "lock", record.status.name, Status.LOCKED.name, operator,
                                           self.station, reason))
        return [self.get(i) for i in ids]  # type: ignore[misc]

    # -- audit, operators, purge ----------------------------------------------------------------------------

    def audit(self, identity: str | None = None) -> list[AuditEntry]:
        """Return the audit rows of `identity` (every row when None), oldest first."""
        if not self._columns["audit"]:
            return []  # an older file opened read-only
        with self._lock:
            return read_audit(self._db, clean_identity(identity) if identity is not None else None)

    def operators(self) -> list[ops.Operator]:
        """Return the operators, in the order they were added."""
        if not self._columns["operators"]:
            return []
        with self._lock:
            return ops.list_operators(self._db)

    def add_operator(self, name: str, pin_hash: str) -> ops.Operator:
        """Add an operator with a PIN hash (kiosk.console.pin.hash_pin); OperatorError if the name is taken."""
        with self._tx() as db:
            return ops.add_operator(db, name, pin_hash, now_local())

    def set_operator_pin(self, name: str, pin_hash: str) -> None:
        """Replace operator `name`'s PIN hash; OperatorError if there is no such operator."""
        with self._tx() as db:
            ops.set_pin(db, name, pin_hash, now_local())

    def purge(self, exported_before: dt.date, operator: str | None = None):
        """Remove the pictures and numbers of records locked before `exported_before`; return a PurgeReport
        (counts only, also in the audit). See kiosk.store.purge."""
        from kiosk.store.purge import purge

        return purge(self, exported_before, operator, now_local())

    # -- start-up repair ------------------------------------------------------------------------------------

    def recover(self) -> RecoveryReport:
        """Finish or roll back whatever a crash left half-done; call once at start, before filing anything."""
        from kiosk.store.recovery import recover

        return recover(self)


class _Resent(Exception):
    """A capture id already filed (under `identity`): leave the filing transaction without writing."""

    def __init__(self, identity: str | None) -> None:
        super().__init__(identity)
        self.identity = identity


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass
