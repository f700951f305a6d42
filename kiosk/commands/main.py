"""The `idphoto` command: subcommands call into the engine and print results for people (or JSON for machines)."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Sequence

from kiosk.texts import error_text, hint_text
from kiosk.store.records import StoreError
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


def _photo_inputs(inputs: Sequence[str], verb: str) -> tuple[list[Path], list[str]]:
    """Return (photo files, argument problems) for `inputs`, printing the problems; UsageError if none is left."""
    from kiosk.tools.batch import collect_inputs

    files, problems = collect_inputs(inputs)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if not files:
        raise UsageError(f"no photos to {verb}: give photo files or folders that contain photos.")
    return files, problems


def _new_backdrop(args: argparse.Namespace, profile):
    """Return the profile Background asked for by --replace-backdrop [--backdrop NAME], or None."""
    from capture.picture import backdrop_colour

    if args.backdrop and not args.replace_backdrop:
        raise UsageError("--backdrop names the colour for --replace-backdrop; add --replace-backdrop.")
    if not args.replace_backdrop:
        return None
    try:
        return backdrop_colour(profile, args.backdrop)
    except ValueError as exc:
        raise UsageError(f"--backdrop: {exc}.") from None


def _cmd_make(args: argparse.Namespace) -> int:
    from capture.analyzer import StillAnalyzer
    from capture.picture import make_file
    from kiosk.tools.batch import Progress, output_paths, run_batch, summary_table

    profile = get_profile(args.profile, args.profiles_dir)
    files, problems = _photo_inputs(args.inputs, "process")
    output = Path(args.output) if args.output else None
    single = len(files) == 1 and output is not None and output.suffix.lower() in (".jpg", ".jpeg")
    if output is not None and not single and output.suffix.lower() in (".jpg", ".jpeg"):
        raise UsageError(f"{output}: several photos need an output folder, not a .jpg file name.")
    outputs = output_paths(files, output, single)
    new_backdrop = _new_backdrop(args, profile)
    with StillAnalyzer() as analyzer:
        def make_one(src: Path, dst: Path) -> tuple[float, int]:
            picture = make_file(src, dst, profile, analyzer, new_backdrop)
            return picture.size_kb, picture.encoded.quality

        progress = Progress(len(files)) if len(files) > 1 else None
        outcomes = run_batch(files, outputs, profile, make_one, progress)
    if args.json:
        for o in outcomes:
            print(json.dumps({"file": str(o.source), "ok": o.ok, "code": o.code, "output": str(o.output) if o.output else None,
                              "kb": round(o.kb, 2) if o.kb else None, "quality": o.quality,
                              "error": None if o.ok else o.message, "profile": profile.id,
                              "backdrop_replaced": new_backdrop.name if new_backdrop and o.ok else None},
                             ensure_ascii=False))
    elif len(outcomes) == 1:
        o = outcomes[0]
        print(f"wrote {o.output} ({o.message})" if o.ok else f"error: {o.message}", file=sys.stdout if o.ok else sys.stderr)
    else:
        print(summary_table(outcomes, profile))
    if new_backdrop is not None and not args.json and any(o.ok for o in outcomes):
        print(f"backdrop replaced with {new_backdrop.name} {new_backdrop.rgb}: check each picture's edges by eye.")
    return EXIT_OK if all(o.ok for o in outcomes) and not problems else EXIT_FAILED


def _describe(result) -> str:
    """Return one human line per photo: verdict, failing gates with value and threshold, failing file rules."""
    if result.error:
        return f"ERROR {error_text(result.error, 'en')}"
    parts = []
    for g in result.gates.values():
        if not g.ok:
            value = "–" if g.value is None else f"{g.value:.3g}"
            parts.append(f"{g.name} {value} (limit {g.threshold}) → {hint_text(g.hint, 'en')}")
    spec = [f"{name} {item.value} (expected {item.expected})" for name, item in result.file_spec.items() if not item.ok]
    head = "PASS" if result.ok else "FAIL"
    lines = [f"{head} {result.file}"]
    lines += [f"    gate  {p}" for p in parts]
    lines += [f"    file  {p}" for p in spec]
    return "\n".join(lines)


def _cmd_check(args: argparse.Namespace) -> int:
    from capture.check import StillChecker

    profile = get_profile(args.profile, args.profiles_dir)
    files, problems = _photo_inputs(args.inputs, "check")
    results = []
    with StillChecker() as checker:
        for path in files:
            result = checker.check_file(path, profile, keep_image=bool(args.report))
            if args.json:
                print(json.dumps(result.to_dict(word=lambda err: error_text(err, "en")), ensure_ascii=False),
                      flush=True)
            else:
                print(_describe(result), flush=True)
            if args.report:
                results.append(result)
            else:
                results.append(result.ok)
    if args.report:
        from kiosk.tools.report import write_report

        write_report(args.report, results, profile)
        print(f"report: {args.report}", file=sys.stderr)
        oks = [r.ok for r in results]
    else:
        oks = results
    if not args.json:
        print(f"{sum(oks)} of {len(oks)} photos pass {profile.id}.")
    return EXIT_OK if all(oks) and not problems else EXIT_FAILED


def _cmd_eval(args: argparse.Namespace) -> int:
    from capture.check import StillChecker
    from capture.gates import GATE_ORDER
    from kiosk.tools.evaluate import evaluate_labelled, format_report, read_labels

    profile = get_profile(args.profile, args.profiles_dir)
    folder = Path(args.folder)
    if not folder.is_dir():
        raise UsageError(f"{folder}: not a folder of photos.")
    if args.folds and args.folds < 2:
        raise UsageError("--folds: give 2 or more folds (5 is usual).")
    try:
        rows = read_labels(args.labels or folder / "manifest.csv")
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise UsageError(f"labels cannot be read: {exc}") from None
    results = []
    with StillChecker() as checker:
        for i, row in enumerate(rows, 1):
            results.append(checker.check_file(folder / row["file"], profile))
            if not args.json and sys.stderr.isatty():
                print(f"\r{i}/{len(rows)}", end="", file=sys.stderr, flush=True)
    report = evaluate_labelled(rows, results, profile, GATE_ORDER)
    held = None
    if args.folds:
        from kiosk.tools.crossval import cross_validate
        from kiosk.tools.evaluate import LABEL_RULES, format_held_out

        held = cross_validate(rows, results, profile, LABEL_RULES, folds=args.folds)
    if args.json:
        doc = report.to_dict()
        if held is not None:
            doc["held_out"] = {"folds": args.folds, "gates": {name: h.to_dict() for name, h in held.items()}}
        print(json.dumps(doc, indent=2))
    else:
        print(format_report(report))
        if held is not None:
            print(format_held_out(report, held, args.folds))
    return EXIT_OK


#: built-in kiosk settings, used when neither the command line nor the --config file sets them
KIOSK_DEFAULTS = {"profile": DEFAULT_PROFILE_ID, "lang": "zh", "fullscreen": False, "size": "1280x800",
                  "store": "kiosk-store", "sound": True, "replace_backdrop": False}


def _load_config(path: str):
    """Return the KioskConfig in file `path`, or raise UsageError naming the file and the problem."""
    from kiosk.station.config import ConfigError, load_kiosk_config

    try:
        return load_kiosk_config(path)
    except ConfigError as exc:
        raise UsageError(f"--config {exc}") from None


def _apply_kiosk_config(args: argparse.Namespace) -> None:
    """Fill the kiosk flags not given on the command line from the --config file, then from KIOSK_DEFAULTS."""
    config = _load_config(args.config) if args.config else None
    for name in ("profile", "camera", "lang", "fullscreen", "sound", "size", "store", "replace_backdrop", "backdrop"):
        if getattr(args, name) is None:
            value = getattr(config, name) if config is not None else None
            setattr(args, name, value if value is not None else KIOSK_DEFAULTS.get(name))
    if config is not None:
        args.profiles_dir = list(config.profiles_dir) + list(args.profiles_dir)
        args.accept = args.accept or (",".join(config.accept) if config.accept else None)
        args.student_pattern = args.student_pattern or (list(config.student_pattern) or None)
        args.registration_pattern = args.registration_pattern or (list(config.registration_pattern) or None)


def _cmd_kiosk(args: argparse.Namespace) -> int:
    from capture.camera import CameraError, open_source, probe_device
    from kiosk.texts import error_text, text
    from kiosk.station.loop import KioskApp, KioskOptions
    from kiosk.logs import setup_logging

    _apply_kiosk_config(args)
    profile = get_profile(args.profile, args.profiles_dir)
    _new_backdrop(args, profile)  # a colour the profile does not allow stops here, before the window opens
    camera = args.camera
    if camera is None:
        if probe_device(0):
            camera = "0"
        else:
            print(text("camera.no_webcam_demo", "en"), file=sys.stderr)
            camera = "demo"
    elif not (camera.isdigit() or camera.startswith("/dev/")):
        try:
            open_source(camera)  # a file, folder or 'demo': check it once before the window opens
        except CameraError as exc:
            raise UsageError(error_text(exc, "en")) from None
    try:
        setup_logging(args.store)
    except OSError as exc:
        raise UsageError(f"{args.store}: the store folder cannot be used ({exc.strerror or exc}).") from None
    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        raise UsageError(f"--size {args.size!r}: expected WIDTHxHEIGHT, e.g. 1280x800") from None
    options = KioskOptions(
        profile=profile, camera=camera, lang=args.lang, fullscreen=args.fullscreen, store=Path(args.store),
        headless=args.headless, auto_confirm=args.auto_confirm, exit_after=args.exit_after, identity=args.identity,
        skip_identify=args.skip_identify, json_lines=args.json, size=(width, height), max_runtime_s=args.max_runtime,
        screenshot_dir=Path(args.screenshots) if args.screenshots else None, startup_probe=args.startup_probe,
        probe_run_s=args.probe_run, sound=args.sound, replace_backdrop=args.replace_backdrop,
        backdrop=args.backdrop,
    )
    if args.student_pattern or args.registration_pattern or args.accept:
        import dataclasses
        import re

        from kiosk.store.identity import DEFAULT_RULES, KINDS

        for pattern in (args.student_pattern or []) + (args.registration_pattern or []):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise UsageError(f"pattern {pattern!r} is not a regular expression ({exc}).") from None
        kinds = tuple(k.strip() for k in args.accept.split(",")) if args.accept else DEFAULT_RULES.kinds
        unknown = [k for k in kinds if k not in KINDS]
        if unknown:
            raise UsageError(f"--accept: unknown kind {unknown[0]!r} (kinds: {', '.join(KINDS)}).")
        options.identity_rules = dataclasses.replace(
            DEFAULT_RULES, kinds=kinds,
            student=tuple(args.student_pattern) if args.student_pattern else DEFAULT_RULES.student,
            registration=tuple(args.registration_pattern) if args.registration_pattern else DEFAULT_RULES.registration)
    if args.identity:
        from kiosk.store.identity import IdentityError, clean_identity

        try:
            options.identity = clean_identity(args.identity)
        except IdentityError as exc:
            raise UsageError(f"--identity: {error_text(exc, 'en')}") from None
    return KioskApp(options).run()


def _status_arg(values: list[str] | None):
    from kiosk.store.records import Status

    if not values:
        return None
    out = []
    for value in values:
        match = next((st for st in Status if value in (st.name, st.name.lower(), st.value)), None)
        if match is None:
            names = ", ".join(f"{st.name.lower()} ({st.value})" for st in Status)
            raise UsageError(f"--status {value!r}: unknown status (use one of: {names}).")
        out.append(match)
    return out


def _open_store(path: str):
    from kiosk.store.records import SqliteRecordStore

    folder = Path(path)
    if not (folder / "records.sqlite3").exists():
        raise UsageError(f"{folder}: no records store here (expected records.sqlite3); give the kiosk's --store folder.")
    return SqliteRecordStore(folder)


def _cmd_import(args: argparse.Namespace) -> int:
    from capture.check import StillChecker
    from kiosk.store.importer import import_photos
    from kiosk.store.records import SqliteRecordStore

    if args.config:
        config = _load_config(args.config)
        args.store = args.store or config.store
        args.profile = args.profile or config.profile
        args.profiles_dir = list(config.profiles_dir) + list(args.profiles_dir)
    if not args.store:
        raise UsageError("give the kiosk's store folder with --store DIR (or a station's --config FILE).")
    profile = get_profile(args.profile, args.profiles_dir)
    files, problems = _photo_inputs(args.inputs, "import")
    new_backdrop = _new_backdrop(args, profile)
    folder = Path(args.store)
    if not (folder / "records.sqlite3").exists():
        print(f"{folder}: no records store yet, creating one.", file=sys.stderr)
    try:
        store = SqliteRecordStore(folder)
    except OSError as exc:
        raise UsageError(f"{folder}: the store folder cannot be used ({exc.strerror or exc}).") from None

    def progress(i: int, o) -> None:
        if args.json:
            print(json.dumps(o.to_dict(), ensure_ascii=False), flush=True)
        else:
            print(f"{'FILED' if o.filed else 'NOT FILED'} {o.source.name} → {o.identity or '-'}: {o.message}",
                  flush=True)

    try:
        store.recover()
        with StillChecker() as checker:
            outcomes = import_photos(files, store, profile, checker, new_backdrop, progress)
    finally:
        store.close()
    if not args.json:
        filed = sum(o.filed for o in outcomes)
        print(f"{filed} of {len(outcomes)} photos filed into {folder} for {profile.id}.")
    return EXIT_OK if all(o.filed for o in outcomes) and not problems else EXIT_FAILED


def _cmd_doctor(args: argparse.Namespace) -> int:
    from kiosk.tools.doctor import FAIL, format_findings, run_doctor

    findings = run_doctor(Path(args.store), args.camera, args.profiles_dir)
    if args.json:
        print(json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2))
    else:
        print(format_findings(findings))
    return EXIT_FAILED if any(f.status == FAIL for f in findings) else EXIT_OK


def _cmd_records(args: argparse.Namespace) -> int:
    from kiosk.store.export import records_json_lines

    statuses = _status_arg(args.status)
    store = _open_store(args.store)
    try:
        records = [r for r in store.list() if statuses is None or r.status in statuses]
        if args.json:
            wanted = {r.identity for r in records}
            for line in records_json_lines(store):
                if json.loads(line)["identity"] in wanted:
                    print(line)
        else:
            print(f"{'identity':24} {'status':14} {'profile':20} {'attempts':>8}  updated")
            for r in records:
                print(f"{r.identity:24} {r.status.value:14} {r.profile_id:20} {r.attempts:>8}  {r.updated}")
            counts = store.counts_today()
            print(f"{len(records)} records; today: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    finally:
        store.close()
    return EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    from kiosk.store.export import ExportError, export_batch
    from kiosk.store.records import Status

    statuses = _status_arg(args.status) or [Status.FILED, Status.RECAPTURED]
    store = _open_store(args.store)
    try:
        report = export_batch(store, Path(args.output), statuses)
    except (ExportError, ValueError) as exc:
        print(f"error: {error_text(exc, 'en')}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        store.close()
    if report.zip_path is None:
        print("nothing to export: no records in " + ", ".join(s.value for s in statuses) + ".")
    else:
        print(f"wrote {report.zip_path}: {len(report.exported)} pictures (verified; those records are now locked).")
    for identity, why in report.refused.items():
        print(f"refused {identity}: {why}", file=sys.stderr)
    return EXIT_FAILED if report.refused else EXIT_OK


def _cmd_bench(args: argparse.Namespace) -> int:
    from kiosk.tools.bench import format_bench, run_bench

    profile = get_profile(args.profile, args.profiles_dir)
    images = Path(args.images) if args.images else None
    if images is not None and not images.is_dir():
        raise UsageError(f"--images {images}: not a folder of photos.")
    result = run_bench(profile, frames_n=args.frames, images=images, quick=args.quick)
    print(json.dumps(result, ensure_ascii=False) if args.json else format_bench(result))
    return EXIT_OK


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
    p.add_argument("--replace-backdrop", action="store_true",
                   help="换底: paint the backdrop one of the profile's colours and add room above the head, for photos "
                        "with the wrong backdrop or cut close above the hair")
    p.add_argument("--backdrop", metavar="COLOUR", help="the colour for --replace-backdrop, by its name in the profile "
                                                         "(default the profile's first)")
    _add_profile_dirs(p)
    p.set_defaults(func=_cmd_make)

    p = sub.add_parser("doctor", help="self-test of this PC for the kiosk: packages, models, camera, screen, "
                                      "sound, font, store")
    p.add_argument("--store", default="kiosk-store", help="the store folder the kiosk will use (default ./kiosk-store)")
    p.add_argument("--camera", help="also open this camera (a webcam number, a video, 'demo') and read a frame")
    p.add_argument("--json", action="store_true", help="print the findings as JSON")
    _add_profile_dirs(p)
    p.set_defaults(func=_cmd_doctor)

    p = sub.add_parser("import", help="file photos sent by mail or on a USB stick into the kiosk's records")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="photo file(s) or folder(s), each named after the "
                                                              "person's number (2023001.jpg)")
    p.add_argument("--store", metavar="DIR", help="the kiosk's store folder (or from --config)")
    p.add_argument("--config", metavar="FILE", help="take the store, profile and profile folders from a station's "
                                                   "kiosk config file")
    p.add_argument("--profile", help=f"profile id (default: the config's, else {DEFAULT_PROFILE_ID})")
    p.add_argument("--replace-backdrop", action="store_true", help="换底: paint the backdrop the profile's colour")
    p.add_argument("--backdrop", metavar="COLOUR", help="the colour for --replace-backdrop (default the profile's "
                                                         "first)")
    p.add_argument("--json", action="store_true", help="one JSON line per photo")
    _add_profile_dirs(p)
    p.set_defaults(func=_cmd_import)

    p = sub.add_parser("check", help="check photos against the gates and a profile's file rules")
    p.add_argument("inputs", nargs="+", metavar="FILE_OR_DIR")
    p.add_argument("--profile", default=DEFAULT_PROFILE_ID, help=f"profile id (default {DEFAULT_PROFILE_ID})")
    p.add_argument("--json", action="store_true", help="one JSON object per photo per line")
    p.add_argument("--report", metavar="OUT.html", help="also write an HTML report with thumbnails and overlays")
    _add_profile_dirs(p)
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser("eval", help="measure the gates against a labelled folder")
    p.add_argument("folder", metavar="DIR")
    p.add_argument("--labels", metavar="manifest.csv", help="label file (default DIR/manifest.csv)")
    p.add_argument("--profile", default=DEFAULT_PROFILE_ID, help=f"profile id (default {DEFAULT_PROFILE_ID})")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--folds", type=int, default=0, metavar="K",
                   help="also estimate held-out accuracy: K-fold cross-validation of each gate's threshold")
    _add_profile_dirs(p)
    p.set_defaults(func=_cmd_eval)

    p = sub.add_parser("kiosk", help="run the live kiosk")
    p.add_argument("--config", metavar="FILE", help="site settings in a TOML file (see docs/kiosk.example.toml); "
                                                   "flags given here win over the file")
    p.add_argument("--profile", help=f"profile id (default {DEFAULT_PROFILE_ID})")
    p.add_argument("--camera", help="device index (0), video file, image folder, still photo, or 'demo' "
                                    "(default: webcam 0 if present, else the demo camera)")
    p.add_argument("--lang", choices=("zh", "en"), help="first language on screen (default zh)")
    p.add_argument("--fullscreen", action="store_true", default=None, help="kiosk mode: fullscreen, cursor hidden")
    p.add_argument("--no-sound", dest="sound", action="store_false", default=None,
                   help="no countdown ticks, shutter or chime")
    p.add_argument("--replace-backdrop", action="store_true", default=None,
                   help="换底: paint the backdrop the profile's colour, so any plain wall will do")
    p.add_argument("--backdrop", metavar="COLOUR", help="the colour for --replace-backdrop (default the profile's "
                                                         "first)")
    p.add_argument("--size", help="window size WIDTHxHEIGHT (default 1280x800)")
    p.add_argument("--store", help="folder where pictures are filed (default ./kiosk-store)")
    p.add_argument("--headless", action="store_true", help="no window (SDL dummy driver), for demos and tests")
    p.add_argument("--auto-confirm", action="store_true", help="confirm the review screen by itself after a moment")
    p.add_argument("--exit-after", type=int, metavar="N", help="quit once N pictures are filed")
    p.add_argument("--identity", metavar="CODE", help="skip the identify screen and file under CODE")
    p.add_argument("--skip-identify", action="store_true", help="no identify screen; file under an anonymous code")
    p.add_argument("--accept", metavar="KINDS", help="numbers accepted at the keypad, comma separated, from "
                   "id_number, registration, student, collection_code (default: all)")
    p.add_argument("--student-pattern", action="append", metavar="REGEX",
                   help="full-match pattern for student numbers (may repeat; replaces the default)")
    p.add_argument("--registration-pattern", action="append", metavar="REGEX",
                   help="full-match pattern for exam registration numbers (may repeat; replaces the default)")
    p.add_argument("--json", action="store_true", help="print one JSON line per filed picture")
    p.add_argument("--max-runtime", type=float, metavar="S", help="stop after S seconds (demos, tests)")
    p.add_argument("--screenshots", metavar="DIR", help="save a PNG of each screen the first time it is shown")
    p.add_argument("--startup-probe", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--probe-run", type=float, default=0.0, help=argparse.SUPPRESS)
    _add_profile_dirs(p)
    p.set_defaults(func=_cmd_kiosk)

    p = sub.add_parser("records", help="list the records of a kiosk store")
    p.add_argument("--store", required=True, metavar="DIR", help="the kiosk's store folder")
    p.add_argument("--status", action="append", metavar="S", help="only records with this status (may repeat)")
    p.add_argument("--json", action="store_true", help="one JSON line per record")
    p.set_defaults(func=_cmd_records)

    p = sub.add_parser("export", help="export filed pictures as a verified zip for hand-over (locks them)")
    p.add_argument("--store", required=True, metavar="DIR", help="the kiosk's store folder")
    p.add_argument("--status", action="append", metavar="S", help="statuses to export (default: filed, recaptured)")
    p.add_argument("-o", "--output", required=True, metavar="batch.zip", help="the zip to write")
    p.set_defaults(func=_cmd_export)

    p = sub.add_parser("bench", help="measure speed and memory on this machine")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--frames", type=int, default=60, help="frames per per-frame measurement (default 60)")
    p.add_argument("--images", metavar="DIR", help="photos for check/make throughput (default: generated)")
    p.add_argument("--quick", action="store_true", help="a short run that checks everything works (CI)")
    p.add_argument("--profile", default=DEFAULT_PROFILE_ID, help=f"profile id (default {DEFAULT_PROFILE_ID})")
    _add_profile_dirs(p)
    p.set_defaults(func=_cmd_bench)
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
