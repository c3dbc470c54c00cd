"""What the digest needs from a platform: post a reply into a channel, unprompted."""

from __future__ import annotations

from typing import Protocol

from bot.reply import Reply


class Poster(Protocol):
    """Posts a Reply to a channel and returns the platform's message id.

    Raises `bot.errors.DeliveryError`: `permanent=True` when retrying cannot help (channel
    gone, bot removed, no access), `permanent=False` for rate limits, 5xx and network errors,
    with `maybe_posted=True` when the request went out and no answer came back.
    """

    platform: str

    async def post(self, channel: str, reply: Reply) -> str: ...


def may_have_arrived(exc: BaseException) -> bool:
    """Whether a request that failed with `exc` may still have reached the platform: it went
    out and no answer came back (a timeout, a connection dropped mid-request). One whose
    connection never opened did not; posting it again cannot post twice."""
    import aiohttp

    if isinstance(exc, aiohttp.ClientConnectorError | aiohttp.ConnectionTimeoutError):
        return False
    return isinstance(exc, TimeoutError | aiohttp.ClientError | OSError)
