"""What the composition root hands every platform shell, for tests that start one directly,
and posting through the one retry policy as the digest does."""

from __future__ import annotations

from typing import Any

from bot.delivery import Poster, RetryPolicy
from bot.ops.inflight import REPLIES
from bot.ops.readiness import report
from bot.reply import Reply

WIRING: dict[str, Any] = {"report": report, "in_flight": REPLIES}


async def post_as_the_digest_does(
    poster: Poster, channel: str, reply: Reply, *, attempts: int = 3, backoff: float = 0.01
) -> str:
    """Post through the one retry policy (bot.delivery), as the digest and the alerts do:
    at most `attempts` requests, `backoff` seconds apart or as long as the platform asks."""
    retrying = RetryPolicy(backoff=(backoff,)).retrying(give_up=lambda tried, _: tried >= attempts)
    async for attempt in retrying:
        with attempt:
            return await poster.post(channel, reply)
    raise AssertionError("unreachable: the policy returns or raises")
