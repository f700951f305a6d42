"""Putting bytes on disk safely: an atomic write (never a half-written file) and a directory fsync."""
from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable

__all__ = ["write_atomic", "fsync_directory"]

# Errors from fsync on a directory that only mean "this file system cannot do that".
_DIR_FSYNC_UNSUPPORTED = {errno.EINVAL, errno.EBADF, errno.EACCES, errno.EPERM, errno.EISDIR}
_DIR_FSYNC_UNSUPPORTED |= {getattr(errno, name) for name in ("ENOTSUP", "EOPNOTSUPP") if hasattr(errno, name)}


def fsync_directory(folder: Path) -> None:
    """Flush the directory entry of a just-renamed file to disk (POSIX only; a no-op elsewhere)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as exc:
        if exc.errno in _DIR_FSYNC_UNSUPPORTED:
            return
        raise
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in _DIR_FSYNC_UNSUPPORTED:
            raise
    finally:
        os.close(fd)


def write_atomic(path: str | Path, data: bytes | Callable[[BinaryIO], None], *, mode: int = 0o600,
                 check: Callable[[Path], None] | None = None) -> None:
    """Write `data` to `path` so that the target is either the old file or the complete new one.

    `data` is the bytes, or a function that writes them to the open file it is given (for large files built on
    the fly, such as an export zip). They go to a temporary file in the same folder, created with permission bits
    `mode` (exactly, regardless of umask), are flushed and fsynced; `check`, if given, is then called with the
    temporary file's path and may raise to refuse it; and the temporary file is renamed onto the target with
    os.replace. On POSIX the folder is then fsynced so the rename survives a power cut. On any failure the
    temporary file is removed and the exception re-raised. Returns None.
    """
    target = Path(path)
    folder = target.parent
    fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:  # closes fd whatever happens inside
            if hasattr(os, "fchmod"):
                os.fchmod(fh.fileno(), mode)
            else:  # pragma: no cover - Windows
                os.chmod(tmp, mode)
            if callable(data):
                data(fh)
            else:
                fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if check is not None:
            check(tmp)
        os.replace(tmp, target)
    except BaseException:
        try:
            tmp.unlink()
        except FileNotFoundError:
            pass
        raise
    fsync_directory(folder)


def private_folder(folder: str | Path) -> Path:
    """Create `folder` and its missing parents owner-only (0700: they hold pictures, numbers or logs); folders that
    exist are left as they are. Return `folder` as a Path; OSError when it cannot be made."""
    folder = Path(folder)
    missing = []
    probe = folder
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for level in reversed(missing):
        level.mkdir(mode=0o700, exist_ok=True)
        os.chmod(level, 0o700)  # mkdir's mode is masked by the umask
    return folder
