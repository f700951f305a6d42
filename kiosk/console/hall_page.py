"""The console's hall page (大厅) as a mixin of OperatorConsole (kiosk.console.console): the hall's stations (live or
not, last seen, filed and attempts today, the number each is capturing, masked) and this station's outbox (waiting
filings, conflicts naming the other station, numbers masked). Read from the station's hall link snapshot
(`hall_source`, kiosk.station.hall_link.HallSnapshot or anything with its fields), which the link's thread keeps
current: drawing the page never waits on the network. Paged like the records."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from kiosk.console.actions import Action
from kiosk.store.identity import mask_identity

__all__ = ["HallPage", "HallView", "ResolveConflict", "hall_rows"]


@dataclass(frozen=True)
class ResolveConflict:
    """The operator has dealt with the conflict of the offline filing `capture_id` (the outbox keeps its picture;
    it is no longer listed or told on the banner)."""

    capture_id: str
    operator: str = ""  # who did (for the outbox's record)


@dataclass(frozen=True)
class HallView:
    """What the hall page shows (a snapshot).

    known       the station has a hall link (False: nothing to show yet)
    station     this station's name
    server      the records are on a hall's server (the records page then lists the whole hall)
    outboxed    this station keeps an outbox (it files while the server is unreachable)
    online      the server answered the last time it was asked
    pending     offline filings waiting in this station's outbox
    conflicts   {"index", "identity": masked number, "station": the station that filed it ("" unknown)} of each
                conflict (`resolve:<index>` marks it dealt with)
    rows        this page's stations: {"name", "live", "last_seen" ("HH:MM:SS" or ""), "filed_today",
                "attempts_today", "capturing" (masked number or ""), "this" (this station)}
    live        how many stations are live
    total       how many stations are listed
    checked_at  local time of the link's last look ("HH:MM:SS", "" before the first)
    """

    known: bool = False
    station: str = ""
    server: bool = False
    outboxed: bool = False
    online: bool = True
    pending: int = 0
    conflicts: tuple[Mapping[str, Any], ...] = ()
    rows: tuple[Mapping[str, Any], ...] = ()
    live: int = 0
    total: int = 0
    checked_at: str = ""
    page_index: int = 0
    page_count: int = 1


def _clock_time(stamp: str | None) -> str:
    """Return the time of day of a store time text ("2026-11-29T09:30:05" -> "09:30:05"), "" for none."""
    if not stamp:
        return ""
    return str(stamp).replace(" ", "T").split("T")[-1][:8]


def hall_rows(stations: Any, this: str) -> list[dict[str, Any]]:
    """Return the hall page's rows of `stations` (StationStatus-like, in their order), numbers masked."""
    return [{"name": s.name, "live": bool(s.live), "last_seen": _clock_time(s.last_seen),
             "filed_today": int(s.filed_today), "attempts_today": int(s.attempts_today),
             "capturing": mask_identity(s.capturing) if s.capturing else "", "this": s.name == this}
            for s in stations]


class HallPage:
    """The hall page's handlers of OperatorConsole (it provides browser, _go)."""

    hall_source: Callable[[], Any] | None = None  # the hall link's snapshot (set by the station)
    hall_page_index: int = 0

    def hall_view(self) -> HallView:
        """Return the hall page's snapshot from the link's latest look (never waits on the network)."""
        snap = self.hall_source() if self.hall_source is not None else None
        if snap is None:
            return HallView()
        rows = hall_rows(snap.stations, snap.station)
        n = max(1, self.browser.rows_per_page)
        pages = max(1, -(-len(rows) // n))
        index = self.hall_page_index = max(0, min(self.hall_page_index, pages - 1))
        conflicts = tuple({"index": i, "identity": mask_identity(identity), "station": station}
                          for i, (identity, station, _) in enumerate(snap.conflicts))
        return HallView(True, snap.station, snap.server, snap.outboxed, snap.online, snap.pending, conflicts,
                        tuple(rows[index * n:(index + 1) * n]), sum(1 for r in rows if r["live"]), len(rows),
                        snap.checked_at, index, pages)

    def _on_hall(self, action: str) -> list[Action]:
        """The hall page: `resolve:<i>` marks the i-th conflict dealt with, paging (`page:first|prev|next|last`),
        `back` to the records."""
        if action.startswith("resolve:") and action[8:].isdigit():
            snap = self.hall_source() if self.hall_source is not None else None
            index = int(action[8:])
            if snap is not None and index < len(snap.conflicts):
                self._say("op_hall_resolved", number=mask_identity(snap.conflicts[index][0]))
                return [ResolveConflict(snap.conflicts[index][2], self.operator)]
        elif action.startswith("page:"):
            count = self.hall_view().page_count
            where = action[5:]
            target = {"first": 0, "prev": self.hall_page_index - 1, "next": self.hall_page_index + 1,
                      "last": count - 1}.get(where, self.hall_page_index)
            self.hall_page_index = max(0, min(target, count - 1))
        elif action == "back":
            self._go("queue")
        return []
