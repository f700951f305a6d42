"""A station's outbox (its SqliteRecordStore, see kiosk.store.outbox): which offline filings still wait to be sent,
which were sent, and which met a conflict. The bookkeeping lives in the outbox's own records file (table
`outbox_sent`, SQLite schema step 6), so a filing is "filed locally" and later "sent" in two separate transactions:
a station killed between them sends it again, and the capture id makes that second sending harmless.

States of a row in `outbox_sent`: "sent" (filed on the server by this resend), "already" (the server had it: an
earlier sending whose reply was lost), "conflict" (the server refused it: someone filed the number meanwhile; listed
until an operator resolves it, then `resolved` is set)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from kiosk.store.model import now_local
from kiosk.store.sqlite import SqliteRecordStore

__all__ = ["Unsent", "Conflict", "ResendReport", "unsent", "unsent_of", "mark", "conflicts", "resolve", "pending"]


@dataclass(frozen=True)
class Unsent:
    """One offline filing waiting in the outbox: what resending it needs."""

    capture_id: str
    identity: str
    profile_id: str
    picture: str  # relative to the outbox folder
    gates: dict


@dataclass(frozen=True)
class Conflict:
    """An offline filing the server refused: `station` filed the number meanwhile (empty when unknown), `code` is
    the refusal's code ("filed_elsewhere", or another store code), `at` when it was found (local time)."""

    capture_id: str
    identity: str
    station: str
    code: str
    at: str


@dataclass
class ResendReport:
    """What one `HallStore.resend()` did: filings sent, filings the server already had (counted once, not sent
    again), conflicts still listed (old and new), whether the server was still unreachable (then the rest waits), and
    how many the server answered with an error this time ("server_failed": kept in the outbox, tried again next time,
    the others still sent)."""

    sent: int = 0
    already_there: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    still_offline: bool = False
    failed: int = 0


def unsent(outbox: SqliteRecordStore) -> list[Unsent]:
    """Return the outbox's accepted offline filings not yet sent, oldest first."""
    rows = outbox._read(
        "SELECT a.capture_id, a.identity, r.profile_id, a.picture, a.gates FROM attempts a "
        "JOIN records r ON r.identity = a.identity WHERE a.offline = 1 AND a.accepted = 1 "
        "AND a.capture_id IS NOT NULL AND a.capture_id NOT IN (SELECT capture_id FROM outbox_sent) ORDER BY a.id")
    return [Unsent(c, i, p, pic, json.loads(g)) for c, i, p, pic, g in rows]


def unsent_of(outbox: SqliteRecordStore, identity: str) -> int:
    """Return how many offline filings of `identity` wait to be sent."""
    return sum(item.identity == identity for item in unsent(outbox))


def mark(outbox: SqliteRecordStore, item: Unsent, state: str, station: str | None = None,
         code: str | None = None) -> None:
    """Record in the outbox that `item` was sent, was already there, or met a conflict (one transaction)."""
    with outbox._tx() as db:
        db.execute("INSERT OR REPLACE INTO outbox_sent (capture_id, identity, state, station, code, at) "
                   "VALUES (?, ?, ?, ?, ?, ?)", (item.capture_id, item.identity, state, station, code, now_local()))


def conflicts(outbox: SqliteRecordStore) -> list[Conflict]:
    """Return the conflicts no operator has resolved yet, oldest first."""
    rows = outbox._read("SELECT capture_id, identity, COALESCE(station, ''), COALESCE(code, ''), at FROM outbox_sent "
                        "WHERE state = 'conflict' AND resolved IS NULL ORDER BY at, rowid")
    return [Conflict(*row) for row in rows]


def resolve(outbox: SqliteRecordStore, capture_id: str, operator: str | None = None) -> bool:
    """Mark the conflict of `capture_id` resolved by `operator` (the outbox keeps its picture); return False when
    there is no open conflict of that id."""
    with outbox._tx() as db:
        cur = db.execute("UPDATE outbox_sent SET resolved = ?, operator = ? WHERE capture_id = ? "
                         "AND state = 'conflict' AND resolved IS NULL", (now_local(), operator, capture_id))
        return cur.rowcount == 1


def pending(outbox: SqliteRecordStore) -> int:
    """Return how many offline filings wait to be sent."""
    return len(unsent(outbox))
