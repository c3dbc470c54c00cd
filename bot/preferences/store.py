"""The preferences in the state database: each method one short bounded transaction
(DatabaseUnavailable when the database cannot be used or does not answer in time)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from bot.core import Place
from bot.database.bounded import Database
from bot.database.schema import StateStore, bounded, prepare_part, upsert
from bot.preferences.schema import PART, SETTINGS, channel_dossiers, team_settings


@dataclass(frozen=True, slots=True, kw_only=True)
class TeamSettings:
    """A team's own settings; None where it follows the config."""

    locale: str | None = None
    visibility: str | None = None
    managers: str | None = None


class PreferencesStore(StateStore):
    @classmethod
    def later(cls, database: Database) -> PreferencesStore:
        """A store on the shared state `database` (its owner closes it) whose tables are made
        on its first call (`ready`), so a database down at start costs each request no more
        than the database's own fail-fast."""
        return cls(database)

    def ready(self) -> None:
        """Create or upgrade the tables (DatabaseUnavailable when that cannot be done)."""
        prepare_part(self.database, PART)

    @bounded
    def place(self, platform: str, team: str, channel: str) -> Place:
        """The channel's dossier and the team's settings, in one statement."""
        follows = channel_dossiers.c
        own = team_settings.c

        def of_team(column: sa.Column[str | None]) -> sa.ScalarSelect[str | None]:
            return (
                sa.select(column)
                .where(own.platform == platform, own.team == team)
                .scalar_subquery()
            )

        statement = sa.select(
            sa.select(follows.dossier)
            .where(follows.platform == platform, follows.channel == channel)
            .scalar_subquery(),
            of_team(own.locale),
            of_team(own.visibility),
            of_team(own.managers),
        )
        with self.engine.begin() as conn:
            dossier, locale, visibility, managers = conn.execute(statement).one()
        return Place(
            dossier=dossier or "",
            locale=locale or "",
            visibility=visibility or "",
            managers=managers or "",
        )

    @bounded
    def follow(
        self, *, platform: str, team: str, channel: str, dossier: str, by: str, now: dt.datetime
    ) -> None:
        values = {
            "platform": platform,
            "channel": channel,
            "team": team,
            "dossier": dossier,
            "changed_by": by[:128],
            "changed_at": now,
        }
        with self.engine.begin() as conn:
            statement = upsert(conn, channel_dossiers).values(**values)
            conn.execute(
                statement.on_conflict_do_update(
                    index_elements=[channel_dossiers.c.platform, channel_dossiers.c.channel],
                    set_={k: v for k, v in values.items() if k not in ("platform", "channel")},
                )
            )

    @bounded
    def chosen_in(self, platform: str, team: str) -> list[str]:
        """The dossiers the team's channels chose, by name (the Home tab lists them)."""
        follows = channel_dossiers.c
        with self.engine.begin() as conn:
            names = conn.execute(
                sa.select(follows.dossier)
                .where(follows.platform == platform, follows.team == team)
                .distinct()
                .order_by(follows.dossier)
            ).scalars()
            return list(names)

    @bounded
    def team(self, platform: str, team: str) -> TeamSettings:
        with self.engine.begin() as conn:
            row = conn.execute(
                sa.select(*(team_settings.c[name] for name in SETTINGS)).where(
                    team_settings.c.platform == platform, team_settings.c.team == team
                )
            ).one_or_none()
        if row is None:
            return TeamSettings()
        return TeamSettings(locale=row.locale, visibility=row.visibility, managers=row.managers)

    @bounded
    def change_team(
        self,
        *,
        platform: str,
        team: str,
        setting: str,
        value: str | None,
        by: str,
        now: dt.datetime,
    ) -> TeamSettings:
        """Set one of the team's settings (None: back to the config's); returns them all."""
        if setting not in SETTINGS:
            raise ValueError(f"no team setting {setting!r}")
        changed = {setting: value, "changed_by": by[:128], "changed_at": now}
        with self.engine.begin() as conn:
            statement = upsert(conn, team_settings).values(platform=platform, team=team, **changed)
            conn.execute(
                statement.on_conflict_do_update(
                    index_elements=[team_settings.c.platform, team_settings.c.team],
                    set_=changed,
                )
            )
            row = conn.execute(
                sa.select(*(team_settings.c[name] for name in SETTINGS)).where(
                    team_settings.c.platform == platform, team_settings.c.team == team
                )
            ).one()
        return TeamSettings(locale=row.locale, visibility=row.visibility, managers=row.managers)
