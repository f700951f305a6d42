"""The end of `idphoto bench --hall` (kiosk.tools.hall_bench): is everything a student confirmed in the hall store
exactly once, whole, and does every filed picture pass the profile's file check?

Read from the stations' journals (kiosk.tools.hall_station_sim: one line per file_picture that returned) and
events, the kiosks' reported filings, and the server's tables directly:

- lost: a journaled capture id with no accepted attempt on the server; a kiosk's filed number with none;
- duplicated: a capture id accepted more than once, or a number with more than one accepted attempt (a person
  filed twice: a resend that was not idempotent);
- half-written: a record with a picture whose picture row is missing, a FILED/RECAPTURED record without a
  picture, a picture row whose attempt is missing or not accepted, an accepted attempt with a picture but no
  picture row;
- bad pictures: a filed picture whose bytes fail kiosk.store.verify.verify_for_profile or whose size column
  disagrees.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HALF_WRITTEN_SQL = {
    "record_without_picture_row": "SELECT count(*) FROM records r WHERE r.picture IS NOT NULL AND NOT EXISTS "
                                  "(SELECT 1 FROM pictures p WHERE p.attempt_id = r.picture_id)",
    "filed_without_picture": "SELECT count(*) FROM records WHERE status IN (%s, %s) AND picture IS NULL",
    "picture_without_accepted_attempt": "SELECT count(*) FROM pictures p WHERE NOT EXISTS "
                                        "(SELECT 1 FROM attempts a WHERE a.id = p.attempt_id AND a.accepted)",
    "accepted_attempt_without_picture_row": "SELECT count(*) FROM attempts a WHERE a.accepted AND a.picture IS NOT "
                                            "NULL AND NOT EXISTS (SELECT 1 FROM pictures p WHERE p.attempt_id = a.id)",
}


def read_lines(path: Path) -> list[dict]:
    """Return the JSON objects of a JSON-lines file (a torn last line, from a kill mid-write, is skipped)."""
    if not path.is_file():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out


def percentile(values: list[float], share: float) -> float | None:
    """Return the `share` (0..1) percentile of `values` by the nearest-rank rule, None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-int(round(share * 1000)) * len(ordered) // 1000))
    return ordered[min(rank, len(ordered)) - 1]


def station_figures(root: Path) -> dict:
    """Return what the stations' journals and events say: confirmed filings, their times, and the outbox's work."""
    journals, events = [], []
    for folder in sorted(root.glob("station-*")):
        journals += read_lines(folder / "journal.jsonl")
        events += read_lines(folder / "events.jsonl")
    ms = [j["ms"] for j in journals]
    online_ms = [j["ms"] for j in journals if j.get("online")]
    final = {}
    for e in events:
        if e["event"] == "done":
            final[e["station"]] = e
    count = {kind: sum(1 for e in events if e["event"] == kind)
             for kind in ("start", "open_failed", "refused", "claim_refused", "claim_offline", "beat_failed",
                          "error")}
    starts = [e["t"] for e in events if e["event"] == "start"]
    ends = [j["t"] for j in journals if "t" in j]
    window = max(ends) - min(starts) if ends and starts else 0.0
    return {
        "journal": journals,
        "confirmed": len(journals),
        "station_window_s": round(window, 1),
        "station_filings_per_s": round(len(journals) / window, 2) if window > 0 else None,
        "offline_filings": sum(1 for j in journals if not j.get("online")),
        "filing_ms_p50": percentile(ms, 0.50), "filing_ms_p95": percentile(ms, 0.95),
        "filing_ms_max": max(ms) if ms else None, "online_filing_ms_p95": percentile(online_ms, 0.95),
        **outbox_states(root),
        "conflicts": sum(e.get("conflicts", 0) for e in final.values()),
        "not_drained": sorted(name for name, e in final.items() if not e.get("drained")),
        "refused_codes": sorted({e.get("code", "") for e in events if e["event"] == "refused"}),
        "events": count,
    }


