"""Identities typed or scanned at the kiosk, and the file names made from them. Typed text never becomes a path
unchecked: only letters, digits, '-' and '_' survive, with a length limit."""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from dataclasses import dataclass

from capture.errors import CodedError, Codes
from kiosk.store.lifecycle import Status, TransitionError, filing_target
from profiles.model import Profile

MAX_IDENTITY_LEN = 40
_ALLOWED = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,%d}" % (MAX_IDENTITY_LEN - 1))
# Full-width letters and digits (what a Chinese input method types) map to ASCII; every other non-ASCII character,
# full-width '／', '．' and '＼' included, is refused.
_FULLWIDTH = {cp: cp - 0xFEE0 for r in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
              for cp in range(r[0], r[1] + 1)}
#: names Windows reserves for devices (in any case, with or without an extension): never a file name, never a number
RESERVED_NAMES = frozenset({"CON", "PRN", "AUX", "NUL"}
                           | {f"{device}{n}" for device in ("COM", "LPT") for n in range(1, 10)})


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
    "reserved_name": (),  # CON, PRN, AUX, NUL, COM1-9, LPT1-9: names Windows reserves for devices
    # the number is fine but its record takes no picture now (kiosk.store.lifecycle.filing_target refuses)
    "record_locked": (),  # handed over (exported and locked)
    "record_filed": (),  # a picture is already filed; an operator must first ask for a new one
    "record_not_fileable": (),  # any other refusal of the lifecycle
    "held_elsewhere": ("station",),  # another station of the hall is capturing this number (its claim, a lease)
    "not_on_list": (),  # a class list is loaded and the number is not on it (kiosk.store.roster)
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
    if text in RESERVED_NAMES:  # no '.' gets this far, so "CON.jpg" cannot be typed either
        raise IdentityError("reserved_name")
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

    student: tuple[str, ...] = (r"(?=[0-9A-Z]*[0-9])[0-9A-Z]{6,20}",)  # 6-20 letters and digits, a digit among them
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

    def typed_letters(self) -> bool:
        """Return True when a number typed at the keypad may hold letters other than the X of ID numbers (an
        accepted student or registration pattern admits one): the identify screen then shows a letter keypad."""
        typed = [p for kind in ("student", "registration") if kind in self.kinds
                 for p in (self.student if kind == "student" else self.registration)]
        return any(pattern_admits_letters(p) for p in typed)


DEFAULT_RULES = IdentityRules()
_LOOKS_LIKE_ID = re.compile(r"[0-9]{17}[0-9X]")
_ONE_OFF_ID = re.compile(r"[0-9]{16}[0-9X]|[0-9]{18}[0-9X]")


def classify_identity(text: str, rules: IdentityRules = DEFAULT_RULES, today: dt.date | None = None) -> str:
    """Return the kind of `text`: "id_number", "registration", "student" or "collection_code" (tried in that order).

    The text is cleaned first (see clean_identity). Anything 18 characters long shaped like an ID number must be a
    valid one (check digit, birth date) even if another pattern would match it, and 17 or 19 characters shaped like
    one (a digit missed or doubled) are refused while ID numbers are accepted. Raise IdentityError saying why.
    """
    code = clean_identity(text)
    if _LOOKS_LIKE_ID.fullmatch(code):
        problem = id_number_problem(code, today)
        if problem:
            raise problem
        if "id_number" not in rules.kinds:
            raise IdentityError("id_not_accepted")
        return "id_number"
    if "id_number" in rules.kinds and _ONE_OFF_ID.fullmatch(code):
        raise IdentityError("id_shape")  # 17 or 19 characters shaped like an ID number: one digit missed or doubled
    for kind in ("registration", "student", "collection_code"):
        if kind in rules.kinds and rules.matches(kind, code):
            return kind
    raise IdentityError("not_accepted", kinds=Codes(k for k in KINDS if k in rules.kinds))


# --- The one validation for the keypad, QR codes and --identity -----------------------------------------------------

#: where a number comes from: typed at the kiosk, scanned from a QR code, given on the command line (--identity)
SOURCES = ("keypad", "qr", "command")


@dataclass(frozen=True)
class AcceptedIdentity:
    """A number the kiosk accepts: `code` is the cleaned text records and files are named by, `kind` one of KINDS."""

    code: str
    kind: str

    @property
    def shown(self) -> str:
        """Return the number as a public screen may show it (ID numbers masked, see mask_identity)."""
        return mask_identity(self.code)


