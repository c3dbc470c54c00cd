"""DATABASE_URL read into its parts with the standard library, so that `config check` refuses a
malformed one by name without loading SQLAlchemy, and the engine is built from the same parts.

Only PostgreSQL is accepted (`postgres://`, `postgresql://`, `postgresql+psycopg://`): SQLite
is the `digest_database` file. A problem never quotes the URL, which holds a password.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit

SCHEMES = ("postgres", "postgresql", "postgresql+psycopg")


@dataclass(frozen=True, slots=True, kw_only=True)
class DatabaseUrl:
    host: str
    port: int | None
    database: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    query: tuple[tuple[str, str], ...] = ()  # driver options, in the order written


def parse_database_url(text: str) -> DatabaseUrl:
    """The parts of a PostgreSQL URL; ValueError saying what is wrong (never the URL itself)."""
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError as exc:
        message = str(exc)
        if "port" in message.lower():
            raise ValueError("the port is not a number between 0 and 65535") from None
        raise ValueError("it is not a URL") from None
    if parts.scheme not in SCHEMES:
        raise ValueError(
            "it must start with postgresql:// (or postgres://, postgresql+psycopg://), "
            f"not {parts.scheme or 'no scheme'}://"
        )
    host = parts.hostname or ""
    database = unquote(parts.path.lstrip("/"))
    if not host and not any(key == "host" for key, _ in parse_qsl(parts.query)):
        raise ValueError("it names no host (postgresql://user:password@host:5432/database)")
    if not database:
        raise ValueError("it names no database (postgresql://user:password@host:5432/database)")
    return DatabaseUrl(
        host=host,
        port=port,
        database=database,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        query=tuple(parse_qsl(parts.query, keep_blank_values=True)),
    )
