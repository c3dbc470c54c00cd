"""The digest's state: subscriptions, delivery claims, posts and the quote rotation.

SQLite (a file) by default, PostgreSQL when DATABASE_URL is set. Each method is one short
transaction, run as a bounded call of `bot.database` (DatabaseUnavailable when the database
cannot be used or does not answer in time); the service awaits them with `run`. Everything
belongs to a channel and a dossier. The claim that makes a digest post once is a row keyed
by (platform, channel, dossier, local date), inserted before posting; the methods that
claim, mark and record take many digests at once, a few statements for all.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, ParamSpec, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.database.bounded import Database, database_url
from bot.database.schema import StateStore, prepare_part
from bot.database.schema import bounded as _bounded
from bot.database.schema import upsert as _insert
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
    Stream,
    Subscription,
)
from bot.digest.schema import (
    deliveries,
    first_seen,
    posts,
    quotes_shown,
    schema,
    subscriptions,
)
from bot.digest.when import Schedule, weekdays_code, weekdays_from_code
from bot.errors import DatabaseUnavailable
from bot.schedule_words import parse_time

log = logging.getLogger("dispute_bot.digest")

P = ParamSpec("P")
T = TypeVar("T")

__all__ = ["DigestStore", "database_url"]

# A delivery a replica holds: "claimed" (no request out), "sending" (its request may be out:
# if its holder falls silent, another looks for the post in the channel's history, or where
# it cannot, records the digest as unknown and never posts it again).
HELD = ("claimed", "sending")
SILENT_SENDING = " fell silent while its post was on its way"
# Rows one multi-row statement carries at most: 14 columns x 500 stays well under the bound
# parameters PostgreSQL (65,535) and SQLite (32,766) take.
ROWS_PER_STATEMENT = 500


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
        dossier=row.dossier,
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
        "dossier": sub.dossier,
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


def _where_key(
    table: sa.Table, platform: str, channel: str, dossier: str
) -> sa.ColumnElement[bool]:
    return sa.and_(
        table.c.platform == platform, table.c.channel == channel, table.c.dossier == dossier
    )


_KEY = ("platform", "channel", "dossier")  # a Stream: a channel's digest of a dossier
KEY_NAMES = (*_KEY, "local_date")  # a delivery's Key


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
        _where_key(deliveries, claim.platform, claim.channel, claim.dossier),
        deliveries.c.local_date == claim.local_date,
        deliveries.c.replica == claim.replica,
        deliveries.c.status.in_(HELD),
    )


def _key_columns() -> tuple[sa.Column[Any], ...]:
    """A delivery's key (`Key`), as columns of `deliveries`."""
    return tuple(deliveries.c[name] for name in KEY_NAMES)


def _keys_in(keys: Sequence[Key]) -> sa.ColumnElement[bool]:
    return sa.tuple_(*_key_columns()).in_(keys)


def _where_delivery(key: Key) -> sa.ColumnElement[bool]:
    return sa.and_(_where_key(deliveries, *key[:3]), deliveries.c.local_date == key[3])


def _streams_in(table: sa.Table, streams: Sequence[Stream]) -> sa.ColumnElement[bool]:
    return sa.tuple_(*(table.c[k] for k in _KEY)).in_(streams)


def _chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), ROWS_PER_STATEMENT):
        yield items[start : start + ROWS_PER_STATEMENT]


def _first_sent(now: dt.datetime) -> sa.ColumnElement[Any]:
    """A delivery's `sent_at`: its first request's, kept by the later ones."""
    return sa.func.coalesce(deliveries.c.sent_at, sa.literal(now, deliveries.c.sent_at.type))


def _row_key(row: Any) -> Key:
    return (row.platform, row.channel, row.dossier, row.local_date)


def _row_stream(row: Any) -> Stream:
    return (row.platform, row.channel, row.dossier)


def _claim(key: Key, *, replica: str, attempts: int) -> Claim:
    platform, channel, dossier, local_date = key
    return Claim(
        platform=platform,
        channel=channel,
        dossier=dossier,
        local_date=local_date,
        replica=replica,
        attempts=attempts,
    )


