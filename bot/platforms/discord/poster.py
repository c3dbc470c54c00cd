"""Posts a Reply into a Discord channel over REST, for the daily digest (no gateway needed).

Plain aiohttp rather than discord.py: the digest needs one endpoint, one request per post
(the caller retries, through bot.delivery's policy), and errors sorted into "retrying may
help" and "it never will".
"""

from __future__ import annotations

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


class DiscordPoster:
    """`bot.delivery.Poster` for Discord: POST /channels/{id}/messages.

    One request per post. 403 and 404 (Missing Access 50001, Missing Permissions 50013,
    Unknown Channel 10003) and 400 (the same body would be refused again) are permanent.
    429 (with the `retry_after` Discord asks for), 5xx and connections that never opened are
    temporary. A request sent and left unanswered (a timeout, a connection dropped
    mid-request) may have posted (`maybe_posted`). 401 is temporary too: a bad token is the
    operator's to fix, not a reason to drop the channel.
    """

    platform = "discord"

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
        the new message's id. `mark` is not sent: a Discord digest whose replica died with
        its post on its way is not looked for, and stays at most once (docs/digest.md)."""
        if not channel.isdigit():
            raise DeliveryError(f"discord channel {channel!r} is not a channel id", permanent=True)
        url = f"{self.api_url}/channels/{channel}/messages"
        headers = {
            "Authorization": f"Bot {self._token}",
            "User-Agent": USER_AGENT,
        }
        body = render_message(reply)
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        async with aiohttp.ClientSession(timeout=timeout, headers=headers) as session:
            try:
                async with session.post(url, json=body) as response:
                    payload = await _json(response)
                    if response.status < 300:
                        return str(payload["id"])
                    raise _refusal(channel, response, payload)
            except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                message = f"discord channel {channel}: " + "{what}"
                raise network_failure(exc, platform="Discord", message=message) from exc


def _refusal(
    channel: str, response: aiohttp.ClientResponse, payload: dict[str, Any]
) -> DeliveryError:
    """The DeliveryError a refusal means: permanent, or temporary (with Discord's wait)."""
    status, code = response.status, payload.get("code")
    message = f"discord channel {channel}: HTTP {status}"
    if code is not None:
        message += f" (code {code}: {payload.get('message', '')})"
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
