"""The digest's state: subscriptions, delivery claims, posts and the quote rotation.

SQLite (a file) by default, PostgreSQL when DATABASE_URL is set. Each method is one short
transaction, run as a bounded call of `bot.database` (DatabaseUnavailable when the database
cannot be used or does not answer in time); the service awaits them with `run`. The claim
that makes a digest post once is a row keyed by (platform, channel, local date), inserted
before posting.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Concatenate, ParamSpec, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from bot.config import Settings
from bot.database.bounded import Database, database_url
from bot.delivery import Team
from bot.digest.errors import DigestStoreError
from bot.digest.records import Claim, Delivery, Key, Post, Subscription
from bot.digest.schema import (
    deliveries,
    posts,
    quotes_shown,
    subscriptions,
    upgrade_schema,
)
from bot.digest.when import Schedule, weekdays_code, weekdays_from_code
from bot.errors import DatabaseUnavailable
from bot.schedule_words import parse_time

log = logging.getLogger("dispute_bot.digest")

P = ParamSpec("P")
T = TypeVar("T")

__all__ = ["DigestStore", "database_url"]


def _bounded(
    method: Callable[Concatenate[DigestStore, P], T],
) -> Callable[Concatenate[DigestStore, P], T]:
    """A store method run as one bounded database call (DatabaseUnavailable on failure)."""

    def call(self: DigestStore, *args: P.args, **kwargs: P.kwargs) -> T:
        return self.database.call(method, self, *args, **kwargs)

    return functools.update_wrapper(call, method)  # type: ignore[return-value]


def _insert(conn: Connection, table: sa.Table) -> Any:
    """An INSERT that can say ON CONFLICT, in the dialect of `conn`."""
    return (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(table)


def _inserted(conn: Connection, table: sa.Table, values: dict[str, Any]) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING; whether the row went in.

    RETURNING tells, where rowcount does not (psycopg reports -1 for these inserts).
    """
    statement = _insert(conn, table).values(**values).on_conflict_do_nothing()
    first_key = next(iter(table.primary_key.columns))
    return conn.execute(statement.returning(first_key)).first() is not None


def _subscription(row: Any) -> Subscription:
    return Subscription(
        platform=row.platform,
        channel=row.channel,
        schedule=Schedule(
            time=parse_time(row.time), zone=row.zone, weekdays=weekdays_from_code(row.weekdays)
        ),
        locale=row.locale,
        source=row.source,
        changed_by=row.changed_by,
        effective_from=row.effective_from,
        paused_reason=row.paused_reason,
        paused_at=row.paused_at,
        team=Team(team_id=row.team_id, enterprise_id=row.enterprise_id)
        if row.team_id or row.enterprise_id
        else None,
    )


def _subscription_values(sub: Subscription) -> dict[str, Any]:
    return {
        "platform": sub.platform,
        "channel": sub.channel,
        "time": sub.schedule.time_text,
        "zone": sub.schedule.zone,
        "weekdays": weekdays_code(sub.schedule.weekdays),
        "locale": sub.locale,
        "source": sub.source,
        "changed_by": sub.changed_by,
        "effective_from": sub.effective_from,
        "paused_reason": sub.paused_reason,
        "paused_at": sub.paused_at,
        "team_id": sub.team.team_id if sub.team else None,
        "enterprise_id": sub.team.enterprise_id if sub.team else None,
    }


def _delivery(row: Any) -> Delivery:
    return Delivery(**{c.name: getattr(row, c.name) for c in deliveries.columns})


def _where_key(table: sa.Table, platform: str, channel: str) -> sa.ColumnElement[bool]:
    return sa.and_(table.c.platform == platform, table.c.channel == channel)


def _where_team(platform: str, team: Team) -> sa.ColumnElement[bool]:
    """A workspace's subscriptions: by team id (unique across Slack), or every workspace of
    an Enterprise Grid org when only the org is named (an org-wide install)."""
    if team.team_id:
        return sa.and_(
            subscriptions.c.platform == platform, subscriptions.c.team_id == team.team_id
        )
    if team.enterprise_id:
        return sa.and_(
            subscriptions.c.platform == platform,
            subscriptions.c.enterprise_id == team.enterprise_id,
        )
    return sa.false()


