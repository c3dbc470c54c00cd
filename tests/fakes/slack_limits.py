"""Slack's chat.postMessage rate limits, for the fakes: per channel, per workspace, Retry-After.

Slack documents about one message a second per channel with short bursts allowed, and a
workspace-wide limit of several hundred messages a minute on top; beyond either it answers
HTTP 429, `Retry-After: <seconds>` and `{"ok": false, "error": "ratelimited"}`. Both fakes
(the one in the tests and the standalone fleet of the benchmark) enforce the limits with this
one class, so they agree on what counts as a burst and on what "honouring Retry-After" means:
a post to a channel before the Retry-After it was last given has elapsed is not honoured (and
is refused again). conversations.history is a Tier 3 method (50+ calls a minute per
workspace): `check_history` limits it the same way, apart from posts.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web


@dataclass(frozen=True, slots=True, kw_only=True)
class SlackLimits:
    """Token buckets: `*_rate` posts a second sustained, `*_burst` posts at once."""

    channel_rate: float = 1.0
    channel_burst: int = 3
    workspace_rate: float = 5.0  # 300 a minute: Slack's "several hundred messages per minute"
    workspace_burst: int = 8  # fewer than a workspace's ten channels: a digest round bursts
    history_rate: float = 50 / 60  # conversations.history, Tier 3: 50 calls a minute
    history_burst: int = 5


@dataclass(frozen=True, slots=True, kw_only=True)
class Throttle:
    """One 429: where, when (the limiter's clock), what it asked, and why."""

    team_id: str
    channel: str
    at: float
    retry_after: int
    reason: str  # "channel" | "workspace" | "unhonoured" (posted again before Retry-After)


@dataclass(slots=True)
class _Bucket:
    tokens: float
    stamp: float

    def take(self, now: float, rate: float, burst: int) -> float:
        """Seconds until a token is free (0.0: one was taken)."""
        self.tokens = min(float(burst), self.tokens + (now - self.stamp) * rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / rate


@dataclass(slots=True)
class RateLimiter:
    """Decides each chat.postMessage: None to accept it, or the Throttle to answer with."""

    limits: SlackLimits
    clock: Callable[[], float] = time.monotonic
    throttled: list[Throttle] = field(default_factory=list)  # every 429 answered
    unhonoured: list[Throttle] = field(default_factory=list)  # the 429s for ignoring one
    _channels: dict[tuple[str, str], _Bucket] = field(default_factory=dict)
    _workspaces: dict[str, _Bucket] = field(default_factory=dict)
    _not_before: dict[tuple[str, str], float] = field(default_factory=dict)
    _history: dict[str, _Bucket] = field(default_factory=dict)
    history_throttled: list[Throttle] = field(default_factory=list)  # history's 429s

    def _too_soon(
        self, key: tuple[str, str], team_id: str, channel: str, now: float
    ) -> Throttle | None:
        """The 429 for a call before the Retry-After last given for `key` has elapsed (not
        honoured: counted, and refused again), or None."""
        blocked_until = self._not_before.get(key, 0.0)
        if now >= blocked_until:
            return None
        hit = Throttle(
            team_id=team_id,
            channel=channel,
            at=now,
            retry_after=max(1, math.ceil(blocked_until - now)),
            reason="unhonoured",
        )
        self.unhonoured.append(hit)
        return hit

    def check_history(self, team_id: str) -> Throttle | None:
        """Decide a conversations.history call: None to answer it, or the Throttle; a call
        before the Retry-After last given has elapsed is not honoured."""
        now = self.clock()
        key = (team_id, "conversations.history")
        hit = self._too_soon(key, team_id, "", now)
        if hit is not None:
            self.history_throttled.append(hit)
            return hit
        bucket = self._history.get(team_id)
        if bucket is None:
            bucket = self._history[team_id] = _Bucket(float(self.limits.history_burst), now)
        wait = bucket.take(now, self.limits.history_rate, self.limits.history_burst)
        if not wait:
            return None
        retry_after = max(1, math.ceil(wait))
        self._not_before[key] = now + retry_after
        hit = Throttle(
            team_id=team_id, channel="", at=now, retry_after=retry_after, reason="history"
        )
        self.history_throttled.append(hit)
        return hit

    def check(self, team_id: str, channel: str) -> Throttle | None:
        now = self.clock()
        key = (team_id, channel)
        hit = self._too_soon(key, team_id, channel, now)
        if hit is not None:
            self.throttled.append(hit)
            return hit
        limits = self.limits
        channel_bucket = self._channels.get(key)
        if channel_bucket is None:
            channel_bucket = self._channels[key] = _Bucket(float(limits.channel_burst), now)
        workspace_bucket = self._workspaces.get(team_id)
        if workspace_bucket is None:
            workspace_bucket = self._workspaces[team_id] = _Bucket(
                float(limits.workspace_burst), now
            )
        wait = channel_bucket.take(now, limits.channel_rate, limits.channel_burst)
        reason = "channel"
        if not wait:
            wait = workspace_bucket.take(now, limits.workspace_rate, limits.workspace_burst)
            reason = "workspace"
            if wait:
                channel_bucket.tokens += 1.0  # the post was refused: give its channel token back
        if not wait:
            return None
        retry_after = max(1, math.ceil(wait))
        self._not_before[key] = now + retry_after
        hit = Throttle(
            team_id=team_id, channel=channel, at=now, retry_after=retry_after, reason=reason
        )
        self.throttled.append(hit)
        return hit


def ratelimited(throttle: Throttle) -> web.Response:
    """Slack's answer to a post beyond its limits."""
    return web.json_response(
        {"ok": False, "error": "ratelimited"},
        status=429,
        headers={"Retry-After": str(throttle.retry_after)},
    )
