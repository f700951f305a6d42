"""Kiosk site settings from a TOML file: every key, flags winning over the file, and clear errors for bad files."""
from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.commands.main import _apply_kiosk_config, build_parser, main
from kiosk.station.config import ConfigError, load_kiosk_config

EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "kiosk.example.toml"


def test_the_example_file_loads():
    config = load_kiosk_config(EXAMPLE)
    assert config.profile == "chsi-graduation" and config.camera == "0" and config.lang == "zh"
    assert config.fullscreen is True and config.sound is True and config.size == "1920x1080"
    assert config.store == "/var/lib/idphoto/kiosk-store"
    assert config.accept == ("student", "id_number", "collection_code")
    assert config.student_pattern == ("20[0-9]{8}",) and config.registration_pattern == ()


def _kiosk_args(*argv: str):
    args = build_parser().parse_args(["kiosk", *argv])
    _apply_kiosk_config(args)
    return args


def test_file_fills_what_the_command_line_leaves_open(tmp_path):
    cfg = tmp_path / "station" / "kiosk.toml"
    cfg.parent.mkdir()
    cfg.write_text('camera = "demo"\nlang = "en"\nstore = "pictures"\nprofiles_dir = ["local"]\n'
                   'registration_pattern = "[0-9]{14}"\n', encoding="utf-8")
    args = _kiosk_args("--config", str(cfg), "--lang", "zh", "--profiles-dir", "/extra")
    assert args.camera == "demo" and args.lang == "zh"  # the flag wins over the file
    assert args.store == str((cfg.parent / "pictures").resolve())  # relative to the file, not to where it is run from
    assert args.profiles_dir == [str((cfg.parent / "local").resolve()), "/extra"]
    assert args.registration_pattern == ["[0-9]{14}"] and args.student_pattern is None
    assert (args.profile, args.size, args.fullscreen, args.sound) == ("chsi-graduation", "1280x800", False, True)


def test_no_sound_flag_and_key(tmp_path):
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text("sound = false\n", encoding="utf-8")
    assert _kiosk_args("--config", str(cfg)).sound is False
    assert _kiosk_args("--no-sound").sound is False


def test_without_a_file_the_built_in_defaults():
    args = _kiosk_args()
    assert (args.profile, args.lang, args.size, args.store, args.fullscreen) == (
        "chsi-graduation", "zh", "1280x800", "kiosk-store", False)
    assert args.camera is None  # webcam 0 if present, else the demo camera


@pytest.mark.parametrize("text,words", [
    ('camra = "demo"\n', ["unknown key 'camra'", "camera"]),
    ("fullscreen = \"yes\"\n", ["fullscreen must be true or false"]),
    ("lang = \"fr\"\n", ["lang must be"]),
    ("accept = [\"passport\"]\n", ["unknown kind 'passport'"]),
    ("student_pattern = [\"([0-9\"]\n", ["not a regular expression"]),
    ("size = 1920\n", ["size must be a non-empty text"]),
    ("camera = \n", ["not valid TOML"]),
])
def test_bad_files_are_refused_with_the_reason(tmp_path, text, words):
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_kiosk_config(cfg)
    message = str(refused.value)
    assert message.startswith(str(cfg)) and all(w in message for w in words)


def test_bad_config_is_a_usage_error_naming_the_file(tmp_path, capsys):
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text("camra = 0\n", encoding="utf-8")
    assert main(["kiosk", "--config", str(cfg), "--headless"]) == 2
    err = capsys.readouterr().err
    assert str(cfg) in err and "camra" in err and "Traceback" not in err
    assert main(["kiosk", "--config", str(tmp_path / "missing.toml"), "--headless"]) == 2
    assert "missing.toml" in capsys.readouterr().err


def test_kiosk_runs_from_a_config_file(tmp_path, capsys):
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text('camera = "demo"\nstore = "station-store"\nlang = "en"\n', encoding="utf-8")
    status = main(["kiosk", "--config", str(cfg), "--headless", "--identity", "2023001", "--auto-confirm",
                   "--exit-after", "1", "--max-runtime", "40", "--json"])
    assert status == 0
    assert (tmp_path / "station-store" / "pictures" / "2023001.jpg").exists()


def test_every_setting_has_a_kind_of_value():
    from dataclasses import fields

    from kiosk.station.config import _FLAGS, _LISTS, _TEXT, KioskConfig

    assert _TEXT | _FLAGS | _LISTS == {f.name for f in fields(KioskConfig)} - {"source"}
    assert not (_TEXT & _FLAGS or _TEXT & _LISTS or _FLAGS & _LISTS)
