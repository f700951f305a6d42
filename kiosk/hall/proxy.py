"""A local TCP relay that can cut a station's cable on purpose: stations connect to the relay, the relay forwards to
the hall's server. `cut()` drops every open connection and refuses new ones (the network is gone, and the station
hears it at once); `cut(silent=True)` keeps connections open but lets nothing through, like an unplugged cable
between two switches (the station hears nothing and must give up by its own timeouts); `mend()` lets connections
through again. Used by the fault runs (`idphoto bench --hall`) and by the tests of the offline outbox;
never by a station in a hall.
"""
from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field

_CHUNK = 65536


@dataclass
class _Pair:
    """One relayed connection: the station's end and the server's end."""

    outer: socket.socket
    inner: socket.socket
    closed: threading.Event = field(default_factory=threading.Event)

    def close(self) -> None:
        """Close both ends (idempotent)."""
        if self.closed.is_set():
            return
        self.closed.set()
        for s in (self.outer, self.inner):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()


class TcpRelay:
    """Relay 127.0.0.1:`port` (0: a free port, read `.port` after `start()`) to `target` (host, port)."""

    def __init__(self, target: tuple[str, int], port: int = 0, host: str = "127.0.0.1") -> None:
        self.target = target
        self.host = host
        self.port = port
        self._listener: socket.socket | None = None
        self._pairs: list[_Pair] = []
        self._lock = threading.Lock()
        self._open = threading.Event()
        self._silent = threading.Event()
        self._stopped = threading.Event()
        self.connections = 0  # connections relayed since start (a figure for the fault runs)

    def start(self) -> "TcpRelay":
        """Listen and relay in helper threads; return self (with `.port` set)."""
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self.port))
        listener.listen(64)
        listener.settimeout(0.2)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._open.set()
        threading.Thread(target=self._accept, name="tcp-relay", daemon=True).start()
        return self

    def url_for(self, url: str) -> str:
        """Return the postgresql:// `url` with its host and port replaced by this relay's."""
        from urllib.parse import urlsplit, urlunsplit

        parts = urlsplit(url)
        auth, _, _ = parts.netloc.rpartition("@")
        netloc = f"{auth}@{self.host}:{self.port}" if auth else f"{self.host}:{self.port}"
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))

    def cut(self, silent: bool = False) -> int:
        """Cut the cable until `mend()`: drop every relayed connection and refuse new ones (return how many were
        dropped), or with `silent` keep them open and swallow every byte both ways (return 0)."""
        if silent:
            self._silent.set()
            return 0
        self._open.clear()
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for pair in pairs:
            pair.close()
        return len(pairs)

    def mend(self) -> None:
        """Relay new connections again (connections held open while silent stay dead: the station must reconnect)."""
        if self._silent.is_set():
            self._silent.clear()
            self.cut()
        self._open.set()

    def stop(self) -> None:
        """Stop listening and drop every connection."""
        self._stopped.set()
        self.cut()
        if self._listener is not None:
            self._listener.close()

    def __enter__(self) -> "TcpRelay":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _accept(self) -> None:
        assert self._listener is not None
        while not self._stopped.is_set():
            try:
                outer, _ = self._listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            if not self._open.is_set():
                outer.close()  # the cable is cut: the station sees a refused/closed connection
                continue
            if self._silent.is_set():
                with self._lock:  # accepted by the switch, never answered
                    self._pairs.append(_Pair(outer, socket.socket()))
                continue
            try:
                inner = socket.create_connection(self.target, timeout=5)
            except OSError:
                outer.close()
                continue
            pair = _Pair(outer, inner)
            with self._lock:
                self._pairs.append(pair)
                self.connections += 1
            for a, b in ((outer, inner), (inner, outer)):
                threading.Thread(target=_pump, args=(a, b, pair, self._silent), daemon=True).start()


def _pump(src: socket.socket, dst: socket.socket, pair: _Pair, silent: threading.Event) -> None:
    """Copy bytes from `src` to `dst` (swallowing them while `silent` is set) until either end closes, then close
    the pair."""
    try:
        src.settimeout(None)
        while not pair.closed.is_set():
            data = src.recv(_CHUNK)
            if not data:
                break
            if not silent.is_set():
                dst.sendall(data)
    except OSError:
        pass
    finally:
        pair.close()
