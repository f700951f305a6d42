"""The kiosk's log: rotating, appending, owner-only, in the station's own folder (`local`: the store folder of a
station filing into a folder, its local folder beside a hall server). Only codes and states go in it — never
identities, names, pictures or a database password (URLs are logged masked). The log folder (and the station's
folder, when the log is the first to need it) is created 0700; each log file is created 0600."""
from __future__ import annotations

import logging
import os
from logging.handlers import RotatingFileHandler
from pathlib import Path

from capture.files import private_folder

LOG_NAME = "kiosk.log"
MAX_BYTES = 1_000_000
BACKUPS = 5


class _OwnerOnlyRotatingHandler(RotatingFileHandler):
    def _open(self):  # noqa: ANN202 (logging's own signature)
        # create the file owner-only before logging opens it, so it is never readable by others, not even briefly
        os.close(os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
        stream = super()._open()
        try:
            os.chmod(self.baseFilename, 0o600)  # a file left by an older version may be 0644
        except OSError:
            pass
        return stream


def setup_logging(local: str | Path, level: int = logging.INFO) -> Path:
    """Send the `idphoto` and `capture` loggers to LOCAL/log/kiosk.log (1 MB × 5 files, appended), LOCAL being the
    station's own folder; return its path."""
    folder = private_folder(Path(local) / "log")
    try:
        os.chmod(folder, 0o700)  # a log folder made by an older version may be 0755
    except OSError:
        pass  # not this account's folder: `idphoto doctor` says how to fix its mode
    path = folder / LOG_NAME
    handler = _OwnerOnlyRotatingHandler(path, mode="a", maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    for name in ("idphoto", "capture"):
        logger = logging.getLogger(name)
        logger.setLevel(level)
        if not any(isinstance(h, RotatingFileHandler) and h.baseFilename == handler.baseFilename
                   for h in logger.handlers):
            logger.addHandler(handler)
    # the database driver's own messages (a pool retrying a cut cable) name hosts and quote the server: the store
    # reports what matters as codes, so they go neither to the log nor to the console
    driver = logging.getLogger("psycopg")
    driver.propagate = False
    if not driver.handlers:
        driver.addHandler(logging.NullHandler())
    return path
