"""SqliteRecordStore: the records store in one folder, with the crash-safe filing protocol described in
kiosk.store.records (pending file, one transaction, rename, recovery at start-up)."""
from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import threading
import uuid
from pathlib import Path
from typing import Any, Iterable, Mapping

from capture.files import fsync_directory as _fsync_directory, write_atomic
from kiosk.store.errors import PictureRejected, StoreError
from kiosk.store.identity import clean_identity, picture_file_name
from kiosk.store.lifecycle import Status, TransitionError, check_transition, filing_target
from kiosk.store.model import Attempt, Record, RecoveryReport
from kiosk.store.verify import verify_for_profile
from profiles.model import Profile

DB_NAME = "records.sqlite3"
PICTURES = "pictures"
PENDING = ".pending"
ORPHANS = ".orphans"


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    identity   TEXT PRIMARY KEY,
    profile_id TEXT NOT NULL,
    status     TEXT NOT NULL,
    picture    TEXT,
    pending    TEXT,
    attempts   INTEGER NOT NULL DEFAULT 0,
    reason     TEXT,
    created    TEXT NOT NULL,
    updated    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS attempts (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    identity TEXT NOT NULL REFERENCES records(identity),
    at       TEXT NOT NULL,
    gates    TEXT NOT NULL,
    picture  TEXT,
    accepted INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS attempts_identity ON attempts(identity);
CREATE INDEX IF NOT EXISTS attempts_at ON attempts(at);
"""

_COLUMNS = "identity, profile_id, status, picture, attempts, reason, created, updated"


def _record(row: sqlite3.Row | tuple) -> Record:
    identity, profile_id, status, picture, attempts, reason, created, updated = row
    return Record(identity, profile_id, Status(status), picture, int(attempts), reason, created, updated)


def _private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)


class SqliteRecordStore:
    """The records store in one folder (see the module text for the layout and the filing protocol)."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.pictures = self.folder / PICTURES
        self.pending_dir = self.pictures / PENDING
        self.orphans_dir = self.pictures / ORPHANS
        for d in (self.folder, self.pictures, self.pending_dir):
            _private_dir(d)
        self.db_path = self.folder / DB_NAME
        # Create the database owner-only before SQLite opens it; SQLite gives its -wal/-shm files the same mode.
        os.close(os.open(self.db_path, os.O_RDWR | os.O_CREAT, 0o600))
        self._lock = threading.RLock()
        self._db = sqlite3.connect(self.db_path, isolation_level=None, check_same_thread=False, timeout=30)
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StoreError(self.db_path, "records_unusable", detail=str(exc), pictures=str(self.pictures)) from None
        for suffix in ("", "-wal", "-shm"):
            p = Path(str(self.db_path) + suffix)
            if p.exists():
                os.chmod(p, 0o600)

    # -- plumbing -------------------------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> "SqliteRecordStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _tx(self):
        """Return a context manager running one IMMEDIATE transaction (commit on success, rollback on error)."""
        store = self

        class _Tx:
            def __enter__(self_inner):
                store._lock.acquire()
                try:
                    store._db.execute("BEGIN IMMEDIATE")
                except BaseException:
                    store._lock.release()
                    raise
                return store._db

            def __exit__(self_inner, exc_type, exc, tb):
                try:
                    if exc_type is None:
                        store._db.execute("COMMIT")
                    else:
                        store._db.execute("ROLLBACK")
                finally:
                    store._lock.release()
                return False

        return _Tx()

    def path_of(self, record: Record) -> Path | None:
        """Return the absolute path of the record's picture, or None."""
        return self.folder / record.picture if record.picture else None

    # -- reading --------------------------------------------------------------------------------------------

    def get(self, identity: str) -> Record | None:
        identity = clean_identity(identity)
        with self._lock:
            row = self._db.execute(f"SELECT {_COLUMNS} FROM records WHERE identity = ?", (identity,)).fetchone()
        return _record(row) if row else None

    def list(self, status: Status | None = None) -> list[Record]:
        with self._lock:
            if status is None:
                rows = self._db.execute(f"SELECT {_COLUMNS} FROM records ORDER BY identity").fetchall()
            else:
                rows = self._db.execute(f"SELECT {_COLUMNS} FROM records WHERE status = ? ORDER BY identity",
                                        (Status(status).value,)).fetchall()
        return [_record(r) for r in rows]

    def attempts(self, identity: str) -> list[Attempt]:
        identity = clean_identity(identity)
        with self._lock:
            rows = self._db.execute("SELECT identity, at, gates, picture, accepted FROM attempts WHERE identity = ? "
                                    "ORDER BY id", (identity,)).fetchall()
        return [Attempt(i, at, json.loads(g), p, bool(a)) for i, at, g, p, a in rows]

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
        now = _now()
        with self._tx() as db:
            db.execute("INSERT OR IGNORE INTO records (identity, profile_id, status, attempts, created, updated) "
                       "VALUES (?, ?, ?, 0, ?, ?)", (identity, profile_id, Status.NOT_UPLOADED.value, now, now))
            row = db.execute(f"SELECT {_COLUMNS} FROM records WHERE identity = ?", (identity,)).fetchone()
        return _record(row)

    def _insert_attempt(self, db: sqlite3.Connection, identity: str, at: str, gates: Mapping[str, Any],
                        picture: str | None, accepted: bool) -> int:
        cur = db.execute("INSERT INTO attempts (identity, at, gates, picture, accepted) VALUES (?, ?, ?, ?, ?)",
                         (identity, at, json.dumps(dict(gates), ensure_ascii=False, default=str), picture,
                          int(accepted)))
        db.execute("UPDATE records SET attempts = attempts + 1 WHERE identity = ?", (identity,))
        return int(cur.lastrowid)

    def record_attempt(self, identity: str, profile_id: str, gates: Mapping[str, Any], *,
                       picture: str | None = None, accepted: bool = False) -> Attempt:
        """Log one capture attempt (e.g. a capture the gates or the person turned down); counts it on the record."""
        identity = clean_identity(identity)
        self.ensure(identity, profile_id)
        at = _now()
        with self._tx() as db:
            self._insert_attempt(db, identity, at, gates, picture, accepted)
        return Attempt(identity, at, dict(gates), picture, accepted)

    def file_picture(self, identity: str, profile: Profile, data: bytes, gates: Mapping[str, Any]) -> Record:
        """File the confirmed picture of `identity` (see the module text for the protocol); return the record.

        Raises TransitionError when the record's status does not allow a filing (nothing is written),
        PictureRejected when the bytes do not meet the profile (the attempt is logged as not accepted), and
        OSError / sqlite3.Error when the disk fails (then nothing changed: the old picture and status stay).
        """
        identity = clean_identity(identity)
        record = self.ensure(identity, profile.id)
        target = filing_target(identity, record.status)
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
            at = _now()
            with self._tx() as db:
                row = db.execute(f"SELECT {_COLUMNS} FROM records WHERE identity = ?", (identity,)).fetchone()
                before = _record(row)
                target = filing_target(identity, before.status)  # re-checked inside the transaction
                clash = db.execute("SELECT identity FROM records WHERE picture = ? AND identity != ?",
                                   (final_rel, identity)).fetchone()
                if clash:
                    raise PictureRejected(identity, "name_taken", name=final_name)
                attempt_id = self._insert_attempt(db, identity, at, gates, final_rel, True)
                db.execute("UPDATE records SET status = ?, picture = ?, pending = ?, profile_id = ?, reason = NULL, "
                           "updated = ? WHERE identity = ?",
                           (target.value, final_rel, pending_name, profile.id, at, identity))
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
                       "updated = ? WHERE identity = ?",
                       (before.status.value, before.picture, before.profile_id, before.reason, before.updated,
                        before.identity))
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

    def mark_recapture(self, identity: str, reason: str) -> Record:
        """Send a filed record back for a new picture (operator action). The old picture stays until replaced."""
        identity = clean_identity(identity)
        reason = (reason or "").strip()
        with self._tx() as db:
            row = db.execute(f"SELECT {_COLUMNS} FROM records WHERE identity = ?", (identity,)).fetchone()
            if row is None:
                raise KeyError(f"{identity}: no such record")
            record = _record(row)
            check_transition(identity, record.status, Status.NEEDS_RECAPTURE)
            if not reason:
                raise TransitionError(identity, record.status, Status.NEEDS_RECAPTURE, "reason_required")
            db.execute("UPDATE records SET status = ?, reason = ?, updated = ? WHERE identity = ?",
                       (Status.NEEDS_RECAPTURE.value, reason, _now(), identity))
        return self.get(identity)  # type: ignore[return-value]

    def lock(self, identities: Iterable[str]) -> list[Record]:
        """Lock the given records (after export), all or none; return them."""
        ids = [clean_identity(i) for i in identities]
        now = _now()
        with self._tx() as db:
            for identity in ids:
                row = db.execute(f"SELECT {_COLUMNS} FROM records WHERE identity = ?", (identity,)).fetchone()
                if row is None:
                    raise KeyError(f"{identity}: no such record")
                check_transition(identity, _record(row).status, Status.LOCKED)
                db.execute("UPDATE records SET status = ?, updated = ? WHERE identity = ?",
                           (Status.LOCKED.value, now, identity))
        return [self.get(i) for i in ids]  # type: ignore[misc]

    # -- start-up repair ------------------------------------------------------------------------------------

    def recover(self) -> RecoveryReport:
        """Finish or roll back whatever a crash left half-done; call once at start, before filing anything."""
        report = RecoveryReport()
        with self._lock:
            rows = self._db.execute("SELECT identity, picture, pending FROM records WHERE pending IS NOT NULL"
                                    ).fetchall()
        for identity, picture, pending in rows:
            src = self.pending_dir / pending
            if src.exists() and picture:
                # committed but not renamed: the pending file is the filed picture
                os.replace(src, self.folder / picture)
                _fsync_directory(self.pictures)
                _fsync_directory(self.pending_dir)
                report.completed.append(identity)
            with self._tx() as db:
                db.execute("UPDATE records SET pending = NULL WHERE identity = ? AND pending = ?", (identity, pending))

        with self._lock:
            rows = self._db.execute("SELECT identity, picture, status FROM records WHERE picture IS NOT NULL"
                                    ).fetchall()
        referenced = {picture for _, picture, _ in rows}
        for identity, picture, _status in rows:
            if not (self.folder / picture).is_file():
                report.missing.append(identity)

        # pending files (and write_atomic temp files) nobody refers to: the filing never committed
        for p in sorted(self.pending_dir.iterdir()):
            if p.is_file():
                p.unlink()
                report.pending_removed += 1
        if report.pending_removed:
            _fsync_directory(self.pending_dir)

        # final files (and stray write temp files) no record points at
        for p in sorted(self.pictures.iterdir()):
            if not p.is_file():
                continue
            rel = f"{PICTURES}/{p.name}"
            if rel in referenced:
                continue
            _private_dir(self.orphans_dir)
            os.replace(p, self.orphans_dir / p.name)
            report.orphans.append(p.name)
        if report.orphans:
            _fsync_directory(self.pictures)
            _fsync_directory(self.orphans_dir)
        return report


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass
