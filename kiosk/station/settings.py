"""The station settings, declared once: name, built-in value, what it does, the values it takes, its config key and
its command-line flag.

A station's settings come in layers, each overriding the one before: the built-in values here, the site's config
file (`idphoto kiosk --config FILE`, read by kiosk/station/config.py), the values saved from the operator console
(profile, camera, 换底: `SAVED`, kept in the store by station, read at start by `saved_layer`), and the flags given
on the command line. `resolve` is that order; the values it returns know where each came from (`origins`: default,
file, console, flag), which the console's settings page shows.

Settings are what a site decides for its station (profile, camera, language, screen, store, which numbers are
accepted). How one run behaves for tests, demos and benches (headless, auto-confirm, a time limit, an injected
camera, frame rates and delays) are run knobs (`RunKnobs`): they have flags but no config key and are never saved.
The live kiosk reads both from one `KioskOptions`, whose attributes keep the names they always had.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Callable, Mapping

from kiosk.store.identity import DEFAULT_RULES, KINDS, IdentityRules
from kiosk.texts import LANGS
from profiles import DEFAULT_PROFILE_ID
from profiles.model import Profile


class SettingError(ValueError):
    """A value a setting cannot take. Its message reads after the setting's key or flag (see `worded`), e.g.
    "must be true or false." or "unknown kind 'x' (kinds: ...)."."""


def worded(label: str, problem: str) -> str:
    """Return the sentence for `problem` with the value's `label` (a config key, or a flag) in front."""
    return f"{label} {problem}" if problem.startswith("must") else f"{label}: {problem}"


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SettingError("must be a non-empty text in quotes.")
    return value.strip()


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise SettingError("must be true or false.")
    return value


def _texts(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]  # one text alone is a list of one
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v.strip() for v in value):
        raise SettingError("must be a list of texts, e.g. [\"a\", \"b\"].")
    return tuple(v.strip() for v in value)


#: what each kind of setting takes, checked before the setting's own `check`
KINDS_OF_VALUE: dict[str, Callable[[Any], Any]] = {"text": _text, "flag": _flag, "list": _texts}


def parse_size(text: str) -> tuple[int, int]:
    """Return (width, height) in pixels from "WIDTHxHEIGHT"; ValueError if it is not that."""
    width, height = (int(v) for v in text.lower().split("x"))
    if width <= 0 or height <= 0:
        raise ValueError(text)
    return width, height


def _size(text: str) -> str:
    try:
        parse_size(text)
    except ValueError:
        raise SettingError(f"must be WIDTHxHEIGHT, e.g. 1280x800, not {text!r}.") from None
    return text


def _kinds(kinds: tuple[str, ...]) -> tuple[str, ...]:
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise SettingError(f"unknown kind {unknown[0]!r} (kinds: {', '.join(KINDS)}).")
    return kinds


def _patterns(patterns: tuple[str, ...]) -> tuple[str, ...]:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise SettingError(f"pattern {pattern!r} is not a regular expression ({exc}).") from None
    return patterns


def _station(name: str) -> str:
    if len(name) > 64 or not name.isprintable():
        raise SettingError(f"must be a name of at most 64 printable characters, not {name!r}.")
    return name


def station_name(value: str | None) -> str:
    """Return the station's name: the one set, else this computer's host name."""
    from kiosk.store.sqlite import default_station

    return value or default_station()


@dataclass(frozen=True)
class Setting:
    """One station setting. `name` is its attribute and its config key (a "-" in the file reads as "_")."""

    name: str
    default: Any  # the built-in value, in the form the config file takes (None: decided at start, see `help`)
    help: str  # what it does: the help of its command-line flag
    kind: str  # "text", "flag" (true/false) or "list" (of texts): see KINDS_OF_VALUE
    flag: str  # its command-line flag; a "--no-..." flag sets a true/false setting to false
    check: Callable[[Any], Any] | None = None  # further check on the value: returns it, or raises SettingError
    choices: tuple[str, ...] = ()  # the only values it takes, if listed
    metavar: str | None = None  # the value's name in the flag's help (argparse's default: the name in capitals)
    comma_list: bool = False  # a list given on the command line as one comma-separated text (not a repeated flag)
    adds_up: bool = False  # a list that adds to the earlier layers' instead of replacing them (profile folders)
    file_relative: bool = False  # folder(s): relative to the config file, not to where the kiosk is started

    def clean(self, value: Any) -> Any:
        """Return `value` checked and tidied for this setting (tuples for lists); raise SettingError if it is not
        one this setting takes."""
        value = KINDS_OF_VALUE[self.kind](value)
        if self.choices and value not in self.choices:
            allowed = " or ".join(f'"{c}"' for c in self.choices)
            raise SettingError(f"must be {allowed}, not {value!r}.")
        return self.check(value) if self.check else value


