"""`idphoto import`: file photos sent by mail or on a USB stick into a kiosk's records (checked, named by number)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kiosk.commands.common import (EXIT_FAILED, EXIT_OK, STORE_HELP, STORE_METAVAR, UsageError, add_profile_dirs,
                                   load_config, new_backdrop, open_or_create_store, photo_inputs, skipped_sentence)
from profiles import DEFAULT_PROFILE_ID, get_profile


def add_parser(subparsers) -> None:
    """Add the `import` subcommand to `subparsers`."""
    p = subparsers.add_parser("import", help="file photos sent by mail or on a USB stick into the kiosk's records")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="photo file(s) or folder(s), each named after the "
                                                              "person's number (2023001.jpg)")
    p.add_argument("--store", metavar=STORE_METAVAR, help=f"{STORE_HELP} (or from --config)")
    p.add_argument("--config", metavar="FILE", help="take the store, profile and profile folders from a station's "
                                                   "kiosk config file")
    p.add_argument("--profile", help=f"profile id (default: the config's, else {DEFAULT_PROFILE_ID})")
    p.add_argument("--replace-backdrop", action="store_true", help="换底: paint the backdrop the profile's colour")
    p.add_argument("--backdrop", metavar="COLOUR", help="the colour for --replace-backdrop (default the profile's "
                                                         "first)")
    p.add_argument("--json", action="store_true", help="one JSON line per photo")
    add_profile_dirs(p)
    p.set_defaults(func=run)


def _take_from_config(args: argparse.Namespace) -> None:
    """Fill --store and --profile, when not given, from the station's --config file; add its profile folders."""
    config = load_config(args.config)
    args.store = args.store or config.values.get("store")
    args.profile = args.profile or config.values.get("profile")
    args.profiles_dir = list(config.values.get("profiles_dir", ())) + list(args.profiles_dir)


def run(args: argparse.Namespace) -> int:
    """Import each photo into the store; return 0 if all were filed, 1 if any was not."""
    # the engine and the store are imported here, not at the top, so `idphoto --help` starts fast
    from capture.check import StillChecker
    from kiosk.store.importer import import_photos

    if args.config:
        _take_from_config(args)
    if not args.store:
        raise UsageError("give the kiosk's store folder with --store DIR (or a station's --config FILE).")
    profile = get_profile(args.profile, args.profiles_dir)
    files, problems, skipped = photo_inputs(args.inputs, "import")
    backdrop = new_backdrop(profile, args.replace_backdrop, args.backdrop)
    from kiosk.store.open import shown

    store = open_or_create_store(args.store)  # a folder, or a hall server's URL (never printed with its password)

    def progress(i: int, o) -> None:
        if args.json:
            print(json.dumps(o.to_dict(), ensure_ascii=False), flush=True)
        else:
            print(f"{'FILED' if o.filed else 'NOT FILED'} {o.source.name} → {o.identity or '-'}: {o.message}",
                  flush=True)

    try:
        store.recover()
        with StillChecker() as checker:
            outcomes = import_photos(files, store, profile, checker, backdrop, progress)
    finally:
        store.close()
    if skipped:
        print(skipped_sentence(skipped), file=sys.stderr if args.json else sys.stdout)
    if not args.json:
        filed = sum(o.filed for o in outcomes)
        print(f"{filed} of {len(outcomes)} photos filed into {shown(args.store)} for {profile.id}.")
    return EXIT_OK if all(o.filed for o in outcomes) and not problems else EXIT_FAILED
