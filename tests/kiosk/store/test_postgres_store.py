"""What only the PostgreSQL store has: its schema migrated under a lock (never by two stations at once), a station
older than the schema refused, another program's database left alone, bad addresses and passwords as one sentence
without the password, a filing rolled back whole when the bytes do not read back, read-only openings, and the
`records` command on a server URL. The server is the test session's (conftest.py)."""
from __future__ import annotations

import threading
from urllib.parse import urlsplit

import pytest

from kiosk.store.errors import StoreError
from kiosk.store.lifecycle import Status
from kiosk.store.open import open_store, shown
from kiosk.store.postgres_schema import SCHEMA_VERSION
from kiosk.store.records import PictureRejected
from kiosk.texts import error_text
from tests.conftest import free_port
from tests.kiosk.store.test_records import GATES_OK, PROFILE, picture

psycopg = pytest.importorskip("psycopg")


def _sql(url: str, statement: str, params=()) -> list[tuple]:
    with psycopg.connect(url, autocommit=True) as db:
        cur = db.execute(statement, params)
        return cur.fetchall() if cur.description else []


def _tables(url: str) -> list[str]:
    return [r[0] for r in _sql(url, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                                    "ORDER BY 1")]


def test_two_stations_opening_a_new_database_together_migrate_it_once(pg_url):
    opened, errors = [], []

    def station(name: str) -> None:
        try:
            opened.append(open_store(pg_url, station=name))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=station, args=(f"hall-{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(opened) == 4
    assert _sql(pg_url, "SELECT program, version FROM idphoto_schema") == [("idphoto", SCHEMA_VERSION)]
    assert [s.schema_version() for s in opened] == [SCHEMA_VERSION] * 4
    for s in opened:
        s.close()


def test_a_version_1_database_gains_the_class_list_and_the_settings_keeping_its_records(pg_url):
    from kiosk.store.postgres_schema import PROGRAM, SCHEMA_VERSION, V1

    with psycopg.connect(pg_url) as db:
        for statement in (s.strip() for s in V1.split(";")):
            if statement:
                db.execute(statement)
        db.execute("INSERT INTO idphoto_schema (program, version) VALUES (%s, 1)", (PROGRAM,))
        db.execute("INSERT INTO records (identity, profile_id, status) VALUES ('2023001', %s, %s)",
                   (PROFILE.id, Status.NOT_UPLOADED.value))
    with open_store(pg_url, station="desk-1") as s:
        assert s.schema_version() == SCHEMA_VERSION and s.get("2023001").status is Status.NOT_UPLOADED
        assert s.roster() == [] and s.on_list("2023001") is None and s.settings() == {}
    assert {"roster", "settings"} <= set(_tables(pg_url))
    assert _sql(pg_url, "SELECT indexname FROM pg_indexes WHERE indexname = 'records_updated'") == [
        ("records_updated",)]


def test_a_version_2_database_gains_the_hall_keeping_its_records(pg_url):
    from kiosk.store.postgres_schema import PROGRAM, SCHEMA_VERSION, STEPS

    with psycopg.connect(pg_url) as db:
        for _, sql in STEPS[:2]:
            for statement in (s.strip() for s in sql.split(";")):
                if statement:
                    db.execute(statement)
        db.execute("INSERT INTO idphoto_schema (program, version) VALUES (%s, 2)", (PROGRAM,))
        db.execute("INSERT INTO records (identity, profile_id, status) VALUES ('2023001', %s, %s)",
                   (PROFILE.id, Status.NOT_UPLOADED.value))
        db.execute("INSERT INTO attempts (identity, gates, accepted, station) VALUES ('2023001', '{}', false, "
                   "'desk-0')")
    with open_store(pg_url, station="desk-1") as s:
        assert s.schema_version() == SCHEMA_VERSION >= 3 and s.get("2023001").status is Status.NOT_UPLOADED
        assert s.claim("2023001") is None
        s.heartbeat()
        assert [(st.name, st.live, st.capturing, st.attempts_today) for st in s.stations()] == [
            ("desk-0", False, None, 1), ("desk-1", True, "2023001", 0)]
    assert {"stations", "claims"} <= set(_tables(pg_url))


def test_a_station_older_than_the_schema_says_so_and_writes_nothing(pg_url):
    open_store(pg_url).close()
    _sql(pg_url, "UPDATE idphoto_schema SET version = 99")
    with pytest.raises(StoreError) as info:
        open_store(pg_url, station="old")
    assert info.value.code == "schema_newer" and "update this program" in error_text(info.value, "en")
    assert _sql(pg_url, "SELECT count(*) FROM records") == [(0,)]


def test_a_database_of_another_program_is_left_alone(pg_url):
    _sql(pg_url, "CREATE TABLE invoices (id int)")
    with pytest.raises(StoreError) as info:
        open_store(pg_url)
    assert info.value.code == "server_foreign_database"
    assert _tables(pg_url) == ["invoices"]


def test_a_wrong_password_or_address_is_one_sentence_without_the_password(hall_server):
    parts = urlsplit(hall_server.url)
    wrong = hall_server.url.replace(parts.password, "not-the-password")
    with pytest.raises(StoreError) as info:
        open_store(wrong)
    assert info.value.code == "server_login_refused"
    message = error_text(info.value, "en")
    assert "not-the-password" not in message and "kiosk:****@" in message
    nowhere = f"postgresql://kiosk:s3cret-pw@127.0.0.1:{free_port()}/idphoto"
    with pytest.raises(StoreError) as info:
        open_store(nowhere)
    assert info.value.code == "server_unreachable" and "s3cret-pw" not in error_text(info.value, "en")
    missing = hall_server.url.rsplit("/", 1)[0] + "/nosuchdb"
    with pytest.raises(StoreError) as info:
        open_store(missing)
    assert info.value.code in ("server_no_database", "server_login_refused")  # pg_hba names idphoto only
    assert shown(hall_server.url) == hall_server.url.replace(parts.password, "****")


def test_a_filing_whose_bytes_do_not_read_back_is_rolled_back_whole(pg_url, monkeypatch):
    import kiosk.store.postgres as pg

    s = open_store(pg_url, station="desk-2")
    data = picture(0)
    calls = []

    def verify_twice(blob, profile):  # the first check passes, the read-back check inside the transaction fails
        calls.append(len(blob))
        return [] if len(calls) == 1 else ["kb 1 (expected 20-40)"]

    monkeypatch.setattr(pg, "verify_for_profile", verify_twice)
    with pytest.raises(PictureRejected) as info:
        s.file_picture("2023001", PROFILE, data, GATES_OK)
    assert info.value.code == "disk_mismatch" and calls == [len(data), len(data)]
    record = s.get("2023001")
    assert (record.status, record.picture, record.attempts) == (Status.NOT_UPLOADED, None, 0)
    assert _sql(pg_url, "SELECT count(*) FROM pictures") == [(0,)] and s.attempts("2023001") == []
    monkeypatch.undo()
    record = s.file_picture("2023001", PROFILE, data, GATES_OK)
    assert record.status is Status.FILED and s.picture_bytes(record) == data
    assert _sql(pg_url, "SELECT size, octet_length(data) FROM pictures") == [(len(data), len(data))]
    s.close()


def test_times_come_from_the_server_in_the_stations_time_zone(pg_url, monkeypatch):
    import time

    monkeypatch.setenv("TZ", "Asia/Shanghai")  # UTC+8, no summer time
    time.tzset()
    try:
        s = open_store(pg_url)
        record = s.ensure("2023009", PROFILE.id)
        s.close()
    finally:
        monkeypatch.undo()
        time.tzset()
    in_shanghai, in_utc = _sql(pg_url, "SELECT to_char(created AT TIME ZONE 'Asia/Shanghai', %s), "
                                       "to_char(created AT TIME ZONE 'UTC', %s) FROM records",
                               ('YYYY-MM-DD"T"HH24:MI:SS',) * 2)[0]
    assert record.created == in_shanghai != in_utc


def test_read_only_openings_read_and_never_write(pg_url):
    with pytest.raises(StoreError) as info:
        open_store(pg_url, readonly=True)
    assert info.value.code == "server_empty" and _tables(pg_url) == []
    with open_store(pg_url, station="desk-1") as s:
        s.file_picture("2023010", PROFILE, picture(1), GATES_OK)
    reader = open_store(pg_url, readonly=True)
    assert [r.identity for r in reader.list()] == ["2023010"]
    with pytest.raises(StoreError) as info:
        reader.ensure("2023011", PROFILE.id)
    assert info.value.code == "server_failed" and reader.get("2023011") is None
    reader.close()


def test_the_records_command_works_on_a_server_url_and_never_prints_the_password(pg_url, capsys):
    from kiosk.commands.main import main

    with open_store(pg_url, station="desk-1") as s:
        s.file_picture("2023012", PROFILE, picture(2), GATES_OK)
    assert main(["records", "--store", pg_url]) == 0
    out = capsys.readouterr().out
    assert "2023012" in out and Status.FILED.value in out
    assert main(["records", "recapture", "2023012", "--reason", "blurred", "--store", pg_url, "--operator", "Li",
                 "--station", "desk-3"]) == 0
    with open_store(pg_url) as s:
        entry, = s.audit("2023012")
        assert (entry.action, entry.operator, entry.station) == ("reopen", "Li", "desk-3")
    password = urlsplit(pg_url).password
    bad = pg_url.replace(password, "wrong")
    assert main(["records", "--store", bad]) == 2
    err = capsys.readouterr().err
    assert "refused the user name or password" in err and password not in err and "wrong" not in err


def test_the_postgres_store_implements_the_protocol_exactly():
    import inspect

    from kiosk.store.postgres import PostgresRecordStore
    from kiosk.store.records import RecordStore

    members = [n for n, v in vars(RecordStore).items() if callable(v) and not n.startswith("_")]
    for name in members:
        wanted = list(inspect.signature(getattr(RecordStore, name)).parameters)
        given = list(inspect.signature(getattr(PostgresRecordStore, name)).parameters)
        assert given == wanted, name
    assert {"recover", "picture_bytes", "schema_version"} <= set(dir(PostgresRecordStore))


def test_two_stations_filing_the_same_number_at_once_file_it_once(pg_url):
    """The record row is locked for the filing's transaction: one filing wins, the other is refused (already
    filed) and leaves nothing behind."""
    stores = [open_store(pg_url, station=f"hall-{i}") for i in (1, 2)]
    data = [picture(3), picture(4)]
    barrier, results = threading.Barrier(2), {}

    def file(i: int) -> None:
        barrier.wait()
        try:
            results[i] = stores[i].file_picture("2023020", PROFILE, data[i], GATES_OK).station
        except Exception as exc:  # noqa: BLE001 - the loser's refusal, checked below
            results[i] = exc

    threads = [threading.Thread(target=file, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    won = [i for i in (0, 1) if isinstance(results[i], str)]
    lost = [results[i] for i in (0, 1) if not isinstance(results[i], str)]
    assert len(won) == 1 and [getattr(e, "code", e) for e in lost] == ["already_filed"]
    record = stores[0].get("2023020")
    assert record.station == f"hall-{won[0] + 1}" and stores[1].picture_bytes(record) == data[won[0]]
    assert _sql(pg_url, "SELECT count(*) FROM pictures") == [(1,)]
    assert [a.accepted for a in stores[0].attempts("2023020")] == [True]
    for s in stores:
        s.close()


def test_the_password_may_come_from_the_environment_instead_of_the_url(pg_url, monkeypatch):
    password = urlsplit(pg_url).password
    bare = pg_url.replace(f":{password}@", "@")
    monkeypatch.setenv("PGPASSWORD", password)  # libpq's own variable (a passfile= parameter works the same way)
    with open_store(bare, station="desk-4") as s:
        assert s.ensure("2023030", PROFILE.id).status is Status.NOT_UPLOADED
    assert shown(bare) == bare  # nothing to mask
    monkeypatch.delenv("PGPASSWORD")
    monkeypatch.setenv("PGPASSFILE", "/nonexistent")
    with pytest.raises(StoreError) as info:
        open_store(bare)
    assert info.value.code == "server_login_refused"


def test_saved_settings_are_read_without_opening_the_store(pg_url, hall_server):
    from kiosk.store.postgres_pages import hall_saved_settings

    assert hall_saved_settings(pg_url, "desk-1") == {}  # an empty database: nothing saved, nothing created
    assert _tables(pg_url) == []
    with open_store(pg_url, station="desk-1") as s:
        s.save_setting("camera", "demo", "王老师")
        s.save_setting("replace_backdrop", False)
    assert hall_saved_settings(pg_url, "desk-1") == {"camera": "demo", "replace_backdrop": False}
    assert hall_saved_settings(pg_url, "desk-2") == {}
    nowhere = f"postgresql://kiosk:pw@127.0.0.1:{free_port()}/idphoto"
    assert hall_saved_settings(nowhere, "desk-1", timeout_s=2) == {}


def test_a_hall_station_starts_with_the_settings_saved_from_its_console(pg_url):
    from kiosk.station.settings import saved_layer

    with open_store(pg_url, station="desk-1") as s:
        s.save_setting("camera", "demo", "王老师")
        s.save_setting("replace_backdrop", True)
        s.save_setting("not-a-setting", 1)
    flags = {"store": pg_url, "station": "desk-1"}
    assert saved_layer({}, flags) == {"camera": "demo", "replace_backdrop": True}
    assert saved_layer({}, {**flags, "station": "desk-2"}) == {}
