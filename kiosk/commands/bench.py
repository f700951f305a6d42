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
    hall = p.add_argument_group("the hall (--hall): load, faults and bad input against a hall server on this PC")
    hall.add_argument("--hall", action="store_true", help="run the hall bench (kiosk.tools.hall_bench) instead")
    hall.add_argument("--stations", type=int, metavar="N", default=20, help="simulated stations (default 20)")
    hall.add_argument("--pictures", type=int, metavar="N", default=50,
                      help="people each simulated station files (default 50)")
    hall.add_argument("--kiosks", type=int, metavar="N", default=2, help="real headless kiosks beside them (default 2)")
    hall.add_argument("--kiosk-pictures", type=int, metavar="N", default=5, help="people each kiosk files (default 5)")
    hall.add_argument("--faults", action="store_true", help="kill stations, restart the server, cut the cable")
    hall.add_argument("--pace-s", type=float, metavar="S", default=0.0,
                      help="seconds between two people at each simulated station (default 0: as fast as it files)")
    hall.add_argument("--seed", type=int, metavar="N", help="the faults' random seed (default: a new one each run)")
    hall.add_argument("--keep", metavar="DIR", help="work in DIR (new) and leave it there for reading")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the benchmark and print it; return 0 (the hall bench: 0 only when its checks all held, else 1)."""
    if args.hall:
        return _run_hall(args)
    from kiosk.tools.bench import format_bench, run_bench  # here: it imports the whole engine

    profile = get_profile(args.profile, args.profiles_dir)
    images = Path(args.images) if args.images else None
    if images is not None and not images.is_dir():
        raise UsageError(f"--images {images}: not a folder of photos.")
    result = run_bench(profile, frames_n=args.frames, images=images, quick=args.quick)
    print(json.dumps(result, ensure_ascii=False) if args.json else format_bench(result))
    return EXIT_OK


def _run_hall(args: argparse.Namespace) -> int:
    """Run `idphoto bench --hall`; print its figures; return 0 when everything held, 1 otherwise."""
    from kiosk.commands.common import EXIT_FAILED
    from kiosk.tools.hall_bench import run_hall_bench
    from kiosk.tools.hall_report import format_hall

    for flag in ("stations", "pictures", "kiosks", "kiosk_pictures"):
        if getattr(args, flag) < (1 if flag in ("stations", "pictures") else 0):
            raise UsageError(f"--{flag.replace('_', '-')} {getattr(args, flag)}: give a count of at least "
                             f"{1 if flag in ('stations', 'pictures') else 0}.")
    if args.pace_s < 0:
        raise UsageError(f"--pace-s {args.pace_s}: give seconds, 0 or more.")
    keep = Path(args.keep) if args.keep else None
    if keep is not None and keep.exists():
        raise UsageError(f"--keep {keep}: already exists; give a new folder.")
    result = run_hall_bench(args.stations, args.pictures, args.kiosks, args.faults, args.kiosk_pictures,
                            seed=args.seed, keep=keep, pace_s=args.pace_s)
    print(json.dumps(result.to_dict(), ensure_ascii=False) if args.json else format_hall(result))
    return EXIT_OK if result.ok else EXIT_FAILED
