"""Addresses of a records store on a PostgreSQL server: telling one from a folder, masking its password for
anything a person or a log reads, and opening a first connection whose failure is one coded StoreError.

psycopg is imported inside the functions that need it (lazily): a station on a SQLite folder never loads it."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from kiosk.store.errors import StoreError

SCHEMES = ("postgresql://", "postgres://")
MASK = "****"


def is_server_url(spec: str) -> bool:
    """Return True when the --store value `spec` names a PostgreSQL server (a postgresql:// URL), not a folder."""
    return str(spec).strip().lower().startswith(SCHEMES)


def password_of(url: str) -> str | None:
    """Return the password written in `url` (None when there is none)."""
    return urlsplit(url).password


def mask_url(url: str) -> str:
    """Return `url` with its password replaced by ****: the only form of a server address that is printed or
    logged. A URL too malformed to parse has everything between "//" and the last "@" replaced by ****, so no
    password can show."""
    try:
        parts = urlsplit(url)
    except ValueError:
        scheme, _, rest = url.partition("//")
        return f"{scheme}//{MASK}@{rest.rsplit('@', 1)[1]}" if "@" in rest else url
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{user}:{MASK}@{host}"))


def scrub(message: str, url: str) -> str:
    """Return `message` (a driver's error text) with the password of `url` masked, on one line."""
    secret = password_of(url)
    line = " ".join(str(message).split())
    return line.replace(secret, MASK) if secret else line


def classify(exc: BaseException, url: str) -> StoreError:
    """Return the StoreError for a failed connection to `url` (refused login, no database, unreachable)."""
    text = scrub(str(exc), url)
    lowered = text.lower()
    subject = mask_url(url)
    if "password authentication failed" in lowered or "no password supplied" in lowered \
            or "no pg_hba.conf entry" in lowered or ("role" in lowered and "does not exist" in lowered):
        return StoreError(subject, "server_login_refused")
    if "database" in lowered and "does not exist" in lowered:
        return StoreError(subject, "server_no_database")
    return StoreError(subject, "server_unreachable", detail=text[:200] or type(exc).__name__)


def connect_once(url: str, timeout_s: int = 10, **kwargs: Any):
    """Return one open psycopg connection to `url`, or raise the StoreError saying why not (never the password)."""
    import psycopg  # lazy: only stations on a server load the driver

    try:
        return psycopg.connect(url, connect_timeout=timeout_s, **kwargs)
    except psycopg.Error as exc:
        raise classify(exc, url) from None
    except (ValueError, OSError) as exc:  # a malformed URL, a name that does not resolve
        raise StoreError(mask_url(url), "server_unreachable", detail=scrub(str(exc), url)[:200]) from None
