"""Errors meant for people: every one names the file, the reason and what to do next."""
from __future__ import annotations

from pathlib import Path


class PeopleError(Exception):
    """An error for people: `subject` (a file, a camera) is what it concerns, `reason` says what is wrong in one
    sentence, `advice` what to do next; `code` is a short stable key for logs, reports and tests (logs carry
    codes, never personal data)."""

    def __init__(self, subject: str, code: str, reason: str, advice: str = "") -> None:
        self.subject = subject
        self.code = code
        self.reason = reason
        self.advice = advice
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """Return the one-line message shown to a person: 'SUBJECT: reason advice'."""
        text = f"{self.subject}: {self.reason}"
        if self.advice:
            text += f" {self.advice}"
        return text


class PhotoError(PeopleError):
    """A photo could not be read, composed or encoded to spec. `file` is the offending path (or a label such as
    "<frame>")."""

    def __init__(self, file: str | Path | None, code: str, reason: str, advice: str = "") -> None:
        super().__init__(str(file) if file is not None else "<image>", code, reason, advice)

    @property
    def file(self) -> str:
        return self.subject

    def with_file(self, file: str | Path) -> "PhotoError":
        """Return a copy of this error naming `file` instead."""
        return PhotoError(file, self.code, self.reason, self.advice)
