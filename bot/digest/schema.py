"""The digest's tables, and the upgrade steps the bot runs itself on start.

Every step is a function of a connection; `upgrade_schema` runs the missing ones in one
transaction under a lock (an advisory lock on PostgreSQL, BEGIN IMMEDIATE on SQLite), so
replicas starting together upgrade once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.schema import CreateIndex, CreateTable

from bot.digest.errors import DigestStoreError


class UTCDateTime(sa.TypeDecorator[dt.datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out; stored naive, so SQLite agrees."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the digest store")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


metadata = sa.MetaData()

schema_version = sa.Table(
    "digest_schema",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("version", sa.Integer, nullable=False),
)

subscriptions = sa.Table(
    "digest_subscriptions",
    metadata,
    sa.Column("platform", sa.String(16), primary_key=True),
    sa.Column("channel", sa.String(128), primary_key=True),
    sa.Column("time", sa.String(5), nullable=False),  # HH:MM
    sa.Column("zone", sa.String(64), nullable=False),  # IANA name
    sa.Column("weekdays", sa.String(32), nullable=False),  # mon,tue,...
    sa.Column("locale", sa.String(8), nullable=False),
    sa.Column("source", sa.String(8), nullable=False),  # command | config
    sa.Column("changed_by", sa.String(128), nullable=False),
    # Occurrences before this instant are not due (subscribing at 08:05 does not post 08:00's).
    sa.Column("effective_from", UTCDateTime, nullable=False),
    sa.Column("paused_reason", sa.Text, nullable=True),
    sa.Column("paused_at", UTCDateTime, nullable=True),
    # The Slack workspace the channel is in (and its Enterprise Grid org): an app installed
    # in many workspaces posts with that workspace's token, and stops when it is uninstalled.
    sa.Column("team_id", sa.String(32), nullable=True),
    sa.Column("enterprise_id", sa.String(32), nullable=True),
)
subscriptions_by_team = sa.Index(
    "digest_subscriptions_by_team", subscriptions.c.platform, subscriptions.c.team_id
)

# One row per (platform, channel, local date): the claim that makes a digest post once.
deliveries = sa.Table(
    "digest_deliveries",
    metadata,
    sa.Column("platform", sa.String(16), primary_key=True),
    sa.Column("channel", sa.String(128), primary_key=True),
    sa.Column("local_date", sa.Date, primary_key=True),
    # claimed | delivered | skipped | missed | failed | unknown (sent, no answer)
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("replica", sa.String(64), nullable=False),
    sa.Column("scheduled_at", UTCDateTime, nullable=False),
    sa.Column("claimed_at", UTCDateTime, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("message_id", sa.String(128), nullable=True),
    sa.Column("finished_at", UTCDateTime, nullable=True),
    sa.Column("error", sa.Text, nullable=True),
)

# Every digest that reached a channel, scheduled or asked for with /digest now.
posts = sa.Table(
    "digest_posts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("platform", sa.String(16), nullable=False),
    sa.Column("channel", sa.String(128), nullable=False),
    sa.Column("local_date", sa.Date, nullable=False),
    sa.Column("kind", sa.String(8), nullable=False),  # daily | now
    sa.Column("message_id", sa.String(128), nullable=False),
    sa.Column("quote_id", sa.String(128), nullable=True),
    sa.Column("posted_at", UTCDateTime, nullable=False),
)
posts_by_channel = sa.Index("digest_posts_by_channel", posts.c.platform, posts.c.channel)

# The quotes each channel has seen in its current round of the rotation.
quotes_shown = sa.Table(
    "digest_quotes_shown",
    metadata,
    sa.Column("platform", sa.String(16), primary_key=True),
    sa.Column("channel", sa.String(128), primary_key=True),
    sa.Column("round", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("quote_id", sa.String(128), primary_key=True),
    sa.Column("shown_at", UTCDateTime, nullable=False),
)


def _create_v1(conn: Connection) -> None:
    for table in (subscriptions, deliveries, posts, quotes_shown):
        conn.execute(CreateTable(table, if_not_exists=True))
    conn.execute(CreateIndex(posts_by_channel, if_not_exists=True))


def _add_columns(conn: Connection, table: sa.Table, names: Sequence[str]) -> None:
    """ALTER TABLE ... ADD COLUMN for those of `names` the table lacks: a database created
    by an earlier step has none of them, one created by `_create_v1` since has them all."""
    present = {column["name"] for column in sa.inspect(conn).get_columns(table.name)}
    preparer = conn.dialect.identifier_preparer
    for name in names:
        if name in present:
            continue
        column = table.c[name]
        kind = column.type.compile(dialect=conn.dialect)
        conn.execute(
            sa.text(
                f"ALTER TABLE {preparer.format_table(table)} "
                f"ADD COLUMN {preparer.format_column(column)} {kind}"
            )
        )


def _add_slack_workspace_v2(conn: Connection) -> None:
    """Each subscription knows its Slack workspace (issue 14, OAuth: many workspaces)."""
    _add_columns(conn, subscriptions, ("team_id", "enterprise_id"))
    conn.execute(CreateIndex(subscriptions_by_team, if_not_exists=True))


Migration = Callable[[Connection], None]
# Append a step to change the schema; never edit a released one.
MIGRATIONS: tuple[Migration, ...] = (_create_v1, _add_slack_workspace_v2)
_LOCK_KEY = 0x44_69_67_65_73_74  # "Digest", for pg_advisory_xact_lock


def upgrade_schema(engine: Engine, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Bring the database to the latest version and return it; refuse a newer database."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_LOCK_KEY)))
        conn.execute(CreateTable(schema_version, if_not_exists=True))
        current = conn.execute(sa.select(schema_version.c.version)).scalar() or 0
        if current > len(migrations):
            raise DigestStoreError(
                f"the digest database is at schema version {current}, newer than this bot "
                f"knows ({len(migrations)}): upgrade the bot"
            )
        for step in migrations[current:]:
            step(conn)
        if current == 0:
            conn.execute(sa.insert(schema_version).values(id=1, version=len(migrations)))
        elif current < len(migrations):
            conn.execute(sa.update(schema_version).values(version=len(migrations)))
        return len(migrations)
