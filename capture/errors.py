"""Errors the engine raises: a code and the facts behind it, never a sentence (kiosk/texts words them).

`code` is a short stable key for logs, reports, tests and the sentence table (`photo.CODE` in kiosk/texts);
`fields` are the numbers and names the sentence needs (sizes, limits, a system error's name). Logs carry codes,
never personal data.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any


class PeopleError(Exception):
    """An error for people about `subject` (a file, a camera, "<frame>"): `code` says what is wrong, `fields` the
    facts a sentence names. TRANSITIONAL: `reason`/`advice` still carry English sentences at raise sites not yet
    converted; new code passes only code and fields. `domain` names the sentence table (kiosk/texts)."""

    domain = "photo"

    def __init__(self, subject: str, code: str, reason: str = "", advice: str = "", **fields: Any) -> None:
        self.subject = subject
        self.code = code
        self.reason = reason
        self.advice = advice
        self.fields: dict[str, Any] = fields
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """TRANSITIONAL: the legacy English one-liner 'SUBJECT: reason advice' (kiosk.texts replaces it)."""
        text = f"{self.subject}: {self.reason or self.code}"
        if self.advice:
            text += f" {self.advice}"
        return text


class PhotoError(PeopleError):
    """A photo could not be read, composed or encoded to spec. `file` is the offending path (or a label such as
    "<frame>")."""

    def __init__(self, file: str | Path | None, code: str, reason: str = "", advice: str = "",
                 **fields: Any) -> None:
        super().__init__(str(file) if file is not None else "<image>", code, reason, advice, **fields)

    @property
    def file(self) -> str:
        return self.subject

    def with_file(self, file: str | Path) -> "PhotoError":
        """Return a copy of this error naming `file` instead."""
        return PhotoError(file, self.code, self.reason, self.advice, **self.fields)
