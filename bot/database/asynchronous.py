"""The state database for what must await it (slack_sdk's OAuth stores): an asyncio engine on
the database of bot.database.bounded, bounded the same way.

SQLite through aiosqlite, PostgreSQL through psycopg 3's own async mode (the URL the bot
already uses). SQLAlchemy's asyncio layer needs greenlet; these are imported only when an
engine is made, in Slack's OAuth mode, so `dispute-bot ask` and the single-token mode never
load them. Connections and statements time out as in bot.database.bounded, and `run` gives up
a call still unanswered after both timeouts (a server that accepts and never answers).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa

from bot.config import Settings
from bot.database.bounded import (
    UNAVAILABLE_ERRORS,
    bounded_postgres_url,
    count_round_trips,
    database_url,
    first_line,
    take_write_lock_first,
)
from bot.errors import DatabaseUnavailable

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

T = TypeVar("T")
POOL_SIZE = 4  # the OAuth stores' calls are short; a rotation holds two at once


@dataclass(frozen=True, slots=True, kw_only=True)
class AsyncDatabase:
    """An asyncio engine and the bound on each call made through `run`."""

    engine: AsyncEngine
    bound: float  # seconds: the connect and statement timeouts added
    name: str

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def run(self, call: Awaitable[T], *, seconds: float | None = None) -> T:
        """Await a database call, given up after `bound` seconds (or `seconds`);
        DatabaseUnavailable when the database cannot be used or did not answer (never the URL
        in the message). A call given up is cancelled but not waited for: cancelling a query
        on a server that does not answer waits for that server too."""
        limit = self.bound if seconds is None else seconds
        task = asyncio.ensure_future(call)
        try:
            done, _ = await asyncio.wait({task}, timeout=limit)
        except asyncio.CancelledError:
            _abandon(task)
            raise
        if not done:
            _abandon(task)
            raise DatabaseUnavailable(f"{self.name} unavailable (no answer within {limit:g} s)")
        try:
            return task.result()
        except UNAVAILABLE_ERRORS as exc:
            raise DatabaseUnavailable(f"{self.name} unavailable ({first_line(exc)})") from exc

    async def close(self) -> None:
        await self.engine.dispose()


_ABANDONED: set[asyncio.Future[Any]] = set()  # calls given up, kept until they end


def _abandon(task: asyncio.Future[Any]) -> None:
    """Cancel a call and let it end on its own (its error, if any, is not reported)."""
    task.cancel()
    _ABANDONED.add(task)

    def ended(done: asyncio.Future[Any]) -> None:
        _ABANDONED.discard(done)
        if not done.cancelled():
            done.exception()  # retrieved: not "never retrieved" at exit

    task.add_done_callback(ended)


def open_async_database(settings: Settings, *, name: str) -> AsyncDatabase:
    """The state database (DATABASE_URL, else the SQLite file) as an asyncio engine. Opens
    no connection yet; call from the event loop that will use it."""
    from sqlalchemy.ext.asyncio import create_async_engine

    connect = settings.database_connect_timeout_seconds
    statement = settings.database_statement_timeout_seconds
    url = database_url(settings)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            from pathlib import Path

            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(
            url.set(drivername="sqlite+aiosqlite"),
            connect_args={"timeout": statement},  # how long a write waits for a lock
            poolclass=sa.pool.NullPool,  # as bot.database.bounded: a connection per call
        )
        take_write_lock_first(engine.sync_engine)
    else:
        engine = create_async_engine(
            bounded_postgres_url(url, connect_timeout=connect, statement_timeout=statement),
            pool_pre_ping=True,
            pool_size=POOL_SIZE,
            max_overflow=0,
            pool_timeout=connect,
        )
    count_round_trips(engine.sync_engine, name)
    return AsyncDatabase(engine=engine, bound=connect + statement, name=name)
