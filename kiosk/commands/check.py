"""`idphoto check`: check photos against the gates and a profile's file rules (lines, JSON, or an HTML report)."""
from __future__ import annotations

import argparse
import json
import sys

from kiosk.commands.common import EXIT_FAILED, EXIT_OK, add_profile_dirs, photo_inputs
from kiosk.texts import error_text, hint_text
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


def describe(result) -> str:
    """Return one human line per photo: verdict, failing gates with value and threshold, failing file rules."""
    if result.error:
        return f"ERROR {error_text(result.error, 'en')}"
    parts = []
    for g in result.gates.values():
        if not g.ok:
            value = "–" if g.value is None else f"{g.value:.3g}"
            parts.append(f"{g.name} {value} (limit {g.threshold}) → {hint_text(g.hint, 'en')}")
    spec = [f"{name} {item.value} (expected {item.expected})" for name, item in result.file_spec.items() if not item.ok]
    head = "PASS" if result.ok else "FAIL"
    lines = [f"{head} {result.file}"]
    lines += [f"    gate  {p}" for p in parts]
    lines += [f"    file  {p}" for p in spec]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Check each photo; return 0 if all pass, 1 if any fails."""
    from capture.check import StillChecker  # here, not at the top: the models load only for a check

    profile = get_profile(args.profile, args.profiles_dir)
    files, problems = photo_inputs(args.inputs, "check")
    results = []
    with StillChecker() as checker:
        for path in files:
            result = checker.check_file(path, profile, keep_image=bool(args.report))
            if args.json:
                print(json.dumps(result.to_dict(word=lambda err: error_text(err, "en")), ensure_ascii=False),
                      flush=True)
            else:
                print(describe(result), flush=True)
            if args.report:
                results.append(result)
            else:
                results.append(result.ok)
    if args.report:
        from kiosk.tools.report import write_report

        write_report(args.report, results, profile)
        print(f"report: {args.report}", file=sys.stderr)
        oks = [r.ok for r in results]
    else:
        oks = results
    if not args.json:
        print(f"{sum(oks)} of {len(oks)} photos pass {profile.id}.")
    return EXIT_OK if all(oks) and not problems else EXIT_FAILED
