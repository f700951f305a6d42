"""`idphoto roster`: the class list (名单) of a store: import it from a .csv or .xlsx file, show who is still
missing by class, clear it. With a list loaded the kiosk, `--identity` and `idphoto import` accept only numbers on it.

    idphoto roster import FILE --store DIR [--skip-bad] [--config FILE]
    idphoto roster show --store DIR [--missing] [--json]
    idphoto roster clear --store DIR

A file with any bad row (an empty, malformed or repeated number) imports nothing: every bad row is printed with its
line, exit status 1, the old list stays. With --skip-bad the good rows are loaded, the bad ones printed, exit 1.
Names are shown only by `roster show --missing` (and written to the export's missing list), never logged.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kiosk.commands.common import (EXIT_FAILED, EXIT_OK, EXIT_USAGE, STORE_HELP, STORE_METAVAR, UsageError,
                                   load_config, open_or_create_store, open_store, pad)
from kiosk.texts import error_text

ACTIONS = ("import", "show", "clear")
_USAGE_CODES = ("roster_missing", "roster_kind")  # the file argument itself is wrong: exit 2


def add_parser(subparsers) -> None:
    """Add the `roster` subcommand (import, show, clear) to `subparsers`."""
    p = subparsers.add_parser("roster", help="the class list (名单): import it, show who is missing, clear it")
    p.add_argument("action", choices=ACTIONS, help="import FILE | show | clear")
    p.add_argument("file", nargs="?", metavar="FILE", help="for import: the class list, .csv or .xlsx, with a "
                                                           "header row (学号/number, 姓名/name, 班级/class)")
    p.add_argument("--store", metavar=STORE_METAVAR, help=f"{STORE_HELP} (or from --config)")
    p.add_argument("--config", metavar="FILE", help="take the store and the accepted number patterns from a "
                                                   "station's kiosk config file")
    p.add_argument("--skip-bad", action="store_true", help="import: load the good rows even if some are bad")
    p.add_argument("--missing", action="store_true", help="show: list the students still without a picture "
                                                          "(with names)")
    p.add_argument("--json", action="store_true", help="show: print JSON")
    p.set_defaults(func=run)


def _rules_and_store(args: argparse.Namespace):
    from kiosk.store.postgres_url import is_server_url
    """Return (identity rules, the store: a folder or a hall server's URL) from --config and --store (--store wins);
    UsageError without a store."""
    from kiosk.station.settings import identity_rules, resolve

    file_values = load_config(args.config).values if args.config else {}
    values = resolve(file_values, {}, {"store": args.store} if args.store else {})
    if not args.store and "store" not in file_values:
        raise UsageError("give the kiosk's store folder with --store DIR (or a station's --config FILE).")
    store = str(values["store"])
    return identity_rules(values), (store if is_server_url(store) else Path(store))


def run(args: argparse.Namespace) -> int:
    """Run the roster action; return 0, 1 (bad rows, or nothing to load), 2 (usage: no file, wrong kind of file)."""
    if args.action == "import" and not args.file:
        raise UsageError("roster import needs the class-list file: idphoto roster import FILE --store DIR")
    if args.action != "import" and args.file:
        raise UsageError(f"roster {args.action} takes no file (did you mean: roster import {args.file}?)")
    rules, folder = _rules_and_store(args)
    if args.action == "import":
        return _import(Path(args.file), folder, rules, args.skip_bad)
    store = open_store(folder)
    try:
        if args.action == "clear":
            removed = store.clear_roster()
            print(f"class list cleared ({_n(removed, 'number')}); every number is accepted again." if removed
                  else "no class list was loaded; nothing to clear.")
            return EXIT_OK
        return _show(store, args.missing, args.json)
    finally:
        store.close()


def _import(path: Path, folder: Path | str, rules, skip_bad: bool) -> int:
    """Read, check and load the list in `path` into the store in `folder` (see the module text)."""
    from kiosk.store.roster import RosterError, read_roster

    try:
        parsed = read_roster(path, rules)
    except RosterError as exc:
        print(f"error: {error_text(exc, 'en')}", file=sys.stderr)
        return EXIT_USAGE if exc.code in _USAGE_CODES else EXIT_FAILED
    for problem in parsed.problems:
        shown = f" ({problem.value})" if problem.value else ""
        print(f"{path.name} line {problem.line}{shown}: {error_text(problem.error, 'en')}", file=sys.stderr)
    if parsed.problems and not skip_bad:
        print(f"nothing imported: {_n(len(parsed.problems), 'bad row')}; the class list is unchanged. Fix the file "
              f"and import it again, or add --skip-bad to load the {_n(len(parsed.entries), 'good row')}.",
              file=sys.stderr)
        return EXIT_FAILED
    if not parsed.entries:
        print("nothing imported: no good rows; the class list is unchanged.", file=sys.stderr)
        return EXIT_FAILED
    store = open_or_create_store(folder)
    try:
        change = store.replace_roster(parsed.entries)
    finally:
        store.close()
    classes = len({e.group for e in parsed.entries})
    print(f"class list loaded from {path.name}: {_n(change.total, 'number')} in {_n(classes, 'class', 'es')}"
          f" (number column {parsed.number_column + 1}, {parsed.encoding}); added {change.added}, removed "
          f"{change.removed}, unchanged {change.unchanged}" + (f" ({change.updated} with a new name or class)"
                                                              if change.updated else "") + ".")
    if parsed.problems:
        print(f"{_n(len(parsed.problems), 'bad row')} left out (--skip-bad).", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _show(store, missing: bool, as_json: bool) -> int:
    """Print the class list's figures by class (and, with `missing`, who is still without a picture)."""
    from kiosk.store.roster import class_counts, missing_students

    counts = class_counts(store)
    absent = missing_students(store) if missing else []
    if as_json:
        doc = {"loaded": bool(counts), "classes": [c.to_dict() for c in counts],
               "expected": sum(c.expected for c in counts), "missing": sum(c.missing for c in counts)}
        if missing:
            doc["missing_students"] = [m.row() for m in absent]
        print(json.dumps(doc, ensure_ascii=False))
        return EXIT_OK
    if not counts:
        print("no class list loaded: every number the station's rules accept is filed (idphoto roster import FILE).")
        return EXIT_OK
    print(f"{_pad('class')} {'expected':>8} {'done':>6} {'missing':>8}")
    for c in counts:
        print(f"{_pad(c.group or '(no class)')} {c.expected:>8} {c.done:>6} {c.missing:>8}")
    total = sum(c.expected for c in counts), sum(c.done for c in counts)
    print(f"{_pad('total')} {total[0]:>8} {total[1]:>6} {total[0] - total[1]:>8}")
    for m in absent:
        row = m.row()
        print(f"missing {row['number']}  {row['name'] or '-'}  {row['class'] or '(no class)'}  {row['status']}")
    return EXIT_OK


def _n(count: int, word: str, plural: str = "s") -> str:
    """Return "1 number" / "3 numbers"."""
    return f"{count} {word}{'' if count == 1 else plural}"


def _pad(label: str, width: int = 16) -> str:
    """Return `label` padded to `width` terminal columns (a Chinese character takes two)."""
    return pad(label, width)
