"""A record's lifecycle: its statuses, the one table of allowed changes, and the coded refusal of any other."""
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
    (Status.FILED, Status.NEEDS_RECAPTURE): "operator asks for a new picture (reason required)",
    (Status.NEEDS_RECAPTURE, Status.RECAPTURED): "picture filed again",
    (Status.FILED, Status.LOCKED): "exported",
    (Status.RECAPTURED, Status.LOCKED): "exported",
}

#: statuses whose record has a picture that counts as filed
FILED_STATUSES = (Status.FILED, Status.RECAPTURED, Status.LOCKED)

#: every TransitionError code (why a change is refused) -> the fields it carries (sentences in kiosk/texts/store.py)
TRANSITION_CODES: dict[str, tuple[str, ...]] = {
    code: ("from_status", "to_status") for code in (
        "locked",  # a locked record has been exported and never changes
        "already_filed",  # a picture is already filed; an operator must first mark the record for recapture
        "same_status",
        "lock_needs_filed",  # only a filed or re-filed picture can be exported and locked
        "refile_needs_recapture",  # a picture is filed again only after an operator asked for a recapture
        "first_already_filed",
        "recapture_needs_filed",  # only a record with a filed (not re-filed, not locked) picture goes back
        "no_way_back",  # a record never goes back to not uploaded
        "not_allowed",  # any other change the table does not list
        "reason_required",  # asking for a new picture needs a reason
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
        return "same_status"
    if to_status is Status.LOCKED:
        return "lock_needs_filed"
    if to_status is Status.RECAPTURED:
        return "refile_needs_recapture"
    if to_status is Status.FILED:
        return "first_already_filed"
    if to_status is Status.NEEDS_RECAPTURE:
        return "recapture_needs_filed"
    if to_status is Status.NOT_UPLOADED:
        return "no_way_back"
    return "not_allowed"


def check_transition(identity: str, from_status: Status, to_status: Status) -> None:
    """Raise TransitionError unless TRANSITIONS allows `from_status` -> `to_status`."""
    frm, to = Status(from_status), Status(to_status)
    if (frm, to) not in TRANSITIONS:
        raise TransitionError(identity, frm, to, refusal_code(frm, to))


def filing_target(identity: str, status: Status) -> Status:
    """Return the status a filing moves a record in `status` to, or raise TransitionError."""
    target = Status.RECAPTURED if status is Status.NEEDS_RECAPTURE else Status.FILED
    check_transition(identity, status, target)
    return target
