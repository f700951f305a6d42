"""The class list's SQL (the `roster` table, kiosk.store.migrations.roster_step), as methods SqliteRecordStore takes
on: reading the list, the one membership check, and replacing or clearing the list in one transaction, audited with
counts only (never a number or a name)."""
from __future__ import annotations

import sqlite3
import threading
from typing import Callable, ContextManager, Sequence

from kiosk.store import migrations
from kiosk.store.audit import AuditEntry, write_audit
from kiosk.store.identity import IdentityError, clean_identity
from kiosk.store.model import now_local
from kiosk.store.roster import RosterChange, RosterEntry

__all__ = ["RosterTable"]


class RosterTable:
    """The class-list methods of SqliteRecordStore (which provides `_db`, `_lock`, `_tx` and `station`)."""

    _db: sqlite3.Connection
    _lock: threading.RLock
    _tx: Callable[[], ContextManager[sqlite3.Connection]]
    station: str

    def _has_roster_table(self) -> bool:
        return bool(migrations.columns(self._db, "roster"))  # an older file opened read-only has none

    def roster(self) -> list[RosterEntry]:
        """Return the class list in file order (empty: no list loaded)."""
        with self._lock:
            if not self._has_roster_table():
                return []
            rows = self._db.execute("SELECT identity, name, class, line FROM roster ORDER BY line, identity").fetchall()
        return [RosterEntry(i, n, c, int(line)) for i, n, c, line in rows]

    def on_list(self, identity: str) -> bool | None:
        """Return whether `identity` is on the class list; None when no list is loaded (every number goes then).
        A number that is not a safe code is not on any list (False), or None without a list."""
        with self._lock:
            if not self._has_roster_table() or self._db.execute("SELECT 1 FROM roster LIMIT 1").fetchone() is None:
                return None
            try:
                code = clean_identity(identity)
            except IdentityError:
                return False
            return self._db.execute("SELECT 1 FROM roster WHERE identity = ?", (code,)).fetchone() is not None

    def replace_roster(self, entries: Sequence[RosterEntry], operator: str | None = None) -> RosterChange:
        """Make `entries` the class list, all or nothing (the old list stays if anything fails); return what changed
        against the old list. Audited as "roster_import" with the counts only."""
        now = now_local()
        with self._tx() as db:
            old = {i: (n, c) for i, n, c in db.execute("SELECT identity, name, class FROM roster").fetchall()}
            new = {e.identity: (e.name, e.group) for e in entries}
            db.execute("DELETE FROM roster")
            db.executemany("INSERT INTO roster (identity, name, class, line, loaded) VALUES (?, ?, ?, ?, ?)",
                           [(e.identity, e.name, e.group, e.line, now) for e in entries])
            kept = old.keys() & new.keys()
            change = RosterChange(added=len(new.keys() - old.keys()), removed=len(old.keys() - new.keys()),
                                  unchanged=len(kept), updated=sum(old[i] != new[i] for i in kept), total=len(new))
            write_audit(db, AuditEntry(now, None, "roster_import", None, None, operator, self.station, None,
                                       change.to_dict()))
        return change

    def clear_roster(self, operator: str | None = None) -> int:
        """Remove the class list (every number is accepted again); return how many entries it had. Audited as
        "roster_clear" with the count only."""
        now = now_local()
        with self._tx() as db:
            count = int(db.execute("SELECT COUNT(*) FROM roster").fetchone()[0])
            db.execute("DELETE FROM roster")
            write_audit(db, AuditEntry(now, None, "roster_clear", None, None, operator, self.station, None,
                                       {"removed": count}))
        return count
