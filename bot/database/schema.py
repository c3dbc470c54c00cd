"""What every part of the state database shares: UTC datetimes, and schema versions upgraded
by the bot itself, once, however many replicas start together.

Each part of the bot that keeps state (the digest, the channels' and teams' preferences)
owns its tables and its upgrade steps, and keeps its version in a one-row table of its own.
`upgrade_schema` creates a fresh part at its latest shape, or runs the missing steps of an
older one, in one transaction under a lock (an advisory lock on PostgreSQL, BEGIN IMMEDIATE
on SQLite), and refuses a database newer than the bot.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.schema import CreateTable

from bot.database.bounded import Database
from bot.errors import DatabaseUnavailable

P = ParamSpec("P")
T = TypeVar("T")


class SchemaTooNew(DatabaseUnavailable):
    """The database was upgraded by a newer bot: this one would break it."""


class UTCDateTime(sa.TypeDecorator[dt.datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out; stored naive, so SQLite agrees."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the state database")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


# One upgrade step: a function of the connection, in the upgrading transaction.
Step = Callable[[Connection], None]


@dataclass(frozen=True, slots=True, kw_only=True)
class Part:
    """One part of the state database: its tables at their latest shape and how to get there.

    Version 1 is the part's first shape; `steps[n]` takes a database from version n + 1 to
    n + 2, so the latest version is `1 + len(steps)`. Append a step to change the schema and
    change `create` to match; never edit a released step.
    """

    name: str  # said in errors: "digest"
    version_table: sa.Table  # one row, id 1
    lock_key: int  # for pg_advisory_xact_lock
    create: Step  # the latest shape, for a database that has none of it yet
    steps: Sequence[Step] = ()

    @property
    def latest(self) -> int:
        return 1 + len(self.steps)


def version_table(name: str, metadata: sa.MetaData) -> sa.Table:
    return sa.Table(
        name,
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("version", sa.Integer, nullable=False),
    )


def upgrade_schema(engine: Engine, part: Part) -> int:
    """Bring `part` to its latest version and return it; SchemaTooNew for a newer database."""
    table = part.version_table
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(part.lock_key)))
        conn.execute(CreateTable(table, if_not_exists=True))
        current = conn.execute(sa.select(table.c.version)).scalar() or 0
        if current > part.latest:
            raise SchemaTooNew(
                f"the {part.name} database is at schema version {current}, newer than this "
                f"bot knows ({part.latest}): upgrade the bot"
            )
        if current == 0:
            part.create(conn)
            conn.execute(sa.insert(table).values(id=1, version=part.latest))
        elif current < part.latest:
            for step in part.steps[current - 1 :]:
                step(conn)
            conn.execute(sa.update(table).values(version=part.latest))
        return part.latest


def prepare_part(database: Database, part: Part) -> None:
    """Create or upgrade `part` in `database`; DatabaseUnavailable, naming the database's
    kind and never its URL, when that cannot be done."""
    try:
        database.call(upgrade_schema, database.engine, part)
    except DatabaseUnavailable as exc:
        raise DatabaseUnavailable(
            f"cannot open the {part.name} database ({database.dialect}): {exc}"
        ) from exc


class StateStore:
    """A part's store, on the shared state database (its owner, the root, closes it)."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.engine = database.engine


class HasDatabase(Protocol):
    @property
    def database(self) -> Database: ...


S = TypeVar("S", bound=HasDatabase)


def bounded(method: Callable[Concatenate[S, P], T]) -> Callable[Concatenate[S, P], T]:
    """A store's method run as one bounded call of its database (DatabaseUnavailable on
    failure): one short transaction, never a wait without end."""

    def call(self: S, *args: P.args, **kwargs: P.kwargs) -> T:
        return self.database.call(method, self, *args, **kwargs)

    return functools.update_wrapper(call, method)  # type: ignore[return-value]


def upsert(conn: Connection, table: sa.Table) -> Any:
    """An INSERT that can say ON CONFLICT, in the dialect of `conn`."""
    return (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(table)
