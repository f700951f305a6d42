"""The TCP relay the fault runs use to cut a station's cable: it relays, cuts loudly or silently, and mends."""
from __future__ import annotations

import socket
import threading

import pytest

from kiosk.hall.proxy import TcpRelay


@pytest.fixture
def echo():
    """Yield the port of a tiny echo server on 127.0.0.1."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)

    def serve():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            threading.Thread(target=lambda c=conn: [c.sendall(d) for d in iter(lambda: c.recv(1024), b"")],
                             daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    yield server.getsockname()[1]
    server.close()


def _ask(port: int, data: bytes, timeout: float = 2.0) -> bytes:
    """Return the answer to `data` (b"" when the connection is closed on us: a FIN, or a reset when the relay closes
    with our bytes still unread, which one depends on timing)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        try:
            s.sendall(data)
            return s.recv(1024)
        except ConnectionResetError:
            return b""


def test_the_relay_passes_bytes_both_ways(echo):
    with TcpRelay(("127.0.0.1", echo)) as relay:
        assert _ask(relay.port, b"hello") == b"hello"
        assert relay.connections == 1


def test_a_loud_cut_drops_connections_and_refuses_new_ones_until_mended(echo):
    with TcpRelay(("127.0.0.1", echo)) as relay:
        held = socket.create_connection(("127.0.0.1", relay.port), timeout=2)
        held.sendall(b"a")
        assert held.recv(10) == b"a"
        assert relay.cut() == 1
        assert held.recv(10) == b""  # the station hears the cut at once
        assert _ask(relay.port, b"b") == b""
        relay.mend()
        assert _ask(relay.port, b"c") == b"c"
        held.close()


def test_a_silent_cut_answers_nothing_until_mended(echo):
    with TcpRelay(("127.0.0.1", echo)) as relay:
        assert relay.cut(silent=True) == 0
        with pytest.raises(socket.timeout):
            _ask(relay.port, b"x", timeout=0.5)
        relay.mend()
        assert _ask(relay.port, b"y") == b"y"


def test_url_for_keeps_the_login_and_database_and_points_at_the_relay():
    relay = TcpRelay(("127.0.0.1", 5432), port=6543)
    assert relay.url_for("postgresql://kiosk:pw@10.0.0.5:5432/idphoto?sslmode=require") == \
        "postgresql://kiosk:pw@127.0.0.1:6543/idphoto?sslmode=require"
