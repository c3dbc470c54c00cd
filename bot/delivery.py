"""What the digest needs from a platform: post a reply into a channel, unprompted; and the
one retry policy for those posts.

A poster makes one request per `post`; whoever posts retries through `RetryPolicy`, so every
attempt is one request, counted once (no retry loop inside another).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypeVar, runtime_checkable

from bot.errors import DeliveryError
from bot.reply import Reply

if TYPE_CHECKING:
    from tenacity import AsyncRetrying, RetryCallState

T = TypeVar("T")


@dataclass(frozen=True, slots=True, kw_only=True)
class Team:
    """The workspace a channel is in, where one app serves many: Slack's team id and, inside
    an Enterprise Grid org, the org's id. A post there uses that workspace's token."""

    team_id: str | None = None
    enterprise_id: str | None = None

    def __str__(self) -> str:
        return "/".join(part for part in (self.enterprise_id, self.team_id) if part) or "-"

    @property
    def workspace(self) -> str:
        """Whose rate limits a post here counts against: the workspace's team id (a Discord
        server's id), else the org's (an org-wide install); "" when neither is known."""
        return self.team_id or self.enterprise_id or ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Mark:
    """What tells a scheduled digest's post apart in its channel, so that the bot can find
    it there later (the channel is the history's): its dossier and local date. Slack carries
    it as the message's metadata (`DIGEST_EVENT`)."""

    dossier: str
    day: dt.date


# The metadata event type of a digest post on Slack, with its Mark as the payload.
DIGEST_EVENT = "dispute_bot_digest"


class Poster(Protocol):
    """Posts a Reply to a channel and returns the platform's message id.

    `team` says which workspace the channel is in (Slack installed by OAuth posts with that
    workspace's token; other posters ignore it). Raises `bot.errors.DeliveryError`:
    `permanent=True` when retrying cannot help (channel gone, bot removed, app uninstalled,
    no access), `permanent=False` for rate limits, 5xx and network errors, with
    `maybe_posted=True` when the request went out and no answer came back.
    """

    platform: str

    async def ready(self, channel: str, *, team: Team | None = None) -> None:
        """Wait until a post into `channel` would be within the platform's rate limits (a
        platform without any returns at once). The digest waits here before it marks a post
        as being sent, so the mark and the request stay close together."""
        ...

    async def post(
        self, channel: str, reply: Reply, *, team: Team | None = None, mark: Mark | None = None
    ) -> str:
        """`mark`, when given, goes with the post where the platform keeps it, for `Finder`."""
        ...


@runtime_checkable
class Finder(Protocol):
    """A poster that can tell whether a marked post arrived, by reading the channel's history:
    how a replica settles the post a dead one may have made (bot.digest.posting).

    `answer_within`: how long one of its requests may be out before it is given up; a post
    older than that has arrived or never will, so the history can be read for it."""

    answer_within: dt.timedelta

    async def find_post(
        self, channel: str, mark: Mark, *, since: dt.datetime, team: Team | None = None
    ) -> str | None:
        """The id of the bot's message marked `mark` posted in `channel` since `since`, or None
        when the history shows none. Raises DeliveryError when the history cannot be read
        (`permanent`: a missing scope, no access; `retry_after`: rate limited)."""
        ...


@runtime_checkable
class Repeatable(Protocol):
    """A poster whose marked post, sent again, cannot appear twice for a while: the platform
    answers a repeat with the message an earlier request made, if one did (Discord's nonce,
    enforced). How a replica settles a post that may have arrived, a dead replica's or its
    own that got no answer (bot.digest.posting): it sends it again, within `repeat_window`
    of the first request that may have arrived; later, it is left unknown."""

    repeat_window: dt.timedelta

    def created_at(self, message_id: str) -> dt.datetime:
        """When the platform made the message `message_id` (read from its id): made before
        the repeat went out, it is the earlier request's."""
        ...


class Pacer:
    """Posts paced per lane (a Slack workspace, say): a burst, then `rate` a second, and a lane
    held back for as long as the platform asked (`Retry-After`), so rate limits are rarely
    hit and never pushed against. Lanes are independent: a slow one holds up no other.

    A lane is a token bucket whose level may go below zero: each slot taken while it is empty
    is a slot reserved further in the future."""

    def __init__(
        self, *, rate: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._lanes: dict[object, tuple[float, float]] = {}  # lane -> (tokens, when)

    def _level(self, lane: object, now: float) -> float:
        tokens, when = self._lanes.get(lane, (float(self.burst), now))
        return min(float(self.burst), tokens + (now - when) * self.rate)

    def wait(self, lane: object) -> float:
        """Take a slot in `lane`: the seconds to wait for it (0.0 when it is free now)."""
        now = self._clock()
        tokens = self._level(lane, now) - 1.0
        self._lanes[lane] = (tokens, now)
        if len(self._lanes) > 100_000:
            self._forget(now)
        return -tokens / self.rate if tokens < 0 else 0.0

    async def slot(self, lane: object) -> None:
        """Wait for a slot in `lane`."""
        seconds = self.wait(lane)
        if seconds > 0:
            await asyncio.sleep(seconds)

    def hold(self, lane: object, seconds: float) -> None:
        """The platform asked this lane to wait `seconds` (a 429's Retry-After): no slot is
        free before then, and they come back one at a time."""
        now = self._clock()
        self._lanes[lane] = (min(self._level(lane, now), -seconds * self.rate), now)

    def _forget(self, now: float) -> None:
        """Drop the lanes full again (idle long enough): they read as full when missing."""
        for lane in [lane for lane in self._lanes if self._level(lane, now) >= self.burst]:
            del self._lanes[lane]


def rate_limited(error: BaseException) -> bool:
    """A refusal that only asks to wait (a 429's Retry-After): the one error a history read
    is retried for; any other leaves the digest's outcome unknown."""
    return isinstance(error, DeliveryError) and error.retry_after is not None


def may_retry(error: BaseException) -> bool:
    """A temporary failure: retrying may help, and cannot post twice. A post that may have
    arrived is not retried (at most once; a `Repeatable` poster's is sent again, see
    `may_repeat`); a poster's own bug is retried like a network error."""
    if isinstance(error, DeliveryError):
        return not error.permanent and not error.maybe_posted
    return isinstance(error, Exception)


def may_repeat(error: BaseException) -> bool:
    """What a `Repeatable` poster's marked post is retried for, within its window: what
    `may_retry` allows, and a request that got no answer (the repeat cannot post twice)."""
    if isinstance(error, DeliveryError) and error.maybe_posted:
        return not error.permanent
    return may_retry(error)


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryPolicy:
    """When a post that failed is tried again: after `backoff[n-1]` seconds for attempt n
    (the last one repeats), or longer when the platform asked (`retry_after`)."""

    backoff: Sequence[float]

    def wait(self, attempt: int, error: BaseException | None) -> float:
        """Seconds before the attempt after `attempt`, which failed with `error`: what the
        platform asked (a rate limit's Retry-After: not a failure, so no backoff on top),
        else the backoff."""
        asked = error.retry_after if isinstance(error, DeliveryError) else None
        if asked:
            return asked
        return float(self.backoff[min(attempt, len(self.backoff)) - 1])

    def retrying(
        self,
        *,
        give_up: Callable[[int, float], bool],
        before_retry: Callable[[RetryCallState], Awaitable[None]] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        retry_on: Callable[[BaseException], bool] = may_retry,
    ) -> AsyncRetrying:
        """A tenacity loop: retries what `retry_on` allows (a post: `may_retry`) until
        `give_up(attempts, wait)` says the next wait is too long; the last error is raised
        as it was."""
        from tenacity import AsyncRetrying, retry_if_exception

        def wait(state: RetryCallState) -> float:
            return self.wait(state.attempt_number, _error(state))

        def stop(state: RetryCallState) -> bool:
            return give_up(state.attempt_number, wait(state))

        return AsyncRetrying(
            retry=retry_if_exception(retry_on),
            wait=wait,
            stop=stop,
            before_sleep=before_retry,
            sleep=sleep,
            reraise=True,
        )

    async def call(
        self,
        attempt: Callable[[], Awaitable[T]],
        *,
        give_up: Callable[[int, float], bool],
        before_retry: Callable[[RetryCallState], Awaitable[None]] | None = None,
        retry_on: Callable[[BaseException], bool] = may_retry,
    ) -> T:
        """`attempt()` until it returns, through `retrying`; the last error is raised."""
        retrying = self.retrying(give_up=give_up, before_retry=before_retry, retry_on=retry_on)
        async for round_ in retrying:
            with round_:
                return await attempt()
        raise AssertionError("unreachable: tenacity returns or raises")  # pragma: no cover


async def post_retrying(
    poster: Poster,
    channel: str,
    reply: Reply,
    *,
    policy: RetryPolicy,
    attempts: int,
    max_wait: float = float("inf"),
    team: Team | None = None,
) -> str:
    """Post through the one retry policy: `attempts` requests at most, none after a wait
    longer than `max_wait` (the admins' alerts; the digest adds its claims around its own)."""
    return await policy.call(
        lambda: poster.post(channel, reply, team=team),
        give_up=lambda tried, wait: tried >= attempts or wait > max_wait,
    )


def _error(state: RetryCallState) -> BaseException | None:
    return state.outcome.exception() if state.outcome is not None else None


def may_have_arrived(exc: BaseException) -> bool:
    """Whether a request that failed with `exc` may still have reached the platform: it went
    out and no answer came back (a timeout, a connection dropped mid-request). One whose
    connection never opened did not; posting it again cannot post twice."""
    import aiohttp

    if isinstance(exc, aiohttp.ClientConnectorError | aiohttp.ConnectionTimeoutError):
        return False
    return isinstance(exc, TimeoutError | aiohttp.ClientError | OSError)


def network_failure(exc: BaseException, *, platform: str, message: str) -> DeliveryError:
    """A post that got no answer, as a temporary DeliveryError; `maybe_posted` when the
    request went out (never posted again). `message` has a `{what}` slot: "no answer from
    <platform>" or "cannot reach <platform>"."""
    maybe = may_have_arrived(exc)
    what = f"no answer from {platform}" if maybe else f"cannot reach {platform}"
    text = f"{message.replace('{what}', what, 1)} ({type(exc).__name__})"
    return DeliveryError(text, permanent=False, maybe_posted=maybe)
