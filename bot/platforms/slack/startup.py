"""Starts the Slack platform in the mode its credentials choose, and stops it cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.core import Core
from bot.delivery import Team
from bot.digest.hub import DigestHub
from bot.errors import ConfigError
from bot.hooks import DossierReloads, RepliesInFlight, ReportReadiness
from bot.platforms.slack.app import OAuthMode, SlackListeners, build_app
from bot.platforms.slack.client import (
    REFUSED_TOKEN_ERRORS,
    api_error_code,
    make_session,
    make_web_client,
)
from bot.platforms.slack.commands import slash_commands
from bot.platforms.slack.home_tab import HomeTab
from bot.platforms.slack.paths import INSTALL_PATH
from bot.platforms.slack.receivers import HttpReceiver, SocketModeReceiver

if TYPE_CHECKING:
    from bot.platforms.slack.installations import Installations

log = logging.getLogger("dispute_bot.slack")

# Seconds to let acknowledged replies finish on stop, unless settings say otherwise.
DEFAULT_GRACE = 5.0
# Of the grace, what is kept to close the receiver and the HTTP session once replies are done.
CLOSING_SECONDS = 1.0


@dataclass(frozen=True, slots=True, kw_only=True)
class RunningSlack:
    """A started Slack platform: its mode, its HTTP port (HTTP mode, or OAuth's pages), and
    how to stop it."""

    mode: str  # "socket" | "http"
    port: int | None
    receiver: HttpReceiver | SocketModeReceiver
    listeners: SlackListeners
    session: aiohttp.ClientSession  # every outgoing call's connections
    grace: float = DEFAULT_GRACE
    oauth: bool = False  # installed in many workspaces (OAuth), or one bot token
    pages: HttpReceiver | None = None  # Socket Mode with OAuth: the install page and redirect
    home: HomeTab | None = None
    closing: tuple[Callable[[], Awaitable[object] | object], ...] = ()  # after the receivers

    async def report_readiness(
        self, stop: asyncio.Event, report: ReportReadiness, every: float = 2.0
    ) -> None:
        """Tell /readyz whether Slack can reach us: HTTP is ready once listening; Socket
        Mode while its websocket is connected."""
        while not stop.is_set():
            if isinstance(self.receiver, SocketModeReceiver):
                connected = await self.receiver.is_connected()
                report(
                    "slack",
                    connected,
                    "socket mode " + ("connected" if connected else "connecting"),
                )
            else:
                report("slack", True, f"http listening on port {self.port}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=every)

    async def close(self) -> None:
        """Stop acknowledging, deliver every reply already acknowledged (within the grace),
        and only then close the receivers and the session those replies go through."""
        receivers = [self.receiver, *([self.pages] if self.pages else [])]
        try:
            for receiver in receivers:
                await receiver.stop_accepting()
            await self.listeners.drain(max(0.0, self.grace - CLOSING_SECONDS))  # the shared count
            if self.home is not None:
                await self.home.close()
            for receiver in receivers:
                await receiver.close()
        finally:
            await self.session.close()
            for close in self.closing:
                done = close()
                if inspect.isawaitable(done):
                    await done


async def check_bot_token(client: AsyncWebClient) -> None:
    """Fail fast on a refused token; a Slack outage only warns, the receivers retry."""
    try:
        identity = await client.auth_test()
    except SlackApiError as exc:
        code = api_error_code(exc)
        if code in REFUSED_TOKEN_ERRORS:
            raise ConfigError(f"SLACK_BOT_TOKEN was refused by Slack: {code}") from exc
        log.warning("slack: auth.test failed (%s); starting anyway", code or exc)
        return
    except (OSError, TimeoutError, aiohttp.ClientError) as exc:
        log.warning("slack: cannot reach Slack yet (%s); starting anyway", type(exc).__name__)
        return
    log.info("slack: signed in as %s in %s", identity.get("user"), identity.get("team"))


async def start_slack(
    core: Core,
    settings: Settings,
    *,
    in_flight: RepliesInFlight,
    host: str = "0.0.0.0",
    digest: DigestHub | None = None,
    reloads: DossierReloads | None = None,
    installations: Installations | None = None,
) -> RunningSlack:
    """Socket Mode when SLACK_APP_TOKEN is set, else HTTP mode on settings.port; with one bot
    token, or (OAuth) in every workspace that installs it from /slack/install.

    `digest` lets an uninstall pause that workspace's digests and the Home tab list them;
    `reloads` refreshes the Home tabs after a reload. OAuth mode needs `installations`, which
    the root opens on its state database and shares with the digest's poster.
    """
    if not settings.slack_oauth and settings.slack_bot_token is None:
        raise ConfigError("Slack needs SLACK_BOT_TOKEN, or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET")
    if settings.slack_oauth and installations is None:
        raise ConfigError("Slack's OAuth mode needs the installations (opened by bot.app)")
    session = make_session()
    closing: list[Callable[[], Awaitable[object] | object]] = []
    try:
        return await _start(
            core,
            settings,
            host=host,
            session=session,
            in_flight=in_flight,
            digest=digest,
            reloads=reloads,
            installations=installations,
            closing=closing,
        )
    except BaseException:
        await session.close()
        for close in closing:
            done = close()
            if inspect.isawaitable(done):
                await done
        raise


async def _start(
    core: Core,
    settings: Settings,
    *,
    host: str,
    session: aiohttp.ClientSession,
    in_flight: RepliesInFlight,
    digest: DigestHub | None,
    reloads: DossierReloads | None,
    installations: Installations | None,
    closing: list[Callable[[], Awaitable[object] | object]],
) -> RunningSlack:
    token = settings.slack_bot_token.reveal() if settings.slack_bot_token else None
    oauth: OAuthMode | None = None
    if installations is not None:
        from bot.platforms.slack.oauth import pause_team_digests

        token = None  # each request and post uses its workspace's token
        oauth = OAuthMode(
            installations=installations,
            pause=pause_team_digests(digest) if digest is not None else None,
        )
    client = make_web_client(token=token, api_url=settings.slack_api_url, session=session)
    home = HomeTab(
        core=core,
        commands=slash_commands(core.commands, settings),
        client=client,
        token_for=installations.token if installations is not None else _fixed(token or ""),
        digest=digest,
    )
    home.attach(asyncio.get_running_loop())
    if reloads is not None:
        closing.insert(0, reloads.listen(home.dossier_reloaded))
    app, listeners = build_app(
        core, settings, client, session=session, in_flight=in_flight, oauth=oauth, home=home
    )

    def running(
        mode: str,
        port: int | None,
        receiver: HttpReceiver | SocketModeReceiver,
        pages: HttpReceiver | None = None,
    ) -> RunningSlack:
        return RunningSlack(
            mode=mode,
            port=port,
            receiver=receiver,
            pages=pages,
            listeners=listeners,
            session=session,
            grace=float(getattr(settings, "shutdown_grace", DEFAULT_GRACE)),
            oauth=oauth is not None,
            home=home,
            closing=tuple(closing),
        )

    if oauth is None:
        await check_bot_token(client)
    else:
        log.info(
            "slack: OAuth mode: installed by workspaces from %s, each answered with its token",
            INSTALL_PATH,
        )
    flow = app.oauth_flow
    if settings.slack_app_token is not None:
        socket = SocketModeReceiver(app, app_token=settings.slack_app_token.reveal(), client=client)
        pages = None
        if flow is not None:  # OAuth's two pages still need an HTTP listener
            pages = HttpReceiver(
                app, signing_secret=None, port=settings.port, host=host, oauth=flow, events=False
            )
            await pages.start()
        try:
            await socket.start()
        except BaseException:
            if pages is not None:
                await pages.close()
            raise
        return running("socket", pages.port if pages else None, socket, pages)
    if settings.slack_signing_secret is None:
        raise ConfigError(
            "Slack needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP)"
        )
    secret = settings.slack_signing_secret.reveal()
    http = HttpReceiver(app, signing_secret=secret, port=settings.port, host=host, oauth=flow)
    port = await http.start()
    return running("http", port, http)


def _fixed(token: str) -> Callable[[Team], Awaitable[str]]:
    """The single-token mode's answer to "which token for this workspace?"."""

    async def token_for(team: Team) -> str:
        return token

    return token_for
