"""`idphoto check`: check photos against the gates and a profile's file rules (sentences, JSON, or an HTML report)."""
from __future__ import annotations

import argparse
import json
import sys

from capture.errors import error_name
from kiosk.commands.common import (EXIT_FAILED, EXIT_OK, CommandError, add_profile_dirs, output_file, photo_inputs,
                                   skipped_sentence)
from kiosk.texts import error_text, text
from profiles import DEFAULT_PROFILE_ID, get_profile


def add_parser(subparsers) -> None:
    """Add the `check` subcommand to `subparsers`."""
    p = subparsers.add_parser("check", help="check photos against the gates and a profile's file rules")
    p.add_argument("inputs", nargs="+", metavar="FILE_OR_DIR")
    p.add_argument("--profile", default=DEFAULT_PROFILE_ID, help=f"profile id (default {DEFAULT_PROFILE_ID})")
    p.add_argument("--json", action="store_true", help="one JSON object per photo per line")
    p.add_argument("--report", metavar="OUT.html", help="also write an HTML report with thumbnails and overlays")
    add_profile_dirs(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Check each photo; return 0 if all pass, 1 if any fails, 2 (CommandError) for a --report path that cannot be
    written (checked before any photo is)."""
    from capture.check import StillChecker  # here, not at the top: the models load only for a check
    from kiosk.tools.report import describe

    profile = get_profile(args.profile, args.profiles_dir)
    report = output_file(args.report, "report.html") if args.report else None
    files, problems, skipped = photo_inputs(args.inputs, "check")
    results = []
    with StillChecker() as checker:
        for path in files:
            result = checker.check_file(path, profile, keep_image=report is not None, refuse_too_small=True)
            if args.json:
                print(json.dumps(result.to_dict(word=lambda err: error_text(err, "en")), ensure_ascii=False),
                      flush=True)
            else:
                print(describe(result, profile, "en"), flush=True)
            results.append(result if report is not None else result.ok)
    if report is not None:
        from kiosk.tools.report import write_report

        try:
            write_report(report, results, profile)
        except OSError as exc:  # the disk filled or went away since the path was checked
            raise CommandError("output_failed", report, error=error_name(exc)) from None
        print(text("cli.report_written", "en", path=report), file=sys.stderr)
        oks = [r.ok for r in results]
    else:
        oks = results
    if skipped:
        print(skipped_sentence(skipped), file=sys.stderr if args.json else sys.stdout)
    if not args.json:
        print(text("cli.check_summary", "en", ok=sum(oks), total=len(oks), profile=profile.id))
    return EXIT_OK if all(oks) and not problems else EXIT_FAILED
