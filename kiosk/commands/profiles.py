"""`idphoto profiles`: list the photo specs (a table, JSON, or the docs/profiles.md Markdown)."""
from __future__ import annotations

import argparse
import json
import sys

from kiosk.commands.common import EXIT_OK, add_profile_dirs
from profiles import DEFAULT_PROFILE_ID, load_profiles


def add_parser(subparsers) -> None:
    """Add the `profiles` subcommand to `subparsers`."""
    p = subparsers.add_parser("profiles", help="list the photo specs")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print the profiles as JSON")
    fmt.add_argument("--markdown", action="store_true", help="print the docs/profiles.md table")
    add_profile_dirs(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """List the profiles; return the exit status."""
    profiles = load_profiles(args.profiles_dir)
    if args.json:
        print(json.dumps([p.to_dict() for p in profiles.values()], ensure_ascii=False, indent=2))
    elif args.markdown:
        from profiles.docs import profiles_markdown

        sys.stdout.write(profiles_markdown(profiles))
    else:
        for p in profiles.values():
            mark = "*" if p.id == DEFAULT_PROFILE_ID else " "
            print(f"{mark} {p.id:22} {p.width_px}×{p.height_px} {p.dpi:>4} dpi  {p.kb_min:g}–{p.kb_max:g} KB  "
                  f"{p.name_zh} / {p.name_en}")
        print(f"* default. Files: {', '.join(sorted({str(p.path.parent) for p in profiles.values() if p.path}))}")
    return EXIT_OK
