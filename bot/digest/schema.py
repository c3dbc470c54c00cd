"""The digest's tables, and the upgrade steps the bot runs itself on start.

A subscription, a delivery, a post and the quote rotation belong to a channel *and* a
dossier: a channel that follows two dossiers in turn may get both digests. The subscription
also keeps its team (the Slack workspace and its Enterprise Grid org, or the Discord
server), so the digest finds what it needs about a channel in its own row.
`schema(default_dossier)` is the digest's part of the state database (bot.database.schema):
version 2 added the team, version 3 the dossier (the rows of older versions belong to the
deployment's default dossier), version 4 the deliveries' index by day, version 5 the day each
record of a dossier was first seen, so that every replica says the same of what is new,
version 6 when a delivery's first request went out (where to look for it in the channel).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.schema import CreateIndex, CreateTable

from bot.database.schema import Part, Step, UTCDateTime, version_table

metadata = sa.MetaData()

schema_version = version_table("digest_schema", metadata)

subscriptions = sa.Table(
    "digest_subscriptions",
    metadata,
    sa.Column("platform", sa.String(16), primary_key=True),
    sa.Column("channel", sa.String(128), primary_key=True),
    sa.Column("dossier", sa.String(64), primary_key=True),
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
    # The Slack workspace the channel is in (and its Enterprise Grid org), or the Discord
    # server: an app installed in many workspaces posts with that workspace's token, and
    # stops when it is uninstalled.
    sa.Column("team_id", sa.String(32), nullable=True),
    sa.Column("enterprise_id", sa.String(32), nullable=True),
)
subscriptions_by_team = sa.Index(
    "digest_subscriptions_by_team", subscriptions.c.platform, subscriptions.c.team_id
)

# One row per (platform, channel, dossier, local date): the claim that makes a digest post once.
deliveries = sa.Table(
    "digest_deliveries",
    metadata,
    sa.Column("platform", sa.String(16), primary_key=True),
    sa.Column("channel", sa.String(128), primary_key=True),
    sa.Column("dossier", sa.String(64), primary_key=True),
    sa.Column("local_date", sa.Date, primary_key=True),
    # claimed | sending (a request may be out) | delivered | skipped | missed | failed |
    # unknown (sent, no answer; or its replica fell silent while sending)
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("replica", sa.String(64), nullable=False),
    sa.Column("scheduled_at", UTCDateTime, nullable=False),
    sa.Column("claimed_at", UTCDateTime, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("message_id", sa.String(128), nullable=True),
    sa.Column("finished_at", UTCDateTime, nullable=True),
    sa.Column("error", sa.Text, nullable=True),
    # When its first request was about to go out (marked `sending`): a replica settling a dead
    # one's post reads the channel's history from a little before then.
    sa.Column("sent_at", UTCDateTime, nullable=True),
)
# The sweep reads the last days' deliveries, every few seconds in a fleet: by day, not through
# a table that grows by a row per digest and is never emptied.
deliveries_by_day = sa.Index("digest_deliveries_by_day", deliveries.c.local_date)

# Every digest that reached a channel, scheduled or asked for with /digest now.
posts = sa.Table(
    "digest_posts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("platform", sa.String(16), nullable=False),
    sa.Column("channel", sa.String(128), nullable=False),
    sa.Column("dossier", sa.String(64), nullable=False),
    sa.Column("local_date", sa.Date, nullable=False),
    sa.Column("kind", sa.String(8), nullable=False),  # daily | now
    sa.Column("message_id", sa.String(128), nullable=False),
    sa.Column("quote_id", sa.String(128), nullable=True),
    sa.Column("posted_at", UTCDateTime, nullable=False),
)
posts_by_channel = sa.Index(
    "digest_posts_by_channel", posts.c.platform, posts.c.channel, posts.c.dossier
)

# The quotes each channel has seen of a dossier in its current round of the rotation.
quotes_shown = sa.Table(
    "digest_quotes_shown",
    metadata,
    sa.Column("platform", sa.String(16), primary_key=True),
    sa.Column("channel", sa.String(128), primary_key=True),
    sa.Column("dossier", sa.String(64), primary_key=True),
    sa.Column("round", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("quote_id", sa.String(128), primary_key=True),
    sa.Column("shown_at", UTCDateTime, nullable=False),
)

# The day each record ("quote:<id>", "event:<id>", "article:<id>") was first seen in its
# dossier, by whichever replica saw it first: what a digest calls new, whatever day each
# replica started or reloaded.
first_seen = sa.Table(
    "digest_first_seen",
    metadata,
    sa.Column("dossier", sa.String(64), primary_key=True),
    sa.Column("record", sa.String(255), primary_key=True),
    sa.Column("first_seen", sa.Date, nullable=False),
)

TABLES = (subscriptions, deliveries, posts, quotes_shown)  # those version 3 gave a dossier
INDEXES = (subscriptions_by_team, posts_by_channel, deliveries_by_day)
_LOCK_KEY = 0x44_69_67_65_73_74  # "Digest", for pg_advisory_xact_lock


def _create(conn: Connection) -> None:
    for table in (*TABLES, first_seen):
        conn.execute(CreateTable(table))
    for index in INDEXES:
        conn.execute(CreateIndex(index))


def _add_columns(conn: Connection, table: sa.Table, names: Sequence[str]) -> None:
    """ALTER TABLE ... ADD COLUMN for those of `names` the table lacks."""
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


def _added_dossier_v3(default_dossier: str) -> Step:
    """Version 3: each table gains the dossier (its rows: the default one). SQLite cannot
    change a primary key, so its tables are rebuilt; PostgreSQL's are altered in place
    (their ids and sequences stay)."""

    def upgrade(conn: Connection) -> None:
        conn.exec_driver_sql("DROP INDEX IF EXISTS digest_posts_by_channel")
        if conn.dialect.name == "sqlite":
            _rebuild_sqlite(conn, default_dossier)
        else:
            _alter_postgresql(conn, default_dossier)
        for index in (subscriptions_by_team, posts_by_channel):
            conn.execute(CreateIndex(index, if_not_exists=True))

    return upgrade


def _rebuild_sqlite(conn: Connection, default_dossier: str) -> None:
    for table in TABLES:
        old = f"{table.name}_v1"
        conn.exec_driver_sql(f"ALTER TABLE {table.name} RENAME TO {old}")
        conn.execute(CreateTable(table))
        kept = [c.name for c in table.columns if c.name != "dossier"]
        names = ", ".join(f'"{name}"' for name in kept)
        conn.execute(
            sa.text(
                f"INSERT INTO {table.name} ({names}, dossier) SELECT {names}, :dossier FROM {old}"
            ),
            {"dossier": default_dossier},
        )
        conn.exec_driver_sql(f"DROP TABLE {old}")


def _alter_postgresql(conn: Connection, default_dossier: str) -> None:
    for table in TABLES:
        conn.exec_driver_sql(f"ALTER TABLE {table.name} ADD COLUMN dossier VARCHAR(64)")
        conn.execute(
            sa.text(f"UPDATE {table.name} SET dossier = :dossier"), {"dossier": default_dossier}
        )
        conn.exec_driver_sql(f"ALTER TABLE {table.name} ALTER COLUMN dossier SET NOT NULL")
        if table is not posts:
            keys = ", ".join(c.name for c in table.primary_key.columns)
            conn.exec_driver_sql(f"ALTER TABLE {table.name} DROP CONSTRAINT {table.name}_pkey")
            conn.exec_driver_sql(f"ALTER TABLE {table.name} ADD PRIMARY KEY ({keys})")


def _deliveries_by_day_v4(conn: Connection) -> None:
    """Version 4: the deliveries indexed by day, for the sweep."""
    conn.execute(CreateIndex(deliveries_by_day, if_not_exists=True))


def _first_seen_v5(conn: Connection) -> None:
    """Version 5: the day each record was first seen, shared by the replicas."""
    conn.execute(CreateTable(first_seen, if_not_exists=True))


def _sent_at_v6(conn: Connection) -> None:
    """Version 6: when a delivery's first request went out."""
    _add_columns(conn, deliveries, ("sent_at",))


def schema(default_dossier: str) -> Part:
    """The digest's part of the state database; rows older than the dossiers (version 1)
    are given `default_dossier`."""
    return Part(
        name="digest",
        version_table=schema_version,
        lock_key=_LOCK_KEY,
        create=_create,
        steps=(
            _add_slack_workspace_v2,
            _added_dossier_v3(default_dossier),
            _deliveries_by_day_v4,
            _first_seen_v5,
            _sent_at_v6,
        ),
    )