def outbox_states(root: Path) -> dict:
    """Return what the stations' outboxes say became of their offline filings (read-only, from each outbox's
    bookkeeping table `outbox_sent`, kiosk.store.outbox_db): resent (sent by a resend), already there (the server
    had it: a reply lost), conflicts (refused by the server)."""
    import sqlite3

    from kiosk.store.records import DB_NAME

    counts = {"sent": 0, "already": 0, "conflict": 0}
    for path in sorted(root.glob(f"station-*/local/outbox/{DB_NAME}")):
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            for state, n in db.execute("SELECT state, count(*) FROM outbox_sent GROUP BY state"):
                counts[state] = counts.get(state, 0) + int(n)
        finally:
            db.close()
    return {"resent": counts["sent"], "already_there": counts["already"], "outbox_conflicts": counts["conflict"]}


def _server_rows(url: str) -> dict:
    """Return the server's accepted capture ids with their counts, accepted attempts per number, and the
    half-written counts, read in one snapshot."""
    import psycopg

    from kiosk.store.lifecycle import Status

    with psycopg.connect(url) as db:
        db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        ids = dict(db.execute("SELECT capture_id, count(*) FROM attempts WHERE accepted AND capture_id IS NOT NULL "
                              "GROUP BY capture_id").fetchall())
        per_identity = dict(db.execute("SELECT identity, count(*) FROM attempts WHERE accepted GROUP BY identity"
                                       ).fetchall())
        half = {}
        for name, sql in HALF_WRITTEN_SQL.items():
            args = (Status.FILED.value, Status.RECAPTURED.value) if "%s" in sql else ()
            half[name] = int(db.execute(sql, args).fetchone()[0])
        totals = db.execute("SELECT (SELECT count(*) FROM records), (SELECT count(*) FROM pictures), "
                            "(SELECT count(*) FROM attempts WHERE accepted)").fetchone()
    return {"ids": ids, "per_identity": per_identity, "half": half, "totals": totals}


def check_pictures(url: str, profile: Any) -> tuple[int, int]:
    """Return (pictures checked, pictures failing verify_for_profile or their size column), every record's
    filed picture read from the server one at a time."""
    import psycopg

    from kiosk.store.verify import verify_for_profile

    checked = bad = 0
    with psycopg.connect(url) as db:
        with db.cursor(name="pictures") as cur:  # a server-side cursor: one picture in memory at a time
            cur.execute("SELECT p.data, p.size FROM records r JOIN pictures p ON p.attempt_id = r.picture_id")
            for data, size in cur:
                data = bytes(data)
                checked += 1
                if size != len(data) or verify_for_profile(data, profile):
                    bad += 1
    return checked, bad


def verify_hall(url: str, root: Path, kiosk_filed: dict[str, str], profile: Any, elapsed_s: float) -> dict:
    """Return the verification of the whole hall (see the module text) with the run's figures."""
    figures = station_figures(root)
    journal = figures.pop("journal")
    server = _server_rows(url)
    ids, per_identity = server["ids"], server["per_identity"]
    lost_ids = [j["cid"] for j in journal if j["cid"] not in ids]
    lost_kiosk = [i for i in kiosk_filed if per_identity.get(i, 0) == 0]
    doubled_ids = [cid for cid, n in ids.items() if n > 1]
    doubled_people = sorted(i for i, n in per_identity.items() if n > 1)
    checked, bad = check_pictures(url, profile)
    filings = len(journal) + len(kiosk_filed)
    records, pictures, accepted = server["totals"]
    return {
        "lost": len(lost_ids) + len(lost_kiosk), "duplicated": len(doubled_ids) + len(doubled_people),
        "half_written": sum(server["half"].values()), "bad_pictures": bad, "pictures_checked": checked,
        "lost_capture_ids": lost_ids[:20], "lost_kiosk_numbers": lost_kiosk[:20],
        "duplicated_numbers": doubled_people[:20], "half_written_by_kind": server["half"],
        "filings": filings, "filings_per_s": round(filings / elapsed_s, 2) if elapsed_s > 0 else None,
        "server_records": int(records), "server_pictures": int(pictures), "server_accepted": int(accepted),
        **figures,
    }


def all_good(verify: dict) -> bool:
    """Return True when nothing was lost, duplicated or half-written and every picture passed."""
    return all(verify.get(k) == 0 for k in ("lost", "duplicated", "half_written", "bad_pictures")) and \
        verify.get("pictures_checked", 0) > 0
