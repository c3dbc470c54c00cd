"""A test-side Poster: sends the whole Reply as JSON to the fake chat's plain endpoint.

It implements `bot.delivery.Poster` as the platform posters do (HTTP, DeliveryError with
`permanent`), so the scheduler is exercised over a real socket while tests read the
digest's content as structured data rather than Block Kit or embeds.
"""

from __future__ import annotations

import json

import aiohttp

from bot.delivery import Mark, Team
from bot.errors import DeliveryError
from bot.platforms.console import render_json
from bot.reply import Reply


class ChatPoster:
    def __init__(self, *, platform: str, base_url: str) -> None:
        self.platform = platform
        self._url = f"{base_url}/test/{platform}"

    async def ready(self, channel: str, *, team: Team | None = None) -> None:
        """The fake chat has no limits to pace."""

    async def post(
        self, channel: str, reply: Reply, *, team: Team | None = None, mark: Mark | None = None
    ) -> str:
        body = json.loads(render_json(reply))
        timeout = aiohttp.ClientTimeout(total=10)
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                session.post(f"{self._url}/{channel}", json=body) as response,
            ):
                answer = await response.json()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise DeliveryError(f"test chat unreachable: {exc}", permanent=False) from exc
        if response.status == 200:
            return str(answer["id"])
        raise DeliveryError(
            f"test chat: {answer.get('error', response.status)} posting to {channel}",
            permanent=response.status in (403, 404),
        )
