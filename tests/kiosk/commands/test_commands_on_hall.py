"""`idphoto roster` and `idphoto import` work on a hall server's URL as on a folder, and never print its password."""
from __future__ import annotations

import pytest

from kiosk.commands.main import main
from kiosk.store.open import open_store

CSV = "学号,姓名,班级\n2023001,张三,一班\n2023002,李四,一班\n"


def test_roster_import_show_and_clear_on_a_hall_server(pg_url, tmp_path, capsys):
    roster = tmp_path / "roster.csv"
    roster.write_text(CSV, encoding="utf-8")
    assert main(["roster", "import", str(roster), "--store", pg_url]) == 0
    assert main(["roster", "show", "--store", pg_url, "--json"]) == 0
    out = capsys.readouterr()
    password = pg_url.split("@")[0].rsplit(":", 1)[1]
    assert password not in out.out + out.err
    with open_store(pg_url) as store:
        assert sorted(e.identity for e in store.roster()) == ["2023001", "2023002"]
    assert main(["roster", "clear", "--store", pg_url]) == 0
    with open_store(pg_url) as store:
        assert store.roster() == []


def test_a_wrong_password_is_one_sentence_without_the_password(hall_server, capsys):
    url = hall_server.url.replace(hall_server.url.split("@")[0].rsplit(":", 1)[1], "not-the-password")
    assert main(["roster", "show", "--store", url]) == 2
    err = capsys.readouterr().err
    assert "not-the-password" not in err and "Traceback" not in err and err.count("\n") == 1


@pytest.mark.parametrize("command", [["records"], ["export", "-o", "out.zip"], ["roster", "show"]])
def test_a_malformed_address_is_the_kiosks_sentence_in_every_command(command, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    url = "postgresql://kiosk:secret@127.0.0.1:port/idphoto"
    assert main([*command, "--store", url]) == 2
    err = capsys.readouterr().err
    assert "port is not a number" in err and "secret" not in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []
