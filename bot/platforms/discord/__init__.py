"""The Discord platform: application commands, autocomplete, embeds and buttons.

Importing this package is cheap: discord.py loads only when `serve` runs, so the console
and the digest's `DiscordPoster` (bot.platforms.discord.poster) never import it.
"""

from __future__ import annotations

import asyncio

from bot.config import Settings
from bot.core import Core
from bot.hooks import RepliesInFlight, ReportReadiness


async def serve(
    core: Core,
    settings: Settings,
    stop: asyncio.Event,
    *,
    report: ReportReadiness,
    in_flight: RepliesInFlight,
) -> None:
    """Run the Discord client (sharded when configured) until `stop` is set."""
    from bot.platforms.discord.client import run_client

    await run_client(core, settings, stop, report=report, in_flight=in_flight)
