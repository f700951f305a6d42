"""`idphoto export` from a hall's PostgreSQL server (issue #14 part 5): two stations file into one hall, one station's
pictures are exported with --station, then the rest of the hall; every zip is verified, what it holds is locked
(audited with the export's name), the missing students are listed beside the zip, and the password never shows.
The same filings export to the same zip from a station's SQLite folder. The server is the test session's
(conftest.py)."""
from __future__ import annotations

import csv
import io
import zipfile
from urllib.parse import urlsplit

import pytest

from kiosk.commands.main import main
from kiosk.store.export import export_batch, verify_zip
from kiosk.store.lifecycle import Status
from kiosk.store.open import open_store
from kiosk.store.roster import RosterEntry
from tests.conftest import free_port
from tests.kiosk.store.test_records import GATES_OK, PROFILE, picture

pytest.importorskip("psycopg")


@pytest.fixture(scope="module")
def pics() -> list[bytes]:
    return [picture(10), picture(11), picture(12)]


def _file_hall(spec: str, pics: list[bytes]) -> None:
    """File 2023001 and 2023002 at desk-1, 2023003 at desk-2 (after desk-1 had filed it first), and leave 2023004
    captured but not filed; the class list has 2023001..2023005."""
    with open_store(spec, station="desk-1") as one, open_store(spec, station="desk-2") as two:
        one.replace_roster([RosterEntry(f"202300{i}", f"学生{i}", "1班", i + 1) for i in range(1, 6)])
        one.file_picture("2023001", PROFILE, pics[0], GATES_OK)
        one.file_picture("2023002", PROFILE, pics[1], GATES_OK)
        one.file_picture("2023003", PROFILE, pics[0], GATES_OK)
        two.mark_recapture("2023003", "eyes closed", operator="王老师")
        two.file_picture("2023003", PROFILE, pics[2], GATES_OK)
        two.ensure("2023004", PROFILE.id)


def _zip(path) -> tuple[dict[str, bytes], list[dict]]:
    with zipfile.ZipFile(path) as zf:
        rows = list(csv.DictReader(io.StringIO(zf.read("manifest.csv").decode("utf-8-sig"))))
        return {n: zf.read(n) for n in zf.namelist() if n.endswith(".jpg")}, rows


