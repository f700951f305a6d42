"""The hall store's audit trail, operators and purge in SQL for PostgreSQL (kiosk.store.postgres). The rows are the
same dataclasses as the SQLite store's (kiosk.store.audit.AuditEntry, kiosk.store.operators.Operator,
kiosk.store.purge.PurgeReport) and the same rules (kiosk.store.operators.clean_operator_name); every function runs
inside the caller's transaction (`db`, a psycopg connection), so a change and its audit row commit together."""
from __future__ import annotations

import datetime as dt
import json

from kiosk.store.audit import AuditEntry
from kiosk.store.errors import OperatorError
from kiosk.store.lifecycle import Status
from kiosk.store.operators import Operator, clean_operator_name
from kiosk.store.purge import PurgeReport

#: a timestamptz column as the stores show times: ISO, seconds, in the session's (the station's) time zone
TIME_FORMAT = "YYYY-MM-DD\"T\"HH24:MI:SS"


def shown(column: str) -> str:
    """Return the SQL expression giving `column` (a timestamptz) as ISO text with seconds."""
    return f"to_char({column}, '{TIME_FORMAT}')"


def write_audit(db, entry: AuditEntry) -> None:
    """Insert `entry` (its `at` is ignored: the row gets the server's time of the transaction)."""
    db.execute("INSERT INTO audit (identity, action, from_status, to_status, operator, station, reason, detail) "
               "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
               (entry.identity, entry.action, entry.from_status, entry.to_status, entry.operator, entry.station,
                entry.reason, json.dumps(dict(entry.detail), ensure_ascii=False) if entry.detail else None))


def read_audit(db, identity: str | None = None) -> list[AuditEntry]:
    """Return the audit rows of `identity` (all rows when None), oldest first."""
    sql = (f"SELECT {shown('at')}, identity, action, from_status, to_status, operator, station, reason, detail "
           "FROM audit")
    rows = (db.execute(sql + " ORDER BY id").fetchall() if identity is None
            else db.execute(sql + " WHERE identity = %s ORDER BY id", (identity,)).fetchall())
    return [AuditEntry(*row[:8], json.loads(row[8]) if row[8] else None) for row in rows]


def list_operators(db) -> list[Operator]:
    """Return every operator, in the order they were added."""
    rows = db.execute(f"SELECT name, pin_hash, {shown('created')}, {shown('updated')} FROM operators "
                      "ORDER BY seq").fetchall()
    return [Operator(*row) for row in rows]


def add_operator(db, name: str, pin_hash: str) -> Operator:
    """Add an operator; OperatorError "operator_exists" if the name is taken (checked under a row lock)."""
    name = clean_operator_name(name)
    row = db.execute(f"INSERT INTO operators (name, pin_hash) VALUES (%s, %s) ON CONFLICT (name) DO NOTHING "
                     f"RETURNING name, pin_hash, {shown('created')}, {shown('updated')}", (name, pin_hash)).fetchone()
    if row is None:
        raise OperatorError("operator_exists", name=name)
    return Operator(*row)


def set_pin(db, name: str, pin_hash: str) -> None:
    """Replace the PIN hash of operator `name`; OperatorError "operator_unknown" if there is none."""
    cur = db.execute("UPDATE operators SET pin_hash = %s, updated = now() WHERE name = %s", (pin_hash, name))
    if cur.rowcount == 0:
        raise OperatorError("operator_unknown", name=name)


def purge(db, before: dt.date, operator: str | None, station: str) -> PurgeReport:
    """Remove the records locked before the day `before` (in the station's time zone) with every picture they
    ever filed and their attempts, erase their numbers from the audit, and write the purge's own row (counts
    only); return the counts. One transaction: all of it or nothing."""
    ids = [r[0] for r in db.execute("SELECT identity FROM records WHERE status = %s AND updated < %s::date "
                                    "FOR UPDATE", (Status.LOCKED.value, before.isoformat())).fetchall()]
    pictures = attempts = 0
    if ids:
        db.execute("UPDATE records SET picture_id = NULL WHERE identity = ANY(%s)", (ids,))
        pictures = db.execute("DELETE FROM pictures WHERE identity = ANY(%s)", (ids,)).rowcount
        attempts = db.execute("DELETE FROM attempts WHERE identity = ANY(%s)", (ids,)).rowcount
        db.execute("UPDATE audit SET identity = NULL WHERE identity = ANY(%s)", (ids,))
        db.execute("DELETE FROM records WHERE identity = ANY(%s)", (ids,))
    report = PurgeReport(before.isoformat(), len(ids), pictures, attempts)
    write_audit(db, AuditEntry("", None, "purge", None, None, operator, station, None, report.to_dict()))
    return report
