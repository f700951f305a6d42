"""`idphoto import`: photos sent by mail or brought on a USB stick, filed into the kiosk's records.

Each photo is named after the person (`2023001.jpg`, `11010519491231002X.heic`); the name must be a safe code (the
same rule as a number typed at the kiosk) and is never used as a path as it is. A photo is checked with the kiosk's
subject gates (pose, eyes, mouth, glasses, head covering, light, focus and, unless the backdrop is replaced, the
backdrop); the framing gates do not apply because the picture is cropped anew. A photo that passes is made into the
profile's picture and filed exactly as a kiosk capture is (crash-safe, status 已上传 or 已重新上传), with the gate
values as the attempt. A photo that fails is logged as a turned-down attempt on the person's record, with the
hints, so the operator can ask for a new one; nothing already filed is touched.
"""
from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from capture.check import StillChecker
from capture.errors import PhotoError
from kiosk.texts import error_text, hint_text
from capture.picture import make_picture
from capture.gates import SUBJECT_GATES
from kiosk.store.identity import IdentityError, clean_identity
from kiosk.store.roster import roster_problem
from kiosk.store.records import PictureRejected, RecordStore, TransitionError
from profiles.model import Background, Profile

#: gates that judge the person in a brought photo: the subject gates plus focus, colour and the backdrop (framing is redone
#: by the crop; advisory gates never block)
IMPORT_GATES = SUBJECT_GATES + ("sharpness", "colour", "background")


@dataclass(frozen=True)
class ImportOutcome:
    """What happened to one brought photo."""

    source: Path
    identity: str | None
    filed: bool
    # "filed", a PhotoError code ("resolution_too_low", ...), "bad_name", "not_on_list" (a class list is loaded and
    # the number is not on it), "gates", "not_allowed" (the record's status) or "rejected"
    code: str
    message: str
    hints: tuple[str, ...] = field(default=())  # gate hint keys to pass on to the person
    seconds: float = 0.0

    def to_dict(self) -> dict:
        """Return the JSON form of this outcome."""
        return {"file": str(self.source), "identity": self.identity, "filed": self.filed, "code": self.code,
                "message": self.message, "hints": list(self.hints)}


def blocking_gates(gates: dict, replacing_backdrop: bool) -> list:
    """Return the GateResults among IMPORT_GATES that fail and block (the backdrop's not when it is replaced)."""
    names = [n for n in IMPORT_GATES if not (replacing_backdrop and n == "background")]
    return [gates[n] for n in names if n in gates and gates[n].blocks]


def import_photo(path: Path, store: RecordStore, profile: Profile, checker: StillChecker,
                 new_backdrop: Background | None = None) -> ImportOutcome:
    """Check, make and file one brought photo; return its ImportOutcome (never raises for a bad photo)."""
    t0 = time.perf_counter()

    def outcome(identity, filed, code, message, hints=()):
        return ImportOutcome(path, identity, filed, code, message, tuple(hints), time.perf_counter() - t0)

    try:
        identity = clean_identity(path.stem)
    except IdentityError as exc:
        return outcome(None, False, "bad_name", f"the file name is not a person's number: {error_text(exc, 'en')} "
                                                "Name the photo after the student or ID number, e.g. 2023001.jpg.")
    off_list = roster_problem(store, identity)
    if off_list is not None:
        return outcome(identity, False, "not_on_list", f"not filed: {error_text(off_list, 'en')} Rename the photo to "
                                                       "the number on the class list, or add the student to the list "
                                                       "(idphoto roster import).")
    # a photo too small for the picture is refused for its size first (its gates would blame it in other words)
    result = checker.check_file(path, profile, keep_image=True, refuse_too_small=True)
    if result.error:
        return outcome(identity, False, result.code or "unreadable", error_text(result.error, "en"))
    gates = {name: g.to_dict() for name, g in result.gates.items()}
    failing = blocking_gates(result.gates, new_backdrop is not None)
    if failing:
        store.record_attempt(identity, profile.id, gates, accepted=False)
        hints = [g.hint for g in failing]
        message = "needs a new photo: " + "; ".join(f"{g.name} ({hint_text(g.hint, 'en')})" for g in failing)
        if any(g.name == "background" for g in failing):
            message += "; a wrong or busy backdrop can instead be replaced: import again with --replace-backdrop"
        return outcome(identity, False, "gates", message, hints)
    try:
        picture = make_picture(result.rgb, profile, checker.analyzer, str(path), new_backdrop)
    except PhotoError as exc:
        store.record_attempt(identity, profile.id, gates, accepted=False)
        return outcome(identity, False, exc.code, error_text(exc, "en"))
    try:
        record = store.file_picture(identity, profile, picture.data, gates)
    except TransitionError as exc:
        return outcome(identity, False, "not_allowed",
                       f"not filed: the record is {exc.from_status.value}. {error_text(exc, 'en')} To replace its "
                       f"picture, reopen it first: idphoto records recapture {identity} --reason TEXT --store DIR")
    except PictureRejected as exc:
        return outcome(identity, False, "rejected", error_text(exc, "en"))
    except (OSError, sqlite3.Error) as exc:  # the store's disk: nothing was changed (see SqliteRecordStore)
        detail = getattr(exc, "strerror", None) or type(exc).__name__
        return outcome(identity, False, "store_failed", f"the picture could not be filed ({detail}); nothing "
                                                        "was changed: check the store's disk and import it again")
    note = f", backdrop replaced with {picture.backdrop_replaced}" if picture.backdrop_replaced else ""
    return outcome(identity, True, "filed", f"{record.status.value}, {picture.size_kb:.1f} KB{note}")


def import_photos(paths: list[Path], store: RecordStore, profile: Profile, checker: StillChecker,
                  new_backdrop: Background | None = None,
                  progress: Callable[[int, ImportOutcome], None] | None = None) -> list[ImportOutcome]:
    """Import every photo in `paths`; one bad photo never stops the others. Two photos of one person: the first
    that passes is filed, the other is refused like any photo of an already filed record."""
    outcomes = []
    for i, path in enumerate(paths, start=1):
        result = import_photo(path, store, profile, checker, new_backdrop)
        outcomes.append(result)
        if progress:
            progress(i, result)
    return outcomes
