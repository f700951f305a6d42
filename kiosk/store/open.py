"""Opening the records store a --store value names: a postgresql:// URL is a hall's server
(kiosk.store.postgres.PostgresRecordStore), anything else a station's folder (kiosk.store.sqlite.SqliteRecordStore).
The one place that choice is made, for the station and the commands."""
from __future__ import annotations

from pathlib import Path

from kiosk.store.postgres_url import is_server_url, mask_url

__all__ = ["open_store", "shown", "is_server_url"]


def open_store(spec: str | Path, station: str | None = None, readonly: bool = False, local: Path | None = None):
    """Return the open store `spec` names (a RecordStore), filing as `station` (default: the host name);
    `readonly` opens it for reading only (nothing created or migrated). For a server URL, `local` (a station's
    local folder) gives a kiosk.store.outbox.HallStore that keeps filing into LOCAL/outbox while the server cannot
    be reached; without it the plain server store (the commands). Raises StoreError when it cannot be used (for
    a server: unreachable (not for a HallStore: it starts offline), refused login, another program's database,
    a newer schema)."""
    if is_server_url(str(spec)) and local is not None and not readonly:
        from kiosk.store.outbox import HallStore

        return HallStore(str(spec).strip(), Path(local), station=station)
    if is_server_url(str(spec)):
        from kiosk.store.postgres import PostgresRecordStore  # lazy: only halls load the driver

        return PostgresRecordStore(str(spec).strip(), station=station, readonly=readonly)
    from kiosk.store.sqlite import SqliteRecordStore

    return SqliteRecordStore(spec, station=station, readonly=readonly)


def shown(spec: str | Path) -> str:
    """Return `spec` as it may be printed or logged: a server's URL with its password masked, a folder as is."""
    return mask_url(str(spec)) if is_server_url(str(spec)) else str(spec)
