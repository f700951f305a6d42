"""Filing confirmed pictures in the store folder: the picture file (atomic, owner-only) and an append-only log.

The store folder is the only place the kiosk keeps state. (The records database with statuses comes with the
records issue; this keeps the same folder layout: DIR/pictures/<name>.jpg and DIR/log/attempts.jsonl.)
"""
from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from capture.encode import write_atomic
from kiosk.identity import picture_file_name
from profiles.model import Profile


@dataclass(frozen=True)
class FiledPicture:
    """Where a confirmed picture went."""

    path: Path
    identity: str
    profile_id: str
    filed_at: str  # ISO 8601, local time


class PictureStore:
    """A store folder: pictures/ with the filed pictures and log/attempts.jsonl with one line per filing."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.pictures = self.folder / "pictures"
        self.log = self.folder / "log" / "attempts.jsonl"
        for d in (self.folder, self.pictures, self.log.parent):
            d.mkdir(parents=True, exist_ok=True)
            os.chmod(d, 0o700)

    def file_picture(self, identity: str, profile: Profile, data: bytes, gates: Mapping[str, Any]) -> FiledPicture:
        """Write the picture for `identity` atomically (replacing an earlier one) and log the filing."""
        path = self.pictures / picture_file_name(profile, identity)
        write_atomic(path, data)
        filed = FiledPicture(path, identity, profile.id, dt.datetime.now().isoformat(timespec="seconds"))
        line = json.dumps({"identity": identity, "profile": profile.id, "file": path.name, "at": filed.filed_at,
                           "kb": round(len(data) / 1024, 2), "gates": gates}, ensure_ascii=False)
        fd = os.open(self.log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, (line + "\n").encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        return filed
