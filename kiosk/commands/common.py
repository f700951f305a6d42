"""What several `idphoto` subcommands share: exit statuses, the usage error and the coded command error, the
--profiles-dir flag, collecting photo inputs, checking an output path, the --replace-backdrop colour, reading a
station's config file, and opening a records store."""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import unicodedata
from pathlib import Path
from typing import Any, Mapping, Sequence

from capture.errors import CodedError, error_name
from capture.files import private_folder
from kiosk.texts import text

#: exit statuses: done; some input refused or failed; usage or setup error (a wrong flag, an unusable output path
#: or store); interrupted (Ctrl+C). A closed output pipe (`idphoto records | head`) ends quietly with 141 (128 +
#: SIGPIPE), as Unix tools do.
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 0, 1, 2, 130, 141
#: the --store flag of every command that opens the records: its metavar and help
STORE_METAVAR, STORE_HELP = "DIR|URL", "the kiosk's store folder or a hall server's postgresql:// URL"

#: every CommandError code -> the fields its sentence (kiosk/texts/cli.py) names
CLI_CODES: Mapping[str, tuple[str, ...]] = {
    "output_is_folder": ("example",),
    "output_folder_missing": ("folder",),
    "output_not_writable": ("folder", "error"),
    "output_failed": ("error",),
    "export_failed": ("error",),
    "no_display": (),
    "display_unusable": ("detail",),
    **{code: () for code in ("store_url_malformed", "store_url_no_host", "store_url_no_database",
                             "store_url_no_user", "password_file_empty")},  # idphoto kiosk: a hall server's URL
    "password_file_unreadable": ("error",),
    "local_unusable": ("error",),
}


class UsageError(Exception):
    """Bad arguments or configuration: printed as one line, exit status 2."""


class CommandError(CodedError):
    """A problem with what the command was asked to do (an output path it cannot write, no display): `code` is one
    of CLI_CODES, `subject` the path or thing it is about; printed as one sentence (kiosk.texts, "cli.CODE") and
    the command ends with `status` (EXIT_USAGE unless given)."""

    domain = "cli"

    def __init__(self, code: str, subject: str | Path | None = None, *, status: int = EXIT_USAGE,
                 **fields: Any) -> None:
        super().__init__(code, str(subject) if subject is not None else None, **fields)
        self.status = status


def _check_writable(folder: Path, target: Path) -> None:
    """Raise CommandError unless a file can be created in existing `folder` (a small file is made and removed)."""
    try:
        fd, name = tempfile.mkstemp(dir=folder, prefix=".idphoto-probe-")
        os.close(fd)
        os.unlink(name)
    except OSError as exc:
        raise CommandError("output_not_writable", target, folder=str(folder), error=error_name(exc)) from None


def output_file(path: str | Path, example: str) -> Path:
    """Return `path` as a file the command may write (the file itself is written later); CommandError (exit 2) when
    it names a folder (then `example`, a file name, is suggested inside it), its folder does not exist, or that
    folder cannot be written."""
    raw = str(path)
    target = Path(path)
    if target.is_dir() or raw.endswith(("/", os.sep)):
        raise CommandError("output_is_folder", target, example=str(target / example))
    folder = target.parent
    if not folder.is_dir():
        raise CommandError("output_folder_missing", target, folder=str(folder))
    _check_writable(folder, target)
    return target


def output_folder(path: str | Path) -> Path:
    """Return output folder `path`, created owner-only (0700) when missing; CommandError (exit 2) when it is a file,
    cannot be created or cannot be written."""
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise CommandError("output_folder_missing", folder, folder=str(folder))
    try:
        private_folder(folder)
    except OSError as exc:
        raise CommandError("output_not_writable", folder, folder=str(folder), error=error_name(exc)) from None
    _check_writable(folder, folder)
    return folder


def add_profile_dirs(parser: argparse.ArgumentParser) -> None:
    """Add the --profiles-dir flag (extra folders of profile .toml files) to `parser`."""
    parser.add_argument(
        "--profiles-dir", action="append", default=[], metavar="DIR",
        help="extra folder of profile .toml files (may repeat; also $IDPHOTO_PROFILE_DIRS)",
    )


def photo_inputs(inputs: Sequence[str], verb: str) -> tuple[list[Path], list[str], dict[str, int]]:
    """Return (photo files, argument problems, skipped entries of the folders by kind) for `inputs`, printing the
    problems; UsageError if no photo is left."""
    from kiosk.tools.batch import collect_inputs

    files, problems, skipped = collect_inputs(inputs)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if not files:
        raise UsageError(f"no photos to {verb}: give photo files or folders that contain photos."
                         + (f" ({skipped_sentence(skipped)})" if skipped else ""))
    return files, problems, skipped


