"""The one error of the profiles package: a file that does not say what a profile must say."""
from __future__ import annotations

from pathlib import Path


class ProfileError(Exception):
    """A profile file is invalid: names the file, the field and what is wrong."""

    def __init__(self, path: Path | str, field: str, problem: str) -> None:
        self.path = str(path)
        self.field = field
        self.problem = problem
        where = f" [{field}]" if field else ""
        super().__init__(f"{self.path}{where}: {problem}")
