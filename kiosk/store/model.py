"""What the records store holds: a person's record, one capture attempt, and what a start-up repair did."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kiosk.store.lifecycle import Status


def now_local() -> str:
    """Return this station's local time as the SQLite store writes it: ISO 8601 to the second."""
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
    station: str | None = None  # the station that filed the current picture (None: none yet, or an older file)


@dataclass
class Attempt:
    """One capture attempt: the gate results at that moment and, if accepted, the picture it filed."""

    identity: str
    at: str
    gates: dict
    picture: str | None
    accepted: bool
    station: str | None = None  # the station that made the attempt (None in files older than schema 2)
    capture_id: str | None = None  # the id the station gave this filing (kiosk.store.capture_ids); None: none given
    offline: bool = False  # captured while the hall's server could not be reached (filed from the outbox)


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
