"""Running `idphoto` where a folder is read-only for it, and the command in a child process.

As root a chmod does not stop writes. So when the tests run as root, the command runs in its own mount namespace
where the folder is bind-mounted read-only (`unshare -m`, EROFS), or else as the `nobody` account (subprocess with
user= and group=; the folder is root's); as another account, chmod 0555 makes the folder read-only.
`read_only_runner` skips the test, with the reason, where none of these works.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import pytest

ROOT = Path(__file__).resolve().parents[3]
NOBODY = 65534


@dataclass(frozen=True)
class Run:
    """A finished `idphoto` child: exit status and what it printed."""

    status: int
    out: str
    err: str


#: run a command with one folder ($1) bind-mounted read-only over itself, in a private mount namespace
_RO_MOUNT = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'


def idphoto(args: Sequence[str], *, cwd: Path, env: dict[str, str] | None = None, as_nobody: bool = False,
            read_only: Path | None = None, stdout: int | None = subprocess.PIPE) -> Run:
    """Run `python -m kiosk.commands.main ARGS` in a child (as `nobody`, or with `read_only` mounted read-only, when
    asked); return its Run."""
    child_env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} if env is None else dict(env)
    child_env["PYTHONPATH"] = str(ROOT)
    extra = {"user": NOBODY, "group": NOBODY, "extra_groups": []} if as_nobody else {}
    command = [sys.executable, "-m", "kiosk.commands.main", *args]
    if read_only is not None:
        command = ["unshare", "-m", "sh", "-c", _RO_MOUNT, "sh", str(read_only), *command]
    done = subprocess.run(command, cwd=cwd, env=child_env, stdout=stdout, stderr=subprocess.PIPE, text=True,
                          timeout=300, **extra)
    return Run(done.returncode, done.stdout or "", done.stderr)


def _mount_works(base: Path, locked: Path) -> bool:
    """Return True when `unshare -m` can mount `locked` read-only here (tried with `touch`)."""
    if shutil.which("unshare") is None:
        return False
    done = subprocess.run(["unshare", "-m", "sh", "-c", _RO_MOUNT, "sh", str(locked), "touch", str(locked / "x")],
                          cwd=base, capture_output=True, text=True, timeout=60)
    return done.returncode != 0 and "Read-only" in done.stderr and not (locked / "x").exists()


def shared_folder() -> Path:
    """Return a new folder under the system temp folder that every account can enter (0755); the caller removes
    it (pytest's own tmp_path is 0700, closed to `nobody`)."""
    folder = Path(tempfile.mkdtemp(prefix="idphoto-ro-"))
    folder.chmod(0o755)
    return folder


def read_only_runner(base: Path, owned: Sequence[Path]) -> tuple[Path, Callable[[Sequence[str]], Run]]:
    """Return (a folder the command cannot write, a function running `idphoto ARGS` where it is read-only). `base` must be a shared_folder(); `owned` are paths (files or folders, recursively) the command must
    still be able to read and write (a store), handed to that account. Skips the test where this cannot be set up."""
    locked = base / "read-only"
    locked.mkdir()
    if os.name != "posix":
        pytest.skip("read-only folders are tested on POSIX only")
    if os.geteuid() != 0:
        locked.chmod(0o555)
        if os.access(locked, os.W_OK):
            pytest.skip("chmod 0555 does not make a folder read-only for this account")
        return locked, lambda args: idphoto(args, cwd=base)
    if _mount_works(base, locked):
        return locked, lambda args: idphoto(args, cwd=base, read_only=locked)
    locked.chmod(0o755)  # root's: read-only for nobody
    for path in owned:
        for item in [path, *(path.rglob("*") if path.is_dir() else ())]:
            os.chown(item, NOBODY, NOBODY)
    try:
        probe = idphoto(["--help"], cwd=base, as_nobody=True)
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot drop privileges to nobody here ({exc})")
    if probe.status != 0:
        pytest.skip(f"the nobody account cannot run idphoto from {ROOT} ({probe.err.strip()[-200:]})")
    return locked, lambda args: idphoto(args, cwd=base, as_nobody=True)
