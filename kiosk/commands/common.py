"""What several `idphoto` subcommands share: exit statuses, the usage error, the --profiles-dir flag, collecting
photo inputs, the --replace-backdrop colour, reading a station's config file, and opening a records store."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad arguments or configuration: printed as one line, exit status 2."""


def add_profile_dirs(parser: argparse.ArgumentParser) -> None:
    """Add the --profiles-dir flag (extra folders of profile .toml files) to `parser`."""
    parser.add_argument(
        "--profiles-dir", action="append", default=[], metavar="DIR",
        help="extra folder of profile .toml files (may repeat; also $IDPHOTO_PROFILE_DIRS)",
    )


def photo_inputs(inputs: Sequence[str], verb: str) -> tuple[list[Path], list[str]]:
    """Return (photo files, argument problems) for `inputs`, printing the problems; UsageError if none is left."""
    from kiosk.tools.batch import collect_inputs

    files, problems = collect_inputs(inputs)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if not files:
        raise UsageError(f"no photos to {verb}: give photo files or folders that contain photos.")
    return files, problems


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


def open_store(path: str):
    """Return the SqliteRecordStore in folder `path`; UsageError if the folder holds no records store."""
    from kiosk.store.records import SqliteRecordStore

    folder = Path(path)
    if not (folder / "records.sqlite3").exists():
        raise UsageError(f"{folder}: no records store here (expected records.sqlite3); give the kiosk's --store folder.")
    return SqliteRecordStore(folder)


def unusable_store(folder: str | Path, exc: OSError) -> UsageError:
    """Return the usage error for a store `folder` that cannot be created or written (`exc` says why)."""
    return UsageError(f"{folder}: the store folder cannot be used ({exc.strerror or exc}).")
