"""The hall's PostgreSQL server in one folder: initialise it once, start it with password (scram) authentication only
and TLS in front of it, provide the database `idphoto` and the station role `kiosk`, stop it cleanly.

    DIR/                   0700 (0711 when run as root, so that `nobody` can pass to pgdata)
    DIR/pgdata/            the cluster (owned by whoever runs PostgreSQL, 0700)
    DIR/superuser.password the superuser `postgres`'s generated password, 0600
    DIR/kiosk.password     the station role `kiosk`'s generated password, 0600
    DIR/server.log         PostgreSQL's log, 0600
    DIR/server.key         the TLS key, 0600; DIR/server.crt and its copy for the stations DIR/hall-ca.crt (0644)
                           (see kiosk.hall.certificate)

With TLS (the default, when this PC has the `openssl` program): PostgreSQL listens on 127.0.0.1 only, on a port
chosen at each start, and kiosk.hall.tls_front listens on the hall's address, does the TLS of PostgreSQL's protocol
(the wheel's PostgreSQL is built without SSL) and refuses other PCs that do not ask for it; the stations' URL ends
with `?sslmode=require`. Without TLS (`tls=False`, or no openssl): PostgreSQL itself listens on the hall's address,
as before. Only TCP: no Unix socket; pg_hba lets `kiosk` reach `idphoto` from anywhere and `postgres` only from this
PC, both with scram-sha-256. Restarting on the same DIR reuses the cluster, the passwords and the certificate.
"""
from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import threading
import time
from pathlib import Path

from capture.files import write_atomic
from kiosk.hall.address import Listen, port_free, station_host, station_url
from kiosk.hall.binaries import PROGRAMS_COPY, RunAs, can_reach, programs_for, run_as
from kiosk.hall.certificate import CA, CERT, KEY, TlsFiles, ensure_certificate
from kiosk.store.errors import StoreError

DATABASE, STATION_ROLE, SUPERUSER = "idphoto", "kiosk", "postgres"
PGDATA, SUPER_PW, KIOSK_PW, LOG = "pgdata", "superuser.password", "kiosk.password", "server.log"
HBA = (
    "# written by idphoto hall-server: TCP only, passwords (scram-sha-256) only\n"
    f"host {DATABASE} {STATION_ROLE} 0.0.0.0/0 scram-sha-256\n"
    f"host {DATABASE} {STATION_ROLE} ::/0 scram-sha-256\n"
    f"host all {SUPERUSER} 127.0.0.1/32 scram-sha-256\n"
    f"host all {SUPERUSER} ::1/128 scram-sha-256\n"
)


def _secret(path: Path) -> str:
    """Return the password kept in `path`, making a new one (URL-safe, 0600) when there is none."""
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    value = secrets.token_urlsafe(24)
    write_atomic(path, value.encode("ascii"), mode=0o600)
    return value


