"""`idphoto kiosk` on a hall server's URL (against the real PostgreSQL server of tests/conftest.py): a headless run
files a real picture there under this station's name, with its log in the station's own folder (--local) and no
password anywhere; a URL that cannot be used stops at start with one sentence (exit 2), nothing written."""
from __future__ import annotations

import json
import stat
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kiosk.commands.main import build_parser, main
from kiosk.store.open import open_store, shown

pytest.importorskip("psycopg")

DEMO = ["--headless", "--camera", "demo"]


def _sql(url: str, query: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        cursor = db.execute(query)
        return cursor.fetchall() if cursor.description else []


def _tables(url: str) -> list[str]:
    return [name for (name,) in _sql(url, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                                          "ORDER BY tablename")]


def _files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def _stops(argv: list[str], capsys) -> str:
    """Run the kiosk with `argv`; assert it stops with one sentence and exit 2; return that sentence."""
    assert main(["kiosk", *DEMO, *argv]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in captured.err, captured.err
    assert captured.out == ""
    return lines[0]


def test_a_headless_kiosk_files_a_real_picture_on_the_hall_server(pg_url, tmp_path, monkeypatch, capsys):
    here, local = tmp_path / "here", tmp_path / "station"
    here.mkdir()
    monkeypatch.chdir(here)
    password = urlsplit(pg_url).password
    status = main(["kiosk", *DEMO, "--store", pg_url, "--local", str(local), "--station", "desk-7",
                   "--identity", "2023001", "--auto-confirm", "--exit-after", "1", "--max-runtime", "60", "--json"])
    out, err = capsys.readouterr()
    assert status == 0, err
    line = json.loads(out.strip().splitlines()[-1])
    assert line["picture"] is None and line["identity"] == "2023001" and line["name"]
    with open_store(pg_url, readonly=True) as store:
        record = store.get("2023001")
        assert record is not None and record.status.value == line["status"]
        assert [a.station for a in store.attempts("2023001")] == ["desk-7"]
        data = store.picture_bytes(record)
    picture = tmp_path / "filed.jpg"
    picture.write_bytes(data)
    assert main(["check", str(picture), "--profile", "chsi-graduation"]) == 0  # the authority's file check
    log_folder = local / "log"
    assert stat.S_IMODE(log_folder.stat().st_mode) == 0o700
    log_text = (log_folder / "kiosk.log").read_text(encoding="utf-8")
    assert "filed picture 1" in log_text and "kiosk:****@" in log_text and password not in log_text
    assert password not in out + err
    assert f"kiosk: filing to {shown(pg_url)} as station desk-7; its log, outbox and exports are in {local}." in err
    assert list(here.iterdir()) == []  # nothing made where the kiosk was started
    assert all(password not in p.read_bytes().decode("utf-8", "replace") for p in _files_under(local))
    monkeypatch.setattr("shutil.which", lambda name, *a, **k: None)  # no printer: the sheet is saved
    _console_prints_from_the_server(pg_url, local, data)


def _console_prints_from_the_server(url: str, local: Path, data: bytes) -> None:
    """The console's record page shows the picture read from the server, and 打印 lays out a sheet from those bytes
    into LOCAL/exports (no printer here), leaving no copy of the picture behind."""
    from kiosk.console.pin import hash_pin
    from kiosk.station.loop import KioskApp
    from kiosk.station.settings import KioskOptions
    from profiles import get_profile

    options = KioskOptions(profile=get_profile("chsi-graduation"), camera="demo", store=url, local=local,
                           headless=True, station="desk-7")
    app = KioskApp(options)
    try:
        app.store.add_operator("operator 1", hash_pin("5173", 1000))
        app.handle_input("operator")
        for key in "5173":
            app.handle_input(f"key:{key}")
        app.handle_input("ok")
        app.handle_input("open:2023001")
        assert app.console.state().record["picture_bytes"] == data
        app.handle_input("print")
        assert app.console.state().message == "op_print_saved", app.console.state().message
    finally:
        app.store.close()
    sheets = list((local / "exports").iterdir())
    assert len(sheets) == 1 and sheets[0].name.startswith("2023001-sheet-") and sheets[0].suffix == ".jpg"


def test_a_config_file_names_the_url_and_a_password_file_kept_in_memory_only(pg_url, tmp_path):
    from kiosk.commands.kiosk import kiosk_settings

    password = urlsplit(pg_url).password
    (tmp_path / "hall-password").write_text(password + "\n", encoding="utf-8")
    bare = pg_url.replace(f":{password}@", "@")
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(f'store_url = "{bare}"\nstore_password_file = "hall-password"\nlocal = "station"\n',
                   encoding="utf-8")
    values = kiosk_settings(build_parser().parse_args(["kiosk", "--config", str(cfg)]))
    assert values["store"] == pg_url  # the password from the file, beside the config file
    assert values["local"] == str(tmp_path / "station")
    assert (tmp_path / "kiosk.toml").read_text(encoding="utf-8").count(password) == 0
    flag = kiosk_settings(build_parser().parse_args(["kiosk", "--config", str(cfg), "--store", str(tmp_path / "f")]))
    assert flag["store"] == str(tmp_path / "f")  # a --store flag wins over the file's store_url
    cfg.write_text(f'store = "{pg_url}"\n', encoding="utf-8")  # a URL as `store`: kept as written, not a path
    plain = kiosk_settings(build_parser().parse_args(["kiosk", "--config", str(cfg)]))
    assert (plain["store"], plain["local"]) == (pg_url, "kiosk-store")
    folder = kiosk_settings(build_parser().parse_args(["kiosk", "--store", str(tmp_path / "s")]))
    assert (folder["store"], folder["local"]) == (str(tmp_path / "s"), str(tmp_path / "s"))  # as before


def test_an_unreachable_server_is_one_sentence_naming_the_masked_url(tmp_path, monkeypatch, capsys):
    from tests.conftest import free_port

    monkeypatch.chdir(tmp_path)
    url = f"postgresql://kiosk:s3cret-pw@127.0.0.1:{free_port()}/idphoto"
    line = _stops(["--store", url], capsys)
    assert "kiosk:****@127.0.0.1" in line and "cannot be reached" in line and "s3cret-pw" not in line
    assert list(tmp_path.iterdir()) == []  # no local folder, no log, no folder named after the URL


def test_a_wrong_password_is_refused_without_showing_it(hall_server, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    wrong = hall_server.url.replace(urlsplit(hall_server.url).password, "not-the-password")
    line = _stops(["--store", wrong], capsys)
    assert "refused the user name or password" in line and "not-the-password" not in line and "****" in line
    assert list(tmp_path.iterdir()) == []


def test_a_database_of_another_program_is_left_alone(pg_url, tmp_path, capsys):
    _sql(pg_url, "CREATE TABLE invoices (id int)")
    line = _stops(["--store", pg_url, "--local", str(tmp_path / "station")], capsys)
    assert "another program" in line and urlsplit(pg_url).password not in line
    assert _tables(pg_url) == ["invoices"]  # nothing written
    assert not (tmp_path / "station").exists()


def test_a_schema_newer_than_this_program_says_update_and_writes_nothing(pg_url, tmp_path, capsys, monkeypatch):
    open_store(pg_url).close()
    _sql(pg_url, "UPDATE idphoto_schema SET version = 99")
    before = {t: _sql(pg_url, f"SELECT count(*) FROM {t}") for t in _tables(pg_url)}
    password = urlsplit(pg_url).password
    monkeypatch.setenv("PGPASSWORD", password)  # a URL without its password: the driver reads it from here
    bare = pg_url.replace(f":{password}@", "@")
    line = _stops(["--store", bare, "--local", str(tmp_path / "station")], capsys)
    assert "update this program" in line and line.startswith(f"error: {bare}: ")  # logged in: the schema was read
    assert {t: _sql(pg_url, f"SELECT count(*) FROM {t}") for t in _tables(pg_url)} == before
    assert _sql(pg_url, "SELECT version FROM idphoto_schema") == [(99,)]


@pytest.mark.parametrize("url, words", [
    ("postgresql://kiosk:s3cret-pw@127.0.0.1:port/idphoto", "The address is malformed"),
    ("postgresql://kiosk:s3cret-pw@/idphoto", "The address names no server"),
    ("postgresql://kiosk:s3cret-pw@127.0.0.1:5432", "The address names no database"),
])
def test_a_malformed_url_says_how_to_write_it(url, words, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    line = _stops(["--store", url], capsys)
    assert words in line and "postgresql://USER@HOST:PORT/DATABASE" in line
    assert "s3cret-pw" not in line and "kiosk:****@" in line
    assert list(tmp_path.iterdir()) == []


def test_an_unreadable_password_file_is_named(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    missing = tmp_path / "no-such-password"
    line = _stops(["--store", "postgresql://kiosk@127.0.0.1:5432/idphoto", "--store-password-file", str(missing)],
                  capsys)
    assert line.startswith(f"error: store_password_file {missing}: The password file cannot be read (No such file")
    (tmp_path / "empty").write_text("\n", encoding="utf-8")
    line = _stops(["--store", "postgresql://kiosk@127.0.0.1:5432/idphoto", "--store-password-file",
                   str(tmp_path / "empty")], capsys)
    assert "The password file is empty" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]


def test_a_password_file_needs_a_user_in_the_url(tmp_path, capsys):
    (tmp_path / "pw").write_text("s3cret-pw\n", encoding="utf-8")
    line = _stops(["--store", "postgresql://127.0.0.1:5432/idphoto", "--store-password-file", str(tmp_path / "pw")],
                  capsys)
    assert "The address names no user" in line and "s3cret-pw" not in line


def test_a_local_folder_that_cannot_be_made_is_named(pg_url, tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    line = _stops(["--store", pg_url, "--local", str(blocker / "station")], capsys)
    assert line.startswith(f"error: --local {blocker / 'station'}: This station's own folder") and "Not a dir" in line
    assert urlsplit(pg_url).password not in line


def test_the_identity_flag_is_checked_against_the_hall_class_list(pg_url, tmp_path, capsys):
    from kiosk.store.roster import RosterEntry

    with open_store(pg_url, station="desk-1") as store:
        store.replace_roster([RosterEntry("2023002")])
    line = _stops(["--store", pg_url, "--local", str(tmp_path / "station"), "--identity", "2023001"], capsys)
    assert line == "error: --identity: This number is not on the class list; check it or ask staff."
    assert not (tmp_path / "station").exists()
