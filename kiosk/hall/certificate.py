"""The hall server's TLS certificate: made once per data folder with the `openssl` program, reused on every start.

    DIR/server.key   the private key (EC P-256), 0600, owned by the account running `idphoto hall-server`
    DIR/server.crt   the self-signed certificate (10 years), its subject alternative names being the addresses and
                     names stations may use for this PC: the listen address, the LAN address, the host name,
                     127.0.0.1, ::1 and localhost
    DIR/hall-ca.crt  the same certificate (public part only, 0644): IT copies it to the stations for
                     `sslmode=verify-full&sslrootcert=hall-ca.crt`

The certificate is its own authority (CA:TRUE), so hall-ca.crt is what a station trusts. Without the `openssl`
program nothing is made and the hall runs without TLS (see kiosk.hall.server).
"""
from __future__ import annotations

import ipaddress
import os
import re
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from capture.files import write_atomic
from kiosk.store.errors import StoreError

KEY, CERT, CA = "server.key", "server.crt", "hall-ca.crt"
DAYS = 3650  # ten years: a hall's PC outlives its certificate rarely, and the file is easy to renew (delete, restart)
_NAME = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")


@dataclass(frozen=True)
class TlsFiles:
    """The hall's key and certificate (paths) and the copy stations trust."""

    key: Path
    cert: Path
    ca: Path


def openssl() -> str | None:
    """Return the path of the `openssl` program, or None when this PC has none."""
    return shutil.which("openssl")


def subject_names(hosts: list[str]) -> list[str]:
    """Return the subjectAltName entries (IP:... / DNS:...) for `hosts` plus this PC's loopback names and host
    name, each once, in order; 0.0.0.0 and :: (every interface) are left out."""
    entries: list[str] = []
    for host in [*hosts, "127.0.0.1", "::1", "localhost", socket.gethostname()]:
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            entry = f"DNS:{host}" if _NAME.match(host or "") else None
        else:
            entry = None if address.is_unspecified else f"IP:{address.compressed}"
        if entry and entry not in entries:
            entries.append(entry)
    return entries


def ensure_certificate(data: Path, hosts: list[str]) -> TlsFiles | None:
    """Return the hall's TLS files in `data`, making the key and certificate when there are none yet (an existing
    pair is reused as it is); None when there are none and this PC has no `openssl` program. StoreError
    "hall_start_failed" when openssl fails."""
    files = TlsFiles(data / KEY, data / CERT, data / CA)
    if not (files.key.is_file() and files.cert.is_file()):
        program = openssl()
        if program is None:
            return None
        _make(program, files, subject_names(hosts))
    os.chmod(files.key, 0o600)
    if not files.ca.is_file() or files.ca.read_bytes() != files.cert.read_bytes():
        write_atomic(files.ca, files.cert.read_bytes(), mode=0o644)
    return files


def names_in(cert: Path) -> list[str] | None:
    """Return the addresses and host names `cert` is valid for (its subject alternative names, as written: 10.0.0.5,
    ::1, localhost), or None when they cannot be read (no openssl program, an unreadable file)."""
    program = openssl()
    if program is None:
        return None
    done = subprocess.run([program, "x509", "-in", str(cert), "-noout", "-ext", "subjectAltName"],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if done.returncode != 0:
        return None
    return [_written(n) for n in re.findall(r"(?:DNS|IP Address):([^,\s]+)", done.stdout)]


def _written(name: str) -> str:
    """Return an address as a URL writes it (0:0:0:0:0:0:0:1 -> ::1), a host name as it is."""
    try:
        return ipaddress.ip_address(name).compressed
    except ValueError:
        return name


def _make(program: str, files: TlsFiles, names: list[str]) -> None:
    """Make a new key and self-signed certificate in a private folder beside them, then move both into place."""
    work = Path(tempfile.mkdtemp(prefix=".tls-", dir=files.key.parent))  # 0700, ignored as a dot name
    try:
        config = work / "openssl.cnf"
        config.write_text(_config(names), encoding="ascii")
        key, cert = work / KEY, work / CERT
        command = [program, "req", "-x509", "-config", str(config), "-newkey", "ec", "-pkeyopt",
                   "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(key), "-out", str(cert),
                   "-days", str(DAYS), "-sha256"]
        env = {k: v for k, v in os.environ.items() if not k.startswith("OPENSSL")}
        done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env)
        if done.returncode != 0 or not (key.is_file() and cert.is_file()):
            lines = [line.strip() for line in done.stderr.splitlines() if line.strip()] or ["openssl failed"]
            last = lines[-1][:160]  # openssl's own last line (the log and the screen show it as the detail)
            raise StoreError(files.key.parent, "hall_start_failed", detail=last)
        os.chmod(key, 0o600)
        os.chmod(cert, 0o644)
        os.replace(key, files.key)
        os.replace(cert, files.cert)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _config(names: list[str]) -> str:
    """Return openssl's request configuration: the subject, and the extensions of a self-signed server certificate
    that is its own authority."""
    return (
        "[req]\nprompt = no\ndistinguished_name = dn\nx509_extensions = ext\n"
        "[dn]\nO = idphoto\nCN = idphoto hall server\n"
        "[ext]\nbasicConstraints = critical, CA:TRUE\nkeyUsage = critical, digitalSignature, keyCertSign\n"
        "extendedKeyUsage = serverAuth\nsubjectKeyIdentifier = hash\n"
        f"subjectAltName = {', '.join(names)}\n"
    )
