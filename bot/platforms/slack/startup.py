"""Starts the Slack platform in the mode its credentials choose, and stops it cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.core import Core
from bot.errors import ConfigError
from bot.hooks import RepliesInFlight, ReportReadiness
from bot.platforms.slack.app import SlackListeners, build_app
from bot.platforms.slack.client import (
    REFUSED_TOKEN_ERRORS,
    api_error_code,
    make_session,
    make_web_client,
)
from bot.platforms.slack.receivers import HttpReceiver, SocketModeReceiver

log = logging.getLogger("dispute_bot.slack")

# Seconds to let acknowledged replies finish on stop, unless settings say otherwise.
DEFAULT_GRACE = 5.0
# Of the grace, what is kept to close the receiver and the HTTP session once replies are done.
CLOSING_SECONDS = 1.0


@dataclass(frozen=True, slots=True, kw_only=True)
class RunningSlack:
    """A started Slack platform: its mode, its HTTP port (HTTP mode), and how to stop it."""

    mode: str  # "socket" | "http"
    port: int | None
    receiver: HttpReceiver | SocketModeReceiver
    listeners: SlackListeners
    session: aiohttp.ClientSession  # every outgoing call's connections
    grace: float = DEFAULT_GRACE

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
        and only then close the receiver and the session those replies go through."""
        try:
            await self.receiver.stop_accepting()
            await self.listeners.drain(max(0.0, self.grace - CLOSING_SECONDS))
            await self.receiver.close()
        finally:
            await self.session.close()


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
    core: Core, settings: Settings, *, in_flight: RepliesInFlight, host: str = "0.0.0.0"
) -> RunningSlack:
    """Socket Mode when SLACK_APP_TOKEN is set, else HTTP mode on settings.port."""
    if settings.slack_bot_token is None:
        raise ConfigError("Slack needs SLACK_BOT_TOKEN")
    session = make_session()
    try:
        return await _start(core, settings, host=host, session=session, in_flight=in_flight)
    except BaseException:
        await session.close()
        raise


async def _start(
    core: Core,
    settings: Settings,
    *,
    host: str,
    session: aiohttp.ClientSession,
    in_flight: RepliesInFlight,
) -> RunningSlack:
    assert settings.slack_bot_token is not None
    client = make_web_client(
        token=settings.slack_bot_token.reveal(), api_url=settings.slack_api_url, session=session
    )
    app, listeners = build_app(core, settings, client, session=session, in_flight=in_flight)
    grace = float(getattr(settings, "shutdown_grace", DEFAULT_GRACE))
    await check_bot_token(client)
    if settings.slack_app_token is not None:
        socket = SocketModeReceiver(app, app_token=settings.slack_app_token.reveal(), client=client)
        await socket.start()
        return RunningSlack(
            mode="socket",
            port=None,
            receiver=socket,
            listeners=listeners,
            session=session,
            grace=grace,
        )
    if settings.slack_signing_secret is None:
        raise ConfigError(
            "Slack needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP)"
        )
    secret = settings.slack_signing_secret.reveal()
    http = HttpReceiver(app, signing_secret=secret, port=settings.port, host=host)
    port = await http.start()
    return RunningSlack(
        mode="http", port=port, receiver=http, listeners=listeners, session=session, grace=grace
    )