def _settings_table() -> tuple[Setting, ...]:
    """Return every station setting, in the order of the kiosk's --help. (A declarative table.)"""
    return (
        Setting("profile", DEFAULT_PROFILE_ID, f"profile id (default {DEFAULT_PROFILE_ID})", "text", "--profile"),
        Setting("camera", None, "device index (0), video file, image folder, still photo, or 'demo' "
                                "(default: webcam 0 if present, else the demo camera)", "text", "--camera"),
        Setting("lang", "zh", "first language on screen (default zh)", "text", "--lang", choices=LANGS),
        Setting("fullscreen", False, "kiosk mode: fullscreen, cursor hidden", "flag", "--fullscreen"),
        Setting("sound", True, "no countdown ticks, shutter or chime", "flag", "--no-sound"),
        Setting("replace_backdrop", False, "换底: paint the backdrop the profile's colour, so any plain wall will do",
                "flag", "--replace-backdrop"),
        Setting("backdrop", None, "the colour for --replace-backdrop (default the profile's first)", "text",
                "--backdrop", metavar="COLOUR"),
        Setting("camera_size", "1280x720", "frame size asked of a webcam WIDTHxHEIGHT (default 1280x720; the camera "
                "may give another: the one it gives is logged and checked against the profile)", "text",
                "--camera-size", check=_size),
        Setting("size", "1280x800", "window size WIDTHxHEIGHT (default 1280x800)", "text", "--size", check=_size),
        Setting("store", "kiosk-store", "folder where pictures are filed (default ./kiosk-store), or a hall server's "
                "postgresql://USER@HOST:PORT/DATABASE URL", "text", "--store", file_relative=True),
        Setting("store_url", None, "a hall server's postgresql:// URL: the store instead of the store folder (without "
                "a password in it, the driver reads PGPASSWORD or the PGPASSFILE file)", "text", "--store-url",
                metavar="URL"),
        Setting("store_password_file", None, "a file holding the hall server's password on its first line, read at "
                "start (never printed or logged)", "text", "--store-password-file", metavar="FILE",
                file_relative=True),
        Setting("local", None, "this station's own folder: its log, its outbox, its exports and print sheets "
                "(default: the store folder; ./kiosk-store with a hall server's URL)", "text", "--local",
                metavar="DIR", file_relative=True),
        Setting("station", None, "this station's name, kept with every attempt, filing and audit row (default: "
                "this computer's host name)", "text", "--station", metavar="NAME", check=_station),
        Setting("accept", DEFAULT_RULES.kinds, "numbers accepted at the keypad, comma separated, from "
                "id_number, registration, student, collection_code (default: all)", "list", "--accept",
                check=_kinds, metavar="KINDS", comma_list=True),
        Setting("student_pattern", DEFAULT_RULES.student, "full-match pattern for student numbers (may repeat; "
                "replaces the default)", "list", "--student-pattern", check=_patterns, metavar="REGEX"),
        Setting("registration_pattern", DEFAULT_RULES.registration, "full-match pattern for exam registration "
                "numbers (may repeat; replaces the default)", "list", "--registration-pattern", check=_patterns,
                metavar="REGEX"),
        Setting("profiles_dir", (), "extra folder of profile .toml files (may repeat; also $IDPHOTO_PROFILE_DIRS)",
                "list", "--profiles-dir", metavar="DIR", adds_up=True, file_relative=True),
    )


SETTINGS: tuple[Setting, ...] = _settings_table()
SETTINGS_BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


def built_in(name: str) -> Any:
    """Return the built-in value of setting `name`."""
    return SETTINGS_BY_NAME[name].default


