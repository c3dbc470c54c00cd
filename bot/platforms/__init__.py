"""Platform shells: each translates its payloads into Requests and renders Replies.

A platform module is imported only when it runs, so a console answer never loads
slack_bolt or discord.py. Each exposes `async def serve(core, settings, stop)`.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, cast

from bot.config import Settings
from bot.core import Core

if TYPE_CHECKING:
    import asyncio

    from bot.delivery import Poster
    from bot.ops.runtime import Service

log = logging.getLogger("dispute_bot.platforms")

# Services that run beside the platforms, by name: "module:function", each function being
# `async def serve(core, settings, stop)` like a platform's.
SERVICES: dict[str, str] = {
    "digest": "bot.digest.runtime:serve",
    "stdin": "bot.ops.stdin:serve",
}
# Services that answer no command: /readyz shows them but does not wait for them.
BESIDE_READINESS = frozenset({"digest"})


def enabled_platforms(settings: Settings) -> list[str]:
    """The platforms whose credentials are set, in start order; none means the console."""
    names = []
    if settings.slack_bot_token and (settings.slack_app_token or settings.slack_signing_secret):
        names.append("slack")
    if settings.discord_token:
        names.append("discord")
    return names


def posters_for(settings: Settings) -> dict[str, Poster]:
    """A Poster for each platform the bot runs on, for what it posts unprompted."""
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


def enabled_services(settings: Settings) -> list[str]:
    """What `run`/`serve` start: the platforms, and the digest that posts through them."""
    platforms = enabled_platforms(settings)
    return [*platforms, "digest"] if platforms else []


def _service(name: str) -> Service:
    """The `serve` coroutine function of a platform (bot.platforms.<name>) or a service."""
    path, _, function = SERVICES.get(name, f"bot.platforms.{name}:serve").partition(":")
    return cast("Service", getattr(importlib.import_module(path), function))


async def serve(core: Core, settings: Settings, names: list[str], stop: asyncio.Event) -> None:
    """Run the named platforms and services side by side on this loop until `stop` is set.

    Around them: the health server (/healthz, /readyz, /metrics), the seeds watcher, SIGHUP
    to reload, and SIGTERM/SIGINT to stop cleanly (bot.ops.runtime).
    """
    from bot.ops.runtime import run_runtime

    services = {name: _service(name) for name in names}
    await run_runtime(core, settings, services, stop, beside=BESIDE_READINESS)
