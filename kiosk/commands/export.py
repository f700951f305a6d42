"""`idphoto export`: export filed pictures as a verified zip for hand-over (the exported records are locked).

    idphoto export --store DIR -o batch.zip                          a station's store folder
    idphoto export --store postgresql://... -o hall.zip              the whole hall (its PostgreSQL server)
    idphoto export --store postgresql://... --station desk-3 -o d3.zip   only what station desk-3 filed last
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from capture.errors import error_name
from kiosk.commands.common import (EXIT_FAILED, EXIT_OK, STORE_HELP, STORE_METAVAR, CommandError, UsageError,
                                   output_file, status_arg)
from kiosk.texts import error_text


def add_parser(subparsers) -> None:
    """Add the `export` subcommand to `subparsers`."""
    p = subparsers.add_parser("export", help="export filed pictures as a verified zip for hand-over (locks them)")
    p.add_argument("--store", required=True, metavar=STORE_METAVAR, help=STORE_HELP)
    p.add_argument("--station", metavar="NAME",
                   help="only the records whose last filing was made at station NAME (default: all)")
    p.add_argument("--status", action="append", metavar="S", help="statuses to export (default: filed, recaptured)")
    p.add_argument("-o", "--output", required=True, metavar="batch.zip", help="the zip to write")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write the zip; return 0, 1 if it did not check out or some records were refused, 2 (CommandError) for an
    output path that cannot be written (checked before anything is done; nothing is locked then)."""
    from kiosk.store.export import ExportError, export_batch
    from kiosk.store.records import Status

    statuses = status_arg(args.status) or [Status.FILED, Status.RECAPTURED]
    station = (args.station or "").strip() or None
    if args.station is not None and station is None:
        raise UsageError("--station: give the name of a station (as the console shows it).")
    output = output_file(args.output, "batch.zip")
    store = _open(args.store)
    try:
        report = export_batch(store, Path(output), statuses, station=station)
    except (ExportError, ValueError) as exc:
        print(f"error: {error_text(exc, 'en')}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as exc:  # the disk filled or went away while writing: the zip was not renamed into place
        raise CommandError("export_failed", output, error=error_name(exc)) from None
    finally:
        store.close()
    if report.zip_path is None:
        at = f" filed at station {station}" if station else ""
        print("nothing to export: no records" + at + " in " + ", ".join(s.value for s in statuses) + ".")
    else:
        print(f"wrote {report.zip_path}: {len(report.exported)} pictures (verified; those records are now locked).")
    if report.missing is not None:
        print(missing_sentence(report.missing, report.missing_path))
    for identity, why in report.refused.items():
        print(f"refused {identity}: {why}", file=sys.stderr)
    return EXIT_FAILED if report.refused else EXIT_OK


def _open(spec: str):
    """Return the open store `spec` names (kiosk.store.open.open_store): a hall's server URL (StoreError when it
    cannot be used, worded with the password masked), or a station's folder, which must hold a records store
    (UsageError otherwise)."""
    from kiosk.commands.common import well_formed
    from kiosk.store.open import is_server_url, open_store
    from kiosk.store.records import DB_NAME

    if not is_server_url(spec) and not (Path(spec) / DB_NAME).exists():
        raise UsageError(f"{spec}: no records store here (expected {DB_NAME}); give the kiosk's --store folder "
                         "or the hall's postgresql:// address.")
    return open_store(well_formed(spec))


def missing_sentence(missing: int, path: Path | None) -> str:
    """Return the summary line about the class list: how many students on it have no picture yet, and where they
    are listed (a CSV beside the zip, names inside: private)."""
    if missing == 0:
        return "class list: every student on it has a picture."
    where = f"; listed in {path} (names inside: keep it private)" if path else ""
    return f"class list: {missing} student{'' if missing == 1 else 's'} on it still without a picture{where}."
