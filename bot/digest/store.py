"""The digest's state: subscriptions, delivery claims, posts and the quote rotation.

SQLite (a file) by default, PostgreSQL when DATABASE_URL is set. Each method is one short
transaction, run as a bounded call of `bot.database` (DatabaseUnavailable when the database
cannot be used or does not answer in time); the service awaits them with `run`. The claim
that makes a digest post once is a row keyed by (platform, channel, local date), inserted
before posting; the methods that claim, mark and record take many digests at once, a few
statements for all.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Concatenate, ParamSpec, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from bot.config import Settings
from bot.database.bounded import Database, database_url
from bot.delivery import Team
from bot.digest.errors import DigestStoreError
from bot.digest.records import (
    Claim,
    Claims,
    Deliveries,
    Delivery,
    Done,
    History,
    Key,
    Post,
    Subscription,
)
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

# A delivery a replica holds: "claimed" (no request out), "sending" (its request may be out:
# if its holder falls silent, the digest is recorded as unknown and never posted again).
HELD = ("claimed", "sending")
SILENT_SENDING = " fell silent while its post was on its way"
# Rows one multi-row statement carries at most: 13 columns x 500 stays well under the bound
# parameters PostgreSQL (65,535) and SQLite (32,766) take.
ROWS_PER_STATEMENT = 500


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
        deliveries.c.status.in_(HELD),
    )


def _keys_in(keys: Sequence[Key]) -> sa.ColumnElement[bool]:
    key = sa.tuple_(deliveries.c.platform, deliveries.c.channel, deliveries.c.local_date)
    return key.in_(keys)


def _channels_in(table: sa.Table, channels: Sequence[tuple[str, str]]) -> sa.ColumnElement[bool]:
    return sa.tuple_(table.c.platform, table.c.channel).in_(channels)


def _chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), ROWS_PER_STATEMENT):
        yield items[start : start + ROWS_PER_STATEMENT]


def _row_key(row: Any) -> Key:
    return (row.platform, row.channel, row.local_date)


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

    def save_subscription(self, sub: Subscription) -> None:
        """Insert or replace a channel's subscription."""
        self.save_subscriptions([sub])

    @_bounded
    def save_subscriptions(self, subs: Iterable[Subscription]) -> None:
        """Insert or replace channels' subscriptions, in one statement (a fleet's thousands)."""
        rows = [_subscription_values(sub) for sub in subs]
        with self.engine.begin() as conn:
            for start in range(0, len(rows), ROWS_PER_STATEMENT):
                statement = _insert(conn, subscriptions).values(
                    rows[start : start + ROWS_PER_STATEMENT]
                )
                conn.execute(
                    statement.on_conflict_do_update(
                        index_elements=[subscriptions.c.platform, subscriptions.c.channel],
                        set_={
                            name: statement.excluded[name]
                            for name in rows[0]
                            if name not in ("platform", "channel")
                        },
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
        """Win the right to post this digest, or None if another replica has it or had it
        (see `claim_deliveries`)."""
        key = (platform, channel, local_date)
        claims = self.claim_deliveries(
            [(key, scheduled_at)], replica=replica, now=now, stale_after=stale_after
        )
        return claims.won.get(key)

    @_bounded
    def claim_deliveries(
        self,
        due: Iterable[tuple[Key, dt.datetime]],
        *,
        replica: str,
        now: dt.datetime,
        stale_after: dt.timedelta,
        history: bool = False,
    ) -> Claims:
        """Win the right to post these digests (each a key and when it was due), in one
        transaction; with `history`, read the won channels' history in it too.

        A claim whose holder has been silent for `stale_after` is taken over: the update
        only matches while the row is still stale, so two replicas cannot both take it. One
        silent while its request was out is not: the post may have arrived, so the digest is
        recorded as unknown (at most once, never twice). A claim this replica already holds
        is given back to it, however old.
        """
        # One order for every replica, so that two claiming the same rows never deadlock.
        wanted = sorted(due)
        won: dict[Key, Claim] = {}
        unknown: dict[Key, str] = {}
        with self.engine.begin() as conn:
            for chunk in _chunks(wanted):
                rows = [
                    {
                        "platform": key[0],
                        "channel": key[1],
                        "local_date": key[2],
                        "status": "claimed",
                        "replica": replica,
                        "scheduled_at": scheduled_at,
                        "claimed_at": now,
                        "attempts": 1,
                    }
                    for key, scheduled_at in chunk
                ]
                inserted = conn.execute(
                    _insert(conn, deliveries)
                    .values(rows)
                    .on_conflict_do_nothing()
                    .returning(deliveries.c.platform, deliveries.c.channel, deliveries.c.local_date)
                )
                for row in inserted:
                    key = _row_key(row)
                    won[key] = Claim(
                        platform=key[0],
                        channel=key[1],
                        local_date=key[2],
                        replica=replica,
                        attempts=1,
                    )
            taken = [key for key, _ in wanted if key not in won]
            for keys in _chunks(taken):
                for row in conn.execute(sa.select(deliveries).where(_keys_in(keys))).all():
                    self._claim_taken(conn, row, replica, now, stale_after, won, unknown)
            found = self._history(conn, sorted({k[:2] for k in won})) if history else {}
        return Claims(won=won, unknown=unknown, history=found)

    @staticmethod
    def _claim_taken(
        conn: Connection,
        row: Any,
        replica: str,
        now: dt.datetime,
        stale_after: dt.timedelta,
        won: dict[Key, Claim],
        unknown: dict[Key, str],
    ) -> None:
        """A digest some replica claimed already: this one's own, a dead one's, or lost."""
        key = _row_key(row)
        where = sa.and_(_where_key(deliveries, key[0], key[1]), deliveries.c.local_date == key[2])
        claim = Claim(
            platform=key[0],
            channel=key[1],
            local_date=key[2],
            replica=replica,
            attempts=row.attempts,
        )
        if row.status in HELD and row.replica == replica:
            # This replica's own claim, left by a delivery the database interrupted (before
            # its request: a request out is awaited until recorded): kept, never taken over
            # as if its holder had died.
            conn.execute(
                sa.update(deliveries)
                .where(where, deliveries.c.replica == replica)
                .values(claimed_at=now, status="claimed")
            )
            won[key] = claim
            return
        if row.status not in HELD or row.claimed_at >= now - stale_after:
            return
        stale = sa.and_(
            where,
            deliveries.c.status == row.status,
            deliveries.c.replica == row.replica,
            deliveries.c.claimed_at < now - stale_after,
        )
        if row.status == "sending":
            gone = conn.execute(
                sa.update(deliveries)
                .where(stale)
                .values(
                    status="unknown",
                    finished_at=now,
                    error=f"replica {row.replica}{SILENT_SENDING}"[:500],
                )
            )
            if gone.rowcount == 1:
                unknown[key] = row.replica
            return
        taken = conn.execute(
            sa.update(deliveries)
            .where(stale)
            .values(replica=replica, claimed_at=now, attempts=deliveries.c.attempts + 1)
        )
        if taken.rowcount == 1:
            won[key] = dataclasses.replace(
                claim, attempts=row.attempts + 1, taken_over_from=row.replica
            )

    @_bounded
    def history(self, channels: Sequence[tuple[str, str]]) -> dict[tuple[str, str], History]:
        """Each channel's last post day and current quote rotation."""
        with self.engine.begin() as conn:
            return self._history(conn, channels)

    @staticmethod
    def _history(
        conn: Connection, channels: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], History]:
        """Each channel's last post day and current quote rotation, in two statements a
        chunk (the same answers as `last_post` and `rotation`)."""
        last: dict[tuple[str, str], dt.date] = {}
        shown: dict[tuple[str, str], tuple[int, set[str]]] = {}
        for chunk in _chunks(channels):
            latest = (
                sa.select(
                    posts.c.platform,
                    posts.c.channel,
                    posts.c.local_date,
                    sa.func.row_number()
                    .over(
                        partition_by=(posts.c.platform, posts.c.channel),
                        order_by=(posts.c.posted_at.desc(), posts.c.id.desc()),
                    )
                    .label("newest"),
                )
                .where(_channels_in(posts, chunk))
                .subquery()
            )
            for newest in conn.execute(
                sa.select(latest.c.platform, latest.c.channel, latest.c.local_date).where(
                    latest.c.newest == 1
                )
            ):
                last[newest.platform, newest.channel] = newest.local_date
            newer = quotes_shown.alias("newer")
            current = sa.select(newer.c.round).where(
                newer.c.platform == quotes_shown.c.platform,
                newer.c.channel == quotes_shown.c.channel,
                newer.c.round > quotes_shown.c.round,
            )
            for row in conn.execute(
                sa.select(
                    quotes_shown.c.platform,
                    quotes_shown.c.channel,
                    quotes_shown.c.round,
                    quotes_shown.c.quote_id,
                ).where(_channels_in(quotes_shown, chunk), ~current.exists())
            ):
                shown.setdefault((row.platform, row.channel), (row.round, set()))[1].add(
                    row.quote_id
                )
        return {
            channel: History(
                last_post=last.get(channel),
                round=shown[channel][0] if channel in shown else 0,
                shown=frozenset(shown[channel][1]) if channel in shown else frozenset(),
            )
            for channel in channels
        }

    @_bounded
    def mark_sending(self, claims: Sequence[Claim], *, now: dt.datetime) -> set[Key]:
        """Say these digests' requests are about to go out; returns the keys still held (a
        claim lost meanwhile must not be posted)."""
        held: set[Key] = set()
        with self.engine.begin() as conn:
            for replica in {claim.replica for claim in claims}:
                keys = [c.key for c in claims if c.replica == replica]
                held |= self._update_held(conn, keys, replica, status="sending", claimed_at=now)
        return held

    @_bounded
    def refresh_claims(self, keys: Sequence[Key], *, replica: str, now: dt.datetime) -> set[Key]:
        """Show this replica is alive on every claim it holds, in one statement a chunk (its
        heartbeat); returns the keys still held."""
        with self.engine.begin() as conn:
            return self._update_held(conn, keys, replica, claimed_at=now)

    @staticmethod
    def _update_held(
        conn: Connection, keys: Sequence[Key], replica: str, **values: Any
    ) -> set[Key]:
        """Set `values` on those of `keys` `replica` still holds; returns those keys."""
        held: set[Key] = set()
        for chunk in _chunks(sorted(keys)):
            result = conn.execute(
                sa.update(deliveries)
                .where(
                    _keys_in(chunk), deliveries.c.replica == replica, deliveries.c.status.in_(HELD)
                )
                .values(**values)
                .returning(deliveries.c.platform, deliveries.c.channel, deliveries.c.local_date)
            )
            held.update(_row_key(row) for row in result)
        return held

    @_bounded
    def refresh_claim(
        self,
        claim: Claim,
        *,
        now: dt.datetime,
        error: str | None = None,
        attempt: bool = False,
    ) -> bool:
        """Show this replica is alive (and why it is waiting); False if the claim was lost.

        An `error` means the last request was answered (nothing posted): no request is out.
        An `attempt` counts the request about to go out (it may be out from now on)."""
        values: dict[str, Any] = {"claimed_at": now}
        if error is not None:
            values["error"] = error[:500]
            values["status"] = "claimed"
        if attempt:
            values["attempts"] = deliveries.c.attempts + 1
            values["status"] = "sending"
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

    def complete_delivery(
        self,
        claim: Claim,
        *,
        message_id: str,
        now: dt.datetime,
        quote_id: str | None,
        rotation_round: int,
    ) -> bool:
        """Record a posted digest (see `complete_deliveries`); whether its claim was kept."""
        done = Done(
            claim=claim, message_id=message_id, quote_id=quote_id, rotation_round=rotation_round
        )
        return bool(self.complete_deliveries([done], now=now))

    @_bounded
    def complete_deliveries(self, done: Sequence[Done], *, now: dt.datetime) -> set[Key]:
        """Record posted digests: each claim's message id, the posts, the quotes shown; three
        statements for all of them. Returns the keys whose claim was still this replica's.

        The posts happened, so they are recorded even if a claim was lost meanwhile (another
        replica took it over, or recorded it as unknown while this one could not write).
        """
        if not done:
            return set()
        mine = sa.and_(
            deliveries.c.platform == sa.bindparam("b_platform"),
            deliveries.c.channel == sa.bindparam("b_channel"),
            deliveries.c.local_date == sa.bindparam("b_date"),
            deliveries.c.replica == sa.bindparam("b_replica"),
            # No IN here: an executemany takes no expanding parameter.
            sa.or_(*(deliveries.c.status == status for status in (*HELD, "unknown"))),
        )
        rows = [
            {
                "b_platform": d.claim.platform,
                "b_channel": d.claim.channel,
                "b_date": d.claim.local_date,
                "b_replica": d.claim.replica,
                "b_message": d.message_id,
            }
            for d in done
        ]
        keys = [(d.claim.platform, d.claim.channel, d.claim.local_date) for d in done]
        with self.engine.begin() as conn:
            updated = conn.execute(
                sa.update(deliveries)
                .where(mine)
                .values(
                    status="delivered",
                    message_id=sa.bindparam("b_message"),
                    finished_at=now,
                    error=None,
                ),
                rows,
            )
            kept = set(keys)
            if updated.rowcount != len(rows):  # some claim was lost: say which, for the log
                kept = {
                    _row_key(row)
                    for row in conn.execute(
                        sa.select(
                            deliveries.c.platform, deliveries.c.channel, deliveries.c.local_date
                        ).where(
                            _keys_in(keys),
                            deliveries.c.status == "delivered",
                            deliveries.c.message_id.in_([d.message_id[:128] for d in done]),
                        )
                    )
                }
            self._record_posts(
                conn,
                [
                    (
                        Post(
                            platform=d.claim.platform,
                            channel=d.claim.channel,
                            local_date=d.claim.local_date,
                            kind="daily",
                            message_id=d.message_id,
                            quote_id=d.quote_id,
                            posted_at=now,
                        ),
                        d.rotation_round,
                    )
                    for d in done
                ],
            )
        return kept

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
        post = Post(
            platform=platform,
            channel=channel,
            local_date=local_date,
            kind=kind,
            message_id=message_id,
            quote_id=quote_id,
            posted_at=now,
        )
        with self.engine.begin() as conn:
            self._record_posts(conn, [(post, rotation_round)])

    @staticmethod
    def _record_posts(conn: Connection, records: Sequence[tuple[Post, int]]) -> None:
        """Insert the posts, and the quotes they showed in their rotation round."""
        for chunk in _chunks(records):
            conn.execute(
                sa.insert(posts).values(
                    [
                        dataclasses.asdict(post) | {"message_id": post.message_id[:128]}
                        for post, _ in chunk
                    ]
                )
            )
            shown = [
                {
                    "platform": post.platform,
                    "channel": post.channel,
                    "round": rotation_round,
                    "quote_id": post.quote_id,
                    "shown_at": post.posted_at,
                }
                for post, rotation_round in chunk
                if post.quote_id is not None
            ]
            if shown:
                conn.execute(_insert(conn, quotes_shown).values(shown).on_conflict_do_nothing())

    @_bounded
    def deliveries_for(self, keys: Sequence[Key]) -> Mapping[Key, Delivery]:
        """The rows of these digests (those that have one)."""
        found: dict[Key, Delivery] = {}
        with self.engine.begin() as conn:
            for chunk in _chunks(keys):
                for row in conn.execute(sa.select(deliveries).where(_keys_in(chunk))):
                    found[_row_key(row)] = _delivery(row)
        return found

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
            stale = sa.and_(
                _where_key(deliveries, platform, channel),
                deliveries.c.local_date == local_date,
                deliveries.c.claimed_at < now - stale_after,
            )
            expired = conn.execute(
                sa.update(deliveries)
                .where(stale, deliveries.c.status == "claimed")
                .values(status="missed", finished_at=now)
            )
            # A dead replica's post on its way: it may have arrived, so not "missed".
            conn.execute(
                sa.update(deliveries)
                .where(stale, deliveries.c.status == "sending")
                .values(
                    status="unknown",
                    finished_at=now,
                    error=sa.literal("replica ") + deliveries.c.replica + SILENT_SENDING,
                )
            )
        return expired.rowcount == 1

    @_bounded
    def deliveries_since(self, day: dt.date) -> Deliveries:
        """The deliveries of `day` and after: the keys of those that ended, the held ones in
        full (the sweep reads this every few seconds: keys cost a fraction of full rows)."""
        with self.engine.begin() as conn:
            ended = conn.execute(
                sa.select(
                    deliveries.c.platform, deliveries.c.channel, deliveries.c.local_date
                ).where(deliveries.c.local_date >= day, deliveries.c.status.not_in(HELD))
            ).all()
            held = conn.execute(
                sa.select(deliveries).where(
                    deliveries.c.local_date >= day, deliveries.c.status.in_(HELD)
                )
            ).all()
        return Deliveries(
            ended=frozenset(_row_key(r) for r in ended),
            held={_row_key(r): _delivery(r) for r in held},
        )

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

    def rotation(self, platform: str, channel: str) -> tuple[int, frozenset[str]]:
        """The channel's current rotation round and the quotes shown in it."""
        found = self.history([(platform, channel)])[platform, channel]
        return found.round, found.shown
