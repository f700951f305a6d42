"""`idphoto kiosk --identity`: the keypad's own check, before any window or camera opens (a usage error, exit 2)."""
from __future__ import annotations

import pytest

from kiosk.commands.main import main


@pytest.mark.parametrize("value, words", [
    ("", "The number is empty"),  # was ignored: the kiosk then waited at the identify screen forever
    ("A", "not a number accepted here"),
    ("CON", "a name the system reserves"),
    ("lpt1", "a name the system reserves"),
    ("110105194912310021", "check digit should be X"),
    ("11010519491231002", "17 digits followed by a digit or X"),
])
def test_an_identity_the_keypad_would_refuse_is_refused(tmp_path, capsys, value, words):
    store = tmp_path / "store"
    assert main(["kiosk", "--headless", "--camera", "demo", "--store", str(store), "--identity", value]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --identity: ") and words in err and "Traceback" not in err
    assert not store.exists()  # refused before anything was opened


def test_the_station_patterns_apply_to_the_identity_flag(tmp_path, capsys):
    argv = ["kiosk", "--headless", "--camera", "demo", "--store", str(tmp_path / "store"),
            "--student-pattern", r"20[0-9]{6}", "--identity", "S2023A01"]
    assert main(argv) == 2
    assert "not a number accepted here" in capsys.readouterr().err


def test_a_kiosk_given_an_unusable_hall_server_url_stops_without_making_folders_or_printing_the_password(
        tmp_path, capsys, monkeypatch):
    from tests.conftest import free_port

    monkeypatch.chdir(tmp_path)
    url = f"postgresql://kiosk:secret@127.0.0.1:{free_port()}/idphoto"  # nothing listens there
    assert main(["kiosk", "--headless", "--camera", "demo", "--store", url, "--identity", "2023001"]) == 2
    err = capsys.readouterr().err
    assert "cannot be reached" in err and "secret" not in err and "kiosk:****@127.0.0.1" in err
    assert list(tmp_path.iterdir()) == []  # no folder named after the URL (it would hold the password), no log
