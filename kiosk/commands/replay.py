"""`idphoto replay FILE`: run the live kiosk on a video or an image folder, deterministically, and say per second of
the recording which gates pass, which hint the student sees, and when the kiosk would capture which frame."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kiosk.commands.common import EXIT_FAILED, EXIT_OK, UsageError, add_profile_dirs, new_backdrop
from kiosk.texts import error_text, text
from profiles import DEFAULT_PROFILE_ID, get_profile


def add_parser(subparsers) -> None:
    """Add the `replay` subcommand to `subparsers`."""
    p = subparsers.add_parser("replay", help="run the live kiosk on a video or image folder, frame by frame",
                              description="Runs the live kiosk's analysis, hints, countdown and choice of frame on "
                                          "every frame of a recording, timed by the recording's own clock: the same "
                                          "file always gives the same answer. Exit status 0 when the kiosk would "
                                          "capture, 1 when not, 2 on a usage error.")
    p.add_argument("file", metavar="FILE", help="a video file or a folder of images (played in name order)")
    p.add_argument("--profile", default=DEFAULT_PROFILE_ID, help=f"profile id (default {DEFAULT_PROFILE_ID})")
    p.add_argument("--replace-backdrop", action="store_true", help="换底, as the kiosk's --replace-backdrop")
    p.add_argument("--backdrop", metavar="COLOUR", help="the colour for --replace-backdrop (default the first)")
    p.add_argument("--json", action="store_true", help="one JSON object per second, the summary object last")
    p.add_argument("--plot", metavar="OUT.png", help="save the timeline (gates × time) as a PNG picture")
    p.add_argument("--picture", metavar="OUT.jpg", help="save the picture the kiosk would file")
    p.add_argument("--to-end", action="store_true",
                   help="do not stop at the first capture: turn each picture down and guide on to the end")
    p.add_argument("--fps", type=float, default=None,
                   help="frames per second of an image folder (default 25; a video keeps its own)")
    add_profile_dirs(p)
    p.set_defaults(func=run)


def _check_outputs(args: argparse.Namespace) -> None:
    for flag, path, suffixes in (("--plot", args.plot, (".png",)), ("--picture", args.picture, (".jpg", ".jpeg"))):
        if path is None:
            continue
        out = Path(path)
        if out.suffix.lower() not in suffixes:
            raise UsageError(f"{flag} {path}: the file name must end in {' or '.join(suffixes)}.")
        if not out.resolve().parent.is_dir():
            raise UsageError(f"{flag} {path}: the folder {out.resolve().parent} does not exist; create it first.")
    if args.fps is not None and not 0 < args.fps <= 240:
        raise UsageError(f"--fps {args.fps:g}: give a rate between 0 and 240 frames per second.")


def _open(args: argparse.Namespace):
    from capture.camera import FOLDER_SUFFIXES, CameraError
    from kiosk.tools.replay import open_recording

    path = Path(args.file)
    if not path.exists():
        raise UsageError(f"{args.file}: no such file or folder; give a video file or a folder of images.")
    if path.is_file() and path.suffix.lower() in FOLDER_SUFFIXES | {".heic", ".heif", ".tif", ".tiff"}:
        raise UsageError(f"{args.file}: is a photo, not a video; give a video file or a folder of images "
                         f"(`idphoto check` checks one photo).")
    try:
        return open_recording(args.file, args.fps)
    except CameraError as exc:
        raise UsageError(error_text(exc, "en")) from None  # the sentence names the file


def run(args: argparse.Namespace) -> int:
    """Replay the recording and print it; return 0 when the kiosk would capture, 1 when not."""
    from capture.files import write_atomic
    from kiosk.tools.replay import recording_fit, replay_frames  # here: they load the face models
    from kiosk.tools.replay_plot import save_plot
    from kiosk.tools.replay_report import Tally, seconds_of, summary, summary_text

    profile = get_profile(args.profile, args.profiles_dir)
    new_backdrop(profile, args.replace_backdrop, args.backdrop)  # a colour the profile does not allow: usage error
    _check_outputs(args)
    recording = _open(args)
    fit = recording_fit(recording, profile, args.replace_backdrop)
    sentence = text("station.camera_fits" if fit.ok else f"station.camera_unfit_{fit.code}", "en", **fit.numbers())
    print(f"camera: {sentence}", file=sys.stderr if args.json else sys.stdout, flush=True)
    tally = Tally()
    frames = (tally.add(r) for r in replay_frames(recording, profile, args.replace_backdrop, args.backdrop,
                                                  args.to_end))
    seconds = []
    for second in seconds_of(frames, recording.fps):
        seconds.append(second)
        print(json.dumps(second.to_dict(), ensure_ascii=False) if args.json else second.to_text(), flush=True)
    result = summary(tally, recording, fit, profile.id, args.replace_backdrop)
    made = next((c for c in tally.captures if c.picture is not None), None)
    if args.picture and made is not None:
        write_atomic(Path(args.picture), made.picture.data)
    if args.plot:
        save_plot(args.plot, seconds, result, tally.hint_change_s)
    print(json.dumps(result, ensure_ascii=False) if args.json else summary_text(result, sentence))
    return EXIT_OK if made is not None else EXIT_FAILED
