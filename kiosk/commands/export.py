"""`idphoto export`: export filed pictures as a verified zip for hand-over (the exported records are locked)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from capture.errors import error_name
from kiosk.commands.common import (EXIT_FAILED, EXIT_OK, CommandError, UsageError, open_store, output_file,
                                   status_arg)
from kiosk.texts import error_text


def add_parser(subparsers) -> None:
    """Add the `export` subcommand to `subparsers`."""
    p = subparsers.add_parser("export", help="export filed pictures as a verified zip for hand-over (locks them)")
    p.add_argument("--store", required=True, metavar="DIR", help="the kiosk's store folder")
    p.add_argument("--status", action="append", metavar="S", help="statuses to export (default: filed, recaptured)")
    p.add_argument("-o", "--output", required=True, metavar="batch.zip", help="the zip to write")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write the zip; return 0, 1 if it did not check out or some records were refused, 2 (CommandError) for an
    output path that cannot be written (checked before anything is done; nothing is locked then)."""
    from kiosk.store.export import ExportError, export_batch
    from kiosk.store.open import is_server_url
    from kiosk.store.records import Status

    statuses = status_arg(args.status) or [Status.FILED, Status.RECAPTURED]
    output = output_file(args.output, "batch.zip")
    if is_server_url(args.store):  # the hall's export (pictures read from the server) comes with issue #14's part 5
        raise UsageError("--store: exporting from a hall server (postgresql://) is not available yet; export "
                         "from a station's store folder.")
    store = open_store(args.store)
    try:
        report = export_batch(store, Path(output), statuses)
    except (ExportError, ValueError) as exc:
        print(f"error: {error_text(exc, 'en')}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as exc:  # the disk filled or went away while writing: the zip was not renamed into place
        raise CommandError("export_failed", output, error=error_name(exc)) from None
    finally:
        store.close()
    if report.zip_path is None:
        print("nothing to export: no records in " + ", ".join(s.value for s in statuses) + ".")
    else:
        print(f"wrote {report.zip_path}: {len(report.exported)} pictures (verified; those records are now locked).")
    if report.missing is not None:
        print(missing_sentence(report.missing, report.missing_path))
    for identity, why in report.refused.items():
        print(f"refused {identity}: {why}", file=sys.stderr)
    return EXIT_FAILED if report.refused else EXIT_OK


def missing_sentence(missing: int, path: Path | None) -> str:
    """Return the summary line about the class list: how many students on it have no picture yet, and where they
    are listed (a CSV beside the zip, names inside: private)."""
    if missing == 0:
        return "class list: every student on it has a picture."
    where = f"; listed in {path} (names inside: keep it private)" if path else ""
    return f"class list: {missing} student{'' if missing == 1 else 's'} on it still without a picture{where}."
