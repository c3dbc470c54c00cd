"""Posts a Reply into a Discord channel over REST, for the daily digest (no gateway needed).

Plain aiohttp rather than discord.py: the digest needs one endpoint, one request per post
(the caller retries, through bot.delivery's policy), and errors sorted into "retrying may
help" and "it never will". A scheduled digest carries a nonce of its own, enforced, so that
sending it again cannot post it twice (`bot.delivery.Repeatable`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import aiohttp

from bot.delivery import Mark, Team, network_failure
from bot.errors import DeliveryError
from bot.platforms.discord.render import render_message
from bot.reply import Reply

DEFAULT_API_URL = "https://discord.com/api/v10"
USER_AGENT = "DiscordBot (https://github.com/dispute-bot/dispute-bot, 0.1.0)"
# Discord's JSON error codes after which retrying cannot help.
UNKNOWN_CHANNEL = 10003
MISSING_ACCESS = 50001
MISSING_PERMISSIONS = 50013
PERMANENT_CODES = frozenset((UNKNOWN_CHANNEL, MISSING_ACCESS, MISSING_PERMISSIONS))
# A repeat's answer when the message its nonce made was deleted since (it had arrived).
UNKNOWN_MESSAGE = 10008
# With `enforce_nonce`, Discord answers a post whose nonce the same author used "in the past
# few minutes" with the message that nonce made, and posts nothing. How long is not
# documented: the digest repeats a post only this long after its first request.
REPEAT_WINDOW = dt.timedelta(minutes=2)
DISCORD_EPOCH_MS = 1_420_070_400_000  # a snowflake's time counts from 2015-01-01


def nonce(channel: str, mark: Mark) -> str:
    """The scheduled digest's nonce: the same for every request of one delivery (channel,
    dossier, local date), another for any other; 24 hex digits (Discord allows 25)."""
    key = f"discord\n{channel}\n{mark.dossier}\n{mark.day.isoformat()}"
    return hashlib.blake2b(key.encode(), digest_size=12).hexdigest()


def created_at(message_id: str) -> dt.datetime:
    """When Discord made a message, from its snowflake id (to the millisecond)."""
    if not message_id.isdigit():  # not a snowflake: taken as made now
        return dt.datetime.max.replace(tzinfo=dt.UTC)
    millis = (int(message_id) >> 22) + DISCORD_EPOCH_MS
    return dt.datetime.fromtimestamp(millis / 1000, dt.UTC)


class DiscordPoster:
    """`bot.delivery.Poster` for Discord: POST /channels/{id}/messages.

    One request per post. 403 and 404 (Missing Access 50001, Missing Permissions 50013,
    Unknown Channel 10003) and 400 (the same body would be refused again) are permanent.
    429 (with the `retry_after` Discord asks for), 5xx and connections that never opened are
    temporary. A request sent and left unanswered (a timeout, a connection dropped
    mid-request) may have posted (`maybe_posted`). 401 is temporary too: a bad token is the
    operator's to fix, not a reason to drop the channel.

    A marked post (a scheduled digest) carries its delivery's `nonce` with `enforce_nonce`:
    sent again within `repeat_window`, Discord returns the message the first request made,
    if it made one (`bot.delivery.Repeatable`).
    """

    platform = "discord"
    repeat_window = REPEAT_WINDOW

    def __init__(
        self,
        *,
        token: str,
        api_url: str | None = None,
        timeout: float = 15.0,
    ) -> None:
        self._token = token
        self.api_url = (api_url or DEFAULT_API_URL).rstrip("/")
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"DiscordPoster(api_url={self.api_url!r}, token=<SECRET>)"

    async def ready(self, channel: str, *, team: Team | None = None) -> None:
        """Discord's limits are answered with 429 and Retry-After, which the digest waits out."""

    async def post(
        self, channel: str, reply: Reply, *, team: Team | None = None, mark: Mark | None = None
    ) -> str:
        """Post `reply` to `channel` (a channel id says its server: `team` is not needed);
        the message's id: the new one's, or, for a marked post whose nonce made one in the
        last few minutes, that one's."""
        if not channel.isdigit():
            raise DeliveryError(f"discord channel {channel!r} is not a channel id", permanent=True)
        url = f"{self.api_url}/channels/{channel}/messages"
        headers = {
            "Authorization": f"Bot {self._token}",
            "User-Agent": USER_AGENT,
        }
        body = render_message(reply)
        if mark is not None:
            body["nonce"] = nonce(channel, mark)
            body["enforce_nonce"] = True
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        async with aiohttp.ClientSession(timeout=timeout, headers=headers) as session:
            try:
                async with session.post(url, json=body) as response:
                    payload = await _json(response)
                    if response.status < 300:
                        return str(payload["id"])
                    raise _refusal(channel, response, payload, repeat=mark is not None)
            except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                message = f"discord channel {channel}: " + "{what}"
                raise network_failure(exc, platform="Discord", message=message) from exc

    def created_at(self, message_id: str) -> dt.datetime:
        return created_at(message_id)


def _refusal(
    channel: str, response: aiohttp.ClientResponse, payload: dict[str, Any], *, repeat: bool
) -> DeliveryError:
    """The DeliveryError a refusal means: permanent, or temporary (with Discord's wait). A
    post with a nonce answered Unknown Message: an earlier request with that nonce made the
    message, deleted since; it arrived, and is never posted again."""
    status, code = response.status, payload.get("code")
    message = f"discord channel {channel}: HTTP {status}"
    if code is not None:
        message += f" (code {code}: {payload.get('message', '')})"
    if repeat and code == UNKNOWN_MESSAGE:
        message += ": posted by an earlier request, then deleted"
        return DeliveryError(message, permanent=True, maybe_posted=True)
    if status == 429:
        retry_after = _retry_after(payload, response)
        return DeliveryError(
            f"{message}, retry after {retry_after:.1f}s", permanent=False, retry_after=retry_after
        )
    if status >= 500:
        return DeliveryError(message, permanent=False)
    permanent = status in (400, 403, 404) or code in PERMANENT_CODES
    return DeliveryError(message, permanent=permanent)


def _retry_after(payload: dict[str, Any], response: aiohttp.ClientResponse) -> float:
    value = payload.get("retry_after", response.headers.get("Retry-After", 1.0))
    try:
        return max(0.0, float(value))
    except (TypeError, ValueError):
        return 1.0


async def _json(response: aiohttp.ClientResponse) -> dict[str, Any]:
    try:
        data = await response.json(content_type=None)
    except (ValueError, aiohttp.ContentTypeError):
        return {}
    return data if isinstance(data, dict) else {}