def skipped_sentence(skipped: Mapping[str, int], lang: str = "en") -> str:
    """Return "skipped 2: 1 folder, 1 broken link" for `skipped` (kind -> count), or "" when nothing was skipped."""
    parts = [text(f"cli.skipped_{kind}{'' if n == 1 else 's'}", lang, n=n) for kind, n in skipped.items() if n]
    if not parts:
        return ""
    return text("cli.skipped", lang, count=sum(skipped.values()), parts=text("cli.list_separator", lang).join(parts))


def new_backdrop(profile, replace: bool, name: str | None):
    """Return the profile Background asked for by --replace-backdrop (`replace`) [--backdrop `name`], or None;
    UsageError for a colour the profile does not allow, or a --backdrop without --replace-backdrop."""
    from capture.picture import backdrop_colour

    if name and not replace:
        raise UsageError("--backdrop names the colour for --replace-backdrop; add --replace-backdrop.")
    if not replace:
        return None
    try:
        return backdrop_colour(profile, name)
    except ValueError as exc:
        raise UsageError(f"--backdrop: {exc}.") from None


def load_config(path: str):
    """Return the KioskConfig in file `path`, or raise UsageError naming the file and the problem."""
    from kiosk.station.config import ConfigError, load_kiosk_config

    try:
        return load_kiosk_config(path)
    except ConfigError as exc:
        raise UsageError(f"--config {exc}") from None


def status_arg(values: list[str] | None):
    """Return the record Statuses named by --status `values` (None if none given); UsageError for an unknown one."""
    from kiosk.store.records import Status

    if not values:
        return None
    out = []
    for value in values:
        match = next((st for st in Status if value in (st.name, st.name.lower(), st.value)), None)
        if match is None:
            names = ", ".join(f"{st.name.lower()} ({st.value})" for st in Status)
            raise UsageError(f"--status {value!r}: unknown status (use one of: {names}).")
        out.append(match)
    return out


def well_formed(spec: str | Path) -> str | Path:
    """Return `spec` when it is a folder or a well-formed hall server URL; CommandError (exit 2) naming the masked
    URL and what is missing (the kiosk's own check, kiosk.station.store_address.check_url)."""
    from kiosk.station.store_address import AddressError, check_url

    try:
        check_url(str(spec))
    except AddressError as exc:
        raise CommandError(exc.code, exc.subject, **exc.fields) from None
    return spec


def open_store(spec: str | Path):
    """Return the open store `spec` names: a hall server's URL (kiosk.store.open; StoreError when it cannot be used,
    the password never shown) or the SqliteRecordStore in folder `spec` (UsageError if it holds no records store)."""
    from kiosk.store.open import is_server_url, open_store as open_any
    from kiosk.store.records import SqliteRecordStore

    if is_server_url(str(spec)):
        return open_any(str(well_formed(spec)))
    folder = Path(spec)
    if not (folder / "records.sqlite3").exists():
        raise UsageError(f"{folder}: no records store here (expected records.sqlite3); give the kiosk's --store folder.")
    return SqliteRecordStore(folder)


def open_or_create_store(spec: str | Path):
    """Return the open store `spec` names: a hall server's URL (kiosk.store.open), or the SqliteRecordStore in
    folder `spec`, creating it (and saying so on stderr) when there is none yet; UsageError when the folder cannot
    be used."""
    from kiosk.store.open import is_server_url, open_store as open_any
    from kiosk.store.records import SqliteRecordStore

    if is_server_url(str(spec)):
        return open_any(str(well_formed(spec)))
    folder = Path(spec)
    if not (folder / "records.sqlite3").exists():
        print(f"{folder}: no records store yet, creating one.", file=sys.stderr)
    try:
        return SqliteRecordStore(folder)
    except OSError as exc:
        raise unusable_store(folder, exc) from None


def unusable_store(folder: str | Path, exc: OSError) -> UsageError:
    """Return the usage error for a store `folder` that cannot be created or written (`exc` says why)."""
    return UsageError(f"{folder}: the store folder cannot be used ({exc.strerror or exc}).")


def pad(label: str, width: int) -> str:
    """Return `label` padded with spaces to `width` terminal columns (a Chinese character takes two)."""
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in label)
    return label + " " * max(width - shown, 0)
