"""The store's coded refusals besides the lifecycle's: a records file that cannot be used, a picture that was not
filed. STORE_CODES declares every code of the "store" domain (these and the lifecycle's) with its fields."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from capture.errors import CodedError, Codes
from kiosk.store.lifecycle import TRANSITION_CODES
from kiosk.store.postgres_codes import SERVER_CODES

#: every StoreError / PictureRejected code -> the fields it carries (sentences in kiosk/texts/store.py)
FILING_CODES: dict[str, tuple[str, ...]] = {
    "records_unusable": ("detail", "pictures"),  # StoreError: the records file cannot be opened as a database
    "picture_rejected": ("problems",),  # PictureRejected: the bytes fail the profile's file check
    "disk_mismatch": (),  # PictureRejected: the file read back is not the picture written
    "name_taken": ("name",),  # PictureRejected: another record already uses the picture's file name
    "schema_newer": ("count", "max"),  # StoreError: the records file was made by a newer program
    "no_record": (),  # RecordMissing: no record has this number
    "operator_exists": ("name",),  # OperatorError: an operator of this name is already set up
    "operator_unknown": ("name",),  # OperatorError: no operator of this name
    "operator_name": (),  # OperatorError: a name must be 1-32 printable characters
    "filed_elsewhere": ("name",),  # FiledElsewhere: an offline filing met a record station `name` filed meanwhile
    "server_offline": ("name",),  # StoreError: a station's outbox cannot do `name` (a method) without the server
}

#: every RosterError code (a class-list file that cannot be read) and row problem (kiosk.store.roster) -> its fields
ROSTER_CODES: dict[str, tuple[str, ...]] = {
    "roster_missing": (),  # the file given does not exist
    "roster_kind": (),  # neither .csv nor .xlsx
    "roster_unreadable": ("error",),  # the disk refused (an errno name)
    "roster_encoding": (),  # a CSV in neither UTF-8 nor GBK
    "roster_xlsx": ("detail",),  # an .xlsx that is not a readable workbook
    "roster_no_rows": (),  # a header and nothing under it (or nothing at all)
    "roster_row_empty": (),  # a row with a name or class but no number
    "roster_row_duplicate": ("count",),  # the number was already on line `count`
    "roster_row_lost_digits": (),  # Excel stored a long number as a number and rounded its last digits
}

#: every code of the "store" domain -> its fields
STORE_CODES: dict[str, tuple[str, ...]] = {**TRANSITION_CODES, **FILING_CODES, **ROSTER_CODES, **SERVER_CODES}


class StoreError(CodedError):
    """The store folder or its records file cannot be used; `subject` is the file, `code` says what is wrong."""

    domain = "store"

    def __init__(self, path: str | Path, code: str, **fields: object) -> None:
        self.path = str(path)
        super().__init__(code, self.path, **fields)


class RecordMissing(CodedError, KeyError):
    """No record has this number (code "no_record"); `.identity` is never part of the text."""

    domain = "store"

    def __init__(self, identity: str) -> None:
        self.identity = identity
        super().__init__("no_record", None)

    def __str__(self) -> str:
        return "no_record"


class OperatorError(CodedError, ValueError):
    """An operator cannot be added, found or named as asked (codes "operator_*")."""

    domain = "store"


class PictureRejected(CodedError, ValueError):
    """The picture bytes do not meet the profile (nothing was filed); `.problems` lists the codes of the file
    check's findings when the code is "picture_rejected"."""

    domain = "store"

    def __init__(self, identity: str, code: str, problems: Iterable[str] = (), **fields: object) -> None:
        self.identity = identity
        self.problems = Codes(problems)
        if code == "picture_rejected":
            fields["problems"] = self.problems
        super().__init__(code, None, **fields)