class DigestStore(StateStore):
    """Subscriptions and deliveries, in one database shared by every replica."""

    @classmethod
    def open(cls, database: Database, *, default_dossier: str = "") -> DigestStore:
        """Create or upgrade the schema in `database`, the state database its owner closes
        (the rows of a database older than the dossiers go to `default_dossier`);
        DigestStoreError if that cannot be done."""
        try:
            prepare_part(database, schema(default_dossier))
        except DatabaseUnavailable as exc:
            raise DigestStoreError(str(exc)) from exc
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

    # Subscriptions

    @_bounded
    def subscription(self, platform: str, channel: str, dossier: str) -> Subscription | None:
        with self.engine.begin() as conn:
            row = conn.execute(
                sa.select(subscriptions).where(
                    _where_key(subscriptions, platform, channel, dossier)
                )
            ).one_or_none()
        return _subscription(row) if row else None

    @_bounded
    def subscriptions(self) -> list[Subscription]:
        with self.engine.begin() as conn:
            rows = conn.execute(
                sa.select(subscriptions).order_by(*(subscriptions.c[k] for k in _KEY))
            ).all()
        return [_subscription(r) for r in rows]

    @_bounded
    def channel_subscriptions(self, platform: str, channel: str) -> list[Subscription]:
        """A channel's subscriptions, one per dossier, by dossier."""
        with self.engine.begin() as conn:
            rows = conn.execute(
                sa.select(subscriptions)
                .where(subscriptions.c.platform == platform, subscriptions.c.channel == channel)
                .order_by(subscriptions.c.dossier)
            ).all()
        return [_subscription(r) for r in rows]

    def save_subscription(self, sub: Subscription) -> None:
        """Insert or replace a channel's subscription to a dossier."""
        self.save_subscriptions([sub])

    @_bounded
    def save_subscriptions(self, subs: Iterable[Subscription]) -> None:
        """Insert or replace channels' subscriptions to dossiers, in one statement a few hundred
        (a fleet's thousands)."""
        rows = [_subscription_values(sub) for sub in subs]
        with self.engine.begin() as conn:
            for start in range(0, len(rows), ROWS_PER_STATEMENT):
                statement = _insert(conn, subscriptions).values(
                    rows[start : start + ROWS_PER_STATEMENT]
                )
                conn.execute(
                    statement.on_conflict_do_update(
                        index_elements=[subscriptions.c[k] for k in _KEY],
                        set_={
                            name: statement.excluded[name] for name in rows[0] if name not in _KEY
                        },
                    )
                )

    @_bounded
    def remove_subscription(self, platform: str, channel: str, dossier: str) -> bool:
        with self.engine.begin() as conn:
            result = conn.execute(
                sa.delete(subscriptions).where(
                    _where_key(subscriptions, platform, channel, dossier)
                )
            )
        return result.rowcount == 1

    @_bounded
    def pause(
        self, platform: str, channel: str, dossier: str, *, reason: str, now: dt.datetime
    ) -> bool:
        """Stop a channel's digest after a permanent error; the reason shows in /digest status."""
        with self.engine.begin() as conn:
            result = conn.execute(
                sa.update(subscriptions)
                .where(_where_key(subscriptions, platform, channel, dossier))
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
                .order_by(subscriptions.c.channel, subscriptions.c.dossier)
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
        self,
        platform: str,
        channel: str,
        dossier: str,
        *,
        now: dt.datetime,
        team: Team | None = None,
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
                    _where_key(subscriptions, platform, channel, dossier),
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
        wanted = {s.key: s for s in declared}
        with self.engine.begin() as conn:
            rows = conn.execute(sa.select(subscriptions)).all()
            current = {(r.platform, r.channel, r.dossier): _subscription(r) for r in rows}
            for key, sub in wanted.items():
                existing = current.get(key)
                if existing is None:
                    changed += _inserted(conn, subscriptions, _subscription_values(sub))
                elif not existing.same_plan(sub):
                    values = _subscription_values(sub)
                    conn.execute(
                        sa.update(subscriptions)
                        .where(_where_key(subscriptions, *key))
                        .values(**{k: v for k, v in values.items() if k not in _KEY})
                    )
                    changed += 1
            for key, existing in current.items():
                if existing.source == "config" and key not in wanted:
                    conn.execute(sa.delete(subscriptions).where(_where_key(subscriptions, *key)))
                    removed += 1
        return changed, removed

    # Deliveries: claim, keep, finish

    @_bounded
    def claim_deliveries(
        self,
        due: Iterable[tuple[Key, dt.datetime]],
        *,
        replica: str,
        now: dt.datetime,
        stale_after: dt.timedelta,
        history: bool = False,
        reconcile: Mapping[str, dt.timedelta] | None = None,
    ) -> Claims:
        """Win the right to post these digests (each a key and when it was due), in one
        transaction; with `history`, read the history of the digests won in it too.

        A claim whose holder has been silent for `stale_after` is taken over: the update
        only matches while the row is still stale, so two replicas cannot both take it. One
        silent while its request was out may have posted: on the platforms in `reconcile`
        it is taken over still `sending`, `in_doubt_since` its first request (the channel's
        history says whether it arrived, or it is sent again, the same: bot.digest.posting),
        once it has been silent for `stale_after` and the platform's time (`reconcile[p]`)
        for a request still out to land; elsewhere, and for a row written before the bot
        marked its posts (no `sent_at`), it is recorded as unknown (at most once, never
        twice). A claim this replica already holds is given back to it, however old.
        """
        # One order for every replica, so that two claiming the same rows never deadlock.
        wanted = sorted(due)
        won: dict[Key, Claim] = {}
        unknown: dict[Key, str] = {}
        with self.engine.begin() as conn:
            for chunk in _chunks(wanted):
                rows = [
                    {
                        **dict(zip(KEY_NAMES, key, strict=True)),
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
                    .returning(*_key_columns())
                )
                for row in inserted:
                    key = _row_key(row)
                    won[key] = _claim(key, replica=replica, attempts=1)
            taken = [key for key, _ in wanted if key not in won]
            for keys in _chunks(taken):
                for row in conn.execute(sa.select(deliveries).where(_keys_in(keys))).all():
                    self._claim_taken(
                        conn, row, replica, now, stale_after, won, unknown, reconcile or {}
                    )
            found = self._history(conn, sorted({k[:3] for k in won})) if history else {}
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
        reconcile: Mapping[str, dt.timedelta],
    ) -> None:
        """A digest some replica claimed already: this one's own, a dead one's, or lost."""
        key = _row_key(row)
        where = _where_delivery(key)
        claim = _claim(key, replica=replica, attempts=row.attempts)
        if row.status in HELD and row.replica == replica:
            # This replica's own claim, left by a delivery the database interrupted (before
            # its request: a request out is awaited until recorded): kept, never taken over
            # as if its holder had died. One still `sending` where the history can be read
            # (a dead replica's post it was settling) is looked for again first.
            doubt = row.status == "sending" and row.platform in reconcile and bool(row.sent_at)
            conn.execute(
                sa.update(deliveries)
                .where(where, deliveries.c.replica == replica)
                .values(claimed_at=now, status=row.status if doubt else "claimed")
            )
            won[key] = claim
            if doubt:
                won[key] = dataclasses.replace(
                    claim,
                    taken_over_from=replica,
                    in_doubt_since=row.sent_at or row.scheduled_at,
                )
            return
        if row.status not in HELD or row.claimed_at >= now - stale_after:
            return
        stale = sa.and_(
            where,
            deliveries.c.status == row.status,
            deliveries.c.replica == row.replica,
            deliveries.c.claimed_at < now - stale_after,
        )
        if row.status == "sending" and row.platform in reconcile and row.sent_at is not None:
            # Kept `sending` (a replica that dies settling it leaves it to the next), since
            # the first request, once no request of its holder can still be out (a holder
            # silent in the database may be alive, its request slow): what arrived shows.
            settled = now - stale_after - reconcile[row.platform]
            if row.claimed_at >= settled:
                return  # a later sweep settles it
            doubt = conn.execute(
                sa.update(deliveries)
                .where(stale, deliveries.c.claimed_at < settled)
                .values(replica=replica, claimed_at=now, attempts=deliveries.c.attempts + 1)
            )
            if doubt.rowcount == 1:
                won[key] = dataclasses.replace(
                    claim,
                    attempts=row.attempts + 1,
                    taken_over_from=row.replica,
                    in_doubt_since=row.sent_at or row.scheduled_at,
                )
            return
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
    def history(self, streams: Sequence[Stream]) -> dict[Stream, History]:
        """The last post day and current quote rotation of each channel's digest of a
        dossier."""
        with self.engine.begin() as conn:
            return self._history(conn, streams)

    @staticmethod
    def _history(conn: Connection, streams: Sequence[Stream]) -> dict[Stream, History]:
        """Each stream's last post day and current quote rotation, in two statements a chunk
        (the same answers as `last_post` and `rotation`)."""
        last: dict[Stream, dt.date] = {}
        shown: dict[Stream, tuple[int, set[str]]] = {}
        for chunk in _chunks(streams):
            latest = (
                sa.select(
                    *(posts.c[k] for k in _KEY),
                    posts.c.local_date,
                    sa.func.row_number()
                    .over(
                        partition_by=[posts.c[k] for k in _KEY],
                        order_by=(posts.c.posted_at.desc(), posts.c.id.desc()),
                    )
                    .label("newest"),
                )
                .where(_streams_in(posts, chunk))
                .subquery()
            )
            for newest in conn.execute(
                sa.select(*(latest.c[k] for k in _KEY), latest.c.local_date).where(
                    latest.c.newest == 1
                )
            ):
                last[_row_stream(newest)] = newest.local_date
            newer = quotes_shown.alias("newer")
            current = sa.select(newer.c.round).where(
                *(newer.c[k] == quotes_shown.c[k] for k in _KEY),
                newer.c.round > quotes_shown.c.round,
            )
            for row in conn.execute(
                sa.select(
                    *(quotes_shown.c[k] for k in _KEY),
                    quotes_shown.c.round,
                    quotes_shown.c.quote_id,
                ).where(_streams_in(quotes_shown, chunk), ~current.exists())
            ):
                shown.setdefault(_row_stream(row), (row.round, set()))[1].add(row.quote_id)
        return {
            stream: History(
                last_post=last.get(stream),
                round=shown[stream][0] if stream in shown else 0,
                shown=frozenset(shown[stream][1]) if stream in shown else frozenset(),
            )
            for stream in streams
        }

    @_bounded
    def mark_sending(self, claims: Sequence[Claim], *, now: dt.datetime) -> set[Key]:
        """Say these digests' requests are about to go out; returns the keys still held (a
        claim lost meanwhile must not be posted)."""
        held: set[Key] = set()
        with self.engine.begin() as conn:
            for replica in {claim.replica for claim in claims}:
                keys = [c.key for c in claims if c.replica == replica]
                held |= self._update_held(
                    conn,
                    keys,
                    replica,
                    status="sending",
                    claimed_at=now,
                    sent_at=_first_sent(now),
                )
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
                .returning(*_key_columns())
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
        in_doubt: bool = False,
    ) -> bool:
        """Show this replica is alive (and why it is waiting); False if the claim was lost.

        An `error` means the last request was answered (nothing posted): no request is out;
        unless `in_doubt`: an earlier request may have arrived (the row stays `sending`).
        An `attempt` counts the request about to go out (it may be out from now on)."""
        values: dict[str, Any] = {"claimed_at": now}
        if error is not None:
            values["error"] = error[:500]
            if not in_doubt:
                values["status"] = "claimed"
        if attempt:
            values["attempts"] = deliveries.c.attempts + 1
            values["status"] = "sending"
            values["sent_at"] = _first_sent(now)
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
    def complete_deliveries(self, done: Sequence[Done], *, now: dt.datetime) -> set[Key]:
        """Record posted digests: each claim's message id, the posts, the quotes shown; three
        statements for all of them. Returns the keys whose claim was still this replica's.

        The posts happened, so they are recorded even if a claim was lost meanwhile (another
        replica took it over, or recorded it as unknown while this one could not write).
        """
        if not done:
            return set()
        mine = sa.and_(
            *(column == sa.bindparam(f"b_{column.name}") for column in _key_columns()),
            deliveries.c.replica == sa.bindparam("b_replica"),
            # No IN here: an executemany takes no expanding parameter.
            sa.or_(*(deliveries.c.status == status for status in (*HELD, "unknown"))),
        )
        rows = [
            {
                **{f"b_{name}": value for name, value in zip(KEY_NAMES, d.claim.key, strict=True)},
                "b_replica": d.claim.replica,
                "b_message": d.message_id,
            }
            for d in done
        ]
        keys = [d.claim.key for d in done]
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
                        sa.select(*_key_columns()).where(
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
                            dossier=d.claim.dossier,
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
        dossier: str,
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
            dossier=dossier,
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
                    "dossier": post.dossier,
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
        dossier: str,
        local_date: dt.date,
        scheduled_at: dt.datetime,
        replica: str,
        now: dt.datetime,
        stale_after: dt.timedelta,
    ) -> str | None:
        """Record a digest too late to post (once, whichever replica sees it first): the
        status recorded ("missed"; "unknown" for a dead replica's post on its way), None when
        another replica recorded it or it is still held.

        A stale claim left by a dead replica that is now too late becomes missed too.
        """
        with self.engine.begin() as conn:
            inserted = _inserted(
                conn,
                deliveries,
                {
                    "platform": platform,
                    "channel": channel,
                    "dossier": dossier,
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
                return "missed"
            stale = sa.and_(
                _where_delivery((platform, channel, dossier, local_date)),
                deliveries.c.claimed_at < now - stale_after,
            )
            expired = conn.execute(
                sa.update(deliveries)
                .where(stale, deliveries.c.status == "claimed")
                .values(status="missed", finished_at=now)
            )
            # A dead replica's post on its way: it may have arrived, so not "missed".
            silent = conn.execute(
                sa.update(deliveries)
                .where(stale, deliveries.c.status == "sending")
                .values(
                    status="unknown",
                    finished_at=now,
                    error=sa.literal("replica ") + deliveries.c.replica + SILENT_SENDING,
                )
            )
        if expired.rowcount == 1:
            return "missed"
        return "unknown" if silent.rowcount == 1 else None

    # What is new in a dossier

    @_bounded
    def first_seen(
        self, dossier: str, records: Mapping[str, dt.date], today: dt.date
    ) -> dict[str, dt.date]:
        """The day each of `records` (ref -> the day its dossier says it was added) was first
        seen in `dossier`, as every replica says: recorded now for those not seen yet, as
        `today` (or later, if the dossier says so); a dossier seen for the first time keeps
        its own dates (nothing in it is news). Whichever replica records a record first
        decides its day."""
        c = first_seen.c

        def known(conn: Connection) -> dict[str, dt.date]:
            rows = conn.execute(sa.select(c.record, c.first_seen).where(c.dossier == dossier))
            return {row.record: row.first_seen for row in rows}

        with self.engine.begin() as conn:
            found = known(conn)
            new = not found
            missing = [
                {
                    "dossier": dossier,
                    "record": ref,
                    "first_seen": added if new else max(added, today),
                }
                for ref, added in records.items()
                if ref not in found
            ]
            if missing:
                insert = _insert(conn, first_seen).on_conflict_do_nothing()
                for chunk in _chunks(missing):
                    conn.execute(insert, list(chunk))
                found = known(conn)  # another replica may have recorded some first
        return {ref: found[ref] for ref in records if ref in found}

    @_bounded
    def deliveries_since(self, day: dt.date) -> Deliveries:
        """The deliveries of `day` and after: the keys of those that ended, the held ones in
        full (the sweep reads this every few seconds: keys cost a fraction of full rows)."""
        with self.engine.begin() as conn:
            ended = conn.execute(
                sa.select(*_key_columns()).where(
                    deliveries.c.local_date >= day, deliveries.c.status.not_in(HELD)
                )
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
    def last_delivery(self, platform: str, channel: str, dossier: str) -> Delivery | None:
        with self.engine.begin() as conn:
            row = conn.execute(
                sa.select(deliveries)
                .where(_where_key(deliveries, platform, channel, dossier))
                .order_by(deliveries.c.local_date.desc())
                .limit(1)
            ).one_or_none()
        return _delivery(row) if row else None

    @_bounded
    def last_post(self, platform: str, channel: str, dossier: str) -> Post | None:
        with self.engine.begin() as conn:
            row = conn.execute(
                sa.select(posts)
                .where(_where_key(posts, platform, channel, dossier))
                .order_by(posts.c.posted_at.desc(), posts.c.id.desc())
                .limit(1)
            ).one_or_none()
        return _post(row) if row is not None else None

    @_bounded
    def posts(self, platform: str, channel: str, dossier: str) -> list[Post]:
        with self.engine.begin() as conn:
            rows = conn.execute(
                sa.select(posts)
                .where(_where_key(posts, platform, channel, dossier))
                .order_by(posts.c.id)
            ).all()
        return [_post(r) for r in rows]

    def rotation(self, platform: str, channel: str, dossier: str) -> tuple[int, frozenset[str]]:
        """The channel's current rotation round through the dossier's quotes, and the quotes
        shown in it."""
        stream = (platform, channel, dossier)
        found = self.history([stream])[stream]
        return found.round, found.shown


def _post(row: Any) -> Post:
    return Post(**{c.name: getattr(row, c.name) for c in posts.columns if c.name != "id"})
