"""Start-up repair of a SQLite store folder: finish or roll back whatever a crash left half-done (the filing
protocol is in kiosk.store.records' module text)."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING

from capture.files import fsync_directory
from kiosk.store.model import RecoveryReport

if TYPE_CHECKING:
    from kiosk.store.sqlite import SqliteRecordStore


def recover(store: "SqliteRecordStore") -> RecoveryReport:
    """Finish committed filings still in .pending, drop pending files nobody refers to, move final files no record
    points at into .orphans, and report pictures that are gone; return what was done."""
    report = RecoveryReport()
    for identity, picture, pending in store._read("SELECT identity, picture, pending FROM records "
                                                  "WHERE pending IS NOT NULL"):
        src = store.pending_dir / pending
        if src.exists() and picture:
            # committed but not renamed: the pending file is the filed picture
            os.replace(src, store.folder / picture)
            fsync_directory(store.pictures)
            fsync_directory(store.pending_dir)
            report.completed.append(identity)
        with store._tx() as db:
            db.execute("UPDATE records SET pending = NULL WHERE identity = ? AND pending = ?", (identity, pending))

    rows = store._read("SELECT identity, picture FROM records WHERE picture IS NOT NULL")
    referenced = {picture for _, picture in rows}
    report.missing = [identity for identity, picture in rows if not (store.folder / picture).is_file()]

    # pending files (and write_atomic temp files) nobody refers to: the filing never committed
    for p in sorted(store.pending_dir.iterdir()):
        if p.is_file():
            p.unlink()
            report.pending_removed += 1
    if report.pending_removed:
        fsync_directory(store.pending_dir)

    # final files (and stray write temp files) no record points at
    for p in sorted(store.pictures.iterdir()):
        if not p.is_file() or f"{store.pictures.name}/{p.name}" in referenced:
            continue
        store.orphans_dir.mkdir(mode=0o700, exist_ok=True)
        os.replace(p, store.orphans_dir / p.name)
        report.orphans.append(p.name)
    if report.orphans:
        fsync_directory(store.pictures)
        fsync_directory(store.orphans_dir)
    return report
