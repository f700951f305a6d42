"""Where the console reads records from, a page at a time: the store itself (`StoreSource`: LIMIT/OFFSET pages,
prefix search, the picture's bytes; scales to thousands of records) or a plain list provider (`ListSource`: tests,
screenshots, older callers). Both hand out the console's plain row dicts (kiosk.console.rows.as_row)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

from kiosk.console.rows import as_row, attempt_row, status_key, today_counts, updated_key
from kiosk.store.records import Status
from kiosk.store.roster import ClassCount, Missing, RosterEntry, class_counts, missing_students

__all__ = ["RecordSource", "ListSource", "StoreSource", "SEARCH_LIMIT", "RosterRead"]

SEARCH_LIMIT = 200  # partial matches listed at most


class RecordSource:
    """What the console reads (every method may raise: the console shows "the records could not be read")."""

    def page(self, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
        """Return (the rows offset..offset+limit, newest change first; how many records there are)."""
        raise NotImplementedError

    def search(self, prefix: str, limit: int = SEARCH_LIMIT) -> list[dict[str, Any]]:
        """Return the rows whose number starts with `prefix` (the exact one first)."""
        raise NotImplementedError

    def get(self, identity: str) -> dict[str, Any] | None:
        """Return the row of `identity`, or None."""
        raise NotImplementedError

    def attempts(self, identity: str) -> list[dict[str, Any]] | None:
        """Return the attempt rows of `identity` (None: not known here, use the record's own)."""
        return None

    def picture(self, identity: str) -> bytes | None:
        """Return the bytes of the record's filed picture, or None."""
        return None

    def counts(self, today: dt.date) -> dict[str, int]:
        """Return today's {"total": n, <status key>: n}."""
        raise NotImplementedError

    def roster(self) -> RosterRead | None:
        """Return (each class's figures, the missing students' rows {"identity", "name", "class", "status",
        "has_record"} by class then list order), or None when no class list is loaded."""
        return None


RosterRead = tuple[list[ClassCount], list[dict[str, Any]]]


@dataclass(frozen=True)
class _Held:
    """A record as the class-list figures read it: its number and status."""

    identity: str
    status: Status


@dataclass(frozen=True)
class _Snapshot:
    """The class list and the records read once, shaped as the store kiosk.store.roster's figures read."""

    entries: Sequence[RosterEntry]
    records: Sequence[Any]

    def roster(self) -> list[RosterEntry]:
        return list(self.entries)

    def list(self) -> list[Any]:
        return list(self.records)


def _tally(entries: Sequence[RosterEntry], records: Sequence[Any]) -> RosterRead | None:
    """Return the class figures and missing rows of `entries` against `records` (each with .identity, .status),
    by kiosk.store.roster's class_counts / missing_students; None for an empty list."""
    if not entries:
        return None
    snapshot = _Snapshot(entries, records)
    return class_counts(snapshot), [_missing_row(m) for m in missing_students(snapshot)]


def _missing_row(m: Missing) -> dict[str, Any]:
    status = status_key(m.status) if m.status is not None else ""
    return {"identity": m.entry.identity, "name": m.entry.name, "class": m.entry.group, "status": status,
            "has_record": m.status is not None}


def _rows(items: Any) -> list[dict[str, Any]]:
    return [r for r in (as_row(i) for i in (items or ())) if r is not None]


class ListSource(RecordSource):
    """Records from a callable returning them all (Record objects or dicts); paged and searched in memory."""

    def __init__(self, records: Callable[[], Sequence[Any]],
                 attempts: Callable[[str], Sequence[Any]] | None = None,
                 roster: Callable[[], Sequence[RosterEntry]] | None = None) -> None:
        self._records, self._attempts, self._roster = records, attempts, roster

    def _all(self) -> list[dict[str, Any]]:
        return sorted(_rows(self._records()), key=updated_key, reverse=True)

    def page(self, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
        rows = self._all()
        return rows[offset:offset + limit], len(rows)

    def search(self, prefix: str, limit: int = SEARCH_LIMIT) -> list[dict[str, Any]]:
        text = prefix.strip().upper()
        if not text:
            return []
        found = [r for r in self._all() if str(r.get("identity", "")).upper().startswith(text)]
        found.sort(key=lambda r: (str(r.get("identity", "")).upper() != text, str(r.get("identity", ""))))
        return found[:limit]

    def get(self, identity: str) -> dict[str, Any] | None:
        return next((r for r in self._all() if str(r.get("identity")) == identity), None)

    def attempts(self, identity: str) -> list[dict[str, Any]] | None:
        return None if self._attempts is None else [attempt_row(a) for a in (self._attempts(identity) or ())]

    def picture(self, identity: str) -> bytes | None:
        row = self.get(identity) or {}
        data = row.get("picture_bytes")
        return data if isinstance(data, (bytes, bytearray)) else None

    def counts(self, today: dt.date) -> dict[str, int]:
        return today_counts(self._all(), today)

    def roster(self) -> RosterRead | None:
        entries = list(self._roster() or ()) if self._roster is not None else []
        keys = {status_key(s): s for s in Status}
        held = [_Held(str(r.get("identity")), keys.get(status_key(r.get("status")), Status.NOT_UPLOADED))
                for r in self._all()]
        return _tally(entries, held)


class StoreSource(RecordSource):
    """Records straight from a kiosk.store.records.RecordStore (page, search, get, attempts, picture_bytes,
    counts_today): nothing reads the whole table."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def page(self, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
        page = self.store.page(None, offset, limit)
        return _rows(page.records), page.total

    def search(self, prefix: str, limit: int = SEARCH_LIMIT) -> list[dict[str, Any]]:
        return _rows(self.store.search(prefix, limit))

    def get(self, identity: str) -> dict[str, Any] | None:
        record = self.store.get(identity)
        return as_row(record) if record is not None else None

    def attempts(self, identity: str) -> list[dict[str, Any]] | None:
        return [attempt_row(a) for a in self.store.attempts(identity)]

    def picture(self, identity: str) -> bytes | None:
        return self.store.picture_bytes(self.store.get(identity))

    def counts(self, today: dt.date) -> dict[str, int]:
        counts: Mapping[str, int] = self.store.counts_today()
        out = {"total": int(counts.get("records", 0))}
        out.update({status_key(name).lower(): int(n) for name, n in counts.items()
                    if name.isupper() and n})
        return out

    def roster(self) -> RosterRead | None:
        entries = self.store.roster()
        return _tally(entries, self.store.list()) if entries else None
