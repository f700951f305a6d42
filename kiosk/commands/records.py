"""`idphoto records`: the records of a kiosk store, for office staff.

    idphoto records --store DIR [--status S] [--json]           list (opens the store read-only, never chmods)
    idphoto records show CODE --store DIR [--json]              one record, its attempts and its audit trail
    idphoto records recapture CODE --reason TEXT --store DIR    reopen a record (locked ones too) for a new picture
    idphoto records lock CODE --store DIR                       lock a filed record by hand
    idphoto records purge --exported-before DATE --store DIR    remove pictures and numbers handed over before DATE
    idphoto records operators --store DIR [--add NAME]          list the console's operators, or add one

Exit status: 0 done, 1 refused (the sentence says why, e.g. a change the lifecycle does not allow), 2 usage or
setup error (no store there, a bad date).
"""
from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import sys
from pathlib import Path
from typing import Iterable

from kiosk.commands.common import (EXIT_FAILED, EXIT_OK, STORE_HELP, STORE_METAVAR, UsageError, pad, status_arg,
                                   well_formed)

ACTIONS = ("show", "recapture", "lock", "purge", "operators")


def _store_flags(p: argparse.ArgumentParser, child: bool) -> None:
    kwargs = {"default": argparse.SUPPRESS} if child else {}
    p.add_argument("--store", metavar=STORE_METAVAR, help=STORE_HELP, **kwargs)


def _writer_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--operator", metavar="NAME", help="who does this, for the audit (default: your account name)")
    p.add_argument("--station", metavar="NAME", help="the station named in the audit (default: this host's name)")


def add_parser(subparsers) -> None:
    """Add the `records` subcommand (and its actions) to `subparsers`."""
    p = subparsers.add_parser("records", help="list, show, reopen, lock or purge the records of a kiosk store")
    _store_flags(p, child=False)
    p.add_argument("--status", action="append", metavar="S", help="only records with this status (may repeat)")
    p.add_argument("--json", action="store_true", help="one JSON line per record")
    sub = p.add_subparsers(dest="action", metavar="ACTION")
    show = sub.add_parser("show", help="one record with its attempts and audit trail")
    show.add_argument("code", metavar="CODE", help="the record's number")
    show.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="one JSON object")
    again = sub.add_parser("recapture", help="reopen a record (a locked one too) for a new picture")
    again.add_argument("code", metavar="CODE")
    again.add_argument("--reason", required=True, metavar="TEXT", help="why a new picture is needed")
    lock = sub.add_parser("lock", help="lock a filed record (it is then handed over)")
    lock.add_argument("code", metavar="CODE")
    purge = sub.add_parser("purge", help="remove the pictures and numbers of records locked before a date")
    purge.add_argument("--exported-before", required=True, metavar="DATE", help="YYYY-MM-DD")
    operators = sub.add_parser("operators", help="list the console's operators, or add one (first PIN 0000)")
    operators.add_argument("--add", metavar="NAME", help="add an operator; the PIN 0000 must be changed at first use")
    for child in (show, again, lock, purge, operators):
        _store_flags(child, child=True)
    for child in (again, lock, purge, operators):
        _writer_flags(child)
    p.set_defaults(func=run)


def _open(args: argparse.Namespace, readonly: bool):
    from kiosk.store.open import is_server_url, open_store
    from kiosk.store.records import DB_NAME, SqliteRecordStore

    if not getattr(args, "store", None):
        raise UsageError("--store DIR is required: give the kiosk's store folder.")
    if is_server_url(args.store):  # a hall's server: kiosk.store.open chooses the store
        return open_store(well_formed(args.store), station=getattr(args, "station", None), readonly=readonly)
    folder = Path(args.store)
    if not (folder / DB_NAME).is_file():
        raise UsageError(f"{folder}: no records store here (expected {DB_NAME}); give the kiosk's --store folder.")
    if readonly:
        return SqliteRecordStore(folder, readonly=True)
    try:
        return SqliteRecordStore(folder, station=getattr(args, "station", None))
    except PermissionError as exc:
        raise UsageError(f"{folder}: the store cannot be changed from this account ({exc.strerror}); "
                         "run this as the account that runs the kiosk.") from None


def _lines(lines: Iterable[str]) -> None:
    """Print `lines`; a reader that stops early (`| head`) raises BrokenPipeError, which `idphoto` ends quietly
    with its broken-pipe status (kiosk.commands.main)."""
    for line in lines:
        print(line)
    sys.stdout.flush()