#: the settings the operator console changes and saves in the store (they survive a restart)
SAVED: tuple[str, ...] = ("profile", "camera", "replace_backdrop")
#: where a value comes from, weakest first: built in, the config file, saved from the console, a command-line flag
ORIGINS: tuple[str, ...] = ("default", "file", "console", "flag")


class Resolved(dict):
    """Every setting's value by name (a dict), and `origins`: where each came from (one of ORIGINS)."""

    origins: dict[str, str]


def resolve(file_values: Mapping[str, Any], saved_values: Mapping[str, Any],
            flag_values: Mapping[str, Any]) -> Resolved:
    """Return every setting's value: the command-line flag's if given, else the one saved from the operator console,
    else the config file's, else the built-in one, with `origins` saying which. Each mapping holds only the settings
    it sets, values already cleaned (`Setting.clean`). A list that `adds_up` is the built-in one plus those of every
    layer, in that order (its origin: the strongest layer that added to it)."""
    values = Resolved()
    values.origins = {}
    named = tuple(zip(ORIGINS[1:], (file_values, saved_values, flag_values)))
    for setting in SETTINGS:
        layers = [(origin, layer[setting.name]) for origin, layer in named if setting.name in layer]
        if setting.adds_up:
            values[setting.name] = tuple(setting.default) + tuple(v for _, layer in layers for v in layer)
        else:
            values[setting.name] = layers[-1][1] if layers else setting.default
        values.origins[setting.name] = layers[-1][0] if layers else "default"
    return values


def saved_layer(file_values: Mapping[str, Any], flag_values: Mapping[str, Any],
                store: str | None = None) -> dict[str, Any]:
    """Return the settings saved from the operator console for this station (its name and store as the flags, else
    the config file, else the built-in values say; `store`, when given, is the store: a URL with its password),
    cleaned; a saved value this program no longer takes (a profile removed since) is left out, so the layers below
    apply."""
    from kiosk.store.postgres_url import is_server_url
    from kiosk.store.saved import saved_settings

    def given(name: str) -> Any:
        return flag_values.get(name, file_values.get(name, built_in(name)))

    out: dict[str, Any] = {}
    store = store or str(given("store"))
    read = saved_settings
    if is_server_url(store):  # a hall's server: read there (psycopg loaded only then)
        from kiosk.store.postgres_pages import hall_saved_settings as read
    for name, value in read(store, station_name(given("station"))).items():
        if name not in SAVED:
            continue
        try:
            out[name] = SETTINGS_BY_NAME[name].clean(value)
        except SettingError:
            continue
    if "profile" in out and not _profile_known(out["profile"], given("profiles_dir")):
        del out["profile"]
    return out


def _profile_known(profile_id: str, folders: Any) -> bool:
    from profiles import load_profiles

    try:
        return profile_id in load_profiles(tuple(folders or ()))
    except Exception:  # a broken profile folder is reported when the kiosk loads its profile
        return True


def identity_rules(values: Mapping[str, Any]) -> IdentityRules:
    """Return the identity rules (accepted kinds, number patterns) the resolved `values` ask for."""
    return dataclasses.replace(DEFAULT_RULES, kinds=tuple(values["accept"]), student=tuple(values["student_pattern"]),
                               registration=tuple(values["registration_pattern"]))


@dataclass
class StationSettings:
    """The station settings as the live kiosk uses them: the profile loaded, sizes in pixels, the store a Path (a
    folder) or a str (a hall server's URL, its password in it: show it with kiosk.store.open.shown only), the
    accepted numbers as IdentityRules. `camera` is decided at start when not set (webcam 0 if present, else demo)."""

    profile: Profile
    camera: str = "demo"
    lang: str = built_in("lang")
    fullscreen: bool = built_in("fullscreen")
    store: Path | str = Path(built_in("store"))
    local: Path | None = None  # the station's own folder (log, outbox, exports); None: the store folder
    size: tuple[int, int] = parse_size(built_in("size"))
    sound: bool = built_in("sound")  # countdown ticks, shutter, saved chime (silent anyway without an audio device)
    #: 换底 at the kiosk: paint the backdrop the profile's colour (`backdrop` by name, else its first), so a station
    #: needs a plain wall, not the spec's backdrop cloth; the gates then ask for a plain backdrop of any colour
    replace_backdrop: bool = built_in("replace_backdrop")
    backdrop: str | None = built_in("backdrop")
    identity_rules: IdentityRules = DEFAULT_RULES  # which typed numbers are accepted
    station: str = ""  # this station's name (the store files under it; "" until decided: the host name)
    camera_size: tuple[int, int] = parse_size(built_in("camera_size"))  # the frame size asked of a webcam, px
    #: where each setting's value came from (ORIGINS; missing: "default"), shown on the console's settings page
    origins: Mapping[str, str] = dataclasses.field(default_factory=dict)


