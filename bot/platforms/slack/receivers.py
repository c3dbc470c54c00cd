"""The two ways Slack reaches the app: Socket Mode (outbound websocket) or HTTP at /slack/events.

Both only move payloads between Slack and `AsyncApp.async_dispatch`, which verifies, acks
and routes; each can be started and closed cleanly on the running loop. Stopping comes in two
steps: `stop_accepting` (nothing new is acknowledged; Slack retries or redelivers it to another
replica), then, once the acknowledged replies are delivered, `close`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import ConfigError
from bot.platforms.slack.client import REFUSED_TOKEN_ERRORS, api_error_code

log = logging.getLogger("dispute_bot.slack")

EVENTS_PATH = "/slack/events"


class HttpReceiver:
    """Slash commands, events and button clicks POSTed by Slack, signature-checked by Bolt."""

    def __init__(self, app: AsyncApp, *, port: int, host: str = "0.0.0.0") -> None:
        self.app = app
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self._accepting = True

    async def start(self) -> int:
        """Listen; returns the bound port (useful when asked for port 0)."""
        server = web.Application()
        server.router.add_post(EVENTS_PATH, self._dispatch)
        runner = web.AppRunner(server, access_log=None, shutdown_timeout=5)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self._runner, self._site = runner, site
        self.port = int(runner.addresses[0][1])
        log.info("slack: HTTP mode listening on port %d at %s", self.port, EVENTS_PATH)
        return self.port

    async def _dispatch(self, request: web.Request) -> web.Response:
        if not self._accepting:  # stopping: not acknowledged, so Slack may send it elsewhere
            return web.Response(status=503, text="stopping\n", headers={"Retry-After": "1"})
        response = await self.app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    async def stop_accepting(self) -> None:
        """Refuse new connections, and answer 503 on those already open: nothing new is
        acknowledged, while the replies to what was keep their HTTP session."""
        self._accepting = False
        site, self._site = self._site, None
        if site is not None:
            await site.stop()

    async def close(self) -> None:
        self._accepting = False
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


class SocketModeReceiver:
    """A Socket Mode connection: apps.connections.open, then envelopes over a websocket."""

    def __init__(self, app: AsyncApp, *, app_token: str, client: AsyncWebClient) -> None:
        self.handler = AsyncSocketModeHandler(
            app, app_token=app_token, web_client=client, logger=log
        )
        self._connecting: asyncio.Task[None] | None = None
        self._closed = False

    async def start(self) -> None:
        """Check the app token, then connect in the background (slack_sdk keeps retrying)."""
        client = self.handler.client
        log.info("slack: Socket Mode, connecting")
        try:
            client.wss_uri = await client.issue_new_wss_url()
        except SlackApiError as exc:
            code = api_error_code(exc)
            if code in REFUSED_TOKEN_ERRORS:
                await self.close()
                raise ConfigError(f"SLACK_APP_TOKEN was refused by Slack: {code}") from exc
            log.warning("slack: apps.connections.open failed (%s); retrying", code or exc)
        except (OSError, TimeoutError, aiohttp.ClientError) as exc:
            log.warning("slack: cannot reach Slack yet (%s); retrying", type(exc).__name__)
        connecting = self.handler.connect_async()  # type: ignore[no-untyped-call]
        self._connecting = asyncio.create_task(connecting, name="slack-connect")

    async def is_connected(self) -> bool:
        try:
            return bool(await self.handler.client.is_connected())
        except Exception:  # a half-open socket is as good as closed
            return False

    async def stop_accepting(self) -> None:
        """Disconnect: envelopes not acknowledged yet are Slack's to deliver again."""
        await self.close()

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        client = self.handler.client
        await self.handler.close_async()  # type: ignore[no-untyped-call]
        tasks = [self._connecting, client.message_processor]
        tasks += [client.current_session_monitor, client.message_receiver]
        pending = [task for task in tasks if task is not None]
        for task in pending:
            task.cancel()
        for task in pending:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
