"""Platform shells: each translates its payloads into Requests and renders Replies.

A platform module is imported only when it runs, so a console answer never loads
slack_bolt or discord.py. Each exposes `async def serve(core, settings, stop)`.
"""

from __future__ import annotations

import asyncio
import importlib
import logging

from bot.config import Settings
from bot.core import Core

log = logging.getLogger("dispute_bot.platforms")


def enabled_platforms(settings: Settings) -> list[str]:
    """The platforms whose credentials are set, in start order; none means the console."""
    names = []
    if settings.slack_bot_token and (settings.slack_app_token or settings.slack_signing_secret):
        names.append("slack")
    if settings.discord_token:
        names.append("discord")
    return names


async def serve(core: Core, settings: Settings, names: list[str], stop: asyncio.Event) -> None:
    """Run the named platforms side by side on this loop until `stop` is set."""
    tasks = []
    for name in names:
        module = importlib.import_module(f"bot.platforms.{name}")
        log.info("starting platform %s", name)
        tasks.append(asyncio.create_task(module.serve(core, settings, stop), name=name))
    try:
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
