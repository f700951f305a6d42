"""Where a station files and keeps its own things: the store it opens (a folder, or a hall server's postgresql://
URL, from `store`, or `store_url` when that is set) with the password of `store_password_file` put into the URL in
memory only, and its local folder (`local`: its log, its outbox, its exports and print sheets).

A password is never printed or logged: a URL is shown with kiosk.store.postgres_url.mask_url only. A URL without a
password works too: the PostgreSQL driver then reads PGPASSWORD or the PGPASSFILE file itself."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping
from urllib.parse import quote, urlsplit, urlunsplit

from capture.errors import CodedError
from kiosk.store.postgres_url import is_server_url, mask_url

#: the local folder of a station whose store is a hall server's URL, when `local` is not set (relative to where the
#: kiosk is started, as the store folder's default is)
DEFAULT_LOCAL = "kiosk-store"


class AddressError(CodedError):
    """A store address or password file that cannot be used: `code` one of kiosk.commands.common.CLI_CODES
    (store_url_*, password_file_*; the sentences in kiosk/texts/cli.py), `subject` what it is about (the URL masked,
    or the file)."""

    domain = "cli"


def store_given(values: Mapping[str, Any], origins: Mapping[str, str] | None = None) -> str:
    """Return the store the settings `values` name: `store_url` when it is set and comes from a layer at least as
    strong as `store`'s (ORIGINS order: default < file < console < flag), else `store` (a folder or a URL)."""
    from kiosk.station.settings import ORIGINS

    url = values.get("store_url")
    if not url:
        return str(values["store"])
    origins = origins or {}
    strength = {name: ORIGINS.index(origins.get(name, "file")) for name in ("store", "store_url")}
    return str(url) if strength["store_url"] >= strength["store"] else str(values["store"])


def with_password(url: str, password_file: str | Path | None) -> str:
    """Return `url` with the password read from `password_file` (its first line, spaces around it dropped) put into
    it, or `url` as is when there is no file or `url` is a folder. AddressError when the file cannot be read or is
    empty, or the URL cannot take a password (no user name in it)."""
    if not password_file or not is_server_url(url):
        return url
    subject = f"store_password_file {password_file}"
    try:
        lines = Path(password_file).read_text(encoding="utf-8").strip().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise AddressError("password_file_unreadable", subject,
                           error=getattr(exc, "strerror", None) or type(exc).__name__) from None
    if not lines or not lines[0].strip():
        raise AddressError("password_file_empty", subject)
    parts = urlsplit(url)
    if not parts.username:
        raise AddressError("store_url_no_user", mask_url(url))
    host = parts.netloc.rsplit("@", 1)[1]
    netloc = f"{quote(parts.username, safe='')}:{quote(lines[0].strip(), safe='')}@{host}"
    return urlunsplit(parts._replace(netloc=netloc))


def check_url(url: str) -> str:
    """Return `url` when it is a well-formed postgresql:// URL (a host, a port that is a number, a database);
    AddressError saying what is missing otherwise. Folders pass as they are."""
    if not is_server_url(url):
        return url
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 (reading it checks it)
    except ValueError:
        raise AddressError("store_url_malformed", mask_url(url)) from None
    if not parts.hostname:
        raise AddressError("store_url_no_host", mask_url(url))
    if not parts.path.strip("/"):
        raise AddressError("store_url_no_database", mask_url(url))
    return url


def local_of(store: str, local: str | Path | None) -> Path:
    """Return the station's local folder: `local` when set, else the store folder (so a folder station keeps its log
    where it always did), else DEFAULT_LOCAL for a hall server's URL."""
    if local:
        return Path(local)
    return Path(DEFAULT_LOCAL) if is_server_url(store) else Path(store)