class HallServer:
    """One hall server on folder `data` listening on `listen`; `prepare()`, `start()` then `url`, `stop()` at the
    end. `tls`: offer TLS (and require it) when this PC can make a certificate; after `prepare()`, `tls_files` says
    whether it does (None: no TLS)."""

    def __init__(self, data: str | Path, listen: Listen, tls: bool = True) -> None:
        self.data = Path(data)
        self.listen = listen
        self.pgdata = self.data / PGDATA
        self.who: RunAs = run_as()
        self.process: subprocess.Popen | None = None
        self.url: str | None = None
        self.want_tls = tls
        self.tls_files: TlsFiles | None = None
        self.backend: Listen = listen  # where PostgreSQL itself listens (loopback behind the TLS front)
        self.front = None  # kiosk.hall.tls_front.TlsFront while running with TLS
        self._bin: Path | None = None  # the programs' folder `who` can run (kiosk.hall.binaries.programs_for)

    def bin(self) -> Path:
        """Return the folder of the PostgreSQL programs this server runs (found, or copied, once)."""
        if self._bin is None:
            self._bin = programs_for(self.who, self.data)
        return self._bin

    # -- the folder -----------------------------------------------------------------------------------------

    def prepare(self) -> None:
        """Make or check the folder, its passwords and the cluster (initdb on first use); StoreError with a
        "hall_folder_*" code when the folder cannot be used."""
        try:
            self._prepare_folder()
            if not (self.pgdata / "PG_VERSION").is_file():
                self._initdb()
            self._write_hba()
            if self.want_tls:
                self.tls_files = ensure_certificate(self.data, [self.listen.host, station_host(self.listen)])
        except OSError as exc:
            raise StoreError(self.data, "hall_folder_unusable", detail=exc.strerror or type(exc).__name__) from None

    def _prepare_folder(self) -> None:
        if self.data.exists() and not self.data.is_dir():
            raise NotADirectoryError(20, "not a folder")
        if self.data.is_dir():
            ours = {PGDATA, SUPER_PW, KIOSK_PW, LOG, KEY, CERT, CA, PROGRAMS_COPY}
            names = {p.name for p in self.data.iterdir() if not p.name.startswith(".")}
            if names - ours:
                raise StoreError(self.data, "hall_folder_foreign")
        self.data.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.data, 0o711 if self.who.uid is not None else 0o700)
        if not can_reach(self.data, self.who):
            raise StoreError(self.data, "hall_folder_unreachable", name=self.who.name)
        probe = self.data / ".write-test"
        write_atomic(probe, b"", mode=0o600)
        probe.unlink()
        _secret(self.data / SUPER_PW)
        _secret(self.data / KIOSK_PW)

    def _initdb(self) -> None:
        if self.pgdata.exists() and any(self.pgdata.iterdir()):
            raise StoreError(self.data, "hall_folder_foreign")
        self.pgdata.mkdir(mode=0o700, exist_ok=True)
        self._own(self.pgdata)
        pwfile = self.data / ".initdb-password"  # readable by the account running initdb, removed right after
        write_atomic(pwfile, (self.data / SUPER_PW).read_bytes(), mode=0o600)
        self._own(pwfile)
        command = [*self.who.prefix, str(self.bin() / "initdb"), "-D", str(self.pgdata), "-U", SUPERUSER,
                   f"--pwfile={pwfile}", "--auth=scram-sha-256", "--encoding=UTF8", "--no-locale"]
        try:
            done = subprocess.run(command, stdin=subprocess.DEVNULL, text=True, capture_output=True, env=_env())
        finally:
            pwfile.unlink(missing_ok=True)
        if done.returncode != 0:
            raise StoreError(self.data, "hall_start_failed", detail=_last_line(done.stderr))

    def _write_hba(self) -> None:
        hba = self.pgdata / "pg_hba.conf"
        if not hba.is_file() or hba.read_text(encoding="utf-8") != HBA:
            write_atomic(hba, HBA.encode("ascii"), mode=0o600)
            self._own(hba)

    def _own(self, path: Path) -> None:
        if self.who.uid is not None:
            os.chown(path, self.who.uid, self.who.gid)

    # -- running --------------------------------------------------------------------------------------------

    def start(self, timeout_s: float = 60.0) -> str:
        """Start PostgreSQL (behind the TLS front when `tls_files`), wait until it accepts connections, provide the
        database and the station role; return the URL stations use (with `?sslmode=require` under TLS).
        StoreError "hall_port_busy" / "hall_already_running" / "hall_start_failed"."""
        if self._postmaster_alive():
            raise StoreError(self.data, "hall_already_running")
        if not port_free(self.listen):
            raise StoreError(self.data, "hall_port_busy", name=self.listen.shown)
        self.backend = Listen("127.0.0.1", _loopback_port()) if self.tls_files else self.listen
        self._spawn()
        self._wait_ready(timeout_s)
        import psycopg  # lazy, as above

        try:
            self._provide()
        except psycopg.Error as exc:
            self.stop()
            raise StoreError(self.data, "hall_start_failed", detail=_last_line(str(exc))) from None
        if self.tls_files:
            self._open_front()
        self.url = station_url(self.listen, STATION_ROLE, (self.data / KIOSK_PW).read_text().strip(), DATABASE,
                               sslmode="require" if self.tls_files else None)
        return self.url

    def _spawn(self) -> None:
        """Start the postgres program on `self.backend`, its output appended to DIR/server.log."""
        log = os.open(self.data / LOG, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            self._own(self.data / LOG)
            command = [*self.who.prefix, str(self.bin() / "postgres"), "-D", str(self.pgdata),
                       "-c", f"listen_addresses={self.backend.host}", "-c", f"port={self.backend.port}",
                       "-c", "unix_socket_directories=", "-c", "password_encryption=scram-sha-256"]
            # the kernel's parent-death signal fires when the starting THREAD ends, not the process: only a start
            # from the main thread (hall-server, the tests) asks for it; a helper thread's caller stops the server
            guard = threading.current_thread() is threading.main_thread()
            self.process = subprocess.Popen(_orphan_safe(command, self.who) if guard else command,
                                            stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                            start_new_session=True, env=_env(),
                                            preexec_fn=_die_with_parent if guard and not self.who.prefix else None)
        finally:
            os.close(log)

    def _open_front(self) -> None:
        """Listen on the hall's address with TLS in front of PostgreSQL; StoreError "hall_port_busy" when taken."""
        from kiosk.hall.tls_front import Admission, TlsFront, server_context

        context = server_context(str(self.tls_files.cert), str(self.tls_files.key))
        front = TlsFront(self.listen.host, self.listen.port, self.backend.port, context,
                         Admission(STATION_ROLE, DATABASE))
        try:
            front.start()
        except OSError:
            self.stop()
            raise StoreError(self.data, "hall_port_busy", name=self.listen.shown) from None
        self.front = front

    def _postmaster_alive(self) -> bool:
        pidfile = self.pgdata / "postmaster.pid"
        try:
            pid = int(pidfile.read_text(encoding="utf-8").split()[0])
        except (OSError, ValueError, IndexError):
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def superuser_url(self, database: str = "postgres") -> str:
        """Return the superuser's URL on this PC (for provisioning and tests; never printed)."""
        host = self.backend.local_host()
        host = f"[{host}]" if ":" in host else host
        password = (self.data / SUPER_PW).read_text(encoding="utf-8").strip()
        return f"postgresql://{SUPERUSER}:{password}@{host}:{self.backend.port}/{database}"

    def _wait_ready(self, timeout_s: float) -> None:
        import psycopg  # lazy: only the hall server needs the driver here

        deadline = time.monotonic() + timeout_s
        while True:
            if self.process.poll() is not None:
                raise self._start_error()
            try:
                psycopg.connect(self.superuser_url(), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise StoreError(self.data, "hall_start_failed", detail="timeout") from None
                time.sleep(0.1)

    def _start_error(self) -> StoreError:
        tail = _log_tail(self.data / LOG)
        if re.search(r"could not bind|address already in use", tail, re.I):
            return StoreError(self.data, "hall_port_busy", name=self.listen.shown)
        if re.search(r"lock file .* already exists", tail, re.I):
            return StoreError(self.data, "hall_already_running")
        return StoreError(self.data, "hall_start_failed", detail=_last_line(tail))

    def _provide(self) -> None:
        """Create (or update) the station role with its password and the database it owns."""
        import psycopg
        from psycopg import sql

        password = (self.data / KIOSK_PW).read_text(encoding="utf-8").strip()
        with psycopg.connect(self.superuser_url(), autocommit=True) as db:
            role = sql.Identifier(STATION_ROLE)
            if db.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (STATION_ROLE,)).fetchone() is None:
                db.execute(sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE").format(role))
            # the server gets the SCRAM verifier made here, never the password itself (not even in its log)
            verifier = db.pgconn.encrypt_password(password.encode(), STATION_ROLE.encode(), b"scram-sha-256")
            db.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(role, sql.Literal(verifier.decode("ascii"))))
            if db.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)).fetchone() is None:
                db.execute(sql.SQL("CREATE DATABASE {} OWNER {} ENCODING 'UTF8'").format(
                    sql.Identifier(DATABASE), role))

    def stop(self, timeout_s: float = 60.0) -> int:
        """Stop PostgreSQL (fast shutdown: open transactions roll back, everything committed stays); return its
        exit status (0 when it was not running). The TLS front stops after it, so that connected stations hear
        PostgreSQL's own "terminating connection" first."""
        try:
            return self._stop_postgres(timeout_s)
        finally:
            if self.front is not None:
                self.front.stop()
                self.front = None

    def _stop_postgres(self, timeout_s: float) -> int:
        if self.process is None:
            return 0
        if self.process.poll() is None:
            subprocess.run([*self.who.prefix, str(self.bin() / "pg_ctl"), "stop", "-D", str(self.pgdata), "-m",
                            "fast", "-w", "-t", str(int(timeout_s))], capture_output=True, env=_env())
            try:
                self.process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode or 0

    def wait(self) -> int:
        """Block until PostgreSQL exits; return its exit status."""
        return self.process.wait() if self.process else 0


def _loopback_port() -> int:
    """Return a TCP port nothing listens on at 127.0.0.1 now (PostgreSQL's own port behind the TLS front)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _orphan_safe(command: list[str], who: RunAs) -> list[str]:
    """Return `command` so that PostgreSQL shuts down fast (SIGINT) if this process dies without stopping it
    (SIGKILL): through setpriv's --pdeathsig when running as another user (a change of user clears the setting)."""
    if not who.prefix:
        return command
    return [who.prefix[0], "--pdeathsig", "INT", *who.prefix[1:], *command[len(who.prefix):]]


def _die_with_parent() -> None:
    """In the child before exec: ask the kernel for SIGINT (PostgreSQL's fast shutdown) when the parent dies."""
    import ctypes
    import signal

    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGINT), 0, 0, 0)


def _env() -> dict[str, str]:
    """Return the environment for the PostgreSQL programs: this one without PG* variables, in the C locale."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update(LC_ALL="C", LANG="C")
    return env


def _log_tail(path: Path, size: int = 4000) -> str:
    try:
        with open(path, "rb") as f:
            f.seek(max(0, f.seek(0, 2) - size))
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _last_line(text: str) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[-1][:200] if lines else "-"
