"""The console's class-list page (名单) as a mixin of OperatorConsole (kiosk.console.console): per class how many
are expected, done and missing; a class tapped lists its missing students (number and name: shown only here,
behind the PIN, never logged); a student tapped opens their record when there is one. Paged like the records."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from kiosk.console.actions import Action

__all__ = ["RosterPage", "RosterView"]


@dataclass(frozen=True)
class RosterView:
    """What the class-list page shows (a snapshot). `classes`: this page's {"index", "class", "expected", "done",
    "missing"} (no class chosen); `missing`: this page's {"identity", "name", "status", "has_record"} of the class
    chosen (`group`); `totals`: {"expected", "done", "missing"} over the whole list (or the chosen class)."""

    loaded: bool = False  # a class list is loaded
    group: str | None = None
    classes: tuple[Mapping[str, Any], ...] = ()
    missing: tuple[Mapping[str, Any], ...] = ()
    totals: Mapping[str, int] = field(default_factory=dict)
    page_index: int = 0
    page_count: int = 1
    failed: bool = False  # the list or the records could not be read


def _page(rows: list[Mapping[str, Any]], index: int, n: int) -> tuple[tuple[Mapping[str, Any], ...], int, int]:
    """Return (rows on page `index` of `n` rows, the index kept in range, the page count)."""
    pages = max(1, -(-len(rows) // n))
    index = max(0, min(index, pages - 1))
    return tuple(rows[index * n:(index + 1) * n]), index, pages


class RosterPage:
    """The class-list handlers of OperatorConsole (it provides browser, page, _go, _say, _open)."""

    roster_group: int | None = None  # the index of the class chosen, None for the list of classes
    roster_page_index: int = 0
    from_roster: bool = False  # the open record was opened from the class list (its Back returns there)
    _roster_cache: tuple[tuple, float, RosterView] | None = None

    def roster_view(self) -> RosterView:
        """Return the class-list page's snapshot, read afresh when something changed or the refresh time passed."""
        browser = self.browser
        key = (self.roster_group, self.roster_page_index, browser.rows_per_page, browser.version)
        now = browser.clock()
        cached = self._roster_cache
        if cached is not None and cached[0] == key and now - cached[1] < browser.refresh_s:
            return cached[2]
        try:
            view = self._read_roster()
        except Exception:  # the store belongs to someone else: never let it take the console down
            view = RosterView(failed=True)
        if view.failed and self.message != "op_roster_failed":
            self._say("op_roster_failed", bad=True)
        self.roster_page_index = view.page_index
        self._roster_cache = ((self.roster_group, view.page_index) + key[2:], now, view)
        return view

    def _read_roster(self) -> RosterView:
        read = self.browser.source.roster()
        if read is None:
            return RosterView()
        classes, missing = read
        n = self.browser.rows_per_page
        rows = [{"index": i, "class": c.group, "expected": c.expected, "done": c.done, "missing": c.missing}
                for i, c in enumerate(classes)]
        chosen = rows[self.roster_group] if self.roster_group is not None and self.roster_group < len(rows) else None
        totals = {k: (chosen[k] if chosen else sum(int(r[k]) for r in rows)) for k in ("expected", "done", "missing")}
        if chosen is None:
            self.roster_group = None
            shown, index, pages = _page(rows, self.roster_page_index, n)
            return RosterView(True, None, shown, (), totals, index, pages)
        people = [dict(m) for m in missing if m.get("class") == chosen["class"]]
        shown, index, pages = _page(people, self.roster_page_index, n)
        return RosterView(True, str(chosen["class"]), (), shown, totals, index, pages)

    def _on_roster(self, action: str) -> list[Action]:
        """The class-list page: `class:<i>` lists the i-th class's missing students, `open:<number>` opens a
        student's record (if there is one), paging, `back` (to the classes, then to the records)."""
        if action.startswith("class:") and action[6:].isdigit():
            self.roster_group, self.roster_page_index = int(action[6:]), 0
            self._go("roster")
        elif action.startswith("open:"):
            identity = action[5:]
            row = next((r for r in self.roster_view().missing if r.get("identity") == identity), None)
            if row is not None and row.get("has_record"):
                self._open(identity)
                self.from_roster = True
            elif row is not None:
                self._say("op_roster_no_record", bad=True, number=identity)
        elif action.startswith("page:"):
            self._turn_roster(action[5:])
        elif action == "back":
            if self.roster_group is not None:
                self.roster_group, self.roster_page_index = None, 0
                self._go("roster")
            else:
                self._go("queue")
        return []

    def _turn_roster(self, where: str) -> None:
        count = self.roster_view().page_count
        target = {"first": 0, "prev": self.roster_page_index - 1, "next": self.roster_page_index + 1,
                  "last": count - 1}.get(where, self.roster_page_index)
        self.roster_page_index = max(0, min(target, count - 1))
        self.browser.version += 1
