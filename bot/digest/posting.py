"""Posting one digest: claim it, compose it, post it with retries, then record it or pause.

The scheduler (bot.digest.service) decides when a digest is due; this decides whether this
replica posts it (the claim), what it says, and what a platform's refusal means.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from bot.config import Settings
from bot.core import Context, Core, Request
from bot.delivery import Poster, RetryPolicy, Team
from bot.digest.compose import compose_digest, has_news
from bot.digest.records import Claim, Key, Subscription
from bot.digest.rotation import Pick, pick_quote
from bot.digest.store import DigestStore
from bot.digest.when import Occurrence
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


def channel_name(platform: str, channel: str) -> str:
    return f"{platform}:{channel}"


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

    async def deliver(self, sub: Subscription, occurrence: Occurrence) -> None:
        """Claim a scheduled digest and, if this replica won it, post and record it.

        The database may fail at any step. Before the post, the claim is left as it is: this
        replica resumes it at its next sweep (another takes it over only if this one dies).
        After the post, recording it is retried until the database answers, so the digest
        is never posted again by this replica, however long the outage.
        """
        where = channel_name(sub.platform, sub.channel)
        key = (sub.platform, sub.channel, occurrence.local_date)
        try:
            claim = await self.store.run(
                self.store.claim_delivery,
                platform=sub.platform,
                channel=sub.channel,
                local_date=occurrence.local_date,
                scheduled_at=occurrence.at,
                replica=self.replica,
                now=self.clock(),
                stale_after=self.policy.claim_timeout,
            )
        except DatabaseUnavailable as exc:  # logged once by the database; the sweep retries
            log.debug("digest of %s for %s waits for the database: %s", where, key[2], exc)
            return
        if claim is None:
            return
        if claim.taken_over_from:
            log.warning(
                "digest of %s for %s taken over from replica %s, silent for over %s",
                where,
                occurrence.local_date,
                claim.taken_over_from,
                self.policy.claim_timeout,
            )
        heartbeat = asyncio.create_task(self._keep_claim(claim))
        try:
            await self._post_claimed(sub, occurrence, claim)
        except asyncio.CancelledError:
            if key in self._posted:
                log.error(
                    "digest of %s for %s was posted (message %s) but the bot stopped before "
                    "the database recorded it; its claim is kept, and if this replica does not "
                    "come back within digest_claim_timeout_seconds another one posts it again",
                    where,
                    occurrence.local_date,
                    self._posted.pop(key),
                )
            else:
                try:
                    await self.store.run(self.store.release_claim, claim)
                except DatabaseUnavailable:
                    log.warning("could not release the claim on the digest of %s", where)
            raise
        except DatabaseUnavailable as exc:  # before the post: this replica resumes it later
            log.debug("digest of %s for %s waits for the database: %s", where, key[2], exc)
        except Exception as exc:
            log.exception("digest of %s for %s failed", where, occurrence.local_date)
            with contextlib.suppress(DatabaseUnavailable):  # else resumed at the next sweep
                await self.store.run(
                    self.store.finish_claim,
                    claim,
                    status="failed",
                    now=self.clock(),
                    error=f"internal error ({type(exc).__name__}); see the bot's log",
                )
        finally:
            heartbeat.cancel()

    async def _keep_claim(self, claim: Claim) -> None:
        """Refresh a held claim every third of the timeout, so a slow post is not taken over."""
        interval = self.policy.claim_timeout.total_seconds() / 3
        while True:
            await asyncio.sleep(interval)
            try:
                if not await self.store.run(self.store.refresh_claim, claim, now=self.clock()):
                    return  # finished or lost; the delivery itself notices and says so
            except DatabaseUnavailable as exc:  # the database logs its outage; keep trying
                log.debug("could not refresh a digest claim: %s", exc)

    async def _post_claimed(self, sub: Subscription, occurrence: Occurrence, claim: Claim) -> None:
        where = channel_name(sub.platform, sub.channel)
        prepared = await self._prepare(
            platform=sub.platform,
            channel=sub.channel,
            locale=sub.locale,
            day=occurrence.local_date,
            scheduled=True,
        )
        if prepared is None:
            await self.store.run(self.store.finish_claim, claim, status="skipped", now=self.clock())
            self.counts.digest_skipped(sub.platform, "quiet_day")
            log.info("digest of %s for %s skipped: nothing new", where, occurrence.local_date)
            return
        message_id = await self._post(
            sub.platform,
            sub.channel,
            prepared.reply,
            team=sub.team,
            deadline=occurrence.at + self.policy.window,
            claim=claim,
        )
        if message_id is None:
            return
        self.counts.digest_posted(sub.platform)
        key = (sub.platform, sub.channel, occurrence.local_date)
        self._posted[key] = message_id
        kept = await self._until_recorded(
            where,
            lambda: self.store.run(
                self.store.complete_delivery,
                claim,
                message_id=message_id,
                now=self.clock(),
                quote_id=prepared.pick.quote.id if prepared.pick else None,
                rotation_round=prepared.pick.round if prepared.pick else 0,
            ),
        )
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

    async def _until_recorded(self, where: str, record: Callable[[], Awaitable[T]]) -> T:
        """Record a post that happened, retrying while the database is unavailable: a post is
        never forgotten by the replica that made it (the bot stopping ends the wait)."""
        attempt = 0
        while True:
            try:
                return await record()
            except DatabaseUnavailable as exc:
                if attempt == 0:
                    log.warning(
                        "digest of %s posted; recording it waits for the database (%s)", where, exc
                    )
                wait = self.policy.backoff[min(attempt, len(self.policy.backoff) - 1)]
                attempt += 1
                await asyncio.sleep(wait)

    async def post_now(
        self, *, platform: str, channel: str, locale: str, day: dt.date, team: Team | None = None
    ) -> None:
        """An extra digest asked for with /digest now: no claim, but logged and rotated."""
        where = channel_name(platform, channel)
        try:
            prepared = await self._prepare(
                platform=platform, channel=channel, locale=locale, day=day, scheduled=False
            )
            if prepared is None:  # only scheduled digests are skipped; never here
                return
            deadline = self.clock() + min(self.policy.window, NOW_RETRY_LIMIT)
            message_id = await self._post(
                platform, channel, prepared.reply, team=team, deadline=deadline, claim=None
            )
            if message_id is None:
                return
            self.counts.digest_posted(platform)
            await self._until_recorded(
                where,
                lambda: self.store.run(
                    self.store.record_post,
                    platform=platform,
                    channel=channel,
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
        except Exception:
            log.exception("digest asked for with /digest now in %s failed", where)

    async def _prepare(
        self, *, platform: str, channel: str, locale: str, day: dt.date, scheduled: bool
    ) -> Prepared | None:
        """The digest for a channel and day; None when a quiet day is to be skipped."""
        last = await self.store.run(self.store.last_post, platform, channel)
        since = last.local_date if last else None
        dossier = self.core.dossier  # one dossier for the whole digest, whatever reloads
        corpus = dossier.corpus
        quiet = since is not None and not has_news(dossier, since)
        if quiet and scheduled and self.policy.quiet_days == "skip":
            return None
        rotation_round, shown = await self.store.run(self.store.rotation, platform, channel)
        pick = pick_quote(
            corpus.quotes, shown=shown, round=rotation_round, seed=channel_name(platform, channel)
        )
        ctx = self._context(platform=platform, channel=channel, locale=locale, day=day)
        ctx = dataclasses.replace(ctx, dossier=dossier)
        reply = compose_digest(
            ctx,
            since=since,
            quote=pick.quote if pick else None,
            short=quiet and scheduled and self.policy.quiet_days == "short",
        )
        return Prepared(reply=reply, pick=pick)

    def _context(self, *, platform: str, channel: str, locale: str, day: dt.date) -> Context:
        request = Request(command="digest", platform=platform, channel=channel, locale=locale)
        return dataclasses.replace(self.core.context(request), locale=locale, today=day)

    async def _post(
        self,
        platform: str,
        channel: str,
        reply: Reply,
        *,
        team: Team | None,
        deadline: dt.datetime,
        claim: Claim | None,
    ) -> str | None:
        """Post, retrying temporary errors with backoff until `deadline`; None if it failed.

        The retries are the one policy of bot.delivery (the posters make one request each),
        so each attempt is one request and is counted once. A permanent error pauses the
        channel's subscription. While waiting, the claim is refreshed so other replicas do
        not take this one for dead. A post that may have arrived (sent, and no answer came)
        is not retried: at most once, never twice.
        """
        where = channel_name(platform, channel)
        poster = self.posters[platform]

        def give_up(attempts: int, wait: float) -> bool:
            return self.clock() + dt.timedelta(seconds=wait) > deadline

        async def before_retry(state: RetryCallState) -> None:
            failed = state.outcome.exception() if state.outcome else None
            if not isinstance(failed, DeliveryError):  # a poster's bug, or unwrapped network
                log.error("posting the digest to %s raised", where, exc_info=failed)
            wait = state.upcoming_sleep
            error = _describe(failed)
            log.info("digest for %s: temporary error (%s), retrying in %.0f s", where, error, wait)
            if claim is not None and not await self.store.run(
                self.store.refresh_claim, claim, now=self.clock(), error=error
            ):
                raise _ClaimLost

        async def sleep(seconds: float) -> None:
            await asyncio.sleep(seconds)
            if claim is not None and not await self.store.run(
                self.store.refresh_claim, claim, now=self.clock(), attempt=True
            ):
                raise _ClaimLost

        retrying = RetryPolicy(backoff=self.policy.backoff).retrying(
            give_up=give_up, before_retry=before_retry, sleep=sleep
        )
        try:
            async for attempt in retrying:
                with attempt:
                    return await poster.post(channel, reply, team=team)
        except _ClaimLost:
            log.warning("digest for %s: claim lost while retrying; leaving it", where)
            return None
        except DeliveryError as exc:
            if exc.permanent:
                await self._pause(platform, channel, reason=str(exc), claim=claim)
                return None
            if exc.maybe_posted:
                await self._unknown(where, str(exc), claim)
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

    async def _unknown(self, where: str, error: str, claim: Claim | None) -> None:
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
        self, platform: str, channel: str, *, reason: str, claim: Claim | None
    ) -> None:
        now = self.clock()
        self.counts.digest_failed(platform, permanent=True)
        if claim is not None:
            await self.store.run(
                self.store.finish_claim, claim, status="failed", now=now, error=reason
            )
        await self.store.run(self.store.pause, platform, channel, reason=reason, now=now)
        log.warning(
            "digest of %s paused after a permanent error: %s",
            channel_name(platform, channel),
            reason,
        )
