"""Tests for capture.files: atomic writes and the directory fsync."""
from __future__ import annotations

import errno
import os
import stat

import pytest

from capture.files import fsync_directory, write_atomic


# ---------------------------------------------------------------------------------------------
# write_atomic
# ---------------------------------------------------------------------------------------------


def test_write_atomic_content_and_mode(tmp_path):
    target = tmp_path / "photo.jpg"
    write_atomic(target, b"\xff\xd8hello")
    assert target.read_bytes() == b"\xff\xd8hello"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert os.listdir(tmp_path) == ["photo.jpg"]


def test_write_atomic_replaces_existing_file_and_sets_mode(tmp_path):
    target = tmp_path / "photo.jpg"
    target.write_bytes(b"old")
    target.chmod(0o644)
    write_atomic(str(target), b"new contents")
    assert target.read_bytes() == b"new contents"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_write_atomic_mode_is_exact_whatever_the_umask(tmp_path):
    old = os.umask(0o077)
    try:
        write_atomic(tmp_path / "shared.jpg", b"x", mode=0o644)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "shared.jpg").stat().st_mode) == 0o644


def test_write_atomic_failed_replace_keeps_old_target(tmp_path, monkeypatch):
    target = tmp_path / "photo.jpg"
    target.write_bytes(b"old photo")

    def broken_replace(src, dst):
        raise OSError("simulated failure")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="simulated failure"):
        write_atomic(target, b"new photo")
    assert target.read_bytes() == b"old photo"
    assert os.listdir(tmp_path) == ["photo.jpg"]


def test_write_atomic_failed_write_leaves_nothing(tmp_path, monkeypatch):
    def broken_fsync(fd):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(tmp_path / "photo.jpg", b"new photo")
    assert os.listdir(tmp_path) == []


def test_write_atomic_streams_and_a_refusing_check_keeps_the_old_file(tmp_path):
    target = tmp_path / "batch.zip"
    target.write_bytes(b"old batch")
    seen = []

    def refuse(tmp):
        seen.append((tmp.name, tmp.read_bytes(), stat.S_IMODE(tmp.stat().st_mode)))
        raise ValueError("does not check out")

    with pytest.raises(ValueError, match="check out"):
        write_atomic(target, lambda fh: fh.write(b"new batch"), check=refuse)
    # the check saw the complete temporary file, beside the target, already private
    assert seen[0][0].startswith(".batch.zip.") and seen[0][1:] == (b"new batch", 0o600)
    assert target.read_bytes() == b"old batch" and os.listdir(tmp_path) == ["batch.zip"]
    write_atomic(target, lambda fh: fh.write(b"new batch"), check=lambda tmp: None)
    assert target.read_bytes() == b"new batch"


def test_write_atomic_missing_folder_raises(tmp_path):
    with pytest.raises(FileNotFoundError):
        write_atomic(tmp_path / "missing" / "photo.jpg", b"x")
    assert os.listdir(tmp_path) == []


def test_fsync_directory_flushes_the_folder_and_ignores_file_systems_that_cannot(tmp_path, monkeypatch):
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd) or real_fsync(fd))
    fsync_directory(tmp_path)
    assert len(synced) == 1

    def unsupported(fd):
        raise OSError(errno.EINVAL, "not supported here")

    monkeypatch.setattr(os, "fsync", unsupported)
    fsync_directory(tmp_path)  # no error: the file system simply cannot

    def failing(fd):
        raise OSError(errno.EIO, "disk failed")

    monkeypatch.setattr(os, "fsync", failing)
    with pytest.raises(OSError, match="disk failed"):
        fsync_directory(tmp_path)
