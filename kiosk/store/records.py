"""The records store: one record per identity with a status, its filed picture and every capture attempt.

The UI talks to the `RecordStore` protocol only, so a server database can stand in later. `SqliteRecordStore`
keeps everything in the store folder:

    DIR/records.sqlite3          records + attempts (WAL, synchronous=FULL)
    DIR/pictures/<name>.jpg      the filed pictures, named by the profile (kiosk.store.identity.picture_file_name)
    DIR/pictures/.pending/       pictures written but not yet moved into place (see below)
    DIR/pictures/.orphans/       picture files no record points at, moved aside by `recover()`

Filing protocol (a confirmed picture is never lost and never half-written, even on SIGKILL or power loss):

1. the bytes go to pictures/.pending/<identity>-<uuid>.jpg with `write_atomic` (fsynced file and folder);
2. the pending file is read back and checked with `verify_picture` against the profile (px, dpi, KB, format);
3. ONE SQLite transaction records the attempt and points the record at the final name, remembering the pending
   name in the record's `pending` column;
4. the pending file is renamed onto pictures/<final name> and the folders are fsynced;
5. the `pending` column is cleared.

The database is the truth: before step 3 commits, nothing changed (a crash leaves only a pending file nobody
refers to, which `recover()` deletes); after it commits, the new picture is complete on disk, either still in
.pending (then `recover()` finishes the rename) or already in place.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import threading
import uuid
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, Iterable, Mapping, Protocol

from capture.files import fsync_directory as _fsync_directory, write_atomic
from capture.filespec import check_file_spec
from kiosk.store.identity import clean_identity, picture_file_name
from profiles.model import Profile

__all__ = [
    "Status",
    "TRANSITIONS",
    "TransitionError",
    "PictureRejected",
    "Record",
    "Attempt",
    "RecoveryReport",
    "RecordStore",
    "SqliteRecordStore",
    "check_transition",
    "verify_for_profile",
]

DB_NAME = "records.sqlite3"
PICTURES = "pictures"
PENDING = ".pending"
ORPHANS = ".orphans"


class Status(str, Enum):
    """Where a record stands. The values are what operators see."""

    NOT_UPLOADED = "未上传"
    FILED = "已上传"
    NEEDS_RECAPTURE = "需重新上传"
    RECAPTURED = "已重新上传"
    LOCKED = "已采集(锁定)"


#: every allowed change, in one place: (from, to) -> what causes it. Anything not listed is refused.
TRANSITIONS: dict[tuple[Status, Status], str] = {
    (Status.NOT_UPLOADED, Status.FILED): "picture filed",
    (Status.FILED, Status.NEEDS_RECAPTURE): "operator asks for a new picture (reason required)",
    (Status.NEEDS_RECAPTURE, Status.RECAPTURED): "picture filed again",
    (Status.FILED, Status.LOCKED): "exported",
    (Status.RECAPTURED, Status.LOCKED): "exported",
}

#: statuses whose record has a picture that counts as filed
FILED_STATUSES = (Status.FILED, Status.RECAPTURED, Status.LOCKED)


class TransitionError(Exception):
    """A status change that is not allowed; `.from_status`, `.to_status` and `.why` say which and why not."""

    def __init__(self, identity: str, from_status: Status, to_status: Status, why: str) -> None:
        self.identity = identity
        self.from_status = from_status
        self.to_status = to_status
        self.why = why
        super().__init__(f"{identity}: cannot go from {from_status.name} ({from_status.value}) to "
                         f"{to_status.name} ({to_status.value}): {why}")


class StoreError(Exception):
    """The store folder or its records file cannot be used; the message names the file and says what to do."""

    def __init__(self, path: str | Path, reason: str, advice: str) -> None:
        super().__init__(f"{path}: {reason}. {advice}")
        self.path, self.reason, self.advice = str(path), reason, advice


class PictureRejected(ValueError):
    """The picture bytes do not meet the profile; `.problems` lists why (sentences from verify_picture)."""

    def __init__(self, identity: str, problems: list[str]) -> None:
        self.identity = identity
        self.problems = list(problems)
        super().__init__(f"{identity}: the picture was not filed: " + " ".join(problems))


def _why_not(from_status: Status, to_status: Status) -> str:
    if from_status is Status.LOCKED:
        return "a locked record has been exported and never changes"
    if to_status in (Status.FILED, Status.RECAPTURED) and from_status in (Status.FILED, Status.RECAPTURED):
        return "a picture is already filed; an operator must first mark the record for recapture"
    if from_status is to_status:
        return "the record already has this status"
    if to_status is Status.LOCKED:
        return "only a filed or re-filed picture can be exported and locked"
    if to_status is Status.RECAPTURED:
        return "a picture is filed again only after an operator asked for a recapture"
    if to_status is Status.FILED:
        return "the first picture has already been filed"
    if to_status is Status.NEEDS_RECAPTURE:
        return "only a record with a filed (not re-filed or locked) picture can be sent back for recapture"
    if to_status is Status.NOT_UPLOADED:
        return "a record never goes back to not uploaded"
    allowed = [t.name for (f, t) in TRANSITIONS if f is from_status]
    return f"allowed from {from_status.name}: {', '.join(allowed) or 'nothing'}"


def check_transition(identity: str, from_status: Status, to_status: Status) -> None:
    """Raise TransitionError unless TRANSITIONS allows `from_status` -> `to_status`."""
    if (Status(from_status), Status(to_status)) not in TRANSITIONS:
        raise TransitionError(identity, Status(from_status), Status(to_status), _why_not(from_status, to_status))


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


@dataclass
class Record:
    """One person's record. `picture` is relative to the store folder (e.g. 'pictures/X.jpg') or None."""

    identity: str
    profile_id: str
    status: Status
    picture: str | None
    attempts: int
    reason: str | None
    created: str
    updated: str


