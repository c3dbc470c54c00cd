"""The state database with every wait bounded, so a database that never answers cannot hang
the bot or starve its command answers.

Connections time out (`database_connect_timeout_seconds`), PostgreSQL cancels a statement
that runs longer than `database_statement_timeout_seconds` and SQLite waits that long for a
lock. A PostgreSQL that accepts connections and never answers cancels nothing, so each call
also runs on a few threads of the database's own and is given up after the two timeouts
added: its connections are then cut (their sockets shut down) to free the threads waiting on
them, and for the next such period calls fail at once instead of queueing behind a dead
server (one call a period tries again). Command answers run on the event loop's default
threads and never wait in this queue; a handler waiting on a call waits the bound at most.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import math
import os
import queue
import socket
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from bot.config import Settings
from bot.database_url import parse_database_url
from bot.errors import DatabaseUnavailable

log = logging.getLogger("dispute_bot.database")

P = ParamSpec("P")
T = TypeVar("T")

WORKERS = 4  # threads (and connections) per database unless told: its calls are short
_on_worker = threading.local()
# Round trips to each database since the process started, by database and kind (statement,
# transaction, checkout): /metrics shows them, the fan-out benchmark divides them by digests.
_ROUND_TRIPS: dict[tuple[str, str], int] = {}
_COUNTING = threading.Lock()
# Errors meaning the database cannot be used now (unreachable, not answering, read-only,
# full, locked), as opposed to a bug in a query.
UNAVAILABLE_ERRORS = (
    sa.exc.OperationalError,
    sa.exc.InterfaceError,
    sa.exc.DisconnectionError,
    sa.exc.TimeoutError,
)


def database_url(settings: Settings) -> sa.URL:
    """DATABASE_URL when set (PostgreSQL through psycopg 3), else the `digest_database` file."""
    if settings.database_url is None:
        path = Path(settings.digest_database).expanduser().resolve()
        return sa.URL.create("sqlite", database=str(path))
    parts = parse_database_url(settings.database_url.reveal())
    query: dict[str, str | tuple[str, ...]] = {}
    for key, value in parts.query:
        before = query.get(key)
        query[key] = value if before is None else (*_as_tuple(before), value)
    return sa.URL.create(
        "postgresql+psycopg",
        username=parts.username,
        password=parts.password,
        host=parts.host or None,
        port=parts.port,
        database=parts.database,
        query=query,
    )


def _as_tuple(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else value


def _count(database: str, kind: str) -> None:
    with _COUNTING:
        _ROUND_TRIPS[database, kind] = _ROUND_TRIPS.get((database, kind), 0) + 1


def count_round_trips(engine: Engine, database: str) -> None:
    """Count what `engine` sends its server: each statement, each transaction (psycopg sends
    BEGIN, then COMMIT or ROLLBACK: two round trips) and each pool checkout (the pre-ping)."""
    event.listen(engine, "before_cursor_execute", lambda *_: _count(database, "statement"))
    event.listen(engine, "commit", lambda *_: _count(database, "transaction"))
    event.listen(engine, "rollback", lambda *_: _count(database, "transaction"))
    event.listen(engine, "checkout", lambda *_: _count(database, "checkout"))


def round_trips() -> dict[tuple[str, str], int]:
    """The counts so far, by (database, kind)."""
    with _COUNTING:
        return dict(_ROUND_TRIPS)


def first_line(exc: BaseException) -> str:
    """A database error's first line, its driver's words (never the URL)."""
    orig = getattr(exc, "orig", None) or exc
    lines = str(orig).strip().splitlines()
    return lines[0] if lines else type(orig).__name__


class _Workers:
    """A few daemon threads running database calls: never the loop's default threads, and never
    waited for at exit, so a thread stuck on a dead connection cannot keep the process alive."""

    def __init__(self, count: int, name: str) -> None:
        self._queue: queue.SimpleQueue[
            tuple[concurrent.futures.Future[Any], Callable[[], Any]] | None
        ] = queue.SimpleQueue()
        self._count = count
        self.running: set[concurrent.futures.Future[Any]] = set()
        self._lock = threading.Lock()
        for number in range(count):
            threading.Thread(target=self._work, name=f"{name}-{number}", daemon=True).start()

    def submit(self, fn: Callable[[], T]) -> concurrent.futures.Future[T]:
        future: concurrent.futures.Future[T] = concurrent.futures.Future()
        self._queue.put((future, fn))
        return future

    def _work(self) -> None:
        _on_worker.active = True
        while (item := self._queue.get()) is not None:
            future, fn = item
            if not future.set_running_or_notify_cancel():
                continue
            with self._lock:
                self.running.add(future)
            try:
                result = fn()
            except BaseException as exc:
                with contextlib.suppress(concurrent.futures.InvalidStateError):
                    future.set_exception(exc)
            else:
                with contextlib.suppress(concurrent.futures.InvalidStateError):
                    future.set_result(result)
            finally:
                with self._lock:
                    self.running.discard(future)

    def fail_all(self, error: BaseException) -> None:
        """Fail every call waiting or running, so whoever waits on one returns now."""
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                item[0].cancel()
        with self._lock:
            running = list(self.running)
        for future in running:
            with contextlib.suppress(concurrent.futures.InvalidStateError):
                future.set_exception(error)

    def stop(self) -> None:
        """Let each thread end once its current call returns (at once when idle)."""
        for _ in range(self._count):
            self._queue.put(None)


class Database:
    """An engine whose calls are bounded in time; `call` from any thread, `run` from the loop."""

    def __init__(
        self,
        url: sa.URL,
        *,
        connect_timeout: float,
        statement_timeout: float,
        name: str = "database",
        workers: int = WORKERS,
    ) -> None:
        """`workers`: the calls run at once, each on a thread and a connection of its own;
        the others wait their turn (and that wait counts in their bound)."""
        self.url = url
        self.bound = connect_timeout + statement_timeout
        self.name = name
        self.engine = _engine(
            url,
            connect_timeout=connect_timeout,
            statement_timeout=statement_timeout,
            connections=workers,
        )
        count_round_trips(self.engine, name)
        self._workers = _Workers(workers, name)
        self._lock = threading.Lock()
        self._down_until: float | None = None  # calls fail at once until then
        self._reason = ""
        self._refusing_writes = False
        self._epoch = 0  # grows as outages begin and trials are let through
        self._closed = False
        # A duplicate of each PostgreSQL connection's socket, to cut it from another thread.
        self._sockets: weakref.WeakKeyDictionary[Any, socket.socket] = weakref.WeakKeyDictionary()
        event.listen(self.engine, "after_cursor_execute", self._saw_statement)
        if self.engine.dialect.name == "postgresql":
            event.listen(self.engine, "connect", self._track)
            for closing in ("close", "close_detached", "invalidate"):
                event.listen(self.engine, closing, self._untrack)

    @classmethod
    def from_settings(cls, settings: Settings, **options: Any) -> Database:
        return cls(
            database_url(settings),
            connect_timeout=settings.database_connect_timeout_seconds,
            statement_timeout=settings.database_statement_timeout_seconds,
            **options,
        )

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    # Calls

    def call(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """`fn(*args)` on the database's threads, waited for `bound` seconds at most.

        Raises DatabaseUnavailable when the database cannot be used or did not answer in time.
        """
        if getattr(_on_worker, "active", False):  # a call made by a call: already bounded
            return self._guarded(self._epoch, fn, *args, **kwargs)
        future = self._submit(fn, *args, **kwargs)
        try:
            return future.result(self.bound)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise self._gave_up() from None
        except concurrent.futures.CancelledError:
            raise DatabaseUnavailable(f"the {self.name} is closed") from None

    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """`call` for the event loop: awaited, holding none of the loop's default threads."""
        return await self.run_within(self.bound, fn, *args, **kwargs)

    async def run_within(
        self, seconds: float, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """`run`, given up after `seconds` rather than `bound`: a call that also waits for
        something else while it holds its transaction (a Slack token renewed under its
        row's lock)."""
        future = asyncio.wrap_future(self._submit(fn, *args, **kwargs))
        done, _ = await asyncio.wait({future}, timeout=seconds)
        if not done:
            future.cancel()
            raise self._gave_up(seconds)
        try:
            return future.result()
        except asyncio.CancelledError:
            raise DatabaseUnavailable(f"the {self.name} is closed") from None

    def _submit(
        self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs
    ) -> concurrent.futures.Future[T]:
        epoch = self._admit()
        return self._workers.submit(lambda: self._guarded(epoch, fn, *args, **kwargs))

    def _admit(self) -> int:
        """Let a call through, or fail it at once while the database is known not to answer.
        Returns the outage epoch the call belongs to."""
        with self._lock:
            if self._closed:
                raise DatabaseUnavailable(f"the {self.name} is closed")
            if self._down_until is None:
                return self._epoch
            now = time.monotonic()
            if now < self._down_until:
                raise DatabaseUnavailable(self._reason)
            self._down_until = now + self.bound  # this call tries; the others fail meanwhile
            self._epoch += 1
            return self._epoch

    def _guarded(self, epoch: int, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        _on_worker.wrote = False
        try:
            result = fn(*args, **kwargs)
        except UNAVAILABLE_ERRORS as exc:
            raise self._failed(exc, epoch) from exc
        self._answered(wrote=_on_worker.wrote)
        return result

    @staticmethod
    def _saw_statement(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        context = args[-2] if len(args) >= 2 else None
        if context is not None and (context.isinsert or context.isupdate or context.isdelete):
            _on_worker.wrote = True

    # Outages

    def _failed(self, exc: Exception, epoch: int) -> DatabaseUnavailable:
        reason = f"{self.name} unavailable ({first_line(exc)})"
        # Not answering (unreachable, connection lost or timed out) makes the next calls fail
        # at once; a database that answers with an error (read-only, full) is asked each time.
        lost = self.dialect != "sqlite" and (
            isinstance(exc, sa.exc.TimeoutError)
            or getattr(exc, "connection_invalidated", False)
            or _while_connecting(exc)
        )
        if epoch == self._epoch:  # a call given up earlier ending now says nothing new
            self._note_outage(reason, hold=lost)
        return DatabaseUnavailable(reason)

    def _gave_up(self, seconds: float | None = None) -> DatabaseUnavailable:
        waited = self.bound if seconds is None else seconds
        reason = f"{self.name} unavailable (no answer within {waited:g} s)"
        self._note_outage(reason, hold=True)
        self.cut()
        return DatabaseUnavailable(reason)

    def _note_outage(self, reason: str, *, hold: bool) -> None:
        with self._lock:
            first = not self._reason
            self._reason = reason
            # Refusing writes (read-only, full) while reads work is one outage, not many.
            self._refusing_writes = not hold
            if hold:
                self._down_until = time.monotonic() + self.bound
                self._epoch += 1
        if first:  # an outage's start and end are logged once each
            log.warning(
                "%s; commands that need it answer that it is unavailable, and the digest "
                "waits for it (logged again when it answers)",
                reason,
                extra={"event": "database_down"},
            )

    def _answered(self, *, wrote: bool) -> None:
        with self._lock:
            if self._refusing_writes and not wrote:
                return  # a read went through; the outage ends with the first write
            was_down = bool(self._reason)
            self._reason, self._down_until = "", None
            self._refusing_writes = False
        if was_down:
            log.info("%s answers again", self.name, extra={"event": "database_up"})

    # Cutting connections that do not answer

    def _track(self, dbapi_connection: Any, record: Any) -> None:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            duplicate = socket.socket(fileno=os.dup(dbapi_connection.fileno()))
            with self._lock:
                self._sockets[dbapi_connection] = duplicate

    def _untrack(self, dbapi_connection: Any, *args: Any) -> None:
        with self._lock:
            duplicate = self._sockets.pop(dbapi_connection, None)
        if duplicate is not None:
            duplicate.close()  # our duplicate only; the connection closes its own

    def cut(self) -> None:
        """Shut down every connection's socket: the threads blocked reading them wake up with
        an error, and the pool makes fresh connections (each bounded by the connect timeout)."""
        with self._lock:
            duplicates = list(self._sockets.values())
        for duplicate in duplicates:
            with contextlib.suppress(OSError):
                duplicate.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        """Stop: fail the calls in progress at once, cut the connections, close the pool."""
        with self._lock:
            self._closed = True
        self.cut()
        self._workers.fail_all(DatabaseUnavailable(f"the {self.name} is closed"))
        self._workers.stop()
        self.engine.dispose()
        with self._lock:
            duplicates = list(self._sockets.values())
            self._sockets.clear()
        for duplicate in duplicates:
            duplicate.close()


def _while_connecting(exc: Exception) -> bool:
    """Whether the error came from opening a connection (refused, timed out, bad password)."""
    return exc.__class__.__name__ == "OperationalError" and getattr(exc, "statement", None) is None


def bounded_postgres_url(
    url: sa.URL, *, connect_timeout: float, statement_timeout: float
) -> sa.URL:
    """A PostgreSQL URL whose connections time out opening and cancel a statement that runs
    too long (libpq options: any engine on it is bounded the same way)."""
    options = url.query.get("options")
    given = " ".join(_as_tuple(options)) if options else ""
    bounded = f"-c statement_timeout={max(1, round(statement_timeout * 1000))}"
    return url.update_query_dict(
        {
            "options": f"{given} {bounded}".strip(),
            # libpq's unit is whole seconds, and it takes 2 at least.
            "connect_timeout": str(max(2, math.ceil(connect_timeout))),
        }
    )


def take_write_lock_first(engine: Engine) -> None:
    """SQLite: take the write lock when a transaction begins (BEGIN IMMEDIATE), instead of
    upgrading a read lock later, so two processes never deadlock; sqlite3's own transaction
    handling, which skips BEGIN before reads and DDL, is turned off."""

    @event.listens_for(engine, "connect")
    def _no_driver_begin(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin_immediate(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _engine(
    url: sa.URL, *, connect_timeout: float, statement_timeout: float, connections: int
) -> Engine:
    backend = url.get_backend_name()
    if backend == "sqlite":
        if url.database and url.database != ":memory:":
            folder = Path(url.database).parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:  # a file in the way, no permission: the database is down
                raise DatabaseUnavailable(
                    f"cannot make the folder of the SQLite file {url.database}: {exc.strerror}"
                ) from exc
        # The busy timeout: how long a write waits for another process's lock. A connection
        # per call (opening a file is cheap): one opened while the file was read-only would
        # otherwise refuse writes for ever after.
        engine = sa.create_engine(
            url, connect_args={"timeout": statement_timeout}, poolclass=sa.pool.NullPool
        )
        take_write_lock_first(engine)
        return engine
    if backend == "postgresql":
        return sa.create_engine(
            bounded_postgres_url(
                url, connect_timeout=connect_timeout, statement_timeout=statement_timeout
            ),
            pool_pre_ping=True,
            pool_size=connections,
            max_overflow=0,
            pool_timeout=connect_timeout,
        )
    raise DatabaseUnavailable(f"the state database must be PostgreSQL or SQLite, not {backend}")
