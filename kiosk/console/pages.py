"""The console's record and settings pages as a mixin of OperatorConsole (kiosk.console.console): the search (keypad,
keyboard-wedge scanner, a QR at the camera), the settings with the camera tried before it is saved, and export."""
from __future__ import annotations

from typing import Any

from kiosk.console.actions import Action, ChooseBackdrop, ChooseCamera, ChooseProfile, Export

__all__ = ["RecordPages", "SEARCH_PAGES"]

SEARCH_PAGES = ("queue", "search", "record")  # typing (or a scanner) on these pages searches


class RecordPages:
    """Search, settings and export handlers of OperatorConsole (it provides the state they use)."""

    def scanned(self, code: str) -> None:
        """A number read from a 采集码 QR at the camera (or a scanner) while a records page is open: open its record,
        else list the records starting with it."""
        if self.page not in SEARCH_PAGES or not code:
            return
        self._last_input = self.clock()
        self.browser.clear()
        self.browser.type(code)
        self._open_search()

    def camera_checked(self, spec: str, ok: bool, **fields: Any) -> None:
        """The station's answer on the camera being tried: saved and in use when it opened; else the old one stays
        and the console says it could not be opened (`fields`: the sentence's, e.g. camera=...)."""
        if spec != self.camera_checking:
            return
        self.camera_checking = ""
        if ok:
            self.camera_spec = spec
            self._saved("camera")
        else:
            self._say("op_camera_failed", bad=True, camera=spec, **fields)

    def _saved(self, name: str) -> None:
        """Say a setting was saved; when a command-line flag also sets it, that the flag wins at the next start."""
        flagged = self.origins.get(name) == "flag"
        self.origins[name] = "console"
        self._say("op_saved_flag_wins" if flagged else "op_saved_setting", flag=name.replace("_", "-"))

    def _on_search(self, action: str) -> list[Action]:
        """The search page: its keypad (`key:<c>`, `key:delete`), `clear`, `ok` (open the exact or only match),
        a match (`open:<number>`), paging, `back` to the queue."""
        if action.startswith("key:"):
            key = action[4:]
            if key == "delete":
                self.browser.delete()
            elif len(key) == 1 and key.isascii() and (key.isdigit() or key == "X" or (self.letters and key.isalpha())):
                self.browser.type(key)
            self._say("")
        elif action == "clear":
            self.browser.clear()
            self._say("")
        elif action == "ok":
            self._open_search()
        elif action.startswith("open:"):
            self._open(action[5:])
        elif action.startswith("page:"):
            self.browser.turn(action[5:], self.state().page_count)
        elif action == "back":
            self.browser.clear()
            self._go("queue")
        return []

    def _open_search(self) -> None:
        """Open the record the search names (exact or only match); else stay on the search page and say so."""
        try:
            found = self.browser.jump()
        except Exception:
            found = None
            self._say("op_records_failed", bad=True)
            return
        if found is not None:
            self._open(found)
            return
        self._go("search")
        view = self._view("search")
        self._say("op_search_pick" if view.matches else "op_search_none", bad=not view.matches,
                  query=self.browser.query, n=view.matches)

    def _open(self, identity: str) -> None:
        self.from_roster = False  # the record's Back goes to the search or the queue (RosterPage sets it after)
        self.selected = identity
        self.browser.version += 1
        self._go("record")

    def _on_settings(self, action: str) -> list[Action]:
        if action == "back":
            self._go("queue")
        elif action.startswith("profile:"):
            pid = action[8:]
            if any(c.id == pid for c in self.profiles):
                self.profile_id = pid
                self._saved("profile")
                return [ChooseProfile(pid)]
        elif action.startswith("camera:"):
            spec = action[7:]
            if any(c.id == spec for c in self.cameras) and spec != self.camera_spec:
                self.camera_checking = spec  # saved only once the station opened it (camera_checked)
                self._say("op_camera_checking", camera=spec)
                return [ChooseCamera(spec)]
        elif action in ("backdrop:keep", "backdrop:replace"):
            self.replace_backdrop = action == "backdrop:replace"
            self._saved("replace_backdrop")
            return [ChooseBackdrop(self.replace_backdrop)]
        return []

    def _on_export(self, action: str) -> list[Action]:
        if action == "back":
            self._go("queue")
        elif action == "export":
            self._say("op_export_started")
            return [Export(self.operator)]
        return []

