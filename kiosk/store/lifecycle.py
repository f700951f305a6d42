"""A record's lifecycle: its statuses, the one table of allowed changes, and the coded refusal of any other.

The table has no dead end: any record with a filed picture (filed, re-filed, or locked after an export) can be
reopened by an operator for a new picture, with a reason; the next filing makes it RECAPTURED, and the next export
hands the new picture over. A record that never had a picture needs no reopening: the person is simply captured.
"""
from __future__ import annotations

from enum import Enum

from capture.errors import CodedError


class Status(str, Enum):
    """Where a record stands. The values are what operators see."""

    NOT_UPLOADED = "未上传"
    FILED = "已上传"
    NEEDS_RECAPTURE = "需重新上传"
    RECAPTURED = "已重新上传"
    LOCKED = "已采集(锁定)"


#: every allowed change, in one place: (from, to) -> what causes it. Anything not listed is refused.
TRANSITIONS: dict[tuple[Status, Status], str] = {
    (Status.NOT_UPLOADED, Status.FILED): "picture filed",
    (Status.FILED, Status.NEEDS_RECAPTURE): "operator reopens the record for a new picture (reason required)",
    (Status.RECAPTURED, Status.NEEDS_RECAPTURE): "operator reopens the record for a new picture (reason required)",
    (Status.LOCKED, Status.NEEDS_RECAPTURE): "operator reopens an exported record (reason required, audited)",
    (Status.NEEDS_RECAPTURE, Status.RECAPTURED): "picture filed again",
    (Status.FILED, Status.LOCKED): "exported, or locked by an operator",
    (Status.RECAPTURED, Status.LOCKED): "exported, or locked by an operator",
}

#: statuses whose record has a picture that counts as filed
FILED_STATUSES = (Status.FILED, Status.RECAPTURED, Status.LOCKED)

#: statuses an operator can reopen for re-capture (derived from the table)
REOPENABLE = tuple(frm for (frm, to) in TRANSITIONS if to is Status.NEEDS_RECAPTURE)

#: every TransitionError code (why a change is refused) -> the fields it carries (sentences in kiosk/texts/store.py)
TRANSITION_CODES: dict[str, tuple[str, ...]] = {
    code: ("from_status", "to_status") for code in (
        "locked",  # a locked record has been exported: only reopening it for re-capture changes it
        "already_filed",  # a picture is already filed; an operator must first reopen the record for re-capture
        "same_status",
        "already_reopened",  # the record already waits for a new picture
        "lock_needs_filed",  # only a filed or re-filed picture can be exported and locked
        "refile_needs_recapture",  # a picture is filed again only after an operator asked for a recapture
        "first_already_filed",
        "recapture_needs_picture",  # a record without a picture is not reopened: the person is simply captured
        "no_way_back",  # a record never goes back to not uploaded
        "not_allowed",  # any other change the table does not list
        "reason_required",  # asking for a new picture needs a reason
        "changed_meanwhile",  # the record changed after it was read for an export: it is not locked
    )
}


class TransitionError(CodedError):
    """A status change that is not allowed: `.from_status`, `.to_status` say which, `.code` (one of
    TRANSITION_CODES) why not; the fields carry the two status names. `.identity` is never part of the text."""

    domain = "store"

    def __init__(self, identity: str, from_status: Status, to_status: Status, code: str) -> None:
        self.identity = identity
        self.from_status = from_status
        self.to_status = to_status
        super().__init__(code, None, from_status=from_status.name, to_status=to_status.name)
        self.args = (f"cannot go from {from_status.name} to {to_status.name}: {code}",)


def refusal_code(from_status: Status, to_status: Status) -> str:
    """Return the TRANSITION_CODES code saying why `from_status` -> `to_status` is not in TRANSITIONS."""
    if from_status is Status.LOCKED:
        return "locked"
    if to_status in (Status.FILED, Status.RECAPTURED) and from_status in (Status.FILED, Status.RECAPTURED):
        return "already_filed"
    if from_status is to_status:
        return "already_reopened" if to_status is Status.NEEDS_RECAPTURE else "same_status"
    if to_status is Status.LOCKED:
        return "lock_needs_filed"
    if to_status is Status.RECAPTURED:
        return "refile_needs_recapture"
    if to_status is Status.FILED:
        return "first_already_filed"
    if to_status is Status.NEEDS_RECAPTURE:
        return "recapture_needs_picture"
    if to_status is Status.NOT_UPLOADED:
        return "no_way_back"
    return "not_allowed"


def refusal(from_status: Status | str, to_status: Status | str) -> str | None:
    """Return why `from_status` -> `to_status` is refused (a TRANSITION_CODES code), or None when it is allowed;
    for screens that disable a button instead of letting it fail."""
    frm, to = Status(from_status), Status(to_status)
    return None if (frm, to) in TRANSITIONS else refusal_code(frm, to)


def check_transition(identity: str, from_status: Status, to_status: Status) -> None:
    """Raise TransitionError unless TRANSITIONS allows `from_status` -> `to_status`."""
    frm, to = Status(from_status), Status(to_status)
    code = refusal(frm, to)
    if code is not None:
        raise TransitionError(identity, frm, to, code)


def reopen_reason(identity: str, status: Status, reason: str | None) -> str:
    """Return `reason` stripped, for reopening a record in `status` for a new picture; raise TransitionError when the
    transition is not allowed or no reason is given (both stores ask this before they change anything)."""
    check_transition(identity, status, Status.NEEDS_RECAPTURE)
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError(identity, Status(status), Status.NEEDS_RECAPTURE, "reason_required")
    return reason


def lock_check(identity: str, status: Status, attempts: int, expected: tuple[Status, int] | None) -> None:
    """Raise TransitionError unless a record in `status` with `attempts` may be locked now: the transition must be
    allowed and, with `expected` (the status and attempt count an export read), the record must not have changed
    since (both stores ask this inside the locking transaction, so nothing slips in between)."""
    check_transition(identity, status, Status.LOCKED)
    if expected is not None and (Status(expected[0]), int(expected[1])) != (Status(status), int(attempts)):
        raise TransitionError(identity, Status(status), Status.LOCKED, "changed_meanwhile")


def filing_target(identity: str, status: Status) -> Status:
    """Return the status a filing moves a record in `status` to, or raise TransitionError (nothing to file: the
    record is filed or locked and must be reopened for re-capture first)."""
    target = Status.RECAPTURED if status is Status.NEEDS_RECAPTURE else Status.FILED
    check_transition(identity, status, target)
    return target
