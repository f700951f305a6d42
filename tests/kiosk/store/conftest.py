"""Store test helpers; the PostgreSQL fixtures (hall_server, pg_url, store_spec, either_store) are in tests/conftest.py."""
from __future__ import annotations


def filed_bytes(store, record) -> bytes:
    """Return the bytes of `record`'s filed picture from either store."""
    if hasattr(store, "picture_bytes"):
        return store.picture_bytes(record)
    return (store.folder / record.picture).read_bytes()
