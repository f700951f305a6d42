"""The address a hall server listens on and the address stations are told to use."""
from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass

from kiosk.store.errors import StoreError

DEFAULT_LISTEN = "127.0.0.1:5433"  # safe default: this PC only; a hall says --listen 0.0.0.0:5433
#: a private address a UDP socket is "connected" to: connect() on UDP sends nothing, it only picks the route
_PROBE = ("10.255.255.255", 9)


@dataclass(frozen=True)
class Listen:
    """Where the server listens: `host` an IP address (0.0.0.0 or :: for every interface), `port` a TCP port."""

    host: str
    port: int

    @property
    def shown(self) -> str:
        """Return HOST:PORT as a person writes it ([::1]:5433 for IPv6)."""
        return f"{_bracket(self.host)}:{self.port}"

    def local_host(self) -> str:
        """Return the address this PC itself connects to (loopback when listening on every interface)."""
        if self.host == "0.0.0.0":
            return "127.0.0.1"
        if self.host == "::":
            return "::1"
        return self.host


def _bracket(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def parse_listen(value: str) -> Listen:
    """Return the Listen of "HOST:PORT" ("[::1]:5433" for IPv6); StoreError "hall_listen" otherwise."""
    text = (value or "").strip()
    host, sep, port = text.rpartition(":")
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        ipaddress.ip_address(host)
        number = int(port)
    except ValueError:
        raise StoreError("--listen", "hall_listen", name=text) from None
    if not sep or not 1 <= number <= 65535:
        raise StoreError("--listen", "hall_listen", name=text)
    return Listen(host, number)


def lan_address() -> str:
    """Return this PC's address on its local network (the route to a private address; nothing is sent), or
    127.0.0.1 when it has none."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(_PROBE)
            return probe.getsockname()[0]
    except OSError:
        return "127.0.0.1"


def station_host(listen: Listen) -> str:
    """Return the host stations should connect to: the listen address, or this PC's LAN address for 0.0.0.0."""
    if listen.host in ("0.0.0.0", "::"):
        return lan_address()
    return listen.host


def station_url(listen: Listen, user: str, password: str, database: str, sslmode: str | None = None) -> str:
    """Return the postgresql:// URL stations use (the password is URL-safe text, see kiosk.hall.server), ending
    with `?sslmode=...` when `sslmode` is given."""
    query = f"?sslmode={sslmode}" if sslmode else ""
    return f"postgresql://{user}:{password}@{_bracket(station_host(listen))}:{listen.port}/{database}{query}"


def port_free(listen: Listen) -> bool:
    """Return True when nothing listens on `listen` (a bind test; the server binds it moments later)."""
    family = socket.AF_INET6 if ":" in listen.host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((listen.host, listen.port))
        except OSError:
            return False
    return True