def validate_identity(raw: str, rules: IdentityRules = DEFAULT_RULES, source: str = "keypad",
                      today: dt.date | None = None) -> AcceptedIdentity:
    """Return the AcceptedIdentity of `raw` from `source` (one of SOURCES) under `rules`; raise IdentityError saying
    why it is refused (empty, too long, characters, reserved names such as CON, ID check digit and birth date, no
    accepted pattern). This is the one check the keypad, the QR scanner and `idphoto kiosk --identity` share: a
    collection code (采集码) is scanned, never typed, so the keypad does not accept one."""
    if source not in SOURCES:
        raise ValueError(source)
    if source == "keypad":
        rules = dataclasses.replace(rules, kinds=tuple(k for k in rules.kinds if k != "collection_code"))
    code = clean_identity(raw)
    return AcceptedIdentity(code, classify_identity(code, rules, today))


def mask_identity(code: str) -> str:
    """Return `code` as a public screen may show it: an 18-character ID number keeps its first 6 and last 4
    characters (110105********002X), any other number is shown as it is."""
    text = (code or "").strip().upper()
    if _LOOKS_LIKE_ID.fullmatch(text):
        return text[:6] + "*" * 8 + text[-4:]
    return code


def filing_problem(identity: str, status: Status | None) -> IdentityError | None:
    """Return the IdentityError saying why no picture can be filed now under `identity`, whose record is in `status`
    (None: no record yet), or None when one can (kiosk.store.lifecycle.filing_target decides)."""
    if status is None:
        return None
    try:
        filing_target(identity, Status(status))
    except TransitionError as exc:
        if exc.code == "locked":
            return IdentityError("record_locked")
        if exc.code == "already_filed":
            return IdentityError("record_filed")
        return IdentityError("record_not_fileable")
    return None


# --- Whether a pattern lets letters be typed ------------------------------------------------------------------------

_NOT_X = frozenset("ABCDEFGHIJKLMNOPQRSTUVWYZ")  # X is on the digit keypad already (ID numbers end in it)
_LETTER_CATEGORIES = {"CATEGORY_WORD", "CATEGORY_NOT_DIGIT", "CATEGORY_NOT_SPACE", "CATEGORY_UNI_WORD",
                      "CATEGORY_UNI_NOT_DIGIT", "CATEGORY_UNI_NOT_SPACE", "CATEGORY_LOC_WORD"}
_NO_LETTER_CATEGORIES = {"CATEGORY_DIGIT", "CATEGORY_SPACE", "CATEGORY_NOT_WORD", "CATEGORY_UNI_DIGIT",
                         "CATEGORY_UNI_SPACE", "CATEGORY_UNI_NOT_WORD", "CATEGORY_LOC_NOT_WORD"}


def _set_admits_letter(items) -> bool:
    for op, arg in items:
        name = str(op)
        if name == "NEGATE":
            return True  # "anything but ..." admits some letter unless it names them all (then a harmless keypad)
        if name == "LITERAL" and chr(arg).upper() in _NOT_X:
            return True
        if name == "RANGE" and any(chr(c).upper() in _NOT_X for c in range(arg[0], arg[1] + 1)):
            return True
        if name == "CATEGORY" and str(arg) not in _NO_LETTER_CATEGORIES:
            return True
    return False


def _admits_letter(parsed) -> bool:
    """Return True when the parsed pattern (re's parser output) can consume a letter other than X."""
    for op, arg in parsed:
        name = str(op)
        if name == "LITERAL":
            found = chr(arg).upper() in _NOT_X
        elif name == "IN":
            found = _set_admits_letter(arg)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            found = arg[1] > 0 and _admits_letter(arg[2])
        elif name == "SUBPATTERN":
            found = _admits_letter(arg[-1])
        elif name == "ATOMIC_GROUP":
            found = _admits_letter(arg)
        elif name == "BRANCH":
            found = any(_admits_letter(branch) for branch in arg[1])
        elif name in ("AT", "ASSERT", "ASSERT_NOT"):
            found = False  # anchors and look-arounds consume nothing
        else:
            found = True  # ANY, NOT_LITERAL, back-references, anything new: letters may be needed
        if found:
            return True
    return False


@functools.lru_cache(maxsize=64)  # the identify screen asks every frame
def pattern_admits_letters(pattern: str) -> bool:
    """Return True when full-match `pattern` (matched ignoring case) may need a letter other than X typed; a pattern
    this cannot read counts as admitting letters (showing the letters never stops a student)."""
    try:
        from re import _parser as parser  # the standard library's own regex parser (Python 3.11+)
    except ImportError:  # pragma: no cover - older Pythons
        import sre_parse as parser  # type: ignore[no-redef]
    try:
        return _admits_letter(parser.parse(pattern))
    except Exception:  # noqa: BLE001 - any parser trouble: show the letters
        return True


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
