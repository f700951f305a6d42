"""The console's view of the records: the page of the queue (its size set by the screen's height), today's counts,
the search by the start of a number (typed on the keypad, a keyboard-wedge scanner or a scanned QR) and the open
record with its attempts and picture. Read from a RecordSource (kiosk.console.source) at most every `refresh_s`
seconds or when something changed, never every frame."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from kiosk.console.rows import record_refusals
from kiosk.console.source import SEARCH_LIMIT, RecordSource

__all__ = ["Browser", "BrowseView", "QUERY_MAX", "REFRESH_S", "rows_for_height"]

QUERY_MAX = 40  # characters of a search at most (an identity is shorter)
REFRESH_S = 2.0  # the view is read again at most this often while nothing changes (new filings show up)


def rows_for_height(height_px: int) -> int:
    """Return how many queue rows fit a screen `height_px` tall: rows of 3.6 % of the height but at least 40 px
    (readable on a small screen), in the 56 % of the screen the table takes; at least 5."""
    row_px = max(40.0, height_px * 0.036)
    return max(5, int(height_px * 0.56 // row_px))


@dataclass(frozen=True)
class BrowseView:
    """What the queue, search and record pages show (a snapshot)."""

    rows: tuple[Mapping[str, Any], ...] = ()  # this page of the queue, or the search's matches on this page
    page_index: int = 0
    page_count: int = 1
    total: int = 0  # every record (any day)
    matches: int = 0  # how many records the search found (up to SEARCH_LIMIT)
    counts: Mapping[str, int] = field(default_factory=dict)
    record: Mapping[str, Any] | None = None
    failed: bool = False  # the source could not be read


class Browser:
    """Paging and search state over a RecordSource; `view()` reads it (cached)."""

    def __init__(self, source: RecordSource, rows_per_page: int, clock: Callable[[], float],
                 refresh_s: float = REFRESH_S) -> None:
        self.source = source
        self.rows_per_page = max(1, rows_per_page)
        self.clock = clock
        self.refresh_s = refresh_s
        self.query = ""
        self.page_index = 0
        self.version = 0  # bumped by the console on every change, so the next view is read afresh
        self._cache: tuple[tuple, float, BrowseView] | None = None

    # -- search --------------------------------------------------------------------------------------------
    def type(self, chars: str) -> None:
        """Add `chars` to the search: upper-cased letters, digits, "-" and "_" (what a number may hold, e.g. a
        scanned collection code's key "QR-3F2A…"); anything else is dropped."""
        add = "".join(c for c in chars.upper() if c.isascii() and (c.isalnum() or c in "-_"))
        if add:
            self.query = (self.query + add)[:QUERY_MAX]
            self.page_index = 0
            self.version += 1

    def delete(self) -> None:
        self.query = self.query[:-1]
        self.page_index = 0
        self.version += 1

    def clear(self) -> None:
        self.query = ""
        self.page_index = 0
        self.version += 1

    def jump(self) -> str | None:
        """Return the number to open for the current search: the exact match, else the only match, else None."""
        if not self.query:
            return None
        found = self.source.search(self.query, 2)
        if found and str(found[0].get("identity", "")).upper() == self.query:
            return str(found[0]["identity"])
        return str(found[0]["identity"]) if len(found) == 1 else None

    # -- paging --------------------------------------------------------------------------------------------
    def turn(self, where: str, page_count: int) -> None:
        """Go to page "first", "prev", "next" or "last" (of `page_count`)."""
        target = {"first": 0, "prev": self.page_index - 1, "next": self.page_index + 1,
                  "last": page_count - 1}.get(where, self.page_index)
        self.page_index = max(0, min(target, page_count - 1))
        self.version += 1

    # -- reading -------------------------------------------------------------------------------------------
    def view(self, page: str, selected: str | None, today: dt.date) -> BrowseView:
        """Return what `page` shows ("queue", "search", "record", "export"; others need nothing), read afresh
        when something changed or `refresh_s` passed."""
        if page not in ("queue", "search", "record", "export"):
            return BrowseView()
        key = (page, selected, self.query, self.page_index, self.rows_per_page, self.version, today)
        now = self.clock()
        if self._cache is not None and self._cache[0] == key and now - self._cache[1] < self.refresh_s:
            return self._cache[2]
        try:
            view = self._read(page, selected, today)
        except Exception:  # the store belongs to someone else: never let it take the console down
            view = BrowseView(failed=True)
        self._cache = (key, now, view)
        return view

    def _read(self, page: str, selected: str | None, today: dt.date) -> BrowseView:
        counts = self.source.counts(today)
        n = self.rows_per_page
        if page == "search":
            found = self.source.search(self.query, SEARCH_LIMIT) if self.query else []
            pages = max(1, -(-len(found) // n))
            self.page_index = min(self.page_index, pages - 1)
            shown = found[self.page_index * n:(self.page_index + 1) * n]
            return BrowseView(tuple(shown), self.page_index, pages, 0, len(found), counts)
        rows, total = self.source.page(self.page_index * n, n)
        pages = max(1, -(-total // n))
        if self.page_index > pages - 1:  # records went away: show the last page there is
            self.page_index = pages - 1
            rows, total = self.source.page(self.page_index * n, n)
        record = self._record(selected) if page == "record" and selected else None
        return BrowseView(tuple(rows), self.page_index, pages, total, 0, counts, record)

    def _record(self, identity: str) -> dict[str, Any] | None:
        """Return the open record with its attempts (each marked `thumb` when its picture is the one filed now),
        its picture's bytes and what the lifecycle refuses."""
        record = self.source.get(identity)
        if record is None:
            return None
        attempts = self.source.attempts(identity)
        if attempts is None:
            attempts = record.get("attempts") if isinstance(record.get("attempts"), (list, tuple)) else None
            if attempts is not None:
                from kiosk.console.rows import attempt_row

                attempts = [attempt_row(a) for a in attempts]
        if attempts is not None:
            current = [i for i, a in enumerate(attempts) if a.get("result") == "filed"
                       and record.get("picture") in (None, a.get("picture"))]
            attempts = [dict(a, thumb=bool(current) and i == current[-1]) for i, a in enumerate(attempts)]
            record = dict(record, attempts=attempts)
        return dict(record, picture_bytes=self.source.picture(identity),
                    refusals=record_refusals(record.get("status")))
