"""The SQLite store's transactions: one IMMEDIATE transaction at a time under the store's lock (a mixin of
SqliteRecordStore, which provides `_db` and `_lock`)."""
from __future__ import annotations

import sqlite3
import threading

__all__ = ["SqliteTx"]


class SqliteTx:
    """`_tx()`: the write transaction of SqliteRecordStore."""

    _db: sqlite3.Connection
    _lock: threading.RLock

    def _tx(self):
        """Return a context manager running one IMMEDIATE transaction (commit on success, rollback on error)."""
        store = self

        class _Tx:
            def __enter__(self_inner):
                store._lock.acquire()
                try:
                    store._db.execute("BEGIN IMMEDIATE")
                except BaseException:
                    store._lock.release()
                    raise
                return store._db

            def __exit__(self_inner, exc_type, exc, tb):
                try:
                    if exc_type is None:
                        store._db.execute("COMMIT")
                    else:
                        store._db.execute("ROLLBACK")
                finally:
                    store._lock.release()
                return False

        return _Tx()
