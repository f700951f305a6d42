"""The records store (kiosk.store.records) and the export (kiosk.store.export): statuses, atomic filing, recovery, the zip,
and a crash test that SIGKILLs a filing process at random moments."""
from __future__ import annotations

import csv
import io
import json
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

from capture.encode import KbWindow, encode_to_window
from kiosk.store.export import export_batch, gate_summary, records_json_lines
from kiosk.store.records import (TRANSITIONS, PictureRejected, SqliteRecordStore, Status, TransitionError,
                           check_transition, verify_for_profile)
from kiosk.store.lifecycle import TRANSITION_CODES
from kiosk.texts import error_text, has
from profiles import get_profile

ROOT = Path(__file__).resolve().parents[3]
PROFILE = get_profile("chsi-graduation")
GATES_OK = {"single_face": {"ok": True, "value": 1.0}, "eyes_open": {"ok": True, "value": 0.3}}
GATES_BAD = {"single_face": {"ok": True, "value": 1.0}, "eyes_open": {"ok": False, "value": 0.1}}


def picture(seed: int = 0) -> bytes:
    """Return a real 480×640, 300 dpi JPEG inside the chsi-graduation KB window (a noisy gradient)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:PROFILE.height_px, 0:PROFILE.width_px]
    base = np.stack([x * 255 / 480, y * 255 / 640, (x + y) * 255 / 1120], -1)
    rgb = np.clip(base + rng.normal(0, 6, base.shape), 0, 255).astype(np.uint8)
    return encode_to_window(rgb, dpi=PROFILE.dpi, window=KbWindow(PROFILE.kb_min, PROFILE.kb_max),
                            quality_min=PROFILE.quality_min).data


@pytest.fixture(scope="module")
def pics() -> list[bytes]:
    return [picture(0), picture(1)]


@pytest.fixture
def store(tmp_path):
    s = SqliteRecordStore(tmp_path / "store")
    yield s
    s.close()


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.is_file()) if folder.exists() else []


# -- statuses -------------------------------------------------------------------------------------------------


def test_transition_table_is_the_documented_one():
    S = Status
    assert set(TRANSITIONS) == {(S.NOT_UPLOADED, S.FILED), (S.FILED, S.NEEDS_RECAPTURE),
                                (S.RECAPTURED, S.NEEDS_RECAPTURE), (S.LOCKED, S.NEEDS_RECAPTURE),
                                (S.NEEDS_RECAPTURE, S.RECAPTURED), (S.FILED, S.LOCKED), (S.RECAPTURED, S.LOCKED)}
    # no dead end: every status but NOT_UPLOADED (nothing filed yet, nothing to reopen) can be reopened
    assert {frm for frm, to in TRANSITIONS if to is S.NEEDS_RECAPTURE} == set(Status) - {S.NOT_UPLOADED, S.NEEDS_RECAPTURE}
    assert [s.value for s in Status] == ["未上传", "已上传", "需重新上传", "已重新上传", "已采集(锁定)"]


@pytest.mark.parametrize("frm", list(Status))
@pytest.mark.parametrize("to", list(Status))
def test_every_illegal_transition_is_refused_with_a_reason(frm, to):
    if (frm, to) in TRANSITIONS:
        check_transition("A1", frm, to)
        return
    with pytest.raises(TransitionError) as info:
        check_transition("A1", frm, to)
    err = info.value
    assert (err.from_status, err.to_status) == (frm, to)
    assert err.code in TRANSITION_CODES and err.code != "not_allowed"  # every refusal has its own reason
    assert frm.name in str(err) and to.name in str(err)
    assert has(f"store.{err.code}") and error_text(err, "zh") != error_text(err, "en")


def test_legal_path_through_the_store(store, pics):
    r = store.ensure("a100", PROFILE.id)
    assert (r.identity, r.status, r.picture, r.attempts) == ("A100", Status.NOT_UPLOADED, None, 0)
    r = store.file_picture("A100", PROFILE, pics[0], GATES_OK)
    assert r.status is Status.FILED and r.picture == "pictures/A100.jpg"
    assert (store.folder / r.picture).read_bytes() == pics[0]
    with pytest.raises(TransitionError) as info:
        store.mark_recapture("A100", "  ")
    assert info.value.code == "reason_required" and "reason is required" in error_text(info.value, "en")
    r = store.mark_recapture("A100", "eyes half closed")
    assert r.status is Status.NEEDS_RECAPTURE and r.reason == "eyes half closed"
    assert (store.folder / r.picture).read_bytes() == pics[0]  # old picture kept until replaced
    r = store.file_picture("A100", PROFILE, pics[1], GATES_OK)
    assert r.status is Status.RECAPTURED and r.reason is None
    assert (store.folder / r.picture).read_bytes() == pics[1]
    [r] = store.lock(["A100"])
    assert r.status is Status.LOCKED


def test_illegal_store_actions_are_refused_and_change_nothing(store, pics):
    store.ensure("B1", PROFILE.id)
    with pytest.raises(TransitionError, match="NOT_UPLOADED"):
        store.mark_recapture("B1", "why")
    with pytest.raises(TransitionError):
        store.lock(["B1"])
    store.file_picture("B1", PROFILE, pics[0], GATES_OK)
    with pytest.raises(TransitionError) as info:
        store.file_picture("B1", PROFILE, pics[1], GATES_OK)
    assert info.value.code == "already_filed" and "reopen the record for recapture" in error_text(info.value, "en")
    assert (store.folder / "pictures/B1.jpg").read_bytes() == pics[0]
    store.lock(["B1"])
    before = store.get("B1")
    for action in (lambda: store.file_picture("B1", PROFILE, pics[1], {}), lambda: store.lock(["B1"])):
        with pytest.raises(TransitionError) as info:
            action()
        assert info.value.code == "locked" and "reopen it for re-capture" in error_text(info.value, "en")
    with pytest.raises(TransitionError) as info:
        store.mark_recapture("B1", "  ")  # reopening a locked record is allowed, but never without a reason
    assert info.value.code == "reason_required"
    assert store.get("B1") == before
    assert (store.folder / "pictures/B1.jpg").read_bytes() == pics[0]
    assert files_in(store.pending_dir) == []


def test_lock_is_all_or_none(store, pics):
    store.file_picture("C1", PROFILE, pics[0], GATES_OK)
    store.ensure("C2", PROFILE.id)
    with pytest.raises(TransitionError):
        store.lock(["C1", "C2"])
    assert store.get("C1").status is Status.FILED


def test_attempts_are_counted(store, pics):
    store.record_attempt("D1", PROFILE.id, GATES_BAD)
    store.record_attempt("D1", PROFILE.id, GATES_BAD)
    assert store.get("D1").attempts == 2
    store.file_picture("D1", PROFILE, pics[0], GATES_OK)
    assert store.get("D1").attempts == 3
    attempts = store.attempts("D1")
    assert [a.accepted for a in attempts] == [False, False, True]
    assert attempts[0].gates == GATES_BAD and attempts[2].picture == "pictures/D1.jpg"
    counts = store.counts_today()
    assert counts["attempts"] == 3 and counts["filed"] == 1 and counts["FILED"] == 1


def test_a_picture_that_does_not_meet_the_profile_is_not_filed(store, pics):
    small = pics[0][: len(pics[0]) // 3]  # truncated: too small and undecodable
    with pytest.raises(PictureRejected) as info:
        store.file_picture("E1", PROFILE, small, GATES_OK)
    assert info.value.code == "picture_rejected" and info.value.problems
    assert info.value.fields["problems"] == info.value.problems
    r = store.get("E1")
    assert r.status is Status.NOT_UPLOADED and r.picture is None and r.attempts == 1
    assert files_in(store.pictures) == [] and files_in(store.pending_dir) == []


def test_identity_text_never_becomes_a_path(store, pics):
    from kiosk.store.identity import IdentityError

    with pytest.raises(IdentityError):
        store.file_picture("../etc/x", PROFILE, pics[0], GATES_OK)


def test_store_files_are_owner_only(store, pics):
    store.file_picture("F1", PROFILE, pics[0], GATES_OK)
    assert (store.folder.stat().st_mode & 0o777) == 0o700
    assert (store.pictures.stat().st_mode & 0o777) == 0o700
    assert (store.db_path.stat().st_mode & 0o777) == 0o600
    assert ((store.pictures / "F1.jpg").stat().st_mode & 0o777) == 0o600


# -- atomic filing and recovery -------------------------------------------------------------------------------


def test_failed_final_rename_leaves_no_half_state_and_keeps_the_old_picture(store, pics, monkeypatch):
    store.file_picture("G1", PROFILE, pics[0], GATES_OK)
    store.mark_recapture("G1", "blurred")
    before = store.get("G1")
    real_replace = os.replace

    def failing_replace(src, dst, *a, **kw):
        if Path(src).parent == store.pending_dir and not Path(src).name.startswith("."):
            raise OSError(28, "No space left on device")
        return real_replace(src, dst, *a, **kw)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        store.file_picture("G1", PROFILE, pics[1], GATES_OK)
    monkeypatch.undo()
    after = store.get("G1")
    assert after.status is Status.NEEDS_RECAPTURE and after.picture == before.picture
    assert after.reason == "blurred"
    assert (store.pictures / "G1.jpg").read_bytes() == pics[0]
    assert files_in(store.pending_dir) == []
    assert [a.accepted for a in store.attempts("G1")] == [True, False]
    assert store.recover().repairs == 0  # nothing left half-done


def test_failed_pending_write_changes_nothing(store, pics, monkeypatch):
    monkeypatch.setattr(os, "replace", lambda *a, **k: (_ for _ in ()).throw(OSError(5, "I/O error")))
    with pytest.raises(OSError):
        store.file_picture("H1", PROFILE, pics[0], GATES_OK)
    monkeypatch.undo()
    assert store.get("H1").status is Status.NOT_UPLOADED
    assert files_in(store.pending_dir) == [] and files_in(store.pictures) == []


def test_recover_completes_a_committed_filing_and_drops_unreferenced_pending(store, pics, monkeypatch):
    # simulate a crash right after the commit: the final rename never happens
    real_replace = os.replace

    def crash(src, dst, *a, **kw):
        if Path(src).parent == store.pending_dir and not Path(src).name.startswith("."):
            raise KeyboardInterrupt  # stands in for the process dying; undo must not run for a real kill
        return real_replace(src, dst, *a, **kw)

    monkeypatch.setattr(os, "replace", crash)
    monkeypatch.setattr(SqliteRecordStore, "_undo_filing", lambda *a, **k: None)
    with pytest.raises(KeyboardInterrupt):
        store.file_picture("J1", PROFILE, pics[0], GATES_OK)
    monkeypatch.undo()
    assert store.get("J1").status is Status.FILED
    assert not (store.pictures / "J1.jpg").exists()
    # the except clause removed the pending file in-process; a real SIGKILL would not: put one back
    pending = store._db.execute("SELECT pending FROM records WHERE identity='J1'").fetchone()[0]
    (store.pending_dir / pending).write_bytes(pics[0])
    (store.pending_dir / "K9-deadbeef.jpg").write_bytes(pics[1])  # written, never committed
    (store.pictures / "STRAY.jpg").write_bytes(pics[1])  # a final file nobody refers to
    report = store.recover()
    assert report.completed == ["J1"] and report.pending_removed == 1 and report.orphans == ["STRAY.jpg"]
    assert (store.pictures / "J1.jpg").read_bytes() == pics[0]
    assert files_in(store.pending_dir) == [] and files_in(store.orphans_dir) == ["STRAY.jpg"]
    assert store.recover().repairs == 0


def test_recover_reports_a_missing_picture(store, pics):
    store.file_picture("M1", PROFILE, pics[0], GATES_OK)
    (store.pictures / "M1.jpg").unlink()
    assert store.recover().missing == ["M1"]


# -- export ---------------------------------------------------------------------------------------------------


def _filled_store(store, pics):
    store.file_picture("P1", PROFILE, pics[0], GATES_OK)
    store.file_picture("P2", PROFILE, pics[1], GATES_BAD)
    store.mark_recapture("P2", "eyes")
    store.file_picture("P2", PROFILE, pics[0], GATES_OK)
    store.file_picture("P3", PROFILE, pics[1], GATES_BAD)
    store.ensure("P4", PROFILE.id)  # nothing filed: not exported


def test_export_zip_matches_the_records_and_locks_them(store, pics, tmp_path):
    _filled_store(store, pics)
    out = tmp_path / "out" / "batch.zip"
    report = export_batch(store, out)
    assert report.zip_path == out and report.refused == {}
    assert report.exported == ["P1", "P2", "P3"]
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        assert names == {"P1.jpg", "P2.jpg", "P3.jpg", "reports/P1.json", "reports/P2.json", "reports/P3.json",
                         "manifest.csv"}
        rows = list(csv.DictReader(io.StringIO(zf.read("manifest.csv").decode("utf-8-sig"))))
        assert [r["identity"] for r in rows] == ["P1", "P2", "P3"]
        by_id = {r["identity"]: r for r in rows}
        assert by_id["P2"]["status"] == Status.RECAPTURED.value and by_id["P1"]["status"] == Status.FILED.value
        assert by_id["P1"]["gates"] == "2/2" and by_id["P3"]["gates"] == "1/2: eyes_open"
        assert by_id["P1"]["px"] == "480x640" and by_id["P1"]["profile"] == PROFILE.id
        for ident, data in (("P1", pics[0]), ("P2", pics[0]), ("P3", pics[1])):
            assert zf.read(f"{ident}.jpg") == data
            assert by_id[ident]["kb"] == f"{len(data) / 1024:.2f}"
            doc = json.loads(zf.read(f"reports/{ident}.json"))
            assert doc["ok"] is True and doc["identity"] == ident and doc["bytes"] == len(data)
            assert set(doc["file_spec"]) == {"kb", "format", "width_px", "height_px", "ratio", "dpi"}
            assert all(c["ok"] for c in doc["file_spec"].values())
            assert verify_for_profile(zf.read(f"{ident}.jpg"), PROFILE) == []
    assert [r.status for r in store.list()] == [Status.LOCKED] * 3 + [Status.NOT_UPLOADED]
    assert (out.stat().st_mode & 0o777) == 0o600
    assert [p.name for p in out.parent.iterdir()] == ["batch.zip"]  # no temp file left
    again = export_batch(store, tmp_path / "second.zip")
    assert again.exported == [] and again.zip_path is None and not (tmp_path / "second.zip").exists()


def test_a_corrupted_picture_is_refused_with_a_reason(store, pics, tmp_path):
    _filled_store(store, pics)
    path = store.pictures / "P1.jpg"
    data = bytearray(path.read_bytes())
    path.write_bytes(bytes(data[: len(data) // 2]))  # torn file
    (store.pictures / "P3.jpg").unlink()
    report = export_batch(store.folder, tmp_path / "b.zip")
    assert report.exported == ["P2"]
    assert "P1" in report.refused and "does not meet" in report.refused["P1"]
    assert "missing" in report.refused["P3"]
    store2 = SqliteRecordStore(store.folder)
    assert store2.get("P1").status is Status.FILED and store2.get("P2").status is Status.LOCKED
    store2.close()


def test_export_refuses_everything_when_the_zip_does_not_check_out(store, pics, tmp_path, monkeypatch):
    import kiosk.store.export as export

    _filled_store(store, pics)
    monkeypatch.setattr(export, "verify_zip", lambda *a, **k: ["simulated damage"])
    with pytest.raises(export.ExportError, match="simulated damage"):
        export_batch(store, tmp_path / "c.zip")
    assert not (tmp_path / "c.zip").exists() and list(tmp_path.glob(".c.zip*")) == []
    assert Status.LOCKED not in {r.status for r in store.list()}


def test_gate_summary():
    assert gate_summary({f"g{i}": {"ok": True} for i in range(17)}) == "17/17"
    assert gate_summary({"a": {"ok": True}, "b": {"ok": False}, "c": {"ok": False}}) == "1/3: b c"


def test_records_json_lines(store, pics):
    store.file_picture("Q1", PROFILE, pics[0], GATES_OK)
    store.ensure("Q2", PROFILE.id)
    lines = [json.loads(line) for line in records_json_lines(store)]
    assert lines[0] == {"identity": "Q1", "status": "已上传", "profile": PROFILE.id, "picture": "pictures/Q1.jpg",
                        "attempts": 1, "updated": lines[0]["updated"]}
    assert lines[1]["picture"] is None and lines[1]["status"] == "未上传"


# -- crash test -----------------------------------------------------------------------------------------------

KILLS = int(os.environ.get("CRASH_KILLS", "60"))
SEED = int(os.environ.get("CRASH_SEED", "20261123"))


def _check_store(folder: Path, last_event: dict[str, tuple[str, str]], known: list[bytes]) -> tuple[dict, list[str]]:
    """Open the store, recover, and return (recovery report, failures)."""
    failures: list[str] = []
    with SqliteRecordStore(folder) as store:
        report = store.recover()
        records = {r.identity: r for r in store.list()}
        for r in records.values():
            if r.picture is not None:
                path = store.folder / r.picture
                if not path.is_file():
                    failures.append(f"{r.identity}: {r.status.name} but {r.picture} is missing")
                else:
                    data = path.read_bytes()
                    problems = verify_for_profile(data, PROFILE)
                    if problems or data not in known:
                        failures.append(f"{r.identity}: picture broken: {problems or 'not a picture the child filed'}")
            elif r.status in (Status.FILED, Status.RECAPTURED, Status.NEEDS_RECAPTURE):
                failures.append(f"{r.identity}: {r.status.name} without a picture")
        for ident, (event, said) in last_event.items():
            r = records.get(ident)
            # The child prints right after each commit and marks only FILED records, so a kill between a commit
            # and its print leaves at most one unreported change: a mark after a first filing, or the re-filing
            # after a mark.
            if event == "filed":
                want = (Status.FILED, Status.NEEDS_RECAPTURE) if said == "FILED" else (Status.RECAPTURED,
                                                                                        Status.LOCKED)
            elif event == "locked":
                want = (Status.LOCKED, Status.NEEDS_RECAPTURE)
            else:
                want = (Status.NEEDS_RECAPTURE, Status.RECAPTURED)
            if r is None or r.status not in want:
                failures.append(f"{ident}: child said {event} but the DB has {r.status.name if r else 'no record'}")
        for r in records.values():  # a reopening and its audit row commit together
            reopens = [e for e in store.audit(r.identity) if e.action == "reopen"]
            if r.status is Status.NEEDS_RECAPTURE and (not reopens or reopens[-1].reason != r.reason):
                failures.append(f"{r.identity}: reopened without its audit row")
        if files_in(store.pending_dir):
            failures.append(f"pending leftovers after recover: {files_in(store.pending_dir)}")
        referenced = {Path(r.picture).name for r in records.values() if r.picture}
        unreferenced = set(files_in(store.pictures)) - referenced
        if unreferenced or report.orphans:
            failures.append(f"orphan final files: {sorted(unreferenced | set(report.orphans))}")
        if report.missing:
            failures.append(f"missing pictures: {report.missing}")
        # What the next run is judged from: the state found now (a change the child could not report before its
        # kill is accepted above once; the next run may add one more, and must not be judged from the older line).
        for ident in last_event:
            if ident in records:
                last_event[ident] = AS_EVENT[records[ident].status]
    return report.to_dict(), failures


#: the line the child would have printed last for a record found in this status
AS_EVENT = {Status.FILED: ("filed", "FILED"), Status.RECAPTURED: ("filed", "RECAPTURED"),
            Status.NEEDS_RECAPTURE: ("marked", ""), Status.LOCKED: ("locked", ""), Status.NOT_UPLOADED: ("", "")}


def test_sigkill_at_random_moments_never_loses_or_tears_a_picture(tmp_path, pics):
    folder = tmp_path / "crash-store"
    pic_files = []
    for i, data in enumerate(pics):
        pic_files.append(tmp_path / f"pic{i}.jpg")
        pic_files[-1].write_bytes(data)
    rng = random.Random(SEED)
    last_event: dict[str, tuple[str, str]] = {}
    figures = {"kills": 0, "filings": 0, "marks": 0, "locks": 0, "completed": 0, "pending_removed": 0, "failures": []}
    started = time.monotonic()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for _ in range(KILLS):
        child = subprocess.Popen([sys.executable, str(ROOT / "tests" / "kiosk" / "store" / "crash_child.py"), str(folder),
                                  *map(str, pic_files)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                 bufsize=0)  # unbuffered: readline() must not read ahead lines communicate() misses
        assert child.stdout.readline().strip() == b"ready", child.stderr.read().decode()
        # Wait for the child's first committed filing before the random delay, so every run files at least once
        # however busy the machine is ("filings >= kills" holds by construction, not by machine speed); the kill
        # then lands at a random moment of the following filings, marks and re-filings.
        first = child.stdout.readline()
        assert first.startswith(b"filed "), child.stderr.read().decode()
        time.sleep(rng.uniform(0, 0.080))
        child.kill()  # SIGKILL on POSIX, TerminateProcess on Windows: no clean-up runs either way
        out, err = child.communicate()
        assert child.returncode == (-signal.SIGKILL if os.name == "posix" else 1), err.decode()
        figures["kills"] += 1
        for line in (first + out).decode().splitlines():
            event, ident, *said = line.split()
            last_event[ident] = (event, said[0] if said else "")
            figures[{"filed": "filings", "marked": "marks", "locked": "locks"}[event]] += 1
        report, failures = _check_store(folder, last_event, pics)
        figures["completed"] += len(report["completed"])
        figures["pending_removed"] += report["pending_removed"]
        figures["failures"] += [f for f in failures if f not in figures["failures"]]
    figures["seconds"] = round(time.monotonic() - started, 1)
    figures["records"] = len(last_event)
    print("crash test figures:", json.dumps(figures))
    (tmp_path / "figures.json").write_text(json.dumps(figures))
    if os.environ.get("CRASH_FIGURES"):
        Path(os.environ["CRASH_FIGURES"]).write_text(json.dumps(figures))
    assert figures["failures"] == []
    assert figures["kills"] >= 50 and figures["filings"] >= figures["kills"]
