"""How long a store on a PostgreSQL server waits before it calls the server gone: a station must not freeze on a
dead cable. Three limits work together:

- connecting: `connect_timeout` (whole seconds, the driver's) for every new connection;
- the pool: a connection is handed out within `pool_s` seconds or the call fails (PoolTimeout);
- a connection that stops answering: TCP keepalives and `tcp_user_timeout` notice a cable cut between two
  machines (unacknowledged data), and, for a station, a client-side deadline (`deadline_s`) on every transaction
  and every pool check: when it passes, the connection's socket is shut down under the driver, which then fails
  at once ("server closed the connection"). The deadline also covers a cut the kernel cannot see (a switch or
  relay that keeps acknowledging while nothing gets through), which keepalives never notice.

Every failure surfaces as a StoreError "server_*" from kiosk.store.postgres."""
from __future__ import annotations

import os
import socket
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator

__all__ = ["Timeouts", "COMMAND", "STATION", "watchdog", "checker"]


@dataclass(frozen=True)
class Timeouts:
    """The limits of one store, in seconds; `deadline_s` None: no client-side deadline (long commands)."""

    connect_s: int = 10
    pool_s: float = 30.0
    deadline_s: float | None = None
    keepalive_idle_s: int = 5
    keepalive_interval_s: int = 2
    keepalive_count: int = 3
    user_timeout_s: int = 10

    def connection_kwargs(self) -> dict[str, Any]:
        """Return the driver's connection settings (libpq names; tcp_user_timeout in milliseconds)."""
        return {"connect_timeout": self.connect_s, "keepalives": 1, "keepalives_idle": self.keepalive_idle_s,
                "keepalives_interval": self.keepalive_interval_s, "keepalives_count": self.keepalive_count,
                "tcp_user_timeout": self.user_timeout_s * 1000}


#: commands (export, purge, records): patient, no deadline on a transaction
COMMAND = Timeouts()
#: a station in the hall: a silent cut is noticed within about `deadline_s` (+ the pool's wait), a loud one
#: within `pool_s`
STATION = Timeouts(connect_s=3, pool_s=4.0, deadline_s=5.0)


def _shut(conn: Any) -> None:
    """Shut down `conn`'s socket (a psycopg connection) so that whatever waits on it fails at once."""
    try:
        fd = conn.pgconn.socket
        s = socket.socket(fileno=os.dup(fd))
    except Exception:  # noqa: BLE001 - already closed: nothing waits on it
        return
    try:
        s.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        s.close()


@contextmanager
def watchdog(conn: Any, seconds: float | None) -> Iterator[None]:
    """Run the block with a deadline of `seconds` on `conn` (None: no deadline): if it has not finished by then,
    the connection's socket is shut down and the driver raises OperationalError in the block."""
    if seconds is None:
        yield
        return
    timer = threading.Timer(seconds, _shut, args=(conn,))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def checker(seconds: float | None) -> Callable[[Any], None]:
    """Return the pool's `check` callback: the pool's own check (an empty query) under `watchdog(seconds)`."""
    from psycopg_pool import ConnectionPool

    def check(conn: Any) -> None:
        with watchdog(conn, seconds):
            ConnectionPool.check_connection(conn)

    return check
