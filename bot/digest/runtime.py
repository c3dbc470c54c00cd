"""The digest as one of the runtime's services: `serve(core, settings, stop)` beside the
platforms, posting through each platform whose credentials are set.

The platform posters are imported here, when the bot runs, never by the console.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import sqlalchemy as sa

from bot.config import Settings
from bot.core import Core
from bot.delivery import Poster
from bot.digest import run_digests
from bot.digest.errors import DigestStoreError
from bot.ops.readiness import report

log = logging.getLogger("dispute_bot.digest")

NAME = "digest"
RETRY_OPEN_SECONDS = 30.0


def posters_for(settings: Settings) -> dict[str, Poster]:
    """A Poster for each platform the bot runs on (the same rule as the platforms')."""
    from bot.platforms import enabled_platforms

    posters: dict[str, Poster] = {}
    names = enabled_platforms(settings)
    if "slack" in names and settings.slack_bot_token is not None:
        from bot.platforms.slack.poster import SlackPoster

        posters["slack"] = SlackPoster(
            token=settings.slack_bot_token.reveal(), api_url=settings.slack_api_url
        )
    if "discord" in names and settings.discord_token is not None:
        from bot.platforms.discord.poster import DiscordPoster

        posters["discord"] = DiscordPoster(
            token=settings.discord_token.reveal(), api_url=settings.discord_api_url
        )
    return posters


async def serve(core: Core, settings: Settings, stop: asyncio.Event) -> None:
    """Run the digest until `stop`; while its database cannot be opened, say so and retry."""
    posters = posters_for(settings)
    while not stop.is_set():
        started = asyncio.Event()
        running = asyncio.create_task(run_digests(core, settings, posters, stop, started=started))
        waiting = asyncio.create_task(started.wait())
        await asyncio.wait({running, waiting}, return_when=asyncio.FIRST_COMPLETED)
        waiting.cancel()
        if started.is_set():
            report(NAME, True, f"posting to {', '.join(sorted(posters)) or 'no platform'}")
            await running
            return
        try:
            await running
            return  # stopped before it started
        except (DigestStoreError, sa.exc.SQLAlchemyError) as exc:
            report(NAME, False, "database unreachable")
            log.warning("digest not running: %s; retrying in %.0f s", exc, RETRY_OPEN_SECONDS)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), RETRY_OPEN_SECONDS)
