"""What the operator console asks the station to do (one small dataclass per action), and the profiles and cameras
the operator can choose from."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

__all__ = ["RECAPTURE_REASONS", "MarkRecapture", "LockRecord", "ChooseProfile", "ChooseCamera", "ChooseBackdrop", "Export", "SavePin",
           "ExitConsole", "PrintSheet", "Action", "Choice", "choices", "profile_choices"]

RECAPTURE_REASONS = ("blurred", "eyes_closed", "background", "wrong_person", "student_request")


@dataclass(frozen=True)
class MarkRecapture:
    """Mark the record of `identity` for re-capture, for `reason`."""

    identity: str
    reason: str  # one of RECAPTURE_REASONS
    operator: str = ""  # who asks (for the audit)


@dataclass(frozen=True)
class LockRecord:
    """Lock the record of `identity` (it is handed over; only reopening it for re-capture changes it again)."""

    identity: str
    operator: str = ""  # who asks (for the audit)


@dataclass(frozen=True)
class ChooseProfile:
    """Use the photo profile `id` from now on."""

    id: str


@dataclass(frozen=True)
class ChooseCamera:
    """Use the camera `spec` from now on."""

    spec: str


@dataclass(frozen=True)
class ChooseBackdrop:
    """Replace the photo's backdrop with the profile's colour, or keep it."""

    replace: bool  # True: paint the backdrop the profile's colour (换底); False: keep the photo's own


@dataclass(frozen=True)
class Export:
    """Export the filed records (the station does the work)."""

    operator: str = ""  # who asks


@dataclass(frozen=True)
class SavePin:
    """Save an operator's new PIN hash."""

    pin_hash: str  # the app saves this as the operator's PIN (the store's operators)
    operator: str = ""  # whose PIN it is


@dataclass(frozen=True)
class PrintSheet:
    """Print the print sheet (冲印排版) of the record of `identity`: through the system's `lp` when there is one,
    else saved in the station's exports folder (the station says which)."""

    identity: str
    operator: str = ""  # who asks


@dataclass(frozen=True)
class ExitConsole:
    """Close the console and return to the kiosk."""

    pass


Action = (MarkRecapture | LockRecord | ChooseProfile | ChooseCamera | ChooseBackdrop | Export | SavePin | PrintSheet
          | ExitConsole)


@dataclass(frozen=True)
class Choice:
    """A profile or camera the operator can pick: its id and labels."""

    id: str
    zh: str = ""
    en: str = ""

    def label(self, lang: str) -> str:
        """Return the label in `lang`, else the other language's, else the id."""
        return (self.zh if lang == "zh" else self.en) or self.en or self.zh or self.id


def choices(items: Sequence[Choice | str | tuple[str, str]]) -> tuple[Choice, ...]:
    """Return `items` as Choices: a Choice as it is, an id alone, or (id, label) with one label for both languages."""
    out = []
    for item in items:
        if isinstance(item, Choice):
            out.append(item)
        elif isinstance(item, str):
            out.append(Choice(item))
        else:
            out.append(Choice(item[0], item[1], item[1]))
    return tuple(out)




def profile_choices(profiles: Mapping[str, Any] | Sequence[Any]) -> tuple[Choice, ...]:
    """Return Choices for photo profiles (anything with .id, .name_zh and .name_en, e.g. load_profiles().values())."""
    items = profiles.values() if isinstance(profiles, Mapping) else profiles
    return tuple(Choice(p.id, getattr(p, "name_zh", ""), getattr(p, "name_en", "")) for p in items)
