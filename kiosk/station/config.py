"""The kiosk's site settings from a TOML file, so IT staff set a station up once: `idphoto kiosk --config FILE`.

Every key is optional and is one of the station settings (kiosk/station/settings.py), with the same meaning as the
command-line flag of the same name (flags given on the command line win). Unknown keys and wrong values are refused
with the file, the key and what was expected, so a typo never silently falls back to a default. See
docs/kiosk.example.toml. A hall server's URL (`store_url`, or `store`) is kept as written; the password is best
kept out of the file, in `store_password_file` (read at start, relative to the config file) or PGPASSWORD.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.station.settings import SETTINGS_BY_NAME, SettingError, worded


class ConfigError(ValueError):
    """A kiosk configuration file that cannot be used; the message names the file and says what to change."""

    def __init__(self, path: str | Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = str(path), reason


@dataclass(frozen=True)
class KioskConfig:
    """The settings one file sets, by setting name (only those it sets), values cleaned; folders made absolute."""

    values: dict[str, Any] = field(default_factory=dict)
    source: str | None = field(default=None, compare=False)  # the file it came from


def load_kiosk_config(path: str | Path) -> KioskConfig:
    """Return the KioskConfig in TOML file `path`; raise ConfigError naming the file and the problem."""
    path = Path(path)
    data = _read_toml(path)
    values: dict[str, Any] = {}
    for key, value in data.items():
        setting = SETTINGS_BY_NAME.get(key.replace("-", "_"))
        if setting is None:
            raise ConfigError(path, f"unknown key {key!r} (known: {', '.join(sorted(SETTINGS_BY_NAME))}).")
        if setting.name == "camera" and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # camera = 0 means webcam 0
        try:
            value = setting.clean(value)
        except SettingError as exc:
            raise ConfigError(path, worded(key, str(exc))) from None
        if setting.file_relative and not _is_url(value):  # relative folders: relative to the config file
            value = _beside(path, value)
        values[setting.name] = value
    return KioskConfig(values, source=str(path))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(path, f"the file cannot be read ({exc.strerror or exc}).") from None
    try:
        return tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ConfigError(path, "the file is not UTF-8 text.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, f"not valid TOML: {exc}.") from None


def _is_url(value: Any) -> bool:
    """Return True for a hall server's postgresql:// URL (`store` may be one): it stays as written."""
    from kiosk.store.postgres_url import is_server_url

    return isinstance(value, str) and is_server_url(value)


def _beside(path: Path, value: str | tuple[str, ...]) -> str | tuple[str, ...]:
    if isinstance(value, tuple):
        return tuple(str((path.parent / d).resolve()) for d in value)
    return str((path.parent / value).resolve())
