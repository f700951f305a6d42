"""The kiosk's log: rotating, appending, owner-only, in the store folder. Only codes and states go in it — never
identities, names or pictures (those are personal data)."""
from __future__ import annotations

import logging
import os
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_NAME = "kiosk.log"
MAX_BYTES = 1_000_000
BACKUPS = 5


class _OwnerOnlyRotatingHandler(RotatingFileHandler):
    def _open(self):  # noqa: ANN202 (logging's own signature)
        stream = super()._open()
        try:
            os.chmod(self.baseFilename, 0o600)
        except OSError:
            pass
        return stream


def setup_logging(store_dir: str | Path, level: int = logging.INFO) -> Path:
    """Send the `idphoto` and `capture` loggers to STORE/log/kiosk.log (1 MB × 5 files, appended); return its path."""
    folder = Path(store_dir) / "log"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOG_NAME
    handler = _OwnerOnlyRotatingHandler(path, mode="a", maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    for name in ("idphoto", "capture"):
        logger = logging.getLogger(name)
        logger.setLevel(level)
        if not any(isinstance(h, RotatingFileHandler) and h.baseFilename == handler.baseFilename
                   for h in logger.handlers):
            logger.addHandler(handler)
    return path
