"""The records store: one record per identity with a status, its filed picture and every capture attempt.

The UI talks to the `RecordStore` protocol only, so a server database can stand in later. This module holds the
protocol and re-exports the store's names; they live in lifecycle.py (Status, TRANSITIONS, TransitionError),
errors.py (StoreError, PictureRejected, STORE_CODES), model.py (Record, Attempt, RecoveryReport), verify.py
(verify_for_profile) and sqlite.py (SqliteRecordStore). `SqliteRecordStore` keeps everything in the store folder:

    DIR/records.sqlite3          records, attempts, audit, operators, the class list, saved settings (WAL,
                                 synchronous=FULL; schema versioned and migrated by kiosk.store.migrations)
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
from typing import Any, Iterable, Mapping, Protocol, Sequence

from kiosk.store.audit import AuditEntry
from kiosk.store.errors import STORE_CODES, OperatorError, PictureRejected, RecordMissing, StoreError
from kiosk.store.hall_model import HEARTBEAT_S, LEASE_S, LIVE_S, StationStatus
from kiosk.store.lifecycle import (FILED_STATUSES, REOPENABLE, TRANSITIONS, Status, TransitionError,
                                   check_transition, refusal)
from kiosk.store.model import Attempt, Record, RecoveryReport
from kiosk.store.operators import FIRST_OPERATOR, Operator
from kiosk.store.pages import RecordPage
from kiosk.store.purge import PurgeReport
from kiosk.store.roster import RosterChange, RosterEntry
from kiosk.store.sqlite import DB_NAME, ORPHANS, PENDING, PICTURES, SqliteRecordStore
from kiosk.store.verify import verify_for_profile
from profiles.model import Profile

__all__ = [
    "Status",
    "TRANSITIONS",
    "REOPENABLE",
    "refusal",
    "RecordMissing",
    "OperatorError",
    "AuditEntry",
    "Operator",
    "FIRST_OPERATOR",
    "PurgeReport",
    "RosterEntry",
    "RosterChange",
    "RecordPage",
    "FILED_STATUSES",
    "TransitionError",
    "StoreError",
    "PictureRejected",
    "STORE_CODES",
    "Record",
    "Attempt",
    "RecoveryReport",
    "RecordStore",
    "SqliteRecordStore",
    "check_transition",
    "verify_for_profile",
    "DB_NAME",
    "PICTURES",
    "PENDING",
    "ORPHANS",
    "StationStatus",
    "LEASE_S",
    "LIVE_S",
    "HEARTBEAT_S",
]


class RecordStore(Protocol):
    """What the kiosk, the console and the commands need from a records store (SQLite today, a server later).
    `station` is the name this store files under (every attempt, filing and audit row carries it); `operator` is
    the name of the person behind a hand-made change (None when no one is known, e.g. an export's lock).
    Refusals are coded errors: TransitionError, RecordMissing, PictureRejected, OperatorError, StoreError."""

    station: str
    #: seconds a claim of this store's station lasts without renewal (kiosk.store.hall_model.LEASE_S)
    lease_s: float
    #: seconds after its last heartbeat a station still counts as live (kiosk.store.hall_model.LIVE_S)
    live_s: float

    def get(self, identity: str) -> Record | None: ...

    def list(self, status: Status | None = None) -> list[Record]: ...

    def ensure(self, identity: str, profile_id: str) -> Record: ...

    def record_attempt(self, identity: str, profile_id: str, gates: Mapping[str, Any], *,
                       picture: str | None = None, accepted: bool = False) -> Attempt: ...

    def attempts(self, identity: str) -> list[Attempt]: ...

    # capture_id: the station's id of this filing (filed once, however often sent); offline: captured without the
    # hall's server (refused as FiledElsewhere when the number was filed meanwhile). See kiosk.store.capture_ids.
    def file_picture(self, identity: str, profile: Profile, data: bytes, gates: Mapping[str, Any], *,
                     capture_id: str | None = None, offline: bool = False) -> Record: ...

    def mark_recapture(self, identity: str, reason: str, operator: str | None = None) -> Record: ...

    def lock(self, identities: Iterable[str], operator: str | None = None, reason: str | None = None,
             expected: Mapping[str, tuple[Status, int]] | None = None) -> list[Record]: ...

    def counts_today(self) -> dict[str, int]: ...

    def page(self, status: Status | None = None, offset: int = 0, limit: int = 50) -> RecordPage: ...

    def search(self, prefix: str, limit: int = 50) -> list[Record]: ...

    def picture_bytes(self, record: Record | None) -> bytes | None: ...

    def settings(self) -> dict[str, Any]: ...

    def save_setting(self, name: str, value: Any, operator: str | None = None) -> None: ...

    def audit(self, identity: str | None = None) -> list[AuditEntry]: ...

    def operators(self) -> list[Operator]: ...

    def add_operator(self, name: str, pin_hash: str) -> Operator: ...

    def set_operator_pin(self, name: str, pin_hash: str) -> None: ...

    def purge(self, exported_before: dt.date, operator: str | None = None) -> PurgeReport: ...

    # the class list (名单, kiosk.store.roster): on_list is None when no list is loaded
    def roster(self) -> list[RosterEntry]: ...

    def on_list(self, identity: str) -> bool | None: ...

    def replace_roster(self, entries: Sequence[RosterEntry], operator: str | None = None) -> RosterChange: ...

    def clear_roster(self, operator: str | None = None) -> int: ...

    # the hall (kiosk.store.hall_model): heartbeats, claims as leases, the stations; times are the server's
    # clock on PostgreSQL and this computer's on SQLite
    def heartbeat(self, state: str = "live") -> None:
        """Record that this station is alive now in `state` (upsert its row, last_seen = now) and renew every
        unexpired claim of this station to now + lease_s seconds. Call every HEARTBEAT_S seconds."""
        ...

    def claim(self, identity: str) -> str | None:
        """Take or renew this station's lease on `identity` until now + lease_s seconds; return None when this
        station holds it now, else the name of the station holding a live (unexpired) lease on it (then nothing
        changes). Atomic: of two stations claiming the same number at once exactly one wins. An expired lease of
        another station is taken over."""
        ...

    def release(self, identity: str | None = None) -> None:
        """Drop this station's claim on `identity` (None: all of this station's claims)."""
        ...

    def stations(self) -> list[StationStatus]:
        """Return every station with a heartbeat or an attempt today, sorted by name, with its liveness (last
        heartbeat newer than live_s seconds), the identity it holds a live claim on, and today's filings and
        attempts counted from the attempts table."""
        ...

    def close(self) -> None: ...
