"""Identities typed or scanned at the kiosk, and the file names made from them. Typed text never becomes a path
unchecked: only letters, digits, '-' and '_' survive, with a length limit."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from capture.errors import CodedError, Codes
from profiles.model import Profile

MAX_IDENTITY_LEN = 40
_ALLOWED = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,%d}" % (MAX_IDENTITY_LEN - 1))
# Full-width letters and digits (what a Chinese input method types) map to ASCII; every other non-ASCII character,
# full-width '／', '．' and '＼' included, is refused.
_FULLWIDTH = {cp: cp - 0xFEE0 for r in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
              for cp in range(r[0], r[1] + 1)}


#: every IdentityError code -> the fields its raise sites pass (sentences in kiosk/texts/identity.py)
IDENTITY_CODES: dict[str, tuple[str, ...]] = {
    "empty": (),
    "too_long": ("max",),
    "bad_characters": (),
    "id_digits": (),  # the first 17 characters given for a check digit are not digits
    "id_shape": (),
    "id_region": (),
    "id_birth_date_invalid": ("date",),
    "id_birth_date_implausible": ("date",),
    "id_check_digit": ("expected",),
    "id_not_accepted": (),
    "not_accepted": ("kinds",),
    "unsafe_file_name": (),
    "qr_empty": (),
    "qr_too_long": ("max",),
}


class IdentityError(CodedError, ValueError):
    """The identity text is not acceptable: `code` (one of IDENTITY_CODES) says why, `fields` the facts its
    sentence names (kiosk.texts.error_text words it)."""

    domain = "identity"

    def __init__(self, code: str, **fields: object) -> None:
        super().__init__(code, None, **fields)


def clean_identity(raw: str) -> str:
    """Return `raw` stripped and upper-cased (ID numbers end in X); raise IdentityError if it is not a safe code."""
    text = (raw or "").strip()
    if not text:
        raise IdentityError("empty")
    if len(text) > MAX_IDENTITY_LEN:
        raise IdentityError("too_long", max=MAX_IDENTITY_LEN)
    text = text.translate(_FULLWIDTH)
    if not text.isascii():  # checked before upper(): 'ﬁ'.upper() would otherwise become 'FI'
        raise IdentityError("bad_characters")
    text = text.upper()
    if not _ALLOWED.fullmatch(text):
        raise IdentityError("bad_characters")
    return text


# --- Resident identity card numbers (GB 11643-1999) ---------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")


def id_number_check_digit(first17: str) -> str:
    """Return the check character ('0'-'9' or 'X') of an ID number from its first 17 digits (GB 11643-1999)."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise IdentityError("id_digits")
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS)) % 11]


def id_number_problem(text: str, today: dt.date | None = None) -> IdentityError | None:
    """Return the IdentityError saying why `text` is not a valid 18-character ID number (not raised), or None if it
    is one."""
    text = (text or "").strip().upper()
    if len(text) != 18 or not _ID_SHAPE.fullmatch(text):
        return IdentityError("id_shape")
    if text[0] not in "12345678":
        return IdentityError("id_region")
    try:
        born = dt.datetime.strptime(text[6:14], "%Y%m%d").date()
    except ValueError:
        return IdentityError("id_birth_date_invalid", date=text[6:14])
    if born.year < 1900 or born > (today or dt.date.today()):
        return IdentityError("id_birth_date_implausible", date=text[6:14])
    expected = id_number_check_digit(text[:17])
    if text[17] != expected:
        return IdentityError("id_check_digit", expected=expected)
    return None


def is_valid_id_number(text: str, today: dt.date | None = None) -> bool:
    """Return whether `text` is an 18-character ID number with a plausible birth date and a correct check digit."""
    return id_number_problem(text, today) is None


# --- What kind of number was typed or scanned ---------------------------------------------------------------------

KINDS = ("id_number", "student", "registration", "collection_code")


@dataclass(frozen=True)
class IdentityRules:
    """Which numbers the kiosk accepts. Patterns are full-match regular expressions over the cleaned (upper-case)
    text; an organisation with other number formats edits them. `kinds` limits what is accepted at all."""

    student: tuple[str, ...] = (r"[0-9A-Z]{4,20}",)
    registration: tuple[str, ...] = (
        r"[0-9]{14}",  # NCRE (计算机等级考试) and gaokao 考生号
        r"[0-9]{12,15}",  # CET (四六级) and 自学考试 准考证号
    )
    collection_code: tuple[str, ...] = (r"QR-[0-9A-F]{16}", r"[0-9A-Z_-]{21,40}")
    kinds: tuple[str, ...] = KINDS

    def matches(self, kind: str, text: str) -> bool:
        patterns = {"student": self.student, "registration": self.registration,
                    "collection_code": self.collection_code}[kind]
        return any(re.fullmatch(p, text, flags=re.IGNORECASE) for p in patterns)


DEFAULT_RULES = IdentityRules()
_LOOKS_LIKE_ID = re.compile(r"[0-9]{17}[0-9X]")


def classify_identity(text: str, rules: IdentityRules = DEFAULT_RULES, today: dt.date | None = None) -> str:
    """Return the kind of `text`: "id_number", "registration", "student" or "collection_code" (tried in that order).

    The text is cleaned first (see clean_identity). Anything 18 characters long shaped like an ID number must be a
    valid one (check digit, birth date) even if another pattern would match it. Raise IdentityError saying why.
    """
    code = clean_identity(text)
    if _LOOKS_LIKE_ID.fullmatch(code):
        problem = id_number_problem(code, today)
        if problem:
            raise problem
        if "id_number" not in rules.kinds:
            raise IdentityError("id_not_accepted")
        return "id_number"
    for kind in ("registration", "student", "collection_code"):
        if kind in rules.kinds and rules.matches(kind, code):
            return kind
    raise IdentityError("not_accepted", kinds=Codes(k for k in KINDS if k in rules.kinds))


def anonymous_identity(now: dt.datetime | None = None) -> str:
    """Return a code for a picture taken without an identity step, e.g. ANON-20261123-061502."""
    now = now or dt.datetime.now()
    return now.strftime("ANON-%Y%m%d-%H%M%S")


def picture_file_name(profile: Profile, identity: str, today: dt.date | None = None) -> str:
    """Return the picture's file name from the profile's naming template; the identity is re-checked first."""
    safe = clean_identity(identity)
    name = profile.naming.format(id=safe, profile=profile.id, date=(today or dt.date.today()).strftime("%Y%m%d"))
    if "/" in name or "\\" in name or name.startswith(".") or ".." in name:
        raise IdentityError("unsafe_file_name")
    return name