@dataclass
class Attempt:
    """One capture attempt: the gate results at that moment and, if accepted, the picture it filed."""

    identity: str
    at: str
    gates: dict
    picture: str | None
    accepted: bool


@dataclass
class RecoveryReport:
    """What `recover()` found and did."""

    completed: list[str] = field(default_factory=list)  # identities whose committed filing was finished (renamed)
    pending_removed: int = 0  # pending files no record refers to, deleted
    orphans: list[str] = field(default_factory=list)  # final picture files no record refers to, moved to .orphans
    missing: list[str] = field(default_factory=list)  # identities whose picture is gone and cannot be repaired

    @property
    def repairs(self) -> int:
        return len(self.completed) + self.pending_removed + len(self.orphans)

    def to_dict(self) -> dict:
        return {"completed": self.completed, "pending_removed": self.pending_removed, "orphans": self.orphans,
                "missing": self.missing}


class RecordStore(Protocol):
    """What the kiosk needs from a records store (SQLite today, a server later)."""

    def get(self, identity: str) -> Record | None: ...

    def list(self, status: Status | None = None) -> list[Record]: ...

    def ensure(self, identity: str, profile_id: str) -> Record: ...

    def record_attempt(self, identity: str, profile_id: str, gates: Mapping[str, Any], *,
                       picture: str | None = None, accepted: bool = False) -> Attempt: ...

    def attempts(self, identity: str) -> list[Attempt]: ...

    def file_picture(self, identity: str, profile: Profile, data: bytes, gates: Mapping[str, Any]) -> Record: ...

    def mark_recapture(self, identity: str, reason: str) -> Record: ...

    def lock(self, identities: Iterable[str]) -> list[Record]: ...

    def counts_today(self) -> dict[str, int]: ...


def verify_for_profile(data: bytes, profile: Profile) -> list[str]:
    """Return the file-level problems of `data` under `profile` (empty list: fine), one per failed rule of
    capture.filespec: "CODE VALUE (expected LIMIT)"."""
    return [f"{rule.code} {rule.value} (expected {rule.limit})" for rule in check_file_spec(data, profile).rules
            if not rule.ok]


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
            raise StoreError(self.db_path, f"the records file cannot be used ({exc})",
                             "Move it aside (keep it: it may be repairable), restore records.sqlite3 from the last "
                             "backup or export, then start again. The pictures themselves are untouched in "
                             f"{self.pictures}.") from None
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
        target = _filing_target(identity, record.status)
        final_name = picture_file_name(profile, identity)
        final_rel = f"{PICTURES}/{final_name}"
        pending_name = f"{identity}-{uuid.uuid4().hex}.jpg"
        pending_path = self.pending_dir / pending_name
        final_path = self.pictures / final_name

        write_atomic(pending_path, bytes(data))
        try:
            problems = verify_for_profile(pending_path.read_bytes(), profile)
            if not problems and pending_path.stat().st_size != len(data):
                problems = ["The file on disk does not match the picture."]
            if problems:
                self.record_attempt(identity, profile.id, gates, accepted=False)
                raise PictureRejected(identity, problems)
            at = _now()
            with self._tx() as db:
                row = db.execute(f"SELECT {_COLUMNS} FROM records WHERE identity = ?", (identity,)).fetchone()
                before = _record(row)
                target = _filing_target(identity, before.status)  # re-checked inside the transaction
                clash = db.execute("SELECT identity FROM records WHERE picture = ? AND identity != ?",
                                   (final_rel, identity)).fetchone()
                if clash:
                    raise PictureRejected(identity, [f"The file name {final_name} is already used by {clash[0]}."])
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
                raise TransitionError(identity, record.status, Status.NEEDS_RECAPTURE,
                                      "a reason is required to ask for a new picture")
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


def _filing_target(identity: str, status: Status) -> Status:
    """Return the status a filing moves a record in `status` to, or raise TransitionError."""
    target = Status.RECAPTURED if status is Status.NEEDS_RECAPTURE else Status.FILED
    check_transition(identity, status, target)
    return target


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass
