"""`idphoto eval`: measure the gates against a labelled folder (optionally with K-fold held-out accuracy)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kiosk.commands.common import EXIT_OK, UsageError, add_profile_dirs
from profiles import DEFAULT_PROFILE_ID, get_profile


def add_parser(subparsers) -> None:
    """Add the `eval` subcommand to `subparsers`."""
    p = subparsers.add_parser("eval", help="measure the gates against a labelled folder")
    p.add_argument("folder", metavar="DIR")
    p.add_argument("--labels", metavar="manifest.csv", help="label file (default DIR/manifest.csv)")
    p.add_argument("--profile", default=DEFAULT_PROFILE_ID, help=f"profile id (default {DEFAULT_PROFILE_ID})")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--folds", type=int, default=0, metavar="K",
                   help="also estimate held-out accuracy: K-fold cross-validation of each gate's threshold")
    add_profile_dirs(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Check every labelled photo and print how well each gate agrees with the labels; return 0."""
    # the engine and the evaluation tools are imported here, not at the top, so `idphoto --help` starts fast
    from capture.check import StillChecker
    from capture.gates import GATE_ORDER
    from kiosk.tools.evaluate import evaluate_labelled, format_report, read_labels

    profile = get_profile(args.profile, args.profiles_dir)
    folder = Path(args.folder)
    if not folder.is_dir():
        raise UsageError(f"{folder}: not a folder of photos.")
    if args.folds and args.folds < 2:
        raise UsageError("--folds: give 2 or more folds (5 is usual).")
    try:
        rows = read_labels(args.labels or folder / "manifest.csv")
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise UsageError(f"labels cannot be read: {exc}") from None
    results = []
    with StillChecker() as checker:
        for i, row in enumerate(rows, 1):
            results.append(checker.check_file(folder / row["file"], profile))
            if not args.json and sys.stderr.isatty():
                print(f"\r{i}/{len(rows)}", end="", file=sys.stderr, flush=True)
    report = evaluate_labelled(rows, results, profile, GATE_ORDER)
    held = None
    if args.folds:
        from kiosk.tools.crossval import cross_validate
        from kiosk.tools.evaluate import LABEL_RULES

        held = cross_validate(rows, results, profile, LABEL_RULES, folds=args.folds)
    if args.json:
        doc = report.to_dict()
        if held is not None:
            doc["held_out"] = {"folds": args.folds, "gates": {name: h.to_dict() for name, h in held.items()}}
        print(json.dumps(doc, indent=2))
    else:
        from kiosk.tools.evaluate import format_held_out

        print(format_report(report))
        if held is not None:
            print(format_held_out(report, held, args.folds))
    return EXIT_OK
