"""`idphoto kiosk`: run the live kiosk.

The station settings and their flags come from one table (kiosk/station/settings.py): the --config file is read
first, then the flags given here (flags win). The other flags are run knobs for tests, demos and benches.
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from kiosk.commands.common import CommandError, UsageError, load_config, new_backdrop, unusable_store
from kiosk.station.settings import SETTINGS, RunKnobs, Setting, SettingError, resolve, saved_layer, worded
from kiosk.station.store_address import local_of
from kiosk.store.open import is_server_url, shown
from kiosk.texts import error_text, text
from profiles import get_profile

if TYPE_CHECKING:
    from kiosk.store.identity import IdentityError

log = logging.getLogger("idphoto.kiosk")


def _add_session_knobs(p: argparse.ArgumentParser) -> None:
    p.add_argument("--headless", action="store_true", help="no window (SDL dummy driver), for demos and tests")
    p.add_argument("--auto-confirm", action="store_true", help="confirm the review screen by itself after a moment")
    p.add_argument("--exit-after", type=int, metavar="N", help="quit once N pictures are filed")
    p.add_argument("--identity", metavar="CODE", help="skip the identify screen and file under CODE")
    p.add_argument("--skip-identify", action="store_true", help="no identify screen; file under an anonymous code")


def _add_output_knobs(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print one JSON line per filed picture")
    p.add_argument("--max-runtime", type=float, metavar="S", help="stop after S seconds (demos, tests)")
    p.add_argument("--screenshots", metavar="DIR", help="save a PNG of each screen the first time it is shown")
    p.add_argument("--startup-probe", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--probe-run", type=float, default=0.0, help=argparse.SUPPRESS)


#: the run-knob flags, placed after the flag of a setting so that --help keeps its order
_KNOB_FLAGS_AFTER = {"local": _add_session_knobs, "registration_pattern": _add_output_knobs}


def _add_setting_flag(p: argparse.ArgumentParser, setting: Setting) -> None:
    """Add the flag of `setting`; not given, it reads as None (the config file's or the built-in value then)."""
    kwargs: dict[str, Any] = {"dest": setting.name, "default": None, "help": setting.help}
    if setting.kind == "flag":
        kwargs["action"] = "store_false" if setting.flag.startswith("--no-") else "store_true"
    else:
        kwargs["metavar"] = setting.metavar
        if setting.kind == "list" and not setting.comma_list:
            kwargs["action"] = "append"
        if setting.choices:
            kwargs["choices"] = setting.choices
    p.add_argument(setting.flag, **kwargs)


def add_parser(subparsers) -> None:
    """Add the `kiosk` subcommand to `subparsers`: --config, a flag per station setting, and the run knobs."""
    p = subparsers.add_parser("kiosk", help="run the live kiosk")
    p.add_argument("--config", metavar="FILE", help="site settings in a TOML file (see docs/kiosk.example.toml); "
                                                   "flags given here win over the file")
    for setting in SETTINGS:
        _add_setting_flag(p, setting)
        if setting.name in _KNOB_FLAGS_AFTER:
            _KNOB_FLAGS_AFTER[setting.name](p)
    p.set_defaults(func=run)


def flag_values(args: argparse.Namespace) -> dict[str, Any]:
    """Return the station settings given as flags (only those given), checked; UsageError naming a bad flag."""
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        value = getattr(args, setting.name)
        if value is None:
            continue
        if setting.comma_list:
            value = value.split(",")
        try:
            values[setting.name] = setting.clean(value)
        except SettingError as exc:
            raise UsageError(worded(setting.flag, str(exc))) from None
    return values


def kiosk_settings(args: argparse.Namespace) -> dict[str, Any]:
    """Return every station setting's value: the flag's, else the one saved from the operator console, else the
    --config file's, else built-in (with where each came from). `store` is the store to open (a folder, or a hall
    server's URL with the password of store_password_file in it: never print it, see kiosk.store.open.shown);
    `local` the station's own folder."""
    file_values = load_config(args.config).values if args.config else {}
    flags = flag_values(args)
    store = store_address(file_values, flags)
    values = resolve(file_values, saved_layer(file_values, flags, store), flags)  # saved: from the operator console
    values["store"] = store
    values["local"] = str(local_of(store, values["local"]))
    return values


def store_address(file_values: dict[str, Any], flags: dict[str, Any]) -> str:
    """Return the store the settings name (`store_url` when set, else `store`), a URL with the password of
    store_password_file put in (in memory only); CommandError (exit 2) naming the masked URL or the file, why and
    what to do (the sentences: kiosk/texts/cli.py)."""
    from kiosk.station.store_address import AddressError, check_url, store_given, with_password

    given = resolve(file_values, {}, flags)
    try:
        return with_password(check_url(store_given(given, given.origins)), given["store_password_file"])
    except AddressError as exc:
        raise CommandError(exc.code, exc.subject, **exc.fields) from None


def _camera(asked: str | None) -> str:
    """Return the camera to open: the one asked for (a file, folder or 'demo' is tried once first), else webcam 0 if
    present, else the demo camera."""
    from capture.camera import CameraError, open_source, probe_device

    camera = asked
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
    return camera


def _run_knobs(args: argparse.Namespace, values: dict[str, Any]) -> RunKnobs:
    """Return the run knobs given as flags; UsageError for an --identity that is not a number the kiosk files (the
    keypad's own check, under the station's identity rules; an empty one too)."""
    identity = None
    if args.identity is not None:
        from kiosk.station.settings import identity_rules
        from kiosk.store.identity import IdentityError, validate_identity
        try:
            identity = validate_identity(args.identity, identity_rules(values), "command").code
            problem = _roster_problem(values["store"], identity)  # with a class list, only numbers on it
            if problem is not None:
                raise problem
        except IdentityError as exc:
            raise UsageError(f"--identity: {error_text(exc, 'en')}") from None
    return RunKnobs(headless=args.headless, auto_confirm=args.auto_confirm, exit_after=args.exit_after,
                    identity=identity, skip_identify=args.skip_identify, json_lines=args.json,
                    max_runtime_s=args.max_runtime, screenshot_dir=Path(args.screenshots) if args.screenshots else None,
                    startup_probe=args.startup_probe, probe_run_s=args.probe_run)


def _roster_problem(store: str, identity: str) -> "IdentityError | None":
    """Return the IdentityError when the store's class list does not hold `identity` (None: on it, no list, or the
    store cannot be read now: the kiosk says why when it opens it). A hall server is read, read-only."""
    from kiosk.store.open import open_store
    from kiosk.store.records import StoreError
    from kiosk.store.roster import roster_problem, roster_problem_at

    if not is_server_url(store):
        return roster_problem_at(store, identity)
    try:
        opened = open_store(store, readonly=True)
    except StoreError:
        return None
    try:
        return roster_problem(opened, identity)
    finally:
        opened.close()


def _need_display() -> None:
    """Raise CommandError (exit 2) saying how to start headless when no window can show here (no display, e.g. over
    SSH): without this the kiosk would run off-screen and look hung."""
    from kiosk.tools.doctor import display_problem  # pygame: imported only when the kiosk starts

    problem = display_problem()
    if problem is not None:
        code, detail = problem
        raise CommandError(code, detail=detail) if code == "display_unusable" else CommandError(code)


def run(args: argparse.Namespace) -> int:
    """Run the kiosk until it is quit; return its exit status."""
    # the live kiosk (pygame, the models) is imported here, not at the top, so `idphoto --help` starts fast
    from kiosk.station.loop import KioskApp
    from kiosk.station.settings import KioskOptions, station_settings

    values = kiosk_settings(args)
    if not args.headless:
        _need_display()
    profile = get_profile(values["profile"], values["profiles_dir"])
    # a colour the profile does not allow stops here, before the window opens
    new_backdrop(profile, values["replace_backdrop"], values["backdrop"])
    knobs = _run_knobs(args, values)
    camera = _camera(values["camera"])
    options = KioskOptions.of(station_settings(values, profile, camera), knobs)
    if is_server_url(str(options.store)):  # a server that cannot be used stops here, before anything is made locally
        try:
            app = KioskApp(options)  # a station on a hall keeps its outbox in the local folder (kiosk.store.outbox)
        except OSError as exc:
            raise _unusable_local(values["local"], exc) from None
        _log_to(values["local"], str(options.store), on_failure=app.store.close)
        print(text("cli.kiosk_files_to", "en", store=shown(options.store), name=options.station,
                   folder=values["local"]), file=sys.stderr)
    else:  # a folder that cannot be written stops here, with the folder named
        _log_to(values["local"], str(options.store))
        app = KioskApp(options)
    log.info("store %s, local folder %s", shown(options.store), values["local"])
    return app.run()


def _log_to(local: str, store: str, on_failure: Callable[[], None] = lambda: None) -> None:
    """Send the kiosk's log to the station's own folder `local`; a usage error (exit 2) naming the folder when it
    cannot be made or written (`on_failure` is called first)."""
    from kiosk.logs import setup_logging

    try:
        setup_logging(local)
    except OSError as exc:
        on_failure()
        raise (unusable_store(local, exc) if local == store else _unusable_local(local, exc)) from None


def _unusable_local(folder: str, exc: OSError) -> CommandError:
    """Return the error for a station's local folder that cannot be created or written."""
    return CommandError("local_unusable", f"--local {folder}", error=exc.strerror or type(exc).__name__)
