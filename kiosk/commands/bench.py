"""`idphoto bench`: measure speed and memory on this machine (a table, or one JSON object)."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from kiosk.commands.common import EXIT_OK, UsageError, add_profile_dirs
from profiles import DEFAULT_PROFILE_ID, get_profile


def add_parser(subparsers) -> None:
    """Add the `bench` subcommand to `subparsers`."""
    p = subparsers.add_parser("bench", help="measure speed and memory on this machine")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--frames", type=int, default=60, help="frames per per-frame measurement (default 60)")
    p.add_argument("--images", metavar="DIR", help="photos for check/make throughput (default: generated)")
    p.add_argument("--quick", action="store_true", help="a short run that checks everything works (CI)")
    p.add_argument("--profile", default=DEFAULT_PROFILE_ID, help=f"profile id (default {DEFAULT_PROFILE_ID})")
    add_profile_dirs(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the benchmark and print it; return 0."""
    from kiosk.tools.bench import format_bench, run_bench  # here: it imports the whole engine

    profile = get_profile(args.profile, args.profiles_dir)
    images = Path(args.images) if args.images else None
    if images is not None and not images.is_dir():
        raise UsageError(f"--images {images}: not a folder of photos.")
    result = run_bench(profile, frames_n=args.frames, images=images, quick=args.quick)
    print(json.dumps(result, ensure_ascii=False) if args.json else format_bench(result))
    return EXIT_OK
