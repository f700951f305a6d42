"""Private file modes as the README promises: the store's log folder and the folders an export or `make` creates are
0700, log files 0600, whatever the umask; a store the kiosk made passes the doctor's mode check."""
from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from kiosk.logs import setup_logging
from kiosk.store.export import export_batch
from kiosk.store.records import SqliteRecordStore
from kiosk.tools.doctor import OK, check_store_modes
from tests.kiosk.commands.test_cli_errors import _filed_store

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.fixture
def usual_umask():
    old = os.umask(0o022)  # the usual desktop umask: new folders would be 0755, files 0644
    yield
    os.umask(old)


def _drop_handlers(path: Path) -> None:
    for name in ("idphoto", "capture"):
        logger = logging.getLogger(name)
        for handler in [h for h in logger.handlers if getattr(h, "baseFilename", None) == str(path)]:
            logger.removeHandler(handler)
            handler.close()


def test_the_log_folder_and_file_are_private(tmp_path, usual_umask):
    store = tmp_path / "store"
    path = setup_logging(store)
    try:
        logging.getLogger("idphoto").info("state idle")
        assert (_mode(store), _mode(store / "log"), _mode(path)) == (0o700, 0o700, 0o600)
    finally:
        _drop_handlers(path)


def test_an_old_open_log_folder_is_made_private(tmp_path, usual_umask):
    (tmp_path / "store" / "log").mkdir(parents=True)
    (tmp_path / "store" / "log").chmod(0o755)
    path = setup_logging(tmp_path / "store")
    try:
        assert _mode(tmp_path / "store" / "log") == 0o700
    finally:
        _drop_handlers(path)


def test_export_folders_it_creates_are_private(tmp_path, usual_umask):
    store = _filed_store(tmp_path / "store")
    report = export_batch(store, store / "exports" / "2026" / "batch.zip")
    assert report.exported == ["2023001"]
    assert (_mode(store / "exports"), _mode(store / "exports" / "2026")) == (0o700, 0o700)
    assert _mode(store / "exports" / "2026" / "batch.zip") == 0o600


def test_a_store_the_kiosk_made_passes_the_doctor_mode_check(tmp_path, usual_umask):
    store = _filed_store(tmp_path / "store")
    path = setup_logging(store)
    try:
        logging.getLogger("idphoto").info("state idle")
        SqliteRecordStore(store).close()
        export_batch(store, store / "exports" / "batch.zip")
        (finding,) = check_store_modes(store)
        assert finding.status == OK, finding
    finally:
        _drop_handlers(path)
