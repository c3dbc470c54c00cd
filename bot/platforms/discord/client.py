"""The discord.py client: gateway connection, command tree, sync, and a clean stop.

Only the guilds intent is asked for: interactions need no other, and discord.py keeps its
channel cache with it. No privileged intent, so the bot never reads messages.
DISCORD_API_URL and DISCORD_GATEWAY_URL point discord.py 2.7 elsewhere through
`Route.BASE` and `DiscordWebSocket.DEFAULT_GATEWAY`; that is why discord.py is pinned.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, cast

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.config import Settings
from bot.core import Core
from bot.errors import ConfigError
from bot.hooks import RepliesInFlight, ReportReadiness
from bot.platforms.discord.answers import DEFER_AFTER, Answers
from bot.platforms.discord.commands import SummaryTranslator, build_app_command
from bot.platforms.discord.sync import command_state_dir, sync_if_changed
from bot.platforms.discord.views import PageButton, ShareButton

log = logging.getLogger("dispute_bot.discord")

Setup = Callable[[discord.Client], Awaitable[None]]
# Of the shutdown grace, what is kept to close the connection once the replies are delivered.
CLOSING_SECONDS = 1.0


@contextlib.contextmanager
def discord_endpoints(*, api_url: str | None, gateway_url: str | None) -> Iterator[None]:
    """Point discord.py's REST base and gateway at other URLs while the block runs.

    discord.py 2.7.1 builds every REST URL (webhooks and interaction callbacks included)
    from `discord.http.Route.BASE`, and connects a plain client, or a sharded one with a
    shard count, to `DiscordWebSocket.DEFAULT_GATEWAY` (it reads GET /gateway/bot only
    when sharding without a count; resumes use READY's `resume_gateway_url`).
    """
    base, gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    if api_url:
        Route.BASE = api_url.rstrip("/")
    if gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
    try:
        yield
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


class DisputeTree(app_commands.CommandTree[discord.Client]):
    """The command tree, whose one error handler logs and apologises."""

    def __init__(self, client: discord.Client, answers: Answers) -> None:
        super().__init__(client)
        self.answers = answers

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        data = cast("Mapping[str, Any]", interaction.data or {})
        name = str(data.get("name", "")) or "?"
        if isinstance(error, app_commands.CommandNotFound):
            # A command Discord still shows but this bot no longer has: the core answers
            # "unknown command, did you mean ..." as it would anywhere else.
            await self.answers.answer_unknown(interaction, name)
            return
        original = getattr(error, "original", None) or error
        await self.answers.apologize(interaction, original, command=name)


class _DisputeHooks:
    """What both clients add to discord.py's: the set-up hook and readiness reports."""

    def __init__(
        self, *, answers: Answers, setup: Setup, report: ReportReadiness, **options: Any
    ) -> None:
        super().__init__(**options)
        self.button_handler = answers
        self._setup = setup
        self._report = report

    async def setup_hook(self) -> None:
        await self._setup(cast("discord.Client", self))

    async def on_ready(self) -> None:
        self._report("discord", True, "gateway connected")

    async def on_resumed(self) -> None:
        self._report("discord", True, "gateway resumed")

    async def on_disconnect(self) -> None:
        self._report("discord", False, "gateway disconnected, reconnecting")


class DisputeClient(_DisputeHooks, discord.Client):
    pass


class ShardedDisputeClient(_DisputeHooks, discord.AutoShardedClient):
    pass


def build_client(
    core: Core,
    settings: Settings,
    *,
    report: ReportReadiness,
    answers: Answers,
    state_dir: Path,
) -> discord.Client:
    """A client (auto-sharded when `discord_shard_count` is set) wired to the core through
    `answers`."""

    async def setup(client: discord.Client) -> None:
        tree = DisputeTree(client, answers)
        for command in core.commands.values():
            try:
                tree.add_command(build_app_command(command, answers))
            except (TypeError, ValueError, app_commands.AppCommandError):
                log.exception("/%s cannot be a Discord command; left out", command.name)
        await tree.set_translator(SummaryTranslator())
        client.add_dynamic_items(PageButton, ShareButton)
        guild = discord.Object(id=settings.discord_guild_id) if settings.discord_guild_id else None
        if guild is not None:
            tree.copy_global_to(guild=guild)
        if client.application_id is None:
            raise ConfigError("Discord did not say which application DISCORD_TOKEN belongs to")
        try:
            await sync_if_changed(
                tree, application_id=client.application_id, guild=guild, state_dir=state_dir
            )
        except discord.HTTPException as exc:
            hint = " (is the bot invited with the applications.commands scope?)"
            log.error(
                "syncing the Discord commands failed: HTTP %s%s; the previous set stays",
                exc.status,
                hint if exc.status == 403 else "",
            )

    options: dict[str, Any] = {
        "intents": discord.Intents(guilds=True),
        "allowed_mentions": discord.AllowedMentions.none(),
        "max_messages": None,
        "chunk_guilds_at_startup": False,
    }
    if settings.discord_shard_count:
        return ShardedDisputeClient(
            answers=answers,
            setup=setup,
            report=report,
            shard_count=settings.discord_shard_count,
            **options,
        )
    return DisputeClient(answers=answers, setup=setup, report=report, **options)


async def run_client(
    core: Core,
    settings: Settings,
    stop: asyncio.Event,
    *,
    report: ReportReadiness,
    in_flight: RepliesInFlight,
    defer_after: float = DEFER_AFTER,
    state_dir: Path | None = None,
) -> None:
    """Connect, serve interactions until `stop` is set, then stop cleanly: new interactions
    get a short "stopping" answer, those already being answered are delivered (the shared
    count of replies in flight, within the shutdown grace), and only then is the connection
    closed, its HTTP session with it."""
    if settings.discord_token is None:
        raise ConfigError("DISCORD_TOKEN is not set")
    token = settings.discord_token.reveal()
    answers = Answers(core, settings, in_flight=in_flight, defer_after=defer_after)
    with discord_endpoints(
        api_url=settings.discord_api_url, gateway_url=settings.discord_gateway_url
    ):
        client = build_client(
            core,
            settings,
            report=report,
            answers=answers,
            state_dir=state_dir or command_state_dir(settings),
        )
        async with client:
            running = asyncio.create_task(client.start(token), name="discord-client")
            stopping = asyncio.create_task(stop.wait(), name="discord-stop")
            try:
                await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                stopping.cancel()
                ended_alone = running.done()
                if not ended_alone:  # asked to stop (or cancelled): drain, close, then wait
                    log.info("stopping the Discord client")
                    answers.stopping = True
                    await _drain(in_flight, settings)
                    await client.close()
                    await _finish(running)
            if ended_alone:
                _raise_start_error(running)


async def _drain(in_flight: RepliesInFlight, settings: Settings) -> None:
    """Let the replies in flight reach their users before the connection closes."""
    await asyncio.sleep(0)  # an interaction just received starts, and is counted
    grace = max(0.0, settings.shutdown_grace - CLOSING_SECONDS)
    if not await in_flight.wait_idle(grace):
        log.warning("discord: reply(ies) cut short by the shutdown")


async def _finish(running: asyncio.Task[None]) -> None:
    """Let the client's task end after close(); whatever it raises while closing is moot."""
    try:
        await asyncio.wait_for(running, timeout=10)
    except (Exception, asyncio.CancelledError):
        log.debug("the Discord client ended with an error while closing", exc_info=True)


def _raise_start_error(running: asyncio.Task[None]) -> None:
    error = running.exception()
    if isinstance(error, discord.LoginFailure):
        raise ConfigError("Discord refused DISCORD_TOKEN (401 Unauthorized)") from error
    if error is not None:
        raise error
