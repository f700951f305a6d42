"""Errors the engine raises: a code and the facts behind it, never a sentence (kiosk/texts words them).

`code` is a short stable key for logs, reports, tests and the sentence table (`photo.CODE` in kiosk/texts);
`fields` are the numbers and names the sentence needs (sizes, limits, a system error's name). Logs carry codes,
never personal data. PHOTO_CODES lists every code a PhotoError can carry with the fields its sentence names.
"""
from __future__ import annotations

import errno
from pathlib import Path
from typing import Any, Iterable, Mapping

def refusal_code(hint: str) -> str:
    """Return the PhotoError code of a photo refused because a gate fails with hint code `hint`."""
    return f"refused_{hint}"


def _gate_hint_codes() -> tuple[str, ...]:
    from capture.gates.spec import hint_codes  # the gates never import this module: no cycle

    return hint_codes()


#: every PhotoError code -> the fields its raise sites pass (the sentence in kiosk/texts/photo.py may use them)
PHOTO_CODES: Mapping[str, tuple[str, ...]] = {
    # reading a file (capture.images, capture.check)
    "not_found": (),
    "not_a_file": (),
    "unreadable": ("error",),
    "empty_file": (),
    "not_an_image": (),
    "truncated": (),
    "too_many_pixels": ("limit",),
    "resolution_too_low": ("width", "height", "min_width", "min_height", "out_width", "out_height", "max_scale"),
    # finding the subject (capture.analyzer)
    "no_face": (),
    "several_faces": ("count",),
    # framing (capture.compose, capture.picture)
    "head_cut_off": (),
    "proportions_unfit": (),
    "face_too_small": ("scale", "max_scale"),
    "frame_too_small": (),
    "too_close_to_top": (),
    "too_close_to_bottom": (),
    "off_centre": (),
    # encoding and writing (capture.encode, capture.picture)
    "kb_window_unreachable": ("kb_min", "kb_max", "quality_min", "quality_max", "smallest_bytes", "smallest_quality",
                              "largest_bytes", "largest_quality"),
    "verify_failed": ("problems",),
    "write_failed": ("error",),
    # `make` refusing a photo whose picture would fail a blocking gate: one code per gate hint (capture.picture)
    **{refusal_code(hint): () for hint in _gate_hint_codes()},
    # the tools and the station (kiosk.tools.batch, kiosk.station.worker)
    "would_overwrite_input": (),
    "capture_failed": ("error",),
}


class Codes(tuple):
    """A tuple of codes (e.g. the problems a check found) that reads as "a, b" inside a sentence."""

    def __new__(cls, codes: Iterable[str] = ()) -> "Codes":
        return super().__new__(cls, (str(c) for c in codes))

    def __format__(self, spec: str) -> str:
        return format(", ".join(self), spec)

    def __str__(self) -> str:
        return ", ".join(self)


def error_name(exc: BaseException) -> str:
    """Return an error's short name for a sentence field: the code of a CodedError ("picture_rejected"), the errno
    name of an OSError ("ENOSPC", "EACCES") when it has one, else the exception's class name."""
    if isinstance(exc, CodedError):
        return exc.code
    number = getattr(exc, "errno", None)
    if isinstance(exc, OSError) and isinstance(number, int) and number in errno.errorcode:
        return errno.errorcode[number]
    return type(exc).__name__


class CodedError(Exception):
    """An error that carries a code instead of a sentence: `domain` names the sentence table in kiosk/texts,
    `code` its entry, `fields` the facts the sentence names, `subject` (optional) what it is about (a file, a
    camera). kiosk.texts.error_text words it; str() is "SUBJECT: code" (or the code), for logs and tracebacks."""

    domain = ""

    def __init__(self, code: str, subject: str | None = None, **fields: Any) -> None:
        self.code = code
        self.subject = subject
        self.fields: dict[str, Any] = fields
        super().__init__(f"{subject}: {code}" if subject else code)


class PeopleError(CodedError):
    """An error for people about `subject` (a file, a camera, "<frame>"): `code` says what is wrong, `fields` the
    facts a sentence names (kiosk.texts.error_text words it)."""

    domain = "photo"

    def __init__(self, subject: str, code: str, **fields: Any) -> None:
        super().__init__(code, subject, **fields)

    @property
    def message(self) -> str:
        """Return 'SUBJECT: code', for logs (people read the sentence from kiosk/texts)."""
        return f"{self.subject}: {self.code}"


class PhotoError(PeopleError):
    """A photo could not be read, composed or encoded to spec. `file` is the offending path (or a label such as
    "<frame>"); `code` is one of PHOTO_CODES and `fields` the facts its sentence names."""

    def __init__(self, file: str | Path | None, code: str, **fields: Any) -> None:
        super().__init__(str(file) if file is not None else "<image>", code, **fields)

    @property
    def file(self) -> str:
        return self.subject

    def with_file(self, file: str | Path) -> "PhotoError":
        """Return a copy of this error naming `file` instead."""
        return PhotoError(file, self.code, **self.fields)
