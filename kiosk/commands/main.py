"""The `idphoto` command: subcommands call into the engine and print results for people (or JSON for machines).

One module per subcommand (kiosk/commands/<name>.py, `import_` for import), each with `add_parser(subparsers)` and
`run(args) -> int`; this module builds the parser from them, turns usage and setup errors into one sentence and
exit status 2, ends quietly when the reader of its output goes away (`idphoto records | head -3`), and is the
console-script entry point.

Exit statuses (also in the README): 0 done; 1 some input was refused or failed; 2 a usage or setup error (a wrong
flag, an unusable output path or store, no display); 130 interrupted (Ctrl+C); 141 the output pipe was closed.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Sequence

from kiosk.commands import bench, check, doctor, export, import_, kiosk, make, records, replay, roster, sheet
from kiosk.commands import hall_server
from kiosk.commands import eval as eval_  # the modules are named after their subcommands
from kiosk.commands import profiles as profiles_
from kiosk.commands.common import (EXIT_BROKEN_PIPE, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE,
                                   CommandError, UsageError)
from kiosk.store.records import StoreError
from kiosk.texts import error_text, text
from profiles import ProfileError

__all__ = ["EXIT_BROKEN_PIPE", "EXIT_FAILED", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE", "UsageError",
           "build_parser", "entry_point", "main"]

#: the subcommands, in the order `idphoto --help` lists them
COMMANDS = (profiles_, make, doctor, import_, check, eval_, kiosk, records, roster, export, bench, sheet, replay,
            hall_server)


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


def _output_closed() -> int:
    """The reader of stdout went away (a pipe into `head`): send what is still buffered to /dev/null so that
    Python's exit does not complain, and return EXIT_BROKEN_PIPE. Nothing is printed, as with Unix tools."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (AttributeError, OSError, ValueError):
        pass  # stdout is not a real file (a test's capture): nothing to redirect
    return EXIT_BROKEN_PIPE


def main(argv: Sequence[str] | None = None) -> int:
    """Run `idphoto` with `argv`; return the exit status (0 done, 1 some input refused or failed, 2 usage or setup
    error, 130 interrupted, 141 output pipe closed)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here rather than at exit
        return status
    except (UsageError, ProfileError, StoreError) as exc:
        print(f"error: {error_text(exc, 'en')}", file=sys.stderr)
        return EXIT_USAGE
    except CommandError as exc:
        print(f"error: {error_text(exc, 'en')}", file=sys.stderr)
        return exc.status
    except BrokenPipeError:
        return _output_closed()
    except KeyboardInterrupt:
        print(text("cli.interrupted", "en"), file=sys.stderr)
        return EXIT_INTERRUPTED


def entry_point() -> None:
    """Console-script entry: quiet native logs, run, exit with the status."""
    silence_native_stderr()
    sys.exit(main())


if __name__ == "__main__":
    entry_point()
