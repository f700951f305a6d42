"""`idphoto records` for office staff: show, recapture, lock, purge, operators, their exit codes, and the purge of
pictures and numbers handed over before a date."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.commands.common import EXIT_BROKEN_PIPE
from kiosk.commands.main import main
from kiosk.store.records import SqliteRecordStore, Status
from tests.kiosk.store.test_records import GATES_OK, PROFILE, picture

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def pics() -> list[bytes]:
    return [picture(0), picture(1)]


def _set_updated(folder: Path, identity: str, when: str) -> None:
    db = sqlite3.connect(folder / "records.sqlite3")
    db.execute("UPDATE records SET updated = ? WHERE identity = ?", (when, identity))
    db.commit()
    db.close()


def test_recapture_lock_show_and_their_exit_codes(tmp_path, pics, capsys):
    folder = tmp_path / "store"
    with SqliteRecordStore(folder) as s:
        s.file_picture("2023001", PROFILE, pics[0], GATES_OK)
        s.ensure("2023002", PROFILE.id)
    store = ["--store", str(folder)]
    assert main(["records", "lock", "2023001", *store, "--operator", "Li Wei", "--station", "desk-2"]) == 0
    assert main(["records", "recapture", "2023001", "--reason", "authority rejected", *store,
                 "--operator", "Li Wei"]) == 0
    assert "已重新上传" in capsys.readouterr().out
    assert main(["records", "recapture", "2023002", "--reason", "x", *store]) == 1
    assert "no picture yet" in capsys.readouterr().err
    assert main(["records", "lock", "2023001", *store]) == 1  # waiting for its new picture
    assert "Only a filed or re-filed picture" in capsys.readouterr().err
    assert main(["records", "show", "404", *store]) == 1
    assert "No record has this number" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:  # --reason missing: argparse's usage error
        main(["records", "recapture", "2023001", *store])
    assert info.value.code == 2
    capsys.readouterr()
    assert main(["records", "show", "2023001", *store]) == 0
    out = capsys.readouterr().out
    assert "需重新上传" in out and "LOCKED -> NEEDS_RECAPTURE" in out and "by Li Wei" in out and "desk-2" in out
    assert main(["records", "--store", str(folder), "--status", "needs_recapture"]) == 0
    assert "2023001" in capsys.readouterr().out
    assert main(["records", "show", "2023001"]) == 2  # no --store


def test_purge_removes_pictures_and_numbers_handed_over_before_the_date(tmp_path, pics, capsys):
    folder = tmp_path / "store"
    with SqliteRecordStore(folder, station="desk-1") as s:
        for ident in ("2023001", "2023002", "2023003", "2023004"):
            s.file_picture(ident, PROFILE, pics[0], GATES_OK)
        s.mark_recapture("2023001", "blurred", operator="Li Wei")  # re-filed: its audit row must lose the number
        s.file_picture("2023001", PROFILE, pics[1], GATES_OK)
        s.lock(["2023001", "2023002", "2023003"], reason="export batch-1.zip")
    _set_updated(folder, "2023001", "2026-10-01T10:00:00")
    _set_updated(folder, "2023002", "2026-10-31T23:59:59")
    before = sorted(p.name for p in (folder / "pictures").rglob("*.jpg"))
    assert main(["records", "purge", "--exported-before", "2026-11-01", "--store", str(folder),
                 "--operator", "Li Wei"]) == 0
    assert "purged 2 records" in capsys.readouterr().out
    with SqliteRecordStore(folder) as s:
        assert [r.identity for r in s.list()] == ["2023003", "2023004"]  # locked today / never exported stay
        assert s.attempts("2023001") == [] and s.get("2023002") is None
        entries = s.audit()
        purge = entries[-1]
        assert (purge.action, purge.identity, purge.operator, purge.station) == ("purge", None, "Li Wei", s.station)
        assert purge.detail == {"before": "2026-11-01", "records": 2, "pictures": 2, "attempts": 3}
        assert s.recover().to_dict() == {"completed": [], "pending_removed": 0, "orphans": [], "missing": []}
    after = sorted(p.name for p in (folder / "pictures").rglob("*.jpg"))
    assert after == ["2023003.jpg", "2023004.jpg"] and len(before) == 4
    dump = "\n".join(sqlite3.connect(folder / "records.sqlite3").iterdump())
    assert "2023001" not in dump and "2023002" not in dump  # the numbers are gone, audit included
    assert main(["records", "purge", "--exported-before", "1.11.2026", "--store", str(folder)]) == 2


def test_operators_are_added_from_the_command_line(tmp_path, capsys):
    folder = tmp_path / "store"
    SqliteRecordStore(folder).close()
    assert main(["records", "operators", "--add", "Li Wei", "--store", str(folder)]) == 0
    assert main(["records", "operators", "--add", "Li Wei", "--store", str(folder)]) == 1
    assert "already set up" in capsys.readouterr().err
    assert main(["records", "operators", "--store", str(folder)]) == 0
    assert capsys.readouterr().out.startswith("Li Wei")


def test_a_listing_piped_into_head_ends_quietly(tmp_path):
    folder = tmp_path / "store"
    SqliteRecordStore(folder).close()
    db = sqlite3.connect(folder / "records.sqlite3")
    db.executemany("INSERT INTO records (identity, profile_id, status, attempts, created, updated) "
                   "VALUES (?, 'chsi-graduation', ?, 0, '2026-11-20T09:00:00', '2026-11-20T09:00:00')",
                   [(f"S{i:07d}", Status.NOT_UPLOADED.value) for i in range(3000)])
    db.commit()
    db.close()
    child = subprocess.Popen([sys.executable, "-m", "kiosk.commands.main", "records", "--store", str(folder)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert child.stdout.readline().startswith(b"identity")
    child.stdout.close()  # like `| head -1`
    err = child.stderr.read().decode()
    # the status of a tool stopped by SIGPIPE (documented in the README), nothing printed
    assert child.wait() == EXIT_BROKEN_PIPE and "Traceback" not in err and err == ""
