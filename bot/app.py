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
from bot.database.shared import SharedDatabase
from bot.digest.hub import DATABASE_CALLS as DIGEST_CALLS
from bot.digest.hub import DigestHub
from bot.dossier import Dossier
from bot.errors import ConfigError
from bot.hooks import Reloads
from bot.library import Library
from bot.platform_names import PLATFORMS
from bot.preferences.lookup import DATABASE_CALLS as PLACE_CALLS
from bot.preferences.lookup import Preferences
from handlers import build_commands

if TYPE_CHECKING:
    import asyncio
    from collections.abc import Iterable

    from bot.delivery import Poster
    from bot.ops.service_runner import Service, ServiceRunner
    from bot.platforms.slack.installations import Installations
    from bot.reload import ReloadReport

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


def check_subscribed_dossiers(settings: Settings, library: Library) -> None:
    """ConfigError when a subscription of the config names a dossier the seeds lack."""
    problems = [
        f"{settings.source}: digest_subscriptions #{number}: no dossier named {name!r} in "
        f"{settings.seeds} (there: {', '.join(library.names())})"
        for number, entry in enumerate(settings.digest_subscriptions, 1)
        if (name := str(entry.get("dossier") or "")) and name not in library.names()
    ]
    if problems:
        raise ConfigError("\n".join(problems))


def state_database(settings: Settings) -> SharedDatabase:
    """The process's one state database (made on first use), with room for a digest round's
    calls, the commands', the installations' and a probe together."""
    workers = DIGEST_CALLS + PLACE_CALLS
    if settings.database_url:  # /readyz and /metrics probe it (not on a console answer)
        from bot.ops.database import DATABASE_CALLS as PROBE_CALLS

        workers += PROBE_CALLS
    if settings.slack_oauth:  # Slack's installations keep to the same database
        from bot.platforms.slack import OAUTH_DATABASE_CALLS

        workers += OAUTH_DATABASE_CALLS
    return SharedDatabase(settings, workers=workers)


class DisputeBot:
    """The bot wired whole: its core (with every command), the dossiers, the digest's state,
    the channels' and teams' preferences, the reload."""

    def __init__(
        self,
        settings: Settings,
        *,
        dossier: Dossier | Library | None = None,
        clock: Callable[[], dt.datetime] = utc_now,
        eager: bool = True,
    ) -> None:
        """`eager` loads every dossier now (a broken one other than the default is refused
        alone); otherwise each is loaded when first asked for (`dispute-bot ask`)."""
        self.settings = settings
        if dossier is None:
            snapshots = Path(settings.snapshot_dir) if settings.snapshot_dir else None
            dossier = Library.open(
                Path(settings.seeds),
                snapshot_dir=snapshots,
                default=settings.default_dossier,
                eager=eager,
            )
            if eager:
                check_subscribed_dossiers(settings, dossier)
        library = dossier if isinstance(dossier, Library) else Library.of(dossier)
        # Creating these opens nothing: the database only when a channel's command, a
        # /digest subcommand, the scheduler, Slack's OAuth mode or the probe first needs it,
        # and once for all (one engine, one pool).
        self.database = state_database(settings)
        self.preferences = Preferences(settings, database=self.database, clock=clock)
        self.digest = DigestHub(
            clock=clock, default_dossier=library.default, database=self.database
        )
        self.reloads = Reloads()  # told after each reload that swapped a dossier in
        commands = build_commands(
            digest=self.digest, reload=self.reload, preferences=self.preferences
        )
        self.core = Core(
            settings,
            library,
            commands=commands,
            clock=clock,
            places=self.preferences,
            chosen=self.preferences.followed,
        )

    def reload(
        self, trigger: str = "command", changed: Iterable[Path] | None = None
    ) -> ReloadReport:
        """Read the seeds folder again (only the dossiers of the `changed` paths, when given)
        and swap in each dossier that is sound (the /reload command, the seeds watcher,
        SIGHUP); counted on /metrics."""
        from bot.ops.metrics import record_reload
        from bot.reload import reload_dossiers

        report = reload_dossiers(self.core, trigger=trigger, changed=changed)
        record_reload(report)
        if any(result.ok for result in report.results):
            self.reloads.notify()
        return report

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
            closing=(self.digest.close, self.preferences.close, self.database.close),
            beside=BESIDE_READINESS,
            database=self.database if self.settings.database_url else None,
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
        import asyncio

        if any(name in PLATFORMS for name in names):  # not on the first command
            await asyncio.to_thread(self.preferences.prepare)
        installations = None
        if "slack" in names and self.settings.slack_oauth:
            installations = await self.open_installations()
        posters: dict[str, Poster] = {}
        try:
            posters = self.posters(installations)
            services = self.services(names, posters, installations)
            await self.service_runner(stop, posters).serve(services)
        finally:
            for poster in posters.values():  # the keep-alive sessions some posters opened
                close = getattr(poster, "close", None)
                if close is not None:
                    await close()

    async def open_installations(self) -> Installations:
        """Slack's OAuth mode: the installations, on the state database. Without them the
        bot cannot answer any workspace: DatabaseUnavailable, said in a line, stops it."""
        from bot.errors import DatabaseUnavailable
        from bot.platforms.slack.installations import open_installations

        settings = self.settings
        try:
            return await open_installations(settings, self.database.get())
        except DatabaseUnavailable as exc:
            where = (
                "DATABASE_URL"
                if settings.database_url
                else f"the SQLite file {Path(settings.digest_database).expanduser()}"
            )
            raise DatabaseUnavailable(
                f"Slack's OAuth mode keeps each workspace's installation in the state "
                f"database ({where}), which cannot be used: {exc} (set DATABASE_URL, or "
                f"digest_database to a file in a folder the bot can write)"
            ) from exc


def build_core(
    settings: Settings,
    dossier: Dossier | Library | None = None,
    *,
    clock: Callable[[], dt.datetime] = utc_now,
    eager: bool = False,
) -> Core:
    """The core with every command, for what needs only answers (the console, `ask`): each
    dossier is loaded when first asked for, unless `eager`."""
    return DisputeBot(settings, dossier=dossier, clock=clock, eager=eager).core


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
