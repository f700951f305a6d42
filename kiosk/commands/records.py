"""`idphoto records`: list the records of a kiosk store (a table, or one JSON line per record)."""
from __future__ import annotations

import argparse
import json

from kiosk.commands.common import EXIT_OK, open_store, status_arg


def add_parser(subparsers) -> None:
    """Add the `records` subcommand to `subparsers`."""
    p = subparsers.add_parser("records", help="list the records of a kiosk store")
    p.add_argument("--store", required=True, metavar="DIR", help="the kiosk's store folder")
    p.add_argument("--status", action="append", metavar="S", help="only records with this status (may repeat)")
    p.add_argument("--json", action="store_true", help="one JSON line per record")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the store's records (those with the --status asked for); return 0."""
    from kiosk.store.export import records_json_lines

    statuses = status_arg(args.status)
    store = open_store(args.store)
    try:
        records = [r for r in store.list() if statuses is None or r.status in statuses]
        if args.json:
            wanted = {r.identity for r in records}
            for line in records_json_lines(store):
                if json.loads(line)["identity"] in wanted:
                    print(line)
        else:
            print(f"{'identity':24} {'status':14} {'profile':20} {'attempts':>8}  updated")
            for r in records:
                print(f"{r.identity:24} {r.status.value:14} {r.profile_id:20} {r.attempts:>8}  {r.updated}")
            counts = store.counts_today()
            print(f"{len(records)} records; today: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    finally:
        store.close()
    return EXIT_OK
