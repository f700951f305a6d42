"""Records and attempts as the console shows them: plain dicts from the store's objects, status keys, short times,
attempt counts and today's counts."""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, Mapping, Sequence

from kiosk.store.lifecycle import Status, refusal

__all__ = ["STORE_STATUSES", "when_text", "status_key", "as_row", "attempt_row", "attempt_count", "today_counts",
           "updated_key", "record_refusals", "failed_gates"]


def _as_datetime(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, (int, float)):
        return dt.datetime.fromtimestamp(value)
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def when_text(value: Any, today: dt.date) -> str:
    """Return a short time for a table: "14:05" today, "11-20 14:05" another day, the raw text if not a time."""
    moment = _as_datetime(value)
    if moment is None:
        return "" if value is None else str(value)[:16]
    return moment.strftime("%H:%M" if moment.date() == today else "%m-%d %H:%M")


# The records store's status values (kiosk.store.records.Status) and the keys the console shows them by.
STORE_STATUSES = {"未上传": "not_uploaded", "已上传": "filed", "需重新上传": "needs_recapture",
                  "已重新上传": "recaptured", "已采集(锁定)": "locked"}


def status_key(value: Any) -> str:
    """Return a plain status key: an Enum gives its lower-case name, a store status text its key, else the text."""
    name = getattr(value, "name", None)
    if isinstance(name, str) and hasattr(value, "value"):
        return name.lower()
    text = "" if value is None else str(value)
    return STORE_STATUSES.get(text, text)


def as_row(item: Any) -> dict[str, Any] | None:
    """Return a record or attempt as a plain dict (a Mapping, a dataclass such as kiosk.store.records.Record, or an
    object with attributes); None if it is none of these."""
    if isinstance(item, Mapping):
        row = dict(item)
    elif dataclasses.is_dataclass(item) and not isinstance(item, type):
        row = {f.name: getattr(item, f.name) for f in dataclasses.fields(item)}
    elif hasattr(item, "__dict__"):
        row = dict(vars(item))
    else:
        return None
    if "status" in row:
        row["status"] = status_key(row["status"])
    if "profile" not in row and row.get("profile_id"):
        row["profile"] = row["profile_id"]
    return row


def attempt_row(item: Any) -> dict[str, Any]:
    """Return an attempt as {"at", "result", "note", "failed", "override"} ("failed": the names of the gates it failed;
    "override": an operator's accept-over-a-failed-gate or None):
    kiosk.store.records.Attempt (accepted, picture, gates) or a dict."""
    row = as_row(item) or {"result": str(item)}
    if "result" not in row:
        if "accepted" in row:
            row["result"] = "filed" if row.get("accepted") else "rejected"
        else:
            row["result"] = status_key(row.get("status", ""))
    gates = row.get("gates")
    row["failed"] = failed_gates(gates) if isinstance(gates, Mapping) else []
    override = gates.get("override") if isinstance(gates, Mapping) else None
    row["override"] = dict(override) if isinstance(override, Mapping) else None  # an operator's accept-over-gates
    if not row.get("note"):
        picture = row.get("picture") or row.get("file")
        if picture:
            row["note"] = str(picture).replace("\\", "/").rsplit("/", 1)[-1]
    return row


def failed_gates(gates: Mapping[str, Any]) -> list[str]:
    """Return the names of the gates that failed in an attempt's gate results (False, "fail", {"ok": False} ...),
    in their order; the screen words them (kiosk.texts "gate.NAME" and "hint.NAME"), never shows the names."""
    return [str(k) for k, v in gates.items()
            if v is False or (isinstance(v, str) and v.lower() in ("fail", "failed", "bad"))
            or (isinstance(v, Mapping) and (v.get("passed") is False or v.get("ok") is False))]


def attempt_count(record: Mapping[str, Any]) -> int:
    """Return the number of attempts of `record` (a count or a list of attempts; 0 when unknown)."""
    attempts = record.get("attempts", 0)
    if isinstance(attempts, (list, tuple)):
        return len(attempts)
    try:
        return int(attempts)
    except (TypeError, ValueError):
        return 0


def today_counts(records: Sequence[Mapping[str, Any]], today: dt.date) -> dict[str, int]:
    """Return {"total": n, <status>: n, ...} over the records updated today."""
    counts: dict[str, int] = {"total": 0}
    for record in records:
        moment = _as_datetime(record.get("updated"))
        if moment is None or moment.date() != today:
            continue
        counts["total"] += 1
        status = status_key(record.get("status", "unknown"))
        counts[status] = counts.get(status, 0) + 1
    return counts


def updated_key(record: Mapping[str, Any]) -> float:
    """Return when `record` was last updated as an epoch timestamp (0 when unknown), for sorting newest first."""
    moment = _as_datetime(record.get("updated"))
    try:
        return moment.timestamp() if moment else 0.0
    except (OverflowError, OSError, ValueError):
        return 0.0


def record_refusals(status: Any) -> dict[str, str | None]:
    """Return {"recapture": code, "lock": code} for a record in `status` (a status key, value or Status): the
    store's refusal code (kiosk.store.lifecycle.TRANSITION_CODES) of reopening it for re-capture and of locking it,
    None where the lifecycle allows it. An unknown status refuses both ("not_allowed")."""
    key = status_key(status)
    current = next((s for s in Status if s.name.lower() == key), None)
    if current is None:
        return {"recapture": "not_allowed", "lock": "not_allowed"}
    return {"recapture": refusal(current, Status.NEEDS_RECAPTURE), "lock": refusal(current, Status.LOCKED)}
