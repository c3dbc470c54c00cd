"""The composition root: builds the core with its commands and runs it with the platforms,
the digest and operations.

Only this module (and the entry points above it) knows every layer. The core is given its
commands, and the commands what they reach (the digest's state, the dossier reload); the
platforms and services are given what they need (posters, the readiness reporter, the
in-flight counter) as arguments. What a console answer does not need is imported inside the
functions that serve, so `dispute-bot ask` loads no platform library, no scheduler and no
metrics.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.core import Core, utc_now
from bot.digest.hub import DigestHub
from bot.dossier import Dossier
from bot.hooks import Reloads
from bot.snapshot import load_dossier
from handlers import build_commands

if TYPE_CHECKING:
    import asyncio

    from bot.delivery import Poster
    from bot.ops.service_runner import Service, ServiceRunner
    from bot.platforms.slack.installations import Installations
    from bot.reload import ReloadResult

log = logging.getLogger("dispute_bot")

# Services that answer no command: /readyz shows them but does not wait for them.
BESIDE_READINESS = frozenset({"digest"})


def enabled_platforms(settings: Settings) -> list[str]:
    """The platforms whose credentials are set, in start order; none means the console."""
    names = []
    slack_token = settings.slack_bot_token is not None or settings.slack_oauth
    if slack_token and (settings.slack_app_token or settings.slack_signing_secret):
        names.append("slack")
    if settings.discord_token:
        names.append("discord")
    return names


def enabled_services(settings: Settings) -> list[str]:
    """What `run`/`serve` start: the platforms, and the digest that posts through them."""
    platforms = enabled_platforms(settings)
    return [*platforms, "digest"] if platforms else []


class DisputeBot:
    """The bot wired whole: its core (with every command), the digest's state, the reload."""

    def __init__(
        self,
        settings: Settings,
        *,
        dossier: Dossier | None = None,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        self.settings = settings
        if dossier is None:
            snapshots = Path(settings.snapshot_dir) if settings.snapshot_dir else None
            dossier = load_dossier(Path(settings.seeds), snapshots)
        # Creating the hub opens nothing: the database only when a /digest subcommand or
        # the scheduler first needs it.
        self.digest = DigestHub(settings, clock=clock)
        self.reloads = Reloads()  # told after each reload that swapped a dossier in
        commands = build_commands(digest=self.digest, reload=self.reload)
        self.core = Core(settings, dossier, commands=commands, clock=clock)

    def reload(self, trigger: str = "command") -> ReloadResult:
        """Read the seeds folder again and swap it in if sound (the /reload command, the
        seeds watcher, SIGHUP); counted on /metrics."""
        from bot.ops.metrics import record_reload
        from bot.reload import reload_dossier

        result = reload_dossier(self.core, trigger=trigger)
        record_reload(result)
        if result.ok:
            self.reloads.notify()
        return result

    def posters(self, installations: Installations | None = None) -> dict[str, Poster]:
        """A Poster for each platform the bot runs on, for what it posts unprompted (the
        digest, the admins' alerts). Slack posts with its one bot token, or (OAuth) with the
        token of each channel's workspace, from `installations`."""
        settings = self.settings
        posters: dict[str, Poster] = {}
        names = enabled_platforms(settings)
        if "slack" in names and (settings.slack_bot_token or installations is not None):
            from bot.platforms.slack.poster import SlackPoster

            if installations is not None:
                posters["slack"] = SlackPoster(tokens=installations, api_url=settings.slack_api_url)
            elif settings.slack_bot_token is not None:
                posters["slack"] = SlackPoster(
                    token=settings.slack_bot_token.reveal(), api_url=settings.slack_api_url
                )
        if "discord" in names and settings.discord_token is not None:
            from bot.platforms.discord.poster import DiscordPoster

            posters["discord"] = DiscordPoster(
                token=settings.discord_token.reveal(), api_url=settings.discord_api_url
            )
        return posters

    def service_runner(
        self, stop: asyncio.Event, posters: dict[str, Poster] | None = None
    ) -> ServiceRunner:
        """What runs the services: health, metrics, the watcher, signals, a clean stop;
        refused automatic reloads are posted to the admins through `posters`."""
        from bot.ops.alerts import alert_admins, alert_targets
        from bot.ops.service_runner import ServiceRunner

        posters = self.posters() if posters is None else posters
        alerts = alert_targets(self.settings)
        return ServiceRunner(
            self.core,
            self.settings,
            stop,
            reload=self.reload,
            on_refused=partial(alert_admins, self.settings, posters) if alerts else None,
            closing=(self.digest.close,),
            beside=BESIDE_READINESS,
        )

    def services(
        self,
        names: list[str],
        posters: dict[str, Poster],
        installations: Installations | None = None,
    ) -> dict[str, Service]:
        """The named platforms and services, each a coroutine function of `stop`; Slack in
        OAuth mode shares `installations` with its poster."""
        from bot.ops import metrics
        from bot.ops.inflight import REPLIES
        from bot.ops.readiness import report

        core, settings = self.core, self.settings
        services: dict[str, Service] = {}
        for name in names:
            if name == "slack":
                from bot.platforms import slack

                services[name] = partial(
                    slack.serve,
                    core,
                    settings,
                    report=report,
                    in_flight=REPLIES,
                    digest=self.digest,
                    reloads=self.reloads,
                    installations=installations,
                )
            elif name == "discord":
                from bot.platforms import discord

                services[name] = partial(
                    discord.serve, core, settings, report=report, in_flight=REPLIES
                )
            elif name == "stdin":
                from bot.platforms import stdin

                services[name] = partial(stdin.serve, core, report=report, in_flight=REPLIES)
            elif name == "digest":
                from bot.digest.supervisor import serve_digests

                services[name] = partial(
                    serve_digests,
                    core,
                    self.digest,
                    settings,
                    posters,
                    report=report,
                    counts=metrics,
                )
            else:
                raise ValueError(f"no such platform or service: {name}")
        return services

    async def serve(self, names: list[str], stop: asyncio.Event) -> None:
        """Run the named platforms and services side by side on this loop until `stop` is
        set (or SIGTERM/SIGINT), with the health server, the seeds watcher and SIGHUP."""
        installations = None
        if "slack" in names and self.settings.slack_oauth:
            from bot.platforms.slack.installations import open_installations

            installations = await open_installations(self.settings)
        try:
            posters = self.posters(installations)
            services = self.services(names, posters, installations)
            await self.service_runner(stop, posters).serve(services)
        finally:
            if installations is not None:
                await installations.close()


def build_core(
    settings: Settings,
    dossier: Dossier | None = None,
    *,
    clock: Callable[[], dt.datetime] = utc_now,
) -> Core:
    """The core with every command, for what needs only answers (the console, `ask`)."""
    return DisputeBot(settings, dossier=dossier, clock=clock).core


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(0)  # stopped while starting: nothing in flight yet


def serve_until_stopped(settings: Settings, names: list[str]) -> None:
    """Run the bot as a service in a new event loop until a signal stops it; raises
    ServiceFailed (bot.ops.service_runner) when a platform or service failed."""
    import asyncio
    import signal

    from bot.ops.logs import setup_logging

    setup_logging(settings)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)  # until the runner takes over
    bot = DisputeBot(settings)
    if not names:
        log.warning("no platform credentials set: serving health, metrics and reload only")

    async def main() -> None:
        await bot.serve(names, asyncio.Event())

    asyncio.run(main())
