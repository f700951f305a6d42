"""Purging personal data that has been handed over: the pictures and numbers of records locked (exported) before a
date are removed; the audit keeps one row with the counts only, and the numbers in older audit rows of those
records are erased.

Order (a crash at any point loses nothing that should stay): the picture files go first (the filed one and the
older pictures it replaced, kept in .orphans), then one transaction removes the records and their attempts, erases
their numbers from the audit and writes the purge's own row. A crash between the two leaves records without their
picture file, which `recover()` reports as missing and the next purge with the same date finishes.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from capture.files import fsync_directory
from kiosk.store.audit import AuditEntry, write_audit
from kiosk.store.lifecycle import Status

if TYPE_CHECKING:
    from kiosk.store.sqlite import SqliteRecordStore

__all__ = ["PurgeReport", "purge"]


@dataclass(frozen=True)
class PurgeReport:
    """What a purge removed: counts only (never a number)."""

    before: str  # the date given, ISO
    records: int  # records removed
    pictures: int  # picture files removed (filed and replaced ones)
    attempts: int  # attempt rows removed

    def to_dict(self) -> dict[str, object]:
        return {"before": self.before, "records": self.records, "pictures": self.pictures,
                "attempts": self.attempts}


def _files_of(store: "SqliteRecordStore", picture: str | None) -> list[Path]:
    """Return the picture file of a record and the older pictures it replaced (in .orphans, named <stem>-<id>)."""
    if not picture:
        return []
    path = store.folder / picture
    files = [path] if path.is_file() else []
    if store.orphans_dir.is_dir():
        files += [p for p in store.orphans_dir.iterdir()
                  if p.is_file() and (p.name == path.name or re.fullmatch(re.escape(path.stem) + r"-[0-9a-f]{8}",
                                                                          p.stem))]
    return files


def purge(store: "SqliteRecordStore", before: dt.date, operator: str | None, now: str) -> PurgeReport:
    """Remove the records locked before the day `before` (their last change, the lock, is earlier than that day)
    with their pictures and attempts; return the counts (also written to the audit)."""
    day = before.isoformat()
    rows = store._read("SELECT identity, picture FROM records WHERE status = ? AND substr(updated, 1, 10) < ?",
                       (Status.LOCKED.value, day))
    removed_files = 0
    for _, picture in rows:
        for path in _files_of(store, picture):
            path.unlink(missing_ok=True)
            removed_files += 1
    if removed_files:
        fsync_directory(store.pictures)
    ids = [identity for identity, _ in rows]
    attempts = 0
    with store._tx() as db:
        for identity in ids:
            attempts += db.execute("DELETE FROM attempts WHERE identity = ?", (identity,)).rowcount
            db.execute("UPDATE audit SET identity = NULL WHERE identity = ?", (identity,))
            db.execute("DELETE FROM records WHERE identity = ? AND status = ?", (identity, Status.LOCKED.value))
        report = PurgeReport(day, len(ids), removed_files, attempts)
        write_audit(db, AuditEntry(now, None, "purge", None, None, operator, store.station, None,
                                   report.to_dict()))
    return report
