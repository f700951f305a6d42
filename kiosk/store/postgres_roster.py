"""The class list (名单) of the hall, for PostgresRecordStore (a mixin: the store provides `_tx` and `station`): the
`roster` table, one row per expected number with the person's name and class (personal data: never in a log or the
audit), read in file order, checked one number at a time, and replaced or cleared in one transaction audited with
counts only. Same behaviour as the SQLite store's kiosk.store.roster_db."""
from __future__ import annotations

from typing import Any, Callable, ContextManager, Sequence

from kiosk.store import postgres_admin as admin
from kiosk.store.audit import AuditEntry
from kiosk.store.identity import IdentityError, clean_identity
from kiosk.store.roster import RosterChange, RosterEntry
from kiosk.store.roster_file import RosterError

__all__ = ["PostgresRoster", "ROSTER_SQL"]

#: schema step 2's share (kiosk.store.postgres_schema)
ROSTER_SQL = """
CREATE TABLE roster (
    identity text PRIMARY KEY,
    name     text NOT NULL DEFAULT '',
    class    text NOT NULL DEFAULT '',
    line     integer NOT NULL,
    loaded   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX roster_class ON roster(class)
"""


class PostgresRoster:
    """roster, on_list, replace_roster and clear_roster of PostgresRecordStore (see the module text)."""

    station: str
    _tx: Callable[[], ContextManager[Any]]

    def roster(self) -> list[RosterEntry]:
        """Return the class list in file order (empty: no list loaded)."""
        with self._tx() as db:
            rows = db.execute("SELECT identity, name, class, line FROM roster ORDER BY line, identity").fetchall()
        return [RosterEntry(i, n, c, int(line)) for i, n, c, line in rows]

    def on_list(self, identity: str) -> bool | None:
        """Return whether `identity` is on the class list; None when no list is loaded (every number goes then).
        A number that is not a safe code is not on any list (False), or None without a list."""
        with self._tx() as db:
            if db.execute("SELECT 1 FROM roster LIMIT 1").fetchone() is None:
                return None
            try:
                code = clean_identity(identity)
            except IdentityError:
                return False
            return db.execute("SELECT 1 FROM roster WHERE identity = %s", (code,)).fetchone() is not None

    def replace_roster(self, entries: Sequence[RosterEntry], operator: str | None = None) -> RosterChange:
        """Make `entries` the class list, all or nothing (the old list stays if anything fails); return what changed
        against the old list. Audited as "roster_import" with the counts only. A number given twice is refused
        before the server sees it (RosterError "roster_row_duplicate" with the first line: the server's own message
        would name the number). The table is locked for the transaction, so two stations' lists load one after
        the other."""
        first: dict[str, int] = {}
        for e in entries:
            if e.identity in first:
                raise RosterError(None, "roster_row_duplicate", count=first[e.identity])
            first[e.identity] = e.line
        with self._tx() as db:
            db.execute("LOCK TABLE roster IN EXCLUSIVE MODE")
            old = {i: (n, c) for i, n, c in db.execute("SELECT identity, name, class FROM roster").fetchall()}
            new = {e.identity: (e.name, e.group) for e in entries}
            db.execute("DELETE FROM roster")
            with db.cursor() as cur:
                cur.executemany("INSERT INTO roster (identity, name, class, line) VALUES (%s, %s, %s, %s)",
                                [(e.identity, e.name, e.group, e.line) for e in entries])
            kept = old.keys() & new.keys()
            change = RosterChange(added=len(new.keys() - old.keys()), removed=len(old.keys() - new.keys()),
                                  unchanged=len(kept), updated=sum(old[i] != new[i] for i in kept), total=len(new))
            admin.write_audit(db, AuditEntry("", None, "roster_import", None, None, operator, self.station, None,
                                             change.to_dict()))
        return change

    def clear_roster(self, operator: str | None = None) -> int:
        """Remove the class list (every number is accepted again); return how many entries it had. Audited as
        "roster_clear" with the count only."""
        with self._tx() as db:
            db.execute("LOCK TABLE roster IN EXCLUSIVE MODE")
            count = int(db.execute("SELECT count(*) FROM roster").fetchone()[0])
            db.execute("DELETE FROM roster")
            admin.write_audit(db, AuditEntry("", None, "roster_clear", None, None, operator, self.station, None,
                                             {"removed": count}))
        return count
