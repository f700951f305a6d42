"""The kiosk's site settings from a TOML file, so IT staff set a station up once: `idphoto kiosk --config FILE`.

Every key is optional and has the same meaning as the command-line flag of the same name (flags given on the command
line win). Unknown keys and wrong types are refused with the file, the key and what was expected, so a typo never
silently falls back to a default. See docs/kiosk.example.toml.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.store.identity import KINDS


class ConfigError(ValueError):
    """A kiosk configuration file that cannot be used; the message names the file and says what to change."""

    def __init__(self, path: str | Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = str(path), reason


@dataclass(frozen=True)
class KioskConfig:
    """Site settings; None (or empty) = not set in the file."""

    profile: str | None = None
    camera: str | None = None
    lang: str | None = None
    fullscreen: bool | None = None
    sound: bool | None = None
    replace_backdrop: bool | None = None
    backdrop: str | None = None
    size: str | None = None
    store: str | None = None
    accept: tuple[str, ...] = ()
    student_pattern: tuple[str, ...] = ()
    registration_pattern: tuple[str, ...] = ()
    profiles_dir: tuple[str, ...] = ()
    source: str | None = field(default=None, compare=False)  # the file it came from


#: every key a config file may have, by the kind of value it takes (the KioskConfig fields but `source`)
_TEXT = {"profile", "camera", "lang", "size", "store", "backdrop"}
_LISTS = {"accept", "student_pattern", "registration_pattern", "profiles_dir"}
_FLAGS = {"fullscreen", "sound", "replace_backdrop"}


def load_kiosk_config(path: str | Path) -> KioskConfig:
    """Return the KioskConfig in TOML file `path`; raise ConfigError naming the file and the problem."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(path, f"the file cannot be read ({exc.strerror or exc}).") from None
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ConfigError(path, "the file is not UTF-8 text.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, f"not valid TOML: {exc}.") from None
    known = _TEXT | _FLAGS | _LISTS
    values: dict[str, Any] = {}
    for key, value in data.items():
        name = key.replace("-", "_")
        if name not in known:
            raise ConfigError(path, f"unknown key {key!r} (known: {', '.join(sorted(known))}).")
        values[name] = _checked(path, key, name, value)
    if values.get("lang") not in (None, "zh", "en"):
        raise ConfigError(path, f"lang must be \"zh\" or \"en\", not {values['lang']!r}.")
    unknown_kinds = [k for k in values.get("accept", ()) if k not in KINDS]
    if unknown_kinds:
        raise ConfigError(path, f"accept: unknown kind {unknown_kinds[0]!r} (kinds: {', '.join(KINDS)}).")
    for pattern in values.get("student_pattern", ()) + values.get("registration_pattern", ()):
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(path, f"pattern {pattern!r} is not a regular expression ({exc}).") from None
    if "profiles_dir" in values:  # relative folders are relative to the config file, not to where it is run from
        values["profiles_dir"] = tuple(str((path.parent / d).resolve()) for d in values["profiles_dir"])
    if "store" in values:
        values["store"] = str((path.parent / values["store"]).resolve())
    return KioskConfig(**values, source=str(path))


def _checked(path: Path, key: str, name: str, value: Any) -> Any:
    if name in _TEXT:
        if isinstance(value, int) and not isinstance(value, bool) and name == "camera":
            return str(value)  # camera = 0 means webcam 0
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(path, f"{key} must be a non-empty text in quotes.")
        return value.strip()
    if name in _FLAGS:
        if not isinstance(value, bool):
            raise ConfigError(path, f"{key} must be true or false.")
        return value
    # the rest (_LISTS) are lists of texts; one text alone is a list of one
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(path, f"{key} must be a list of texts, e.g. [\"a\", \"b\"].")
    return tuple(v.strip() for v in value)
