"""Posting a claimed digest: compose it, mark it as on its way, post it with retries, then
record it or pause.

The scheduler (bot.digest.service) decides when a digest is due and claims it; this decides
what it says and what a platform's refusal means, keeps this replica's claims alive (one
heartbeat for all), and groups its database writes (`Batcher`). A digest is marked `sending`
just before each request (each scheduled post carries its `Mark`), so that if this replica
dies with the request out, the replica that takes it over settles it first. On Slack
(`Finder`) it reads the channel's history: the post found is recorded, one missing is
posted; where the history cannot be read, the digest is recorded as unknown and never posted
twice. On Discord (`Repeatable`) it sends the post again, with the same nonce, while the
first request is recent enough: Discord answers with the message if it had arrived, else
posts it; later, the digest is recorded as unknown. A Discord post of this replica's own
that got no answer is sent again the same way, through the same retries.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from msgspec import structs

from bot.config import Settings
from bot.core import Core, Request
from bot.delivery import (
    Finder,
    Mark,
    Poster,
    Repeatable,
    RetryPolicy,
    Team,
    may_repeat,
    may_retry,
    rate_limited,
)
from bot.digest.compose import News, compose_digest
from bot.digest.first_seen import dated_news, known_news
from bot.digest.records import Claim, Done, History, Key, Stream, Subscription
from bot.digest.rotation import Pick, pick_quote
from bot.digest.store import DigestStore
from bot.digest.when import Occurrence
from bot.dossier import Dossier
from bot.errors import DatabaseUnavailable, DeliveryError
from bot.hooks import DigestCounts, NoCounts
from bot.reply import Reply

if TYPE_CHECKING:
    from tenacity import RetryCallState

log = logging.getLogger("dispute_bot.digest")

T = TypeVar("T")


class _ClaimLost(Exception):
    """Another replica took the claim over while this one waited to retry."""


def _describe(error: BaseException | None) -> str:
    if isinstance(error, DeliveryError):
        return str(error)
    return f"{type(error).__name__}: {error}"


# A digest asked for with /digest now retries temporary errors this long at most.
NOW_RETRY_LIMIT = dt.timedelta(minutes=15)
# A post in doubt is sent again (`Repeatable`) only while its request leaves this long before
# the platform's window closes: room for the request's own way there and for the replicas'
# clocks to differ a little.
REPEAT_MARGIN = dt.timedelta(seconds=20)
# A dead replica's post is looked for from this long before its first request went out (the
# replicas' clocks and the platform's may differ a little), and a rate-limited history read
# is retried this long at most before the digest is recorded as unknown: long enough for a
# few channels of one workspace at one read a minute, Slack's limit for an app distributed
# outside its Marketplace.
HISTORY_MARGIN = dt.timedelta(minutes=2)
HISTORY_RETRY_LIMIT = dt.timedelta(minutes=5)


def channel_name(platform: str, channel: str) -> str:
    return f"{platform}:{channel}"


def digest_name(platform: str, channel: str, dossier: str) -> str:
    """How the log names a channel's digest of a dossier."""
    return f"{platform}:{channel} ({dossier})"


