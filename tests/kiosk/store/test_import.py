"""`idphoto import`: photos named after people are checked, made and filed like kiosk captures; bad ones are not."""
from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from capture.camera import find_demo_still
from capture.images import read_photo
from kiosk.commands.main import main
from kiosk.store.records import SqliteRecordStore, Status


@pytest.fixture(scope="module")
def mailbox(tmp_path_factory, analyzer):
    """Photos as they arrive by mail: a good one, one with closed eyes, a busy backdrop, a badly named file."""
    from capture.synth import close_eyes

    d = tmp_path_factory.mktemp("mailbox")
    good = read_photo(find_demo_still()).rgb
    Image.fromarray(good).save(d / "2023001.jpg", quality=92)
    shut = close_eyes(good, analyzer.context(good).face)
    Image.fromarray(shut).save(d / "2023002.jpg", quality=92)
    busy = good.copy()
    rng = np.random.default_rng(1)
    mask = analyzer.person_mask(good) < 0.5
    noise = rng.integers(0, 255, good.shape, dtype=np.uint8)
    busy[mask] = noise[mask]  # a cluttered room behind the person
    Image.fromarray(busy).save(d / "2023003.jpg", quality=92)
    Image.fromarray(good).save(d / "zhang san.jpg", quality=92)
    return d


def _lines(out: str) -> dict:
    return {json.loads(line)["file"].rsplit("/", 1)[-1]: json.loads(line) for line in out.splitlines() if line}


def test_import_files_the_good_and_logs_the_rest(mailbox, tmp_path, capsys):
    store_dir = tmp_path / "store"
    assert main(["import", str(mailbox), "--store", str(store_dir), "--json"]) == 1
    lines = _lines(capsys.readouterr().out)
    assert lines["2023001.jpg"]["filed"] and lines["2023001.jpg"]["code"] == "filed"
    assert lines["2023002.jpg"]["code"] == "gates" and "eyes_open" in lines["2023002.jpg"]["hints"]
    assert lines["2023003.jpg"]["code"] == "gates" and "--replace-backdrop" in lines["2023003.jpg"]["message"]
    assert lines["zhang san.jpg"]["code"] == "bad_name" and lines["zhang san.jpg"]["identity"] is None
    store = SqliteRecordStore(store_dir)
    try:
        filed = store.get("2023001")
        assert filed.status is Status.FILED and (store_dir / filed.picture).exists()
        assert store.get("2023002").status is Status.NOT_UPLOADED  # turned down, but the attempt is on record
        (attempt,) = store.attempts("2023002")
        assert not attempt.accepted and attempt.gates["eyes_open"]["ok"] is False
        assert len(store.list()) == 3  # nothing filed under the badly named file
    finally:
        store.close()

    # the busy backdrop replaced: filed; the good photo again: refused, its filed picture untouched
    first_picture = (store_dir / "pictures" / "2023001.jpg").read_bytes()
    assert main(["import", str(mailbox / "2023003.jpg"), str(mailbox / "2023001.jpg"), "--store", str(store_dir),
                 "--replace-backdrop", "--json"]) == 1
    lines = _lines(capsys.readouterr().out)
    assert lines["2023003.jpg"]["filed"] and "backdrop replaced" in lines["2023003.jpg"]["message"]
    message = lines["2023001.jpg"]["message"]
    assert lines["2023001.jpg"]["code"] == "not_allowed" and "idphoto records recapture 2023001" in message
    assert sorted(p.name for p in (store_dir / "pictures").glob("*.jpg")) == ["2023001.jpg", "2023003.jpg"]
    assert (store_dir / "pictures" / "2023001.jpg").read_bytes() == first_picture
    # what the message says can be done (it could not before): reopen it, then the import files it again
    assert main(["records", "recapture", "2023001", "--reason", "new photo mailed", "--store", str(store_dir)]) == 0
    assert "reopened" in capsys.readouterr().out
    assert main(["import", str(mailbox / "2023001.jpg"), "--store", str(store_dir), "--json"]) == 0
    assert _lines(capsys.readouterr().out)["2023001.jpg"]["filed"]
    with SqliteRecordStore(store_dir) as store:
        assert store.get("2023001").status is Status.RECAPTURED


def test_import_usage_errors(tmp_path, capsys):
    assert main(["import", str(tmp_path), "--store", str(tmp_path / "s")]) == 2  # no photos
    assert "no photos to import" in capsys.readouterr().err
    photo = tmp_path / "2023001.jpg"
    Image.fromarray(np.zeros((10, 10, 3), np.uint8)).save(photo)
    assert main(["import", str(photo), "--store", str(tmp_path / "s"), "--backdrop", "white"]) == 2
    assert "--replace-backdrop" in capsys.readouterr().err


def test_a_failing_disk_is_reported_not_raised(mailbox, tmp_path, analyzer, monkeypatch):
    from capture.check import StillChecker
    from kiosk.store.importer import import_photo

    store = SqliteRecordStore(tmp_path / "store")

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "file_picture", full_disk)
    try:
        with StillChecker() as checker:
            outcome = import_photo(mailbox / "2023001.jpg", store, _profile(), checker)
    finally:
        store.close()
    assert not outcome.filed and outcome.code == "store_failed" and "No space left" in outcome.message


def _profile():
    from profiles import get_profile

    return get_profile("chsi-graduation")


def test_import_takes_the_store_and_profile_from_a_station_config(mailbox, tmp_path, capsys):
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text('store = "station-store"\nprofile = "chsi-graduation"\n', encoding="utf-8")
    assert main(["import", str(mailbox / "2023001.jpg"), "--config", str(cfg), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["filed"]
    assert (tmp_path / "station-store" / "pictures" / "2023001.jpg").exists()
    assert main(["import", str(mailbox / "2023001.jpg")]) == 2
    assert "--store" in capsys.readouterr().err
