"""The `idphoto` command: subcommands call into the engine and print results for people (or JSON for machines).

One module per subcommand (kiosk/commands/<name>.py, `import_` for import), each with `add_parser(subparsers)` and
`run(args) -> int`; this module builds the parser from them, turns usage errors into exit status 2, and is the
console-script entry point.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Sequence

from kiosk.commands import bench, check, doctor, export, import_, kiosk, make, records, replay
from kiosk.commands import eval as eval_  # the modules are named after their subcommands
from kiosk.commands import profiles as profiles_
from kiosk.commands.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError
from kiosk.store.records import StoreError
from kiosk.texts import error_text
from profiles import ProfileError

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "UsageError", "build_parser", "entry_point", "main"]

#: the subcommands, in the order `idphoto --help` lists them
COMMANDS = (profiles_, make, doctor, import_, check, eval_, kiosk, records, export, bench, replay)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser for `idphoto` and its subcommands."""
    parser = argparse.ArgumentParser(prog="idphoto", description="Official ID photos to exact specs.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


def silence_native_stderr() -> None:
    """Send C++-level stderr (MediaPipe/TFLite start-up chatter from any thread) to /dev/null for this process,
    keeping Python's own sys.stderr on the real console. Set IDPHOTO_NATIVE_LOGS=1 to keep the native logs."""
    if os.environ.get("IDPHOTO_NATIVE_LOGS") == "1":
        return
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):
        return  # stderr is not a real file (e.g. captured by a test runner)
    sys.stderr.flush()
    console = os.dup(fd)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, fd)
    os.close(null)
    sys.stderr = os.fdopen(console, "w", buffering=1, encoding=sys.stderr.encoding, errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    """Run `idphoto` with `argv`; return the exit status (0 ok, 1 some photo failed, 2 usage error)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (UsageError, ProfileError, StoreError) as exc:
        print(f"error: {error_text(exc, 'en')}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted.", file=sys.stderr)
        return 130


def entry_point() -> None:
    """Console-script entry: quiet native logs, run, exit with the status."""
    silence_native_stderr()
    sys.exit(main())


if __name__ == "__main__":
    entry_point()
