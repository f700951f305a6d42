"""The hall's view of its stations, shared by both record stores (kiosk.store.claims_db for SQLite,
kiosk.store.postgres_claims for PostgreSQL) and by whoever shows it (the identify screen, the console).

A station beats (`heartbeat`) every HEARTBEAT_S seconds; it counts as live while its last beat is newer than LIVE_S
seconds. A station that starts capturing a number claims it (`claim`): the claim is a lease that lasts LEASE_S
seconds unless renewed (every heartbeat renews all of the station's live claims), so a station that dies or loses
its cable frees its numbers by itself after at most LEASE_S seconds.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LEASE_S", "LIVE_S", "HEARTBEAT_S", "StationStatus"]

#: seconds a claim lasts without renewal
LEASE_S = 45.0
#: seconds after its last heartbeat a station still counts as live
LIVE_S = 30.0
#: seconds between two heartbeats of a station
HEARTBEAT_S = 10.0


@dataclass(frozen=True)
class StationStatus:
    """One station of the hall as the store sees it.

    name            the station's name (what its attempts and filings carry)
    live            whether its last heartbeat is newer than the store's `live_s` seconds
    last_seen       its last heartbeat as local time text like the records' times ("2026-11-29T09:30:05"), None
                    when it never beat (a station known only from today's attempts)
    capturing       the identity it holds a live (unexpired) claim on, raw (masking is the screen's job), or None;
                    the newest claim when it holds several
    filed_today     its accepted attempts today (filings)
    attempts_today  all its attempts today
    """

    name: str
    live: bool
    last_seen: str | None
    capturing: str | None
    filed_today: int
    attempts_today: int
