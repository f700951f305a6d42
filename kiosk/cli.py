"""The `idphoto` command: subcommands call into the engine and print results for people (or JSON for machines)."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Sequence

from profiles import DEFAULT_PROFILE_ID, ProfileError, get_profile, load_profiles

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad arguments or configuration: printed as one line, exit status 2."""


def _add_profile_dirs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profiles-dir", action="append", default=[], metavar="DIR",
        help="extra folder of profile .toml files (may repeat; also $IDPHOTO_PROFILE_DIRS)",
    )


def _cmd_profiles(args: argparse.Namespace) -> int:
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


def _cmd_make(args: argparse.Namespace) -> int:
    from capture.analyzer import StillAnalyzer
    from capture.picture import make_file
    from kiosk.batch import Progress, collect_inputs, output_paths, run_batch, summary_table

    profile = get_profile(args.profile, args.profiles_dir)
    files, problems = collect_inputs(args.inputs)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if not files:
        raise UsageError("no photos to process: give photo files or folders that contain photos.")
    output = Path(args.output) if args.output else None
    single = len(files) == 1 and output is not None and output.suffix.lower() in (".jpg", ".jpeg")
    if output is not None and not single and output.suffix.lower() in (".jpg", ".jpeg"):
        raise UsageError(f"{output}: several photos need an output folder, not a .jpg file name.")
    outputs = output_paths(files, output, single)
    with StillAnalyzer() as analyzer:
        def make_one(src: Path, dst: Path) -> tuple[float, int]:
            picture = make_file(src, dst, profile, analyzer)
            return picture.size_kb, picture.encoded.quality

        progress = Progress(len(files)) if len(files) > 1 else None
        outcomes = run_batch(files, outputs, profile, make_one, progress)
    if args.json:
        for o in outcomes:
            print(json.dumps({"file": str(o.source), "ok": o.ok, "code": o.code, "output": str(o.output) if o.output else None,
                              "kb": round(o.kb, 2) if o.kb else None, "quality": o.quality,
                              "error": None if o.ok else o.message, "profile": profile.id}, ensure_ascii=False))
    elif len(outcomes) == 1:
        o = outcomes[0]
        print(f"wrote {o.output} ({o.message})" if o.ok else f"error: {o.message}", file=sys.stdout if o.ok else sys.stderr)
    else:
        print(summary_table(outcomes, profile))
    return EXIT_OK if all(o.ok for o in outcomes) and not problems else EXIT_FAILED


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser for `idphoto` and its subcommands."""
    parser = argparse.ArgumentParser(prog="idphoto", description="Official ID photos to exact specs.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("profiles", help="list the photo specs")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print the profiles as JSON")
    fmt.add_argument("--markdown", action="store_true", help="print the docs/profiles.md table")
    _add_profile_dirs(p)
    p.set_defaults(func=_cmd_profiles)

    p = sub.add_parser("make", help="crop and encode photos to a spec")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="photo file(s) or folder(s)")
    p.add_argument("--profile", default=DEFAULT_PROFILE_ID, help=f"profile id (default {DEFAULT_PROFILE_ID})")
    p.add_argument("-o", "--output", help="output .jpg for one photo, or output folder (default ./pictures)")
    p.add_argument("--json", action="store_true", help="print one JSON line per photo instead of the table")
    _add_profile_dirs(p)
    p.set_defaults(func=_cmd_make)
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
    except (UsageError, ProfileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
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
