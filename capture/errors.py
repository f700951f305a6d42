"""Errors meant for people: every one names the file, the reason and what to do next."""
from __future__ import annotations

from pathlib import Path


class PhotoError(Exception):
    """A photo could not be read, composed or encoded to spec.

    `file` is the offending path (or a label such as "<frame>"), `reason` says what is wrong in one
    sentence, `advice` says what the person should do next. `code` is a short stable key for logs,
    reports and tests (logs carry codes, never personal data).
    """

    def __init__(self, file: str | Path | None, code: str, reason: str, advice: str = "") -> None:
        self.file = str(file) if file is not None else "<image>"
        self.code = code
        self.reason = reason
        self.advice = advice
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """Return the one-line message shown to a person: 'FILE: reason. advice'."""
        text = f"{self.file}: {self.reason}"
        if self.advice:
            text += f" {self.advice}"
        return text

    def with_file(self, file: str | Path) -> "PhotoError":
        """Return a copy of this error naming `file` instead."""
        return PhotoError(file, self.code, self.reason, self.advice)
