"""`idphoto doctor`: self-test of this PC for the kiosk (packages, models, camera, screen, sound, font, store)."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from kiosk.commands.common import EXIT_FAILED, EXIT_OK, add_profile_dirs


def add_parser(subparsers) -> None:
    """Add the `doctor` subcommand to `subparsers`."""
    p = subparsers.add_parser("doctor", help="self-test of this PC for the kiosk: packages, models, camera, screen, "
                                             "sound, font, store")
    p.add_argument("--store", default="kiosk-store", help="the store folder the kiosk will use (default ./kiosk-store)")
    p.add_argument("--camera", help="also open this camera (a webcam number, a video, 'demo') and read a frame")
    p.add_argument("--json", action="store_true", help="print the findings as JSON")
    add_profile_dirs(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run every check and print the findings; return 1 if any check failed, else 0."""
    from kiosk.tools.doctor import FAIL, format_findings, run_doctor  # here: it imports the whole engine

    findings = run_doctor(Path(args.store), args.camera, args.profiles_dir)
    if args.json:
        print(json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2))
    else:
        print(format_findings(findings))
    return EXIT_FAILED if any(f.status == FAIL for f in findings) else EXIT_OK
