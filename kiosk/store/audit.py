"""The audit trail: who changed a record by hand (reopened it for re-capture, locked it, accepted a picture over a
failed gate: "override", detail {"gates", "reason"}), who exported and who purged, at which station, when and why.
One row per change, never edited, except that a purge erases the numbers of the records it removes (the rows stay, without the number; the purge itself is one row with counts only)."""
from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass
from typing import Any, Mapping

from kiosk.store.model import now_local

__all__ = ["AuditEntry", "ACTIONS", "write_audit", "read_audit", "OverrideAudit"]

#: what an audit row records
ACTIONS = ("reopen", "lock", "export", "purge", "roster_import", "roster_clear", "override")


@dataclass(frozen=True)
class AuditEntry:
    """One audited change. `identity` is None for a purge (and for rows whose record was purged); `detail` holds
    counts and other facts (never a number of a person)."""

    at: str  # ISO local time, seconds
    identity: str | None
    action: str  # one of ACTIONS
    from_status: str | None  # Status names (e.g. "LOCKED"), None when not a status change
    to_status: str | None
    operator: str | None
    station: str | None
    reason: str | None
    detail: Mapping[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the entry as a plain dict (for JSON)."""
        out = asdict(self)
        out["detail"] = dict(self.detail) if self.detail else None
        return out


def write_audit(db: sqlite3.Connection, entry: AuditEntry) -> None:
    """Insert `entry` inside the caller's transaction (so the change and its audit row commit together)."""
    db.execute("INSERT INTO audit (at, identity, action, from_status, to_status, operator, station, reason, detail) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
               (entry.at, entry.identity, entry.action, entry.from_status, entry.to_status, entry.operator,
                entry.station, entry.reason,
                json.dumps(dict(entry.detail), ensure_ascii=False) if entry.detail else None))


def read_audit(db: sqlite3.Connection, identity: str | None = None) -> list[AuditEntry]:
    """Return the audit rows of `identity` (all rows when None), oldest first."""
    sql = "SELECT at, identity, action, from_status, to_status, operator, station, reason, detail FROM audit"
    rows = (db.execute(sql + " ORDER BY id").fetchall() if identity is None
            else db.execute(sql + " WHERE identity = ? ORDER BY id", (identity,)).fetchall())
    return [AuditEntry(*row[:8], json.loads(row[8]) if row[8] else None) for row in rows]


class OverrideAudit:
    """A mixin of the SQLite store (it gives `_tx()` and `station`): the audit row of an operator's override."""

    station: str | None

    def note_override(self, identity: str | None, gates: list[str], reason: str, operator: str | None) -> AuditEntry:
        """Audit that `operator` let `gates` only advise for the student `identity` (None: not known yet), for
        `reason` (a kiosk.console.override.OVERRIDE_REASONS code); return the row written."""
        entry = AuditEntry(now_local(), identity or None, "override", None, None,
                           operator, self.station, reason, {"gates": list(gates)})
        with self._tx() as db:  # type: ignore[attr-defined]
            write_audit(db, entry)
        return entry
