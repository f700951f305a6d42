"""Which table holds the sentences for each code prefix (photo., identity., store., camera., station., cli.)."""
from __future__ import annotations

from typing import Mapping

from kiosk.texts.camera import CAMERA
from kiosk.texts.cli import CLI
from kiosk.texts.identity import IDENTITY
from kiosk.texts.photo import PHOTO
from kiosk.texts.sheet import SHEET
from kiosk.texts.station import STATION
from kiosk.texts.store import STORE

DOMAINS: Mapping[str, Mapping[str, Mapping[str, str]]] = {
    "photo": PHOTO,
    "identity": IDENTITY,
    "store": STORE,
    "camera": CAMERA,
    "station": STATION,
    "sheet": SHEET,
    "cli": CLI,
}