def _where_claim(claim: Claim) -> sa.ColumnElement[bool]:
    return sa.and_(
        _where_key(deliveries, claim.platform, claim.channel),
        deliveries.c.local_date == claim.local_date,
        deliveries.c.replica == claim.replica,
        deliveries.c.status == "claimed",
    )


class DigestStore:
    """Subscriptions and deliveries, in one database shared by every replica."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.engine = database.engine

    @classmethod
    def open(cls, settings: Settings) -> DigestStore:
        """Connect and create or upgrade the schema; DigestStoreError if that cannot be done."""
        # Opening fails loudly enough (DigestStoreError); outages are logged once open.
        database = Database.from_settings(settings, name="digest database", report_outages=False)
        try:
            database.call(upgrade_schema, database.engine)
        except DatabaseUnavailable as exc:
            database.close()
            raise DigestStoreError(
                f"cannot open the digest database ({database.dialect}): {exc}"
            ) from exc
        except BaseException:
            database.close()
            raise
        database.report_outages = True
        store = cls(database)
        log.info("digest state in %s", store.describe())
        return store

    async def run(self, method: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """A store method from the event loop, on the database's own threads."""
        return await self.database.run(method, *args, **kwargs)

    def describe(self) -> str:
        """Where the state lives, without credentials."""
        if self.engine.dialect.name == "sqlite":
            return f"SQLite file {self.engine.url.database}"
        return f"PostgreSQL database {self.engine.url.database} on {self.engine.url.host}"

    def close(self) -> None:
        self.database.close()

    # Subscriptions

    @_bounded
    def subscription(self, platform: str, channel: str) -> Subscription | None:
        with self.engine.begin() as conn:
            row = conn.execute(
                sa.select(subscriptions).where(_where_key(subscriptions, platform, channel))
            ).one_or_none()
        return _subscription(row) if row else None

    @_bounded
    def subscriptions(self) -> list[Subscription]:
        with self.engine.begin() as conn:
            rows = conn.execute(
                sa.select(subscriptions).order_by(subscriptions.c.platform, subscriptions.c.channel)
            ).all()
        return [_subscription(r) for r in rows]

    @_bounded
    def save_subscription(self, sub: Subscription) -> None:
        """Insert or replace a channel's subscription."""
        values = _subscription_values(sub)
        with self.engine.begin() as conn:
            statement = _insert(conn, subscriptions).values(**values)
            conn.execute(
                statement.on_conflict_do_update(
                    index_elements=[subscriptions.c.platform, subscriptions.c.channel],
                    set_={k: v for k, v in values.items() if k not in ("platform", "channel")},
                )
            )

    @_bounded
    def remove_subscription(self, platform: str, channel: str) -> bool:
        with self.engine.begin() as conn:
            result = conn.execute(
                sa.delete(subscriptions).where(_where_key(subscriptions, platform, channel))
            )
        return result.rowcount == 1

    @_bounded
    def pause(self, platform: str, channel: str, *, reason: str, now: dt.datetime) -> bool:
        """Stop a channel's digest after a permanent error; the reason shows in /digest status."""
        with self.engine.begin() as conn:
            result = conn.execute(
                sa.update(subscriptions)
                .where(_where_key(subscriptions, platform, channel))
                .values(paused_reason=reason[:500], paused_at=now)
            )
        return result.rowcount == 1

    @_bounded
    def team_subscriptions(self, platform: str, team: Team) -> list[Subscription]:
        """The subscriptions of the channels of one workspace (its Home tab lists them)."""
        with self.engine.begin() as conn:
            rows = conn.execute(
                sa.select(subscriptions)
                .where(_where_team(platform, team))
                .order_by(subscriptions.c.channel)
            ).all()
        return [_subscription(r) for r in rows]

    @_bounded
    def pause_team(self, platform: str, team: Team, *, reason: str, now: dt.datetime) -> int:
        """Stop the digests of every channel of a workspace (the app was uninstalled there);
        the reason shows in /digest status. Returns how many were paused."""
        with self.engine.begin() as conn:
            result = conn.execute(
                sa.update(subscriptions)
                .where(_where_team(platform, team), subscriptions.c.paused_reason.is_(None))
                .values(paused_reason=reason[:500], paused_at=now)
            )
        return int(result.rowcount)

    @_bounded
    def resume(
        self, platform: str, channel: str, *, now: dt.datetime, team: Team | None = None
    ) -> bool:
        """Lift a pause; digests already missed stay missed. `team`, when given, is where the
        channel is now (a subscription made before the bot recorded workspaces)."""
        values: dict[str, Any] = {"paused_reason": None, "paused_at": None, "effective_from": now}
        if team is not None:
            values.update(team_id=team.team_id, enterprise_id=team.enterprise_id)
        with self.engine.begin() as conn:
            result = conn.execute(
                sa.update(subscriptions)
                .where(
                    _where_key(subscriptions, platform, channel),
                    subscriptions.c.paused_reason.is_not(None),
                )
                .values(**values)
            )
        return result.rowcount == 1

    @_bounded
    def apply_config(self, declared: Iterable[Subscription]) -> tuple[int, int]:
        """Make the config file's subscriptions the ones with source `config`.

        An unchanged entry keeps its row (and any pause); replicas applying the same file at
        once insert each entry once. Returns (added or changed, removed).
        """
        changed = removed = 0
        wanted = {(s.platform, s.channel): s for s in declared}
        with self.engine.begin() as conn:
            rows = conn.execute(sa.select(subscriptions)).all()
            current = {(r.platform, r.channel): _subscription(r) for r in rows}
            for key, sub in wanted.items():
                existing = current.get(key)
                if existing is None:
                    changed += _inserted(conn, subscriptions, _subscription_values(sub))
                elif not existing.same_plan(sub):
                    values = _subscription_values(sub)
                    conn.execute(
                        sa.update(subscriptions)
                        .where(_where_key(subscriptions, *key))
                        .values(
                            **{k: v for k, v in values.items() if k not in ("platform", "channel")}
                        )
                    )
                    changed += 1
            for key, existing in current.items():
                if existing.source == "config" and key not in wanted:
                    conn.execute(sa.delete(subscriptions).where(_where_key(subscriptions, *key)))
                    removed += 1
        return changed, removed

    # Deliveries: claim, keep, finish

    @_bounded
    def claim_delivery(
        self,
        *,
        platform: str,
        channel: str,
        local_date: dt.date,
        scheduled_at: dt.datetime,
        replica: str,
        now: dt.datetime,
        stale_after: dt.timedelta,
    ) -> Claim | None:
        """Win the right to post this digest, or None if another replica has it or had it.

        A claim whose holder has been silent for `stale_after` is taken over: the update
        only matches while the row is still stale, so two replicas cannot both take it. A
        claim this replica already holds is given back to it, however old.
        """
        with self.engine.begin() as conn:
            inserted = _inserted(
                conn,
                deliveries,
                {
                    "platform": platform,
                    "channel": channel,
                    "local_date": local_date,
                    "status": "claimed",
                    "replica": replica,
                    "scheduled_at": scheduled_at,
                    "claimed_at": now,
                    "attempts": 1,
                },
            )
            if inserted:
                return Claim(
                    platform=platform,
                    channel=channel,
                    local_date=local_date,
                    replica=replica,
                    attempts=1,
                )
            row = conn.execute(
                sa.select(deliveries).where(
                    _where_key(deliveries, platform, channel), deliveries.c.local_date == local_date
                )
            ).one()
            if row.status == "claimed" and row.replica == replica:
                # This replica's own claim, left by a delivery the database interrupted: it
                # is kept (refreshed), never taken over as if its holder had died.
                conn.execute(
                    sa.update(deliveries)
                    .where(
                        _where_key(deliveries, platform, channel),
                        deliveries.c.local_date == local_date,
                        deliveries.c.replica == replica,
                    )
                    .values(claimed_at=now)
                )
                return Claim(
                    platform=platform,
                    channel=channel,
                    local_date=local_date,
                    replica=replica,
                    attempts=row.attempts,
                )
            if row.status != "claimed" or row.claimed_at >= now - stale_after:
                return None
            taken = conn.execute(
                sa.update(deliveries)
                .where(
                    _where_key(deliveries, platform, channel),
                    deliveries.c.local_date == local_date,
                    deliveries.c.status == "claimed",
                    deliveries.c.claimed_at < now - stale_after,
                )
                .values(replica=replica, claimed_at=now, attempts=deliveries.c.attempts + 1)
            )
            if taken.rowcount != 1:
                return None
            return Claim(
                platform=platform,
                channel=channel,
                local_date=local_date,
                replica=replica,
                attempts=row.attempts + 1,
                taken_over_from=row.replica,
            )

    @_bounded
    def refresh_claim(
        self, claim: Claim, *, now: dt.datetime, error: str | None = None, attempt: bool = False
    ) -> bool:
        """Show this replica is alive (and why it is waiting); False if the claim was lost."""
        values: dict[str, Any] = {"claimed_at": now}
        if error is not None:
            values["error"] = error[:500]
        if attempt:
            values["attempts"] = deliveries.c.attempts + 1
        with self.engine.begin() as conn:
            result = conn.execute(sa.update(deliveries).where(_where_claim(claim)).values(**values))
        return result.rowcount == 1

    @_bounded
    def finish_claim(
        self, claim: Claim, *, status: str, now: dt.datetime, error: str | None = None
    ) -> bool:
        """End a claim without a post: skipped (quiet day) or failed."""
        with self.engine.begin() as conn:
            result = conn.execute(
                sa.update(deliveries)
                .where(_where_claim(claim))
                .values(status=status, finished_at=now, error=error[:500] if error else None)
            )
        return result.rowcount == 1

    @_bounded
    def release_claim(self, claim: Claim) -> None:
        """Give a claim back (the replica is stopping) so it is due again at once."""
        with self.engine.begin() as conn:
            conn.execute(sa.delete(deliveries).where(_where_claim(claim)))

    @_bounded
    def complete_delivery(
        self,
        claim: Claim,
        *,
        message_id: str,
        now: dt.datetime,
        quote_id: str | None,
        rotation_round: int,
    ) -> bool:
        """Record a posted digest: the claim's message id, the post, the quote shown.

        The post happened, so it is recorded even if the claim was lost meanwhile (the
        return value says so, for the log).
        """
        with self.engine.begin() as conn:
            result = conn.execute(
                sa.update(deliveries)
                .where(_where_claim(claim))
                .values(status="delivered", message_id=message_id, finished_at=now, error=None)
            )
            self._record_post(
                conn,
                platform=claim.platform,
                channel=claim.channel,
                local_date=claim.local_date,
                kind="daily",
                message_id=message_id,
                quote_id=quote_id,
                rotation_round=rotation_round,
                now=now,
            )
        return result.rowcount == 1

    @_bounded
    def record_post(
        self,
        *,
        platform: str,
        channel: str,
        local_date: dt.date,
        kind: str,
        message_id: str,
        quote_id: str | None,
        rotation_round: int,
        now: dt.datetime,
    ) -> None:
        with self.engine.begin() as conn:
            self._record_post(
                conn,
                platform=platform,
                channel=channel,
                local_date=local_date,
                kind=kind,
                message_id=message_id,
                quote_id=quote_id,
                rotation_round=rotation_round,
                now=now,
            )

    @staticmethod
    def _record_post(
        conn: Connection,
        *,
        platform: str,
        channel: str,
        local_date: dt.date,
        kind: str,
        message_id: str,
        quote_id: str | None,
        rotation_round: int,
        now: dt.datetime,
    ) -> None:
        conn.execute(
            sa.insert(posts).values(
                platform=platform,
                channel=channel,
                local_date=local_date,
                kind=kind,
                message_id=message_id[:128],
                quote_id=quote_id,
                posted_at=now,
            )
        )
        if quote_id is not None:
            conn.execute(
                _insert(conn, quotes_shown)
                .values(
                    platform=platform,
                    channel=channel,
                    round=rotation_round,
                    quote_id=quote_id,
                    shown_at=now,
                )
                .on_conflict_do_nothing()
            )

    @_bounded
    def mark_missed(
        self,
        *,
        platform: str,
        channel: str,
        local_date: dt.date,
        scheduled_at: dt.datetime,
        replica: str,
        now: dt.datetime,
        stale_after: dt.timedelta,
    ) -> bool:
        """Record a digest too late to post (once, whichever replica sees it first).

        A stale claim left by a dead replica that is now too late becomes missed too.
        """
        with self.engine.begin() as conn:
            inserted = _inserted(
                conn,
                deliveries,
                {
                    "platform": platform,
                    "channel": channel,
                    "local_date": local_date,
                    "status": "missed",
                    "replica": replica,
                    "scheduled_at": scheduled_at,
                    "claimed_at": now,
                    "attempts": 0,
                    "finished_at": now,
                },
            )
            if inserted:
                return True
            expired = conn.execute(
                sa.update(deliveries)
                .where(
                    _where_key(deliveries, platform, channel),
                    deliveries.c.local_date == local_date,
                    deliveries.c.status == "claimed",
                    deliveries.c.claimed_at < now - stale_after,
                )
                .values(status="missed", finished_at=now)
            )
        return expired.rowcount == 1

    @_bounded
    def deliveries_since(self, day: dt.date) -> Mapping[Key, Delivery]:
        with self.engine.begin() as conn:
            rows = conn.execute(sa.select(deliveries).where(deliveries.c.local_date >= day)).all()
        return {(r.platform, r.channel, r.local_date): _delivery(r) for r in rows}

    @_bounded
    def last_delivery(self, platform: str, channel: str) -> Delivery | None:
        with self.engine.begin() as conn:
            row = conn.execute(
                sa.select(deliveries)
                .where(_where_key(deliveries, platform, channel))
                .order_by(deliveries.c.local_date.desc())
                .limit(1)
            ).one_or_none()
        return _delivery(row) if row else None

    @_bounded
    def last_post(self, platform: str, channel: str) -> Post | None:
        with self.engine.begin() as conn:
            row = conn.execute(
                sa.select(posts)
                .where(_where_key(posts, platform, channel))
                .order_by(posts.c.posted_at.desc(), posts.c.id.desc())
                .limit(1)
            ).one_or_none()
        if row is None:
            return None
        return Post(**{c.name: getattr(row, c.name) for c in posts.columns if c.name != "id"})

    @_bounded
    def posts(self, platform: str, channel: str) -> list[Post]:
        with self.engine.begin() as conn:
            rows = conn.execute(
                sa.select(posts).where(_where_key(posts, platform, channel)).order_by(posts.c.id)
            ).all()
        return [
            Post(**{c.name: getattr(r, c.name) for c in posts.columns if c.name != "id"})
            for r in rows
        ]

    @_bounded
    def rotation(self, platform: str, channel: str) -> tuple[int, frozenset[str]]:
        """The channel's current rotation round and the quotes shown in it."""
        with self.engine.begin() as conn:
            current = conn.execute(
                sa.select(sa.func.max(quotes_shown.c.round)).where(
                    _where_key(quotes_shown, platform, channel)
                )
            ).scalar()
            if current is None:
                return 0, frozenset()
            shown = conn.execute(
                sa.select(quotes_shown.c.quote_id).where(
                    _where_key(quotes_shown, platform, channel), quotes_shown.c.round == current
                )
            ).scalars()
            return int(current), frozenset(shown)
