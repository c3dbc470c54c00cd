"""The preferences' tables: one row per channel that follows a dossier of its own choosing,
one per team (Slack workspace, Discord server) whose settings differ from the config's."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.schema import CreateTable

from bot.database.schema import Part, UTCDateTime, version_table

metadata = sa.MetaData()

schema_version = version_table("preferences_schema", metadata)

channel_dossiers = sa.Table(
    "channel_dossiers",
    metadata,
    sa.Column("platform", sa.String(16), primary_key=True),
    sa.Column("channel", sa.String(128), primary_key=True),
    sa.Column("team", sa.String(64), nullable=False),
    sa.Column("dossier", sa.String(64), nullable=False),
    sa.Column("changed_by", sa.String(128), nullable=False),
    sa.Column("changed_at", UTCDateTime, nullable=False),
)

# A null setting is the config's.
team_settings = sa.Table(
    "team_settings",
    metadata,
    sa.Column("platform", sa.String(16), primary_key=True),
    sa.Column("team", sa.String(64), primary_key=True),
    sa.Column("locale", sa.String(8), nullable=True),
    sa.Column("visibility", sa.String(12), nullable=True),  # ephemeral | public
    sa.Column("managers", sa.Text, nullable=True),  # everyone, or user ids
    sa.Column("changed_by", sa.String(128), nullable=False),
    sa.Column("changed_at", UTCDateTime, nullable=False),
)

SETTINGS = ("locale", "visibility", "managers")


def _create(conn: Connection) -> None:
    for table in (channel_dossiers, team_settings):
        conn.execute(CreateTable(table))


PART = Part(
    name="preferences",
    version_table=schema_version,
    lock_key=0x50_72_65_66_73,  # "Prefs", for pg_advisory_xact_lock
    create=_create,
)
