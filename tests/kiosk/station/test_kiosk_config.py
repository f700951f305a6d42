"""Kiosk site settings from a TOML file: every key, flags winning over the file, and clear errors for bad files."""
from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from kiosk.commands.kiosk import kiosk_settings
from kiosk.commands.main import build_parser, main
from kiosk.station.config import ConfigError, load_kiosk_config
from kiosk.station.settings import (KINDS_OF_VALUE, SETTINGS, SETTINGS_BY_NAME, KioskOptions, RunKnobs,
                                    StationSettings, identity_rules)
from kiosk.store.identity import DEFAULT_RULES

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "kiosk.example.toml"


def test_the_example_file_loads():
    config = load_kiosk_config(EXAMPLE)
    assert config.values == {
        "profile": "chsi-graduation", "camera": "0", "lang": "zh", "fullscreen": True, "sound": True,
        "size": "1920x1080", "store": "/var/lib/idphoto/kiosk-store",
        "accept": ("student", "id_number", "collection_code"), "student_pattern": ("20[0-9]{8}",)}
    assert config.source == str(EXAMPLE)


def _kiosk_settings(*argv: str) -> dict:
    return kiosk_settings(build_parser().parse_args(["kiosk", *argv]))


def test_file_fills_what_the_command_line_leaves_open(tmp_path):
    cfg = tmp_path / "station" / "kiosk.toml"
    cfg.parent.mkdir()
    cfg.write_text('camera = "demo"\nlang = "en"\nstore = "pictures"\nprofiles_dir = ["local"]\n'
                   'registration_pattern = "[0-9]{14}"\n', encoding="utf-8")
    values = _kiosk_settings("--config", str(cfg), "--lang", "zh", "--profiles-dir", "/extra")
    assert values["camera"] == "demo" and values["lang"] == "zh"  # the flag wins over the file
    assert values["store"] == str((cfg.parent / "pictures").resolve())  # relative to the file, not to the start folder
    assert values["profiles_dir"] == (str((cfg.parent / "local").resolve()), "/extra")  # folders add up
    assert values["registration_pattern"] == ("[0-9]{14}",)
    assert values["student_pattern"] == DEFAULT_RULES.student  # not set anywhere: the built-in patterns
    assert (values["profile"], values["size"], values["fullscreen"], values["sound"]) == (
        "chsi-graduation", "1280x800", False, True)


def test_flags_replace_the_file_lists(tmp_path):
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text('accept = ["student"]\nstudent_pattern = ["20[0-9]{8}"]\n', encoding="utf-8")
    values = _kiosk_settings("--config", str(cfg), "--accept", "id_number, registration",
                             "--student-pattern", "S[0-9]+", "--student-pattern", "T[0-9]+")
    assert values["accept"] == ("id_number", "registration")
    assert values["student_pattern"] == ("S[0-9]+", "T[0-9]+")
    rules = identity_rules(values)
    assert rules.kinds == ("id_number", "registration") and rules.student == ("S[0-9]+", "T[0-9]+")
    assert identity_rules(_kiosk_settings()) == DEFAULT_RULES


def test_no_sound_flag_and_key(tmp_path):
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text("sound = false\n", encoding="utf-8")
    assert _kiosk_settings("--config", str(cfg))["sound"] is False
    assert _kiosk_settings("--no-sound")["sound"] is False
    assert _kiosk_settings()["sound"] is True


def test_without_a_file_the_built_in_defaults():
    values = _kiosk_settings()
    assert (values["profile"], values["lang"], values["size"], values["store"], values["fullscreen"]) == (
        "chsi-graduation", "zh", "1280x800", "kiosk-store", False)
    assert values["camera"] is None  # webcam 0 if present, else the demo camera


@pytest.mark.parametrize("text,words", [
    ('camra = "demo"\n', ["unknown key 'camra'", "camera"]),
    ("fullscreen = \"yes\"\n", ["fullscreen must be true or false"]),
    ("lang = \"fr\"\n", ["lang must be"]),
    ("accept = [\"passport\"]\n", ["unknown kind 'passport'"]),
    ("student_pattern = [\"([0-9\"]\n", ["not a regular expression"]),
    ("size = 1920\n", ["size must be a non-empty text"]),
    ("camera = \n", ["not valid TOML"]),
    ("size = \"big\"\n", ["size must be WIDTHxHEIGHT"]),
    ("profiles_dir = [1]\n", ["profiles_dir must be a list of texts"]),
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


@pytest.mark.parametrize("argv,words", [
    (["--size", "abc"], ["--size must be WIDTHxHEIGHT", "'abc'"]),
    (["--accept", "passport"], ["--accept: unknown kind 'passport'"]),
    (["--student-pattern", "([0-9"], ["--student-pattern", "not a regular expression"]),
])
def test_bad_flags_are_usage_errors_naming_the_flag(tmp_path, capsys, argv, words):
    assert main(["kiosk", "--headless", "--camera", "demo", "--store", str(tmp_path / "store"), *argv]) == 2
    err = capsys.readouterr().err
    assert all(w in err for w in words) and "Traceback" not in err


def test_every_setting_is_declared_once_with_a_flag_and_a_kind(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["kiosk", "--help"])
    kiosk_help = capsys.readouterr().out
    for setting in SETTINGS:
        assert setting.kind in KINDS_OF_VALUE and f"{setting.flag} " in kiosk_help
        if setting.default is not None:  # the built-in value is one the setting takes
            assert setting.clean(setting.default) == setting.default
    example_keys = {line.lstrip("# ").split(" ")[0] for line in EXAMPLE.read_text(encoding="utf-8").splitlines()
                    if " = " in line}
    assert example_keys == set(SETTINGS_BY_NAME)  # the example file shows every key


def test_kiosk_options_keep_every_field_name():
    station, knobs = {f.name for f in fields(StationSettings)}, {f.name for f in fields(RunKnobs)}
    assert not station & knobs
    assert {f.name for f in fields(KioskOptions)} == station | knobs
    assert {"profile", "camera", "lang", "fullscreen", "store", "headless", "auto_confirm", "exit_after", "identity",
            "skip_identify", "json_lines", "size", "fps", "camera_size", "max_runtime_s", "screenshot_dir",
            "arrival_s", "auto_confirm_s", "source_factory", "startup_probe", "probe_run_s", "identity_rules",
            "sound", "replace_backdrop", "backdrop"} <= station | knobs
    # the built-in station values reach the options the kiosk runs with
    options = KioskOptions(profile=None, headless=True)
    assert (options.lang, options.size, options.store, options.sound) == ("zh", (1280, 800), Path("kiosk-store"), True)
    options.camera = "1"  # the operator console changes some in place
    assert options.settings.camera == "1" and options.knobs.headless is True
    assert KioskOptions.of(options.settings, options.knobs) == options


def test_layers_resolve_in_order_file_saved_flags():
    from kiosk.station.settings import resolve

    values = resolve({"lang": "en", "camera": "demo", "profiles_dir": ("/a",)},
                     {"lang": "zh", "camera": "1", "profiles_dir": ("/b",)},
                     {"camera": "2", "profiles_dir": ("/c",)})
    assert values["camera"] == "2" and values["lang"] == "zh"  # flags win, then saved values, then the file
    assert values["profiles_dir"] == ("/a", "/b", "/c") and values["size"] == "1280x800"