class _NotServed(Exception):
    """The subscription's dossier is not served (refused at start, or its folder is gone)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliveryPolicy:
    window: dt.timedelta  # catch-up window, and how long temporary errors are retried
    claim_timeout: dt.timedelta
    backoff: tuple[float, ...]  # seconds between retries; the last repeats
    quiet_days: str  # post | skip | short
    sync_seconds: float

    @classmethod
    def from_settings(cls, settings: Settings) -> DeliveryPolicy:
        return cls(
            window=dt.timedelta(hours=settings.digest_catch_up_hours),
            claim_timeout=dt.timedelta(seconds=settings.digest_claim_timeout_seconds),
            backoff=tuple(float(s) for s in settings.digest_retry_backoff_seconds),
            quiet_days=settings.digest_quiet_days,
            sync_seconds=float(settings.digest_sync_seconds),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Prepared:
    reply: Reply
    pick: Pick | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Sent:
    """A post the platform took: its message id, and whether it settled one in doubt (an
    earlier request may have arrived, so this one was a repeat) by returning the message
    that earlier request made (`earlier`) or a new one."""

    message_id: str
    in_doubt: bool = False
    earlier: bool = False


class Batcher(Generic[T]):
    """Database writes asked for while one is running go together in the next: a round of
    thousands of digests marks and records them a few dozen to a transaction, while a lone
    digest is written at once. `submit` says whether the item's claim was still held."""

    def __init__(
        self, write: Callable[[list[T]], Awaitable[set[Key]]], key: Callable[[T], Key]
    ) -> None:
        self._write = write
        self._key = key
        self._waiting: list[tuple[T, asyncio.Future[bool]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def submit(self, item: T) -> bool:
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._writer is None:
            self._writer = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            await asyncio.sleep(0)  # what the same turn of the loop asks for goes together
            while self._waiting:
                batch, self._waiting = self._waiting, []
                try:
                    held = await self._write([item for item, _ in batch])
                except Exception as exc:
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for item, future in batch:
                    if not future.done():
                        future.set_result(self._key(item) in held)
        finally:
            self._writer = None


class Deliverer:
    """Posts digests for one replica."""

    def __init__(
        self,
        *,
        core: Core,
        store: DigestStore,
        posters: Mapping[str, Poster],
        policy: DeliveryPolicy,
        clock: Callable[[], dt.datetime],
        replica: str,
        counts: DigestCounts | None = None,
    ) -> None:
        self.core = core
        self.counts = counts or NoCounts()  # /metrics: posted, skipped, failed
        self.store = store
        self.posters = posters
        self.policy = policy
        self.clock = clock
        self.replica = replica
        # Digests posted whose record the database has not taken yet, with their message id.
        self._posted: dict[Key, str] = {}
        self.held: dict[Key, Claim] = {}  # the claims this replica holds (its heartbeat)
        self._out: set[Key] = set()  # requests out with no answer yet, or that may have arrived
        # Dead replicas' posts this one looked for and did not find (it posts them itself).
        self._settled: set[Key] = set()
        # What is new in each loaded dossier, being read: once however many digests ask.
        self._reading: dict[int, tuple[Dossier, asyncio.Future[News]]] = {}
        self._marks = Batcher(self._mark, lambda claim: claim.key)
        self._records = Batcher(self._record, lambda done: done.claim.key)

    async def _mark(self, claims: list[Claim]) -> set[Key]:
        return await self.store.run(self.store.mark_sending, claims, now=self.clock())

    async def _record(self, done: list[Done]) -> set[Key]:
        return await self.store.run(self.store.complete_deliveries, done, now=self.clock())

    async def keep_claims(self) -> None:
        """The replica's heartbeat: every third of the claim timeout, one statement refreshes
        every claim it holds, so a slow post is not taken over and a dead replica's are."""
        interval = self.policy.claim_timeout.total_seconds() / 3
        while True:
            await asyncio.sleep(interval)
            if not self.held:
                continue
            try:
                await self.store.run(
                    self.store.refresh_claims,
                    list(self.held),
                    replica=self.replica,
                    now=self.clock(),
                )
            except DatabaseUnavailable as exc:  # the database logs its outage; keep trying
                log.debug("could not refresh the digest claims: %s", exc)

    async def deliver(
        self, sub: Subscription, occurrence: Occurrence, claim: Claim, history: History
    ) -> None:
        """Post a scheduled digest this replica claimed, and record it.

        The database may fail at any step. Before the post, the claim is left as it is: this
        replica resumes it at its next sweep (another takes it over only if this one dies).
        After the post, recording it is retried until the database answers, so the digest
        is never posted again by this replica, however long the outage.
        """
        where = digest_name(*sub.key)
        key = claim.key
        if claim.in_doubt_since is not None:
            log.info(
                "digest of %s for %s: replica %s fell silent with its post on its way; settling "
                "it first",
                where,
                occurrence.local_date,
                claim.taken_over_from,
            )
        elif claim.taken_over_from:
            log.warning(
                "digest of %s for %s taken over from replica %s, silent for over %s",
                where,
                occurrence.local_date,
                claim.taken_over_from,
                self.policy.claim_timeout,
            )
        self.held[key] = claim
        try:
            await self._post_claimed(sub, occurrence, claim, history)
        except asyncio.CancelledError:
            await self._stopped(where, key, claim)
            raise
        except DatabaseUnavailable as exc:  # before the post: this replica resumes it later
            log.debug("digest of %s for %s waits for the database: %s", where, key[3], exc)
        except Exception as exc:
            if isinstance(exc, _NotServed):
                error = f"the dossier {sub.dossier} is not served"
                log.warning(
                    "digest of %s for %s not posted: %s (see the log of the start or the last "
                    "reload)",
                    where,
                    occurrence.local_date,
                    error,
                )
            else:
                error = f"internal error ({type(exc).__name__}); see the bot's log"
                log.exception("digest of %s for %s failed", where, occurrence.local_date)
            with contextlib.suppress(DatabaseUnavailable):  # else resumed at the next sweep
                await self.store.run(
                    self.store.finish_claim, claim, status="failed", now=self.clock(), error=error
                )
        finally:
            self.held.pop(key, None)
            self._out.discard(key)
            self._settled.discard(key)

    async def _stopped(self, where: str, key: Key, claim: Claim) -> None:
        """The bot is stopping: give the claim back if no request is out; a post that may have
        arrived stays recorded as such (its row says a request was out), never posted again."""
        if key in self._posted:
            log.error(
                "digest of %s for %s was posted (message %s) but the bot stopped before the "
                "database recorded it; its row says it may have arrived, so it is not posted "
                "again",
                where,
                key[3],
                self._posted.pop(key),
            )
        elif claim.in_doubt_since is not None and key not in self._settled:
            # A dead replica's post, not settled yet: left `sending`, for the next replica.
            log.info("digest of %s for %s: left for another replica to settle", where, key[3])
        elif key in self._out:
            self.counts.digest_unknown(key[0], "stopped")
            log.warning(
                "digest of %s for %s: the bot stopped while its post was on its way; it may "
                "have arrived, so it is not posted again",
                where,
                key[3],
            )
            with contextlib.suppress(DatabaseUnavailable):
                await self.store.run(
                    self.store.finish_claim,
                    claim,
                    status="unknown",
                    now=self.clock(),
                    error="the bot stopped while the post was on its way",
                )
        else:
            try:
                await self.store.run(self.store.release_claim, claim)
            except DatabaseUnavailable:
                log.warning("could not release the claim on the digest of %s", where)

    async def _post_claimed(
        self, sub: Subscription, occurrence: Occurrence, claim: Claim, history: History
    ) -> None:
        where = digest_name(*sub.key)
        mark = Mark(dossier=sub.dossier, day=occurrence.local_date)
        poster = self.posters[sub.platform]
        repeat_since = None  # a dead replica's post, sent again (`Repeatable`)
        if claim.in_doubt_since is not None:
            if not isinstance(poster, Repeatable):
                if await self._found(sub, mark, claim):
                    return
            elif await self._too_late(sub, mark, claim, poster.repeat_window):
                return
            else:
                repeat_since = claim.in_doubt_since
        prepared = await self._compose(
            sub.key, locale=sub.locale, day=occurrence.local_date, history=history, scheduled=True
        )
        if prepared is None:
            await self.store.run(self.store.finish_claim, claim, status="skipped", now=self.clock())
            self.counts.digest_skipped(sub.platform, "quiet_day")
            log.info("digest of %s for %s skipped: nothing new", where, occurrence.local_date)
            return
        sent = await self._post(
            sub.platform,
            sub.channel,
            sub.dossier,
            prepared.reply,
            team=sub.team,
            deadline=occurrence.at + self.policy.window,
            claim=claim,
            mark=mark,
            in_doubt_since=repeat_since,
        )
        if sent is None:
            return
        message_id = sent.message_id
        if sent.earlier:
            why = f"returned by {sub.platform} for the repeat: an earlier request had made it"
            await self._record_found(where, mark, claim, message_id, why=why)
            return
        self.counts.digest_posted(sub.platform)
        if claim.in_doubt_since is not None or sent.in_doubt:
            self.counts.digest_reconciled(sub.platform, "posted")
        key = claim.key
        self._posted[key] = message_id
        done = Done(
            claim=claim,
            message_id=message_id,
            quote_id=prepared.pick.quote.id if prepared.pick else None,
            rotation_round=prepared.pick.round if prepared.pick else 0,
        )
        kept = await self._until_recorded(where, lambda: self._records.submit(done))
        self._posted.pop(key, None)
        if kept:
            log.info(
                "digest of %s for %s posted (message %s)", where, occurrence.local_date, message_id
            )
        else:
            log.warning(
                "digest of %s for %s posted (message %s) after another replica took the claim "
                "over: this replica was silent past digest_claim_timeout_seconds",
                where,
                occurrence.local_date,
                message_id,
            )

    async def _found(self, sub: Subscription, mark: Mark, claim: Claim) -> bool:
        """Settle the post a dead replica may have made: look for it in the channel's history
        (waiting out rate limits). Found: recorded as posted (True). Not found: False, for
        this replica to post it. Unreadable (a missing scope, no access, an error): recorded
        as unknown, never posted twice (True)."""
        where = digest_name(*sub.key)
        poster = self.posters[sub.platform]
        assert isinstance(poster, Finder) and claim.in_doubt_since is not None
        since = claim.in_doubt_since - HISTORY_MARGIN
        limit = self.clock() + HISTORY_RETRY_LIMIT
        try:
            message_id = await RetryPolicy(backoff=self.policy.backoff).call(
                lambda: poster.find_post(sub.channel, mark, since=since, team=sub.team),
                give_up=lambda _, wait: self.clock() + dt.timedelta(seconds=wait) > limit,
                retry_on=rate_limited,
            )
        except DatabaseUnavailable:
            raise
        except Exception as exc:
            self.counts.digest_reconciled(sub.platform, "unknown")
            self.counts.digest_unknown(sub.platform, "history_unreadable")
            log.warning(
                "digest of %s for %s may or may not have arrived: its channel's history could "
                "not be read (%s); not posted again, /digest now posts it if it is missing",
                where,
                mark.day,
                _describe(exc),
            )
            await self.store.run(
                self.store.finish_claim,
                claim,
                status="unknown",
                now=self.clock(),
                error=f"replica {claim.taken_over_from} fell silent while its post was on its "
                f"way, and the channel's history could not be read ({_describe(exc)})",
            )
            return True
        if message_id is None:
            self._settled.add(claim.key)
            log.info("digest of %s for %s: not in the channel, posting it", where, mark.day)
            return False
        why = f"posted by replica {claim.taken_over_from} before it fell silent"
        await self._record_found(where, mark, claim, message_id, why=why)
        return True

    async def _too_late(
        self, sub: Subscription, mark: Mark, claim: Claim, window: dt.timedelta
    ) -> bool:
        """Whether a dead replica's post, to be sent again (`Repeatable`), is past the window
        in which the platform recognises a repeat: then it is recorded as unknown, never
        posted twice (True)."""
        assert claim.in_doubt_since is not None
        if self.clock() + REPEAT_MARGIN < claim.in_doubt_since + window:
            log.info(
                "digest of %s for %s: sending it again, the same", digest_name(*sub.key), mark.day
            )
            return False
        self.counts.digest_reconciled(sub.platform, "unknown")
        self.counts.digest_unknown(sub.platform, "replica_silent")
        error = (
            f"replica {claim.taken_over_from} fell silent while its post was on its way, "
            f"over {window} ago: too late to send it again without risking it twice"
        )
        log.warning(
            "digest of %s for %s may or may not have arrived: %s; /digest now posts it if it "
            "is missing",
            digest_name(*sub.key),
            mark.day,
            error,
        )
        await self.store.run(
            self.store.finish_claim, claim, status="unknown", now=self.clock(), error=error
        )
        return True

    async def _record_found(
        self, where: str, mark: Mark, claim: Claim, message_id: str, *, why: str
    ) -> None:
        """Record a post in doubt found in its channel (`why`) as posted: never again."""
        self.counts.digest_reconciled(claim.platform, "found")
        self._posted[claim.key] = message_id
        done = Done(claim=claim, message_id=message_id, quote_id=None, rotation_round=0)
        await self._until_recorded(where, lambda: self._records.submit(done))
        self._posted.pop(claim.key, None)
        log.info(
            "digest of %s for %s: found in the channel (message %s), %s; not posted again",
            where,
            mark.day,
            message_id,
            why,
        )

    async def _until_recorded(self, where: str, record: Callable[[], Awaitable[T]]) -> T:
        """Record a post that happened, retrying while the database is unavailable (the one
        retry policy, with the digest's backoff): a post is never forgotten by the replica
        that made it (the bot stopping ends the wait)."""

        async def first_wait(state: RetryCallState) -> None:
            if state.attempt_number == 1:
                failed = state.outcome.exception() if state.outcome else None
                log.warning(
                    "digest of %s posted; recording it waits for the database (%s)", where, failed
                )

        return await RetryPolicy(backoff=self.policy.backoff).call(
            record,
            give_up=lambda attempts, wait: False,
            before_retry=first_wait,
            retry_on=lambda error: isinstance(error, DatabaseUnavailable),
        )

    async def post_now(
        self,
        *,
        platform: str,
        channel: str,
        dossier: str,
        locale: str,
        day: dt.date,
        team: Team | None = None,
    ) -> None:
        """An extra digest asked for with /digest now: no claim, but logged and rotated."""
        where = digest_name(platform, channel, dossier)
        try:
            stream = (platform, channel, dossier)
            history = await self.store.run(self.store.history, [stream])
            prepared = await self._compose(
                stream, locale=locale, day=day, history=history[stream], scheduled=False
            )
            if prepared is None:  # only scheduled digests are skipped; never here
                return
            deadline = self.clock() + min(self.policy.window, NOW_RETRY_LIMIT)
            sent = await self._post(
                platform,
                channel,
                dossier,
                prepared.reply,
                team=team,
                deadline=deadline,
                claim=None,
            )
            if sent is None:
                return
            message_id = sent.message_id
            self.counts.digest_posted(platform)
            await self._until_recorded(
                where,
                lambda: self.store.run(
                    self.store.record_post,
                    platform=platform,
                    channel=channel,
                    dossier=dossier,
                    local_date=day,
                    kind="now",
                    message_id=message_id,
                    quote_id=prepared.pick.quote.id if prepared.pick else None,
                    rotation_round=prepared.pick.round if prepared.pick else 0,
                    now=self.clock(),
                ),
            )
            log.info("digest of %s posted on request (message %s)", where, message_id)
        except DatabaseUnavailable as exc:
            log.warning("digest asked for with /digest now in %s not posted: %s", where, exc)
        except _NotServed:
            log.warning("digest asked for with /digest now in %s: its dossier is not served", where)
        except Exception:
            log.exception("digest asked for with /digest now in %s failed", where)

    async def news(self, name: str, dossier: Dossier, today: dt.date) -> News:
        """What is new in a loaded dossier, as every replica says (bot.digest.first_seen):
        read from the database once per loaded dossier; DatabaseUnavailable if it cannot."""
        found = known_news(self.store, dossier)
        if found is not None:
            return found
        reading = self._reading.get(id(dossier))
        if reading is None or reading[0] is not dossier:
            future = asyncio.ensure_future(
                self.store.run(dated_news, self.store, name, dossier, today)
            )
            self._reading[id(dossier)] = (dossier, future)

            def ended(done: asyncio.Future[News], key: int = id(dossier)) -> None:
                self._reading.pop(key, None)
                if not done.cancelled():
                    done.exception()  # retrieved: its waiters may all have been cancelled

            future.add_done_callback(ended)
            reading = (dossier, future)
        return await asyncio.shield(reading[1])

    async def _compose(
        self, stream: Stream, *, locale: str, day: dt.date, history: History, scheduled: bool
    ) -> Prepared | None:
        """The digest of a dossier for a channel and day after `history`; None when a quiet
        day is to be skipped. _NotServed when the dossier is not served; DatabaseUnavailable
        when the database cannot say what is new."""
        platform, channel, dossier = stream
        request = Request(command="digest", platform=platform, channel=channel, locale=locale)
        try:  # one dossier for the whole digest, whatever reloads
            ctx = self.core.context_in(dossier, request)
        except KeyError:
            raise _NotServed(dossier) from None
        ctx = structs.replace(ctx, locale=locale, today=day)
        news = await self.news(dossier, ctx.dossier, day)
        since = history.last_post
        quiet = since is not None and not news.has_news(since)
        if quiet and scheduled and self.policy.quiet_days == "skip":
            return None
        pick = pick_quote(
            ctx.dossier.corpus.quotes,
            shown=history.shown,
            round=history.round,
            seed=channel_name(platform, channel),
        )
        reply = compose_digest(
            ctx,
            since=since,
            quote=pick.quote if pick else None,
            short=quiet and scheduled and self.policy.quiet_days == "short",
            news=news,
        )
        return Prepared(reply=reply, pick=pick)

    async def _post(
        self,
        platform: str,
        channel: str,
        dossier: str,
        reply: Reply,
        *,
        team: Team | None,
        deadline: dt.datetime,
        claim: Claim | None,
        mark: Mark | None = None,
        in_doubt_since: dt.datetime | None = None,
    ) -> Sent | None:
        """Post, retrying temporary errors with backoff until `deadline`; None if it failed.

        The retries are the one policy of bot.delivery (the posters make one request each),
        so each attempt is one request and is counted once. A permanent error pauses the
        channel's subscription to the dossier. While waiting, the claim is refreshed so other
        replicas do not take this one for dead. A post that may have arrived (sent, and no
        answer came) is not retried: at most once, never twice. Except a marked post to a
        `Repeatable` platform: it is sent again, the same, while the first request that may
        have arrived (`in_doubt_since`, a dead replica's, or this replica's own that got no
        answer) is within the platform's window; past it, it is recorded as unknown.
        """
        where = digest_name(platform, channel, dossier)
        poster = self.posters[platform]
        key = claim.key if claim is not None else None
        window = (
            poster.repeat_window if mark is not None and isinstance(poster, Repeatable) else None
        )
        doubt = in_doubt_since if window is not None else None
        sent_at = self.clock()  # when the last request went out
        await poster.ready(channel, team=team)  # paced: the platform's limits, rarely a 429
        if claim is not None and not await self._marks.submit(claim):
            log.warning("digest for %s: claim lost before posting; leaving it", where)
            return None

        def give_up(attempts: int, wait: float) -> bool:
            at = self.clock() + dt.timedelta(seconds=wait)
            return at > deadline or (
                doubt is not None and window is not None and at > doubt + window
            )

        async def before_retry(state: RetryCallState) -> None:
            failed = state.outcome.exception() if state.outcome else None
            if not isinstance(failed, DeliveryError):  # a poster's bug, or unwrapped network
                log.error("posting the digest to %s raised", where, exc_info=failed)
            wait = state.upcoming_sleep
            error = _describe(failed)
            log.info("digest for %s: temporary error (%s), retrying in %.0f s", where, error, wait)
            if claim is not None and not await self.store.run(
                self.store.refresh_claim,
                claim,
                now=self.clock(),
                error=error,
                in_doubt=doubt is not None,
            ):
                raise _ClaimLost

        async def sleep(seconds: float) -> None:
            await asyncio.sleep(seconds)
            await poster.ready(channel, team=team)
            # The next request may be out from now on: the row says so (attempt).
            if claim is not None and not await self.store.run(
                self.store.refresh_claim, claim, now=self.clock(), attempt=True
            ):
                raise _ClaimLost

        async def request() -> str:
            nonlocal doubt, sent_at
            closes = doubt + window if doubt is not None and window is not None else None
            if closes is not None and self.clock() + REPEAT_MARGIN >= closes:  # as it leaves
                raise DeliveryError(
                    f"too late to send it again within {platform}'s {window} without "
                    "risking it twice",
                    permanent=True,
                    maybe_posted=True,
                )
            if key is not None:
                self._out.add(key)
            sent_at = self.clock()
            try:
                message_id = await poster.post(channel, reply, team=team, mark=mark)
            except asyncio.CancelledError:
                raise  # stopped with the request out: it may have arrived
            except BaseException as exc:
                maybe = isinstance(exc, DeliveryError) and exc.maybe_posted
                if key is not None and not maybe and doubt is None:
                    # Answered, and no earlier request may have arrived: nothing is out.
                    self._out.discard(key)
                if maybe and window is not None and doubt is None:
                    doubt = sent_at  # sent again, the same, within the window from here
                raise
            if key is not None:
                self._out.discard(key)
            return message_id

        retrying = RetryPolicy(backoff=self.policy.backoff).retrying(
            give_up=give_up,
            before_retry=before_retry,
            sleep=sleep,
            retry_on=may_repeat if window is not None else may_retry,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    message_id = await request()
                    return self._sent(message_id, poster, doubt=doubt, sent_at=sent_at)
        except _ClaimLost:
            log.warning("digest for %s: claim lost while retrying; leaving it", where)
            return None
        except DeliveryError as exc:
            if exc.permanent and not exc.maybe_posted:
                await self._pause(platform, channel, dossier, reason=str(exc), claim=claim)
                return None
            if exc.maybe_posted or doubt is not None:  # an earlier request may have arrived
                await self._unknown(where, str(exc), claim, platform, repeated=doubt is not None)
                return None
            error = str(exc)
        except DatabaseUnavailable:
            raise  # refreshing the claim: the delivery resumes at the next sweep
        except Exception as exc:  # a poster's bug or an unwrapped network error, to the end
            log.exception("posting the digest to %s raised", where)
            error = _describe(exc)
        attempts = retrying.statistics.get("attempt_number", 1)
        self.counts.digest_failed(platform, permanent=False)
        log.warning("digest for %s given up after %d attempts: %s", where, attempts, error)
        if claim is not None:
            await self.store.run(
                self.store.finish_claim,
                claim,
                status="failed",
                now=self.clock(),
                error=f"gave up after {attempts} attempts: {error}",
            )
        return None

    @staticmethod
    def _sent(
        message_id: str, poster: Poster, *, doubt: dt.datetime | None, sent_at: dt.datetime
    ) -> Sent:
        """The post taken; when one in doubt was sent again, whether the message is an earlier
        request's: made before this one went out (to the platform's millisecond)."""
        if doubt is None or not isinstance(poster, Repeatable):
            return Sent(message_id=message_id)
        cut = sent_at.replace(microsecond=sent_at.microsecond // 1000 * 1000)
        return Sent(
            message_id=message_id, in_doubt=True, earlier=poster.created_at(message_id) < cut
        )

    async def _unknown(
        self, where: str, error: str, claim: Claim | None, platform: str, *, repeated: bool
    ) -> None:
        """A post that may have arrived, recorded as such: not posted again. `repeated`: one
        in doubt that was being sent again, the same, and could not be within the window."""
        self.counts.digest_unknown(platform, "no_answer")
        if repeated:
            self.counts.digest_reconciled(platform, "unknown")
        log.warning(
            "digest for %s may or may not have arrived (%s): not posted again, so that it "
            "cannot appear twice; /digest now posts it if it is missing",
            where,
            error,
        )
        if claim is not None:
            await self.store.run(
                self.store.finish_claim, claim, status="unknown", now=self.clock(), error=error
            )

    async def _pause(
        self, platform: str, channel: str, dossier: str, *, reason: str, claim: Claim | None
    ) -> None:
        now = self.clock()
        self.counts.digest_failed(platform, permanent=True)
        if claim is not None:
            await self.store.run(
                self.store.finish_claim, claim, status="failed", now=now, error=reason
            )
        await self.store.run(self.store.pause, platform, channel, dossier, reason=reason, now=now)
        log.warning(
            "digest of %s paused after a permanent error: %s",
            digest_name(platform, channel, dossier),
            reason,
        )