def station_settings(values: Mapping[str, Any], profile: Profile, camera: str) -> StationSettings:
    """Return the StationSettings of resolved setting `values` (see `resolve`), with the loaded `profile` and the
    `camera` decided at start."""
    return StationSettings(profile=profile, camera=camera, lang=values["lang"], fullscreen=values["fullscreen"],
                           store=_store_value(values["store"]), local=_local_value(values),
                           size=parse_size(values["size"]), sound=values["sound"],
                           replace_backdrop=values["replace_backdrop"], backdrop=values["backdrop"],
                           identity_rules=identity_rules(values), station=station_name(values["station"]),
                           camera_size=parse_size(values["camera_size"]),
                           origins=dict(getattr(values, "origins", {})))


def _store_value(store: str | Path) -> Path | str:
    """Return the store as the kiosk keeps it: a folder as a Path, a URL as a str (a Path would fold its "//")."""
    from kiosk.store.postgres_url import is_server_url

    return str(store).strip() if is_server_url(str(store)) else Path(store)


def _local_value(values: Mapping[str, Any]) -> Path:
    from kiosk.station.store_address import local_of

    return local_of(str(values["store"]), values.get("local"))


def local_folder(settings: "StationSettings") -> Path:
    """Return the station's own folder (log, outbox, exports, print sheets): `local`, else the store folder, else
    ./kiosk-store for a hall server's URL."""
    from kiosk.station.store_address import local_of

    return local_of(str(settings.store), settings.local)


@dataclass
class RunKnobs:
    """How one run behaves, for tests, demos and benches: never in a config file, never saved. (`identity` and
    `skip_identify` are per run too: a station always asks who is there; the camera's frame rate and the delays are
    tuned for tests and benches, not chosen by a site.)"""

    headless: bool = False  # no window (SDL dummy driver)
    auto_confirm: bool = False  # confirm the review screen by itself after `auto_confirm_s`
    exit_after: int | None = None  # quit once this many pictures are filed
    identity: str | None = None  # skip the identify screen and file under this code
    skip_identify: bool = False  # no identify screen; file under an anonymous code
    json_lines: bool = False  # print one JSON line per filed picture
    fps: float = 30.0  # the loop's frame rate, and the rate asked of the camera
    max_runtime_s: float | None = None  # safety net for demos and tests
    screenshot_dir: Path | None = None  # save one PNG per state visited (docs)
    arrival_s: float = 0.5  # a face seen this long at the idle screen starts a session
    auto_confirm_s: float = 1.0
    source_factory: Callable[[], object] | None = None  # replaces `camera` (tests inject replay sources)
    startup_probe: bool = False  # start a session at once and print "first-guided-frame" when it is drawn
    probe_run_s: float = 0.0  # with startup_probe: keep guiding this long after the first guided frame


@dataclass
class KioskOptions(RunKnobs, StationSettings):
    """How the kiosk runs: the station settings and the run knobs, each readable (and, for what the operator console
    changes, writable) as `options.<name>`. Build it from keywords, or `KioskOptions.of(settings, knobs)`."""

    @classmethod
    def of(cls, settings: StationSettings, knobs: RunKnobs | None = None) -> "KioskOptions":
        """Return the options made of `settings` and `knobs` (default knobs if None)."""
        return cls(**_fields_of(settings, StationSettings), **_fields_of(knobs or RunKnobs(), RunKnobs))

    @property
    def settings(self) -> StationSettings:
        """Return the station settings part (a copy)."""
        return StationSettings(**_fields_of(self, StationSettings))

    @property
    def knobs(self) -> RunKnobs:
        """Return the run knobs part (a copy)."""
        return RunKnobs(**_fields_of(self, RunKnobs))


def _fields_of(obj: object, kind: type) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in fields(kind)}