def test_a_hall_exports_one_station_then_the_rest_verified_and_locked(pg_url, pics, tmp_path, capsys):
    password = urlsplit(pg_url).password
    assert password
    _file_hall(pg_url, pics)

    desk2 = tmp_path / "desk-2.zip"
    assert main(["export", "--store", pg_url, "--station", "desk-2", "-o", str(desk2)]) == 0
    out = capsys.readouterr()
    assert out.out.splitlines() == [
        f"wrote {desk2}: 1 pictures (verified; those records are now locked).",
        f"class list: 2 students on it still without a picture; listed in {tmp_path / 'desk-2-missing.csv'} "
        "(names inside: keep it private)."]
    assert out.err == "" and password not in out.out
    assert verify_zip(desk2) == []
    files, rows = _zip(desk2)
    assert files == {"2023003.jpg": pics[2]}
    assert [(r["identity"], r["status"]) for r in rows] == [("2023003", Status.RECAPTURED.value)]

    hall = tmp_path / "hall.zip"
    assert main(["export", "--store", pg_url, "-o", str(hall)]) == 0
    out = capsys.readouterr()
    assert out.out.splitlines()[0] == f"wrote {hall}: 2 pictures (verified; those records are now locked)."
    assert password not in out.out + out.err
    assert verify_zip(hall) == []
    files, rows = _zip(hall)
    assert files == {"2023001.jpg": pics[0], "2023002.jpg": pics[1]}
    assert [r["identity"] for r in rows] == ["2023001", "2023002"]
    with zipfile.ZipFile(hall) as zf:
        assert sorted(zf.namelist()) == ["2023001.jpg", "2023002.jpg", "manifest.csv", "reports/2023001.json",
                                         "reports/2023002.json"]
    missing = (tmp_path / "hall-missing.csv").read_bytes().decode("utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in missing] == ["number", "2023004", "2023005"]
    assert ((tmp_path / "hall-missing.csv").stat().st_mode & 0o777) == 0o600

    with open_store(pg_url, readonly=True) as s:
        assert {r.identity: (r.status, r.station) for r in s.list()} == {
            "2023001": (Status.LOCKED, "desk-1"), "2023002": (Status.LOCKED, "desk-1"),
            "2023003": (Status.LOCKED, "desk-2"), "2023004": (Status.NOT_UPLOADED, None)}
        locks = [(a.identity, a.reason) for a in s.audit() if a.action == "lock"]
    assert locks == [("2023003", "export desk-2.zip"), ("2023001", "export hall.zip"),
                     ("2023002", "export hall.zip")]

    assert main(["export", "--store", pg_url, "--station", "desk-1", "-o", str(tmp_path / "again.zip")]) == 0
    assert capsys.readouterr().out.splitlines()[0] == \
        f"nothing to export: no records filed at station desk-1 in {Status.FILED.value}, {Status.RECAPTURED.value}."
    assert not (tmp_path / "again.zip").exists()


def test_an_unreachable_hall_or_a_wrong_password_is_one_sentence_without_the_password(pg_url, tmp_path, capsys):
    nowhere = f"postgresql://kiosk:s3cret-pw@127.0.0.1:{free_port()}/idphoto?connect_timeout=2"
    assert main(["export", "--store", nowhere, "-o", str(tmp_path / "b.zip")]) == 2
    out = capsys.readouterr()
    assert out.out == "" and "s3cret-pw" not in out.err and out.err.startswith("error: ")
    parts = urlsplit(pg_url)
    wrong = pg_url.replace(f":{parts.password}@", ":not-the-password@")
    assert main(["export", "--store", wrong, "-o", str(tmp_path / "b.zip")]) == 2
    out = capsys.readouterr()
    assert "not-the-password" not in out.err and parts.password not in out.err and out.err.startswith("error: ")
    assert not (tmp_path / "b.zip").exists()


def test_an_empty_station_name_is_a_usage_error(tmp_path, capsys):
    assert main(["export", "--store", str(tmp_path), "--station", " ", "-o", str(tmp_path / "b.zip")]) == 2
    assert "--station" in capsys.readouterr().err


def test_both_stores_export_the_same_zip(store_spec, pics, tmp_path):
    _file_hall(store_spec, pics)
    report = export_batch(store_spec, tmp_path / "b.zip", station="desk-1")
    assert report.exported == ["2023001", "2023002"] and report.refused == {}
    assert report.missing == 2 and report.missing_path == tmp_path / "b-missing.csv"
    files, rows = _zip(tmp_path / "b.zip")
    assert files == {"2023001.jpg": pics[0], "2023002.jpg": pics[1]}
    assert [(r["identity"], r["gates"], r["px"]) for r in rows] == [("2023001", "2/2", "480x640"),
                                                                   ("2023002", "2/2", "480x640")]
    with open_store(store_spec) as s:
        assert [r.status for r in s.list()] == [Status.LOCKED, Status.LOCKED, Status.RECAPTURED,
                                                Status.NOT_UPLOADED]


def test_a_record_filed_again_during_the_export_locks_nothing_and_removes_the_zip(store_spec, pics, tmp_path,
                                                                                   monkeypatch):
    import kiosk.store.export as export

    _file_hall(store_spec, pics)
    write_zip = export._write_zip

    def another_station_files_again(*args, **kwargs):
        write_zip(*args, **kwargs)
        with open_store(store_spec, station="desk-3") as three:
            three.mark_recapture("2023002", "glasses glare", operator="王老师")
            three.file_picture("2023002", PROFILE, pics[2], GATES_OK)

    monkeypatch.setattr(export, "_write_zip", another_station_files_again)
    with pytest.raises(export.ExportError, match="1 of the records changed"):
        export_batch(store_spec, tmp_path / "b.zip")
    assert not (tmp_path / "b.zip").exists()
    with open_store(store_spec) as s:
        assert [r.status for r in s.list()] == [Status.FILED, Status.RECAPTURED, Status.RECAPTURED,
                                                Status.NOT_UPLOADED]
        assert s.picture_bytes(s.get("2023002")) == pics[2]
