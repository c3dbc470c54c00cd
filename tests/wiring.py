"""What the composition root hands every platform shell, for tests that start one directly,
and posting through the bot's own retry loop (bot.delivery.post_retrying)."""

from __future__ import annotations

from typing import Any

from bot.delivery import Poster, RetryPolicy, post_retrying
from bot.ops.inflight import REPLIES
from bot.ops.readiness import report
from bot.reply import Reply

WIRING: dict[str, Any] = {"report": report, "in_flight": REPLIES}


async def post_with_retries(poster: Poster, channel: str, reply: Reply) -> str:
    """Post as the bot posts unprompted: three requests at most, 10 ms apart or as long as
    the platform asks."""
    return await post_retrying(
        poster, channel, reply, policy=RetryPolicy(backoff=(0.01,)), attempts=3
    )
