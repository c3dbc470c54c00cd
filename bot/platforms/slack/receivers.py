"""The two ways Slack reaches the app: Socket Mode (outbound websocket) or HTTP at /slack/events.

Both only move payloads between Slack and `AsyncApp.async_dispatch`, which acks and routes;
each can be started and closed cleanly on the running loop. HTTP requests pass
`bot.platforms.slack.gate` (signature, then body) before Bolt sees them. Stopping comes in two
steps: `stop_accepting` (nothing new is acknowledged; Slack retries or redelivers it to another
replica), then, once the acknowledged replies are delivered, `close`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import ConfigError
from bot.platforms.slack.client import REFUSED_TOKEN_ERRORS, SDK_LOGGER, api_error_code
from bot.platforms.slack.gate import RefusalLog, Refused, parse_body, verify_signature

log = logging.getLogger("dispute_bot.slack")

EVENTS_PATH = "/slack/events"
# Set in the context of every HTTP request that passed the gate (see SlackListeners.on_error).
VERIFIED = "dispute_signature_verified"


class HttpReceiver:
    """Slash commands, events and button clicks POSTed by Slack, signature-checked first."""

    def __init__(
        self, app: AsyncApp, *, signing_secret: str, port: int, host: str = "0.0.0.0"
    ) -> None:
        self.app = app
        self.signing_secret = signing_secret
        self.host = host
        self.port = port
        self.refusals = RefusalLog()
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
        """401 unless signed by Slack, 400 unless a body Slack sends; then Bolt's answer."""
        if not self._accepting:  # stopping: not acknowledged, so Slack may send it elsewhere
            return web.Response(status=503, text="stopping\n", headers={"Retry-After": "1"})
        raw = await request.read()
        try:
            verify_signature(self.signing_secret, raw, request.headers)
            parse_body(raw, request.content_type)
            verified = self._bolt_request(request, raw)
        except Refused as refused:
            self.refusals.note(f"HTTP {refused.status}, {refused.reason}")
            return web.Response(status=refused.status, text=refused.reason)
        response = await self.app.async_dispatch(verified)
        return await to_aiohttp_response(response)

    @staticmethod
    def _bolt_request(request: web.Request, raw: bytes) -> AsyncBoltRequest:
        try:
            return AsyncBoltRequest(
                body=raw.decode("utf-8"),
                query=request.query_string,
                headers=dict(request.headers),
                context={VERIFIED: True},
            )
        except Exception as exc:  # a shape Bolt cannot read, though gate.parse_body took it
            raise Refused(400, f"body unreadable ({type(exc).__name__})") from None

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
            app, app_token=app_token, web_client=client, logger=logging.getLogger(SDK_LOGGER)
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
