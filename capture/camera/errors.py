"""`CameraError`: a camera source failed. It carries a code and facts, never a sentence (kiosk/texts words it)."""
from __future__ import annotations

from typing import Any

from capture.errors import PeopleError


class CameraError(PeopleError):
    """A camera source failed. `subject` (also `camera`) names the source ("webcam 0", "demo", a file path); `code`
    is one of `codes.ERROR_CODES`; `fields` are the facts its sentence names (`kiosk.texts.error_text` words it)."""

    domain = "camera"

    def __init__(self, camera: str, code: str, **fields: Any) -> None:
        super().__init__(camera, code, **fields)
        self.args = (self.message,)  # str(): the code line with its facts, for logs

    @property
    def camera(self) -> str:
        """Return the name of the camera that failed."""
        return self.subject

    @property
    def message(self) -> str:
        """Return 'CAMERA: code (field=value, …)', for logs (people read the sentence from kiosk/texts)."""
        facts = ", ".join(f"{k}={v}" for k, v in self.fields.items())
        return f"{self.subject}: {self.code}" + (f" ({facts})" if facts else "")
