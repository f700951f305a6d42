"""`idphoto make`: crop and encode photos to a spec (one file, or a batch with a summary table)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kiosk.commands.common import (EXIT_FAILED, EXIT_OK, UsageError, add_profile_dirs, new_backdrop, output_folder,
                                   photo_inputs, skipped_sentence)
from profiles import DEFAULT_PROFILE_ID, get_profile


def add_parser(subparsers) -> None:
    """Add the `make` subcommand to `subparsers`."""
    p = subparsers.add_parser("make", help="crop and encode photos to a spec")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="photo file(s) or folder(s)")
    p.add_argument("--profile", default=DEFAULT_PROFILE_ID, help=f"profile id (default {DEFAULT_PROFILE_ID})")
    p.add_argument("-o", "--output", help="output .jpg for one photo, or output folder (default ./pictures)")
    p.add_argument("--json", action="store_true", help="print one JSON line per photo instead of the table")
    p.add_argument("--replace-backdrop", action="store_true",
                   help="换底: paint the backdrop one of the profile's colours and add room above the head, for photos "
                        "with the wrong backdrop or cut close above the hair")
    p.add_argument("--backdrop", metavar="COLOUR", help="the colour for --replace-backdrop, by its name in the profile "
                                                         "(default the profile's first)")
    p.add_argument("--no-gates", action="store_true",
                   help="crop and encode only: do not refuse a photo whose picture would fail a blocking gate of the "
                        "profile (the person, colour, backdrop, focus); the picture may then be refused on upload")
    add_profile_dirs(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Make a picture of each input photo; return 0 if all were made, 1 if any failed or was refused (a blocking
    gate fails, unless --no-gates)."""
    # the engine and the batch tools are imported here, not at the top, so `idphoto --help` starts fast
    from capture.analyzer import StillAnalyzer
    from capture.check import StillChecker
    from capture.errors import PhotoError
    from capture.picture import make_file
    from kiosk.tools.batch import Progress, output_paths, run_batch

    profile = get_profile(args.profile, args.profiles_dir)
    files, problems, skipped = photo_inputs(args.inputs, "process")
    output = Path(args.output) if args.output else None
    single = len(files) == 1 and output is not None and output.suffix.lower() in (".jpg", ".jpeg")
    if output is not None and not single and output.suffix.lower() in (".jpg", ".jpeg"):
        raise UsageError(f"{output}: several photos need an output folder, not a .jpg file name.")
    outputs = output_paths(files, output, single)
    # the output folder is made owner-only (the pictures are personal data) and must be writable: checked before
    # any photo is made (CommandError, exit 2)
    output_folder(outputs[0].parent)
    backdrop = new_backdrop(profile, args.replace_backdrop, args.backdrop)
    # with gates the checker's models judge each photo first (and find its head once); without, only the crop's
    with (StillAnalyzer() if args.no_gates else StillChecker()) as engine:
        analyzer = engine if args.no_gates else engine.analyzer
        measure = None if args.no_gates else engine.measure

        def make_one(src: Path, dst: Path) -> tuple[float, int]:
            try:
                picture = make_file(src, dst, profile, analyzer, backdrop, measure)
            except PhotoError as exc:
                raise size_first(exc, src, profile, analyzer.settings.max_upscale) from None
            return picture.size_kb, picture.encoded.quality

        progress = Progress(len(files)) if len(files) > 1 else None
        outcomes = run_batch(files, outputs, profile, make_one, progress)
    _print_outcomes(args, outcomes, profile, backdrop)
    if skipped:
        print(skipped_sentence(skipped), file=sys.stderr if args.json else sys.stdout)
    return EXIT_OK if all(o.ok for o in outcomes) and not problems else EXIT_FAILED


#: refusals that a photo too small for the profile also gets, in other words: its size is named instead
#: framing refusals (and any gate refusal, refused_*) that a too-small photo would get instead of its real reason
_SIZE_MASKED = frozenset({"no_face", "head_cut_off", "proportions_unfit", "face_too_small", "frame_too_small",
                          "too_close_to_top", "too_close_to_bottom", "off_centre"})


def size_first(exc, src: Path, profile, max_scale: float):
    """Return the error to report for photo `src` refused with `exc`: "resolution_too_low" when the photo is too
    small for the profile and `exc` would only blame that in other words, else `exc` itself."""
    from capture.check import too_small
    from capture.errors import PhotoError
    from capture.images import read_photo

    if exc.code not in _SIZE_MASKED and not exc.code.startswith("refused_"):  # a gate would blame the size too
        return exc
    try:
        rgb = read_photo(src).rgb
    except PhotoError:
        return exc
    return too_small(src, rgb.shape[1], rgb.shape[0], profile, max_scale) or exc


def _print_outcomes(args: argparse.Namespace, outcomes, profile, backdrop) -> None:
    from kiosk.tools.batch import summary_table

    if args.json:
        for o in outcomes:
            print(json.dumps({"file": str(o.source), "ok": o.ok, "code": o.code, "output": str(o.output) if o.output else None,
                              "kb": round(o.kb, 2) if o.kb else None, "quality": o.quality,
                              "error": None if o.ok else o.message, "profile": profile.id,
                              "backdrop_replaced": backdrop.name if backdrop and o.ok else None},
                             ensure_ascii=False))
    elif len(outcomes) == 1:
        o = outcomes[0]
        print(f"wrote {o.output} ({o.message})" if o.ok else f"error: {o.message}", file=sys.stdout if o.ok else sys.stderr)
    else:
        print(summary_table(outcomes, profile))
    if backdrop is not None and not args.json and any(o.ok for o in outcomes):
        print(f"backdrop replaced with {backdrop.name} {backdrop.rgb}: check each picture's edges by eye.")
