"""`idphoto doctor`: the station self-test finds real problems and says what to do, and passes on a good install."""
from __future__ import annotations

import json

from kiosk.tools import doctor
from kiosk.commands.main import main
from kiosk.tools.doctor import FAIL, OK, WARN, check_packages, check_store, format_findings, run_doctor


def test_this_install_is_ready(tmp_path):
    findings = run_doctor(tmp_path / "store", camera="demo", probe=lambda index: False)
    by_check = {f.check: f for f in findings}
    assert not [f for f in findings if f.status == FAIL], format_findings(findings)
    for name in ("mediapipe", "numpy", "opencv", "face landmarks", "face detection", "person segmentation",
                 "body pose", "camera demo", "chinese font", "store", "profiles"):
        assert by_check[name].status == OK, by_check[name]
    assert by_check["webcams"].status == WARN and "demo camera" in by_check["webcams"].fix
    assert not (tmp_path / "store").exists()  # the doctor does not create the store
    assert format_findings(findings).splitlines()[-1].startswith("ready for the kiosk")


def test_two_opencv_wheels_are_a_failure_with_the_fix(monkeypatch):
    real = doctor._version
    monkeypatch.setattr(doctor, "_version", lambda name: "4.10.0.84" if name == "opencv-python" else real(name))
    finding = {f.check: f for f in check_packages()}["opencv"]
    assert finding.status == FAIL and "opencv-python 4.10.0.84" in finding.found
    assert "pip uninstall opencv-python" in finding.fix


def test_a_store_that_cannot_be_written(tmp_path):
    blocker = tmp_path / "store"
    blocker.write_text("a file where the folder should be")
    (finding,) = check_store(blocker)
    assert finding.status == FAIL and str(blocker) in finding.found and "--store" in finding.fix
    assert "problem(s) to fix" in format_findings([finding])


def test_a_store_others_can_read_is_a_warning(tmp_path):
    store = tmp_path / "store"
    store.mkdir(mode=0o755)
    store.chmod(0o755)
    found = {f.check: f for f in check_store(store)}
    assert found["store"].status == WARN and "chmod 700" in found["store"].fix
    store.chmod(0o700)
    assert {f.check: f for f in check_store(store)}["store"].status == OK
    assert not any(p.name.startswith(".doctor") for p in store.iterdir())  # the test file is removed


def test_doctor_command_json(tmp_path, capsys):
    assert main(["doctor", "--store", str(tmp_path / "store"), "--json"]) == 0
    findings = json.loads(capsys.readouterr().out)
    assert {f["check"] for f in findings} >= {"opencv", "face landmarks", "store"}
    assert all(f["status"] in (OK, WARN, FAIL) for f in findings)


def test_a_damaged_records_file_is_found_and_named(tmp_path, capsys):
    store = tmp_path / "store"
    store.mkdir(mode=0o700)
    (store / "records.sqlite3").write_bytes(b"this is not a database, it was overwritten by something" * 4)
    found = {f.check: f for f in check_store(store)}
    assert found["records file"].status == FAIL and "records.sqlite3" in found["records file"].found
    # the commands that open the store stop with the same advice instead of a traceback
    assert main(["records", "--store", str(store)]) == 2
    err = capsys.readouterr().err
    assert "records.sqlite3" in err and "backup" in err and "Traceback" not in err


def test_a_healthy_records_file(tmp_path):
    from kiosk.store.records import SqliteRecordStore

    SqliteRecordStore(tmp_path / "store").close()
    found = {f.check: f for f in check_store(tmp_path / "store")}
    assert found["records file"].status == OK and found["records file"].found.startswith("0 records")


def test_a_camera_spec_that_is_no_camera_is_named_with_what_to_use(tmp_path):
    from kiosk.tools.doctor import check_cameras

    findings = {f.check: f for f in check_cameras(str(tmp_path / "no-such-video.mp4"), probe=lambda index: False)}
    finding = findings[f"camera {tmp_path / 'no-such-video.mp4'}"]
    assert finding.status == FAIL
    assert finding.found.startswith(f"{tmp_path / 'no-such-video.mp4'}: This is not 'demo'")  # the camera's sentence
    assert "bad_spec" not in finding.found and "webcam number" in finding.fix


def test_store_folders_and_files_open_to_others_are_named_with_the_fix(tmp_path):
    from kiosk.tools.doctor import check_store_modes

    store = tmp_path / "store"
    (store / "pictures").mkdir(parents=True, mode=0o700)
    (store / "log").mkdir(mode=0o700)
    store.chmod(0o700)
    (store / "pictures").chmod(0o755)
    (store / "log" / "kiosk.log").write_text("state idle\n")
    (store / "log" / "kiosk.log").chmod(0o644)
    (store / "records.sqlite3").write_bytes(b"")
    (store / "records.sqlite3").chmod(0o600)
    found = {f.check: f for f in check_store(store)}["store modes"]
    assert found.status == WARN
    assert found.found == "2 of 4 open to others: log/kiosk.log (644), pictures (755)"
    assert f"chmod -R go-rwx {store}" in found.fix
    (store / "pictures").chmod(0o700)
    (store / "log" / "kiosk.log").chmod(0o600)
    (finding,) = check_store_modes(store)
    assert finding.status == OK and finding.found == "4 folders and files, all owner-only (0700/0600)"
