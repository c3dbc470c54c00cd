"""Posts a Reply into a Discord channel over REST, for the daily digest (no gateway needed).

Plain aiohttp rather than discord.py: the digest needs one endpoint, exact control over
retries, and errors sorted into "retrying may help" and "it never will".
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp

from bot.delivery import may_have_arrived
from bot.errors import DeliveryError
from bot.platforms.discord.render import render_message
from bot.reply import Reply

log = logging.getLogger("dispute_bot.discord.poster")

DEFAULT_API_URL = "https://discord.com/api/v10"
USER_AGENT = "DiscordBot (https://github.com/dispute-bot/dispute-bot, 0.1.0)"
# Discord's JSON error codes after which retrying cannot help.
UNKNOWN_CHANNEL = 10003
MISSING_ACCESS = 50001
MISSING_PERMISSIONS = 50013
PERMANENT_CODES = frozenset((UNKNOWN_CHANNEL, MISSING_ACCESS, MISSING_PERMISSIONS))


class DiscordPoster:
    """`bot.delivery.Poster` for Discord: POST /channels/{id}/messages.

    403 and 404 (Missing Access 50001, Missing Permissions 50013, Unknown Channel 10003) and
    400 (the same body would be refused again) are permanent. 429 waits `retry_after` (at
    most `max_wait` seconds) and tries again; 429, 5xx and connections that never opened are
    temporary once `attempts` are spent. A request sent and left unanswered (a timeout, a
    connection dropped mid-request) may have posted: it is not retried (`maybe_posted`).
    401 is temporary too: a bad token is the operator's to fix, not a reason to drop the
    channel.
    """

    platform = "discord"

    def __init__(
        self,
        *,
        token: str,
        api_url: str | None = None,
        attempts: int = 3,
        max_wait: float = 30.0,
        backoff: float = 1.0,
        timeout: float = 15.0,
    ) -> None:
        self._token = token
        self.api_url = (api_url or DEFAULT_API_URL).rstrip("/")
        self.attempts = max(1, attempts)
        self.max_wait = max_wait
        self.backoff = backoff
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"DiscordPoster(api_url={self.api_url!r}, token=<SECRET>)"

    async def post(self, channel: str, reply: Reply) -> str:
        """Post `reply` to `channel`; the new message's id."""
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
            for attempt in range(1, self.attempts + 1):
                last = attempt == self.attempts
                try:
                    async with session.post(url, json=body) as response:
                        payload = await _json(response)
                        if response.status < 300:
                            return str(payload["id"])
                        wait = self._judge(channel, response, payload, attempt)
                except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                    if may_have_arrived(exc):  # sent, no answer: at most once, never twice
                        raise DeliveryError(
                            f"discord channel {channel}: no answer from Discord "
                            f"({exc.__class__.__name__})",
                            permanent=False,
                            maybe_posted=True,
                        ) from exc
                    if last:
                        reason = exc.__class__.__name__
                        raise DeliveryError(
                            f"discord channel {channel}: cannot reach Discord ({reason})",
                            permanent=False,
                        ) from exc
                    wait = self.backoff * 2 ** (attempt - 1)
                log.info("discord channel %s: retrying in %.2fs", channel, wait)
                await asyncio.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    def _judge(
        self, channel: str, response: aiohttp.ClientResponse, payload: dict[str, Any], attempt: int
    ) -> float:
        """Seconds to wait before the next attempt, or the DeliveryError this status means."""
        status, last = response.status, attempt == self.attempts
        code = payload.get("code")
        message = f"discord channel {channel}: HTTP {status}"
        if code is not None:
            message += f" (code {code}: {payload.get('message', '')})"
        if status == 429:
            retry_after = _retry_after(payload, response)
            if last or retry_after > self.max_wait:
                raise DeliveryError(f"{message}, retry after {retry_after:.1f}s", permanent=False)
            return retry_after
        if status >= 500:
            if last:
                raise DeliveryError(message, permanent=False)
            return float(self.backoff * 2 ** (attempt - 1))
        permanent = status in (400, 403, 404) or code in PERMANENT_CODES
        raise DeliveryError(message, permanent=permanent)


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
