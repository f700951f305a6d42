"""Identities typed or scanned at the kiosk, and the file names made from them. Typed text never becomes a path
unchecked: only letters, digits, '-' and '_' survive, with a length limit."""
from __future__ import annotations

import datetime as dt
import re

from profiles.model import Profile

MAX_IDENTITY_LEN = 40
_ALLOWED = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,%d}$" % (MAX_IDENTITY_LEN - 1))


class IdentityError(ValueError):
    """The identity text is not acceptable; the message says why."""


def clean_identity(raw: str) -> str:
    """Return `raw` stripped and upper-cased (ID numbers end in X); raise IdentityError if it is not a safe code."""
    text = (raw or "").strip().upper()
    if not text:
        raise IdentityError("the number is empty")
    if len(text) > MAX_IDENTITY_LEN:
        raise IdentityError(f"the number is longer than {MAX_IDENTITY_LEN} characters")
    if not _ALLOWED.match(text):
        raise IdentityError("only letters, digits, '-' and '_' are allowed")
    return text


def anonymous_identity(now: dt.datetime | None = None) -> str:
    """Return a code for a picture taken without an identity step, e.g. ANON-20261123-061502."""
    now = now or dt.datetime.now()
    return now.strftime("ANON-%Y%m%d-%H%M%S")


def picture_file_name(profile: Profile, identity: str, today: dt.date | None = None) -> str:
    """Return the picture's file name from the profile's naming template; the identity is re-checked first."""
    safe = clean_identity(identity)
    name = profile.naming.format(id=safe, profile=profile.id, date=(today or dt.date.today()).strftime("%Y%m%d"))
    if "/" in name or "\\" in name or name.startswith(".") or ".." in name:
        raise IdentityError("the file name would not be a plain name")
    return name