def run(args: argparse.Namespace) -> int:
    """Carry out `idphoto records [ACTION]`; return 0 done, 1 refused (UsageError for 2)."""
    from kiosk.store.records import OperatorError, RecordMissing, TransitionError
    from kiosk.texts import error_text

    action = getattr(args, "action", None)
    store = _open(args, readonly=action in (None, "show"))
    try:
        return {None: _list, "show": _show, "recapture": _recapture, "lock": _lock, "purge": _purge,
                "operators": _operators}[action](store, args)
    except (TransitionError, RecordMissing, OperatorError) as exc:
        code = getattr(args, "code", None)
        print(f"refused: {code + ': ' if code else ''}{error_text(exc, 'en')}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        store.close()


def _operator(args: argparse.Namespace) -> str:
    if args.operator:
        return args.operator.strip()
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _list(store, args: argparse.Namespace) -> int:
    from kiosk.store.export import records_json_lines

    statuses = status_arg(args.status)
    records = [r for r in store.list() if statuses is None or r.status in statuses]
    if args.json:
        wanted = {r.identity for r in records}
        _lines(line for line in records_json_lines(store) if json.loads(line)["identity"] in wanted)
        return EXIT_OK
    counts = store.counts_today()
    _lines([f"{'identity':24} {'status':14} {'profile':20} {'attempts':>8}  updated",
            *(f"{r.identity:24} {pad(r.status.value, 14)} {r.profile_id:20} {r.attempts:>8}  {r.updated}" for r in records),
            f"{len(records)} records; today: " + ", ".join(f"{k} {v}" for k, v in counts.items())])
    return EXIT_OK


def _show(store, args: argparse.Namespace) -> int:
    from kiosk.store.records import RecordMissing

    record = store.get(args.code)
    if record is None:
        raise RecordMissing(args.code)
    attempts, audit = store.attempts(record.identity), store.audit(record.identity)
    _lines([show_json(record, attempts, audit)] if getattr(args, "json", False)
           else show_lines(record, attempts, audit))
    return EXIT_OK


def _failed_gates(gates: dict) -> str:
    failed = sorted(name for name, g in gates.items() if isinstance(g, dict) and g.get("ok") is False)
    return "failed: " + " ".join(failed) if failed else "no gate failed"


def show_lines(record, attempts, audit) -> list[str]:
    """Return the text `records show` prints: the record, its attempts, its audit trail."""
    lines = [f"{record.identity}  {record.status.value} ({record.status.name.lower()})",
             f"  profile   {record.profile_id}", f"  picture   {record.picture or '-'}",
             f"  station   {record.station or '-'}", f"  created   {record.created}", f"  updated   {record.updated}"]
    if record.reason:
        lines.append(f"  reason    {record.reason}")
    lines.append(f"attempts ({len(attempts)}):")
    for n, a in enumerate(attempts, 1):
        outcome = f"filed {a.picture}" if a.accepted else _failed_gates(a.gates)
        lines.append(f"  {n:>3}. {a.at}  {a.station or '-':16} {outcome}")
    lines.append(f"audit ({len(audit)}):")
    for e in audit:
        change = f"{e.from_status} -> {e.to_status}" if e.from_status else ""
        why = f"  reason: {e.reason}" if e.reason else ""
        lines.append(f"  {e.at}  {e.action:8} {change:30} by {e.operator or '-'} at {e.station or '-'}{why}")
    return lines


def show_json(record, attempts, audit) -> str:
    """Return `records show --json`: one object {"record", "attempts", "audit"}."""
    from dataclasses import asdict

    doc = {"record": dict(asdict(record), status=record.status.value, status_name=record.status.name),
           "attempts": [asdict(a) for a in attempts], "audit": [e.to_dict() for e in audit]}
    return json.dumps(doc, ensure_ascii=False, default=str)


def _recapture(store, args: argparse.Namespace) -> int:
    record = store.mark_recapture(args.code, args.reason, operator=_operator(args))
    print(f"{record.identity}: reopened for a new picture ({record.status.value}); the next picture filed becomes "
          "已重新上传 and goes into the next export.")
    return EXIT_OK


def _lock(store, args: argparse.Namespace) -> int:
    [record] = store.lock([args.code], operator=_operator(args), reason="locked by hand")
    print(f"{record.identity}: locked ({record.status.value}).")
    return EXIT_OK


def _purge(store, args: argparse.Namespace) -> int:
    try:
        before = dt.date.fromisoformat(args.exported_before)
    except ValueError:
        raise UsageError(f"--exported-before {args.exported_before!r}: give a date as YYYY-MM-DD.") from None
    report = store.purge(before, operator=_operator(args))
    print(f"purged {report.records} records locked before {report.before}: {report.pictures} picture files and "
          f"{report.attempts} attempts removed (the audit keeps these counts only).")
    return EXIT_OK


def _operators(store, args: argparse.Namespace) -> int:
    if args.add:
        from kiosk.console.pin import DEFAULT_PIN, hash_pin

        operator = store.add_operator(args.add, hash_pin(DEFAULT_PIN))
        print(f"{operator.name}: added; the first PIN is {DEFAULT_PIN} and must be changed at first use.")
        return EXIT_OK
    _lines([f"{o.name:32} since {o.created}" for o in store.operators()] or ["no operators yet (the console "
                                                                               "makes \"operator 1\" at first use)"])
    return EXIT_OK
