"""What the digest needs from a platform: post a reply into a channel, unprompted."""

from __future__ import annotations

from typing import Protocol

from bot.reply import Reply


class Poster(Protocol):
    """Posts a Reply to a channel and returns the platform's message id.

    Raises `bot.errors.DeliveryError`: `permanent=True` when retrying cannot help (channel
    gone, bot removed, no access), `permanent=False` for rate limits, 5xx and network errors.
    """

    platform: str

    async def post(self, channel: str, reply: Reply) -> str: ...
