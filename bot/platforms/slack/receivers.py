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
import math
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import aiohttp
from aiohttp import web
from slack_bolt import BoltResponse
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import ConfigError, DatabaseUnavailable
from bot.platforms.slack.client import REFUSED_TOKEN_ERRORS, SDK_LOGGER, api_error_code
from bot.platforms.slack.gate import PageRate, RefusalLog, Refused, parse_body, verify_signature
from bot.platforms.slack.paths import EVENTS_PATH, INSTALL_PATH, REDIRECT_PATH

if TYPE_CHECKING:
    from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow

log = logging.getLogger("dispute_bot.slack")

MAX_PAGE_QUERY = 2048  # an OAuth redirect's query (code, state) is a few hundred characters
# The OAuth pages: never cached, framed, sniffed, nor their address (a code) sent onwards.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
# Set in the context of every HTTP request that passed the gate (see SlackListeners.on_error).
VERIFIED = "dispute_signature_verified"


class HttpReceiver:
    """Slash commands, events and button clicks POSTed by Slack, signature-checked first; in
    OAuth mode, also the install page and the redirect a browser GETs (no signature there:
    Bolt checks the state, and `PageRate` how often). With `events=False` (Socket Mode with
    OAuth) it serves the two pages only."""

    def __init__(
        self,
        app: AsyncApp,
        *,
        signing_secret: str | None,
        port: int,
        host: str = "0.0.0.0",
        oauth: AsyncOAuthFlow | None = None,
        events: bool = True,
    ) -> None:
        if events and not signing_secret:
            raise ValueError("serving Slack's events needs the signing secret")
        self.app = app
        self.signing_secret = signing_secret or ""
        self.host = host
        self.port = port
        self.oauth = oauth
        self.events = events
        self.refusals = RefusalLog()
        self.page_rate = PageRate()
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self._accepting = True

    async def start(self) -> int:
        """Listen; returns the bound port (useful when asked for port 0)."""
        server = web.Application()
        paths = []
        if self.events:
            server.router.add_post(EVENTS_PATH, self._dispatch)
            paths.append(EVENTS_PATH)
        if self.oauth is not None:
            server.router.add_get(INSTALL_PATH, self._install_page, allow_head=False)
            server.router.add_get(REDIRECT_PATH, self._redirect_page, allow_head=False)
            paths += [INSTALL_PATH, REDIRECT_PATH]
        runner = web.AppRunner(server, access_log=None, shutdown_timeout=5)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self._runner, self._site = runner, site
        self.port = int(runner.addresses[0][1])
        what = "HTTP mode" if self.events else "OAuth pages"
        log.info("slack: %s listening on port %d at %s", what, self.port, ", ".join(paths))
        return self.port

    async def _install_page(self, request: web.Request) -> web.Response:
        assert self.oauth is not None
        return await self._page(request, self.oauth.handle_installation)

    async def _redirect_page(self, request: web.Request) -> web.Response:
        assert self.oauth is not None
        return await self._page(request, self.oauth.handle_callback)

    async def _page(
        self,
        request: web.Request,
        handle: Callable[[AsyncBoltRequest], Awaitable[BoltResponse]],
    ) -> web.Response:
        """An OAuth page, by Bolt's flow: bounded in rate and size, never cached or framed,
        its body never read; a database that does not answer gives a short 503."""
        if not self._accepting:
            return _page_refusal(503, "stopping", retry_after=1)
        if len(request.query_string) > MAX_PAGE_QUERY:
            self.refusals.note("HTTP 414, OAuth page query too long")
            return _page_refusal(414, "query too long")
        wait = self.page_rate.wait()
        if wait:
            self.refusals.note("HTTP 429, OAuth pages asked too often")
            return _page_refusal(429, "too many requests", retry_after=math.ceil(wait))
        bolt = AsyncBoltRequest(body="", query=request.query_string, headers=dict(request.headers))
        try:
            answer = await to_aiohttp_response(await handle(bolt))
        except DatabaseUnavailable as exc:
            log.warning("slack: OAuth page not served: %s", exc)
            return _page_refusal(503, "unavailable, try again in a minute", retry_after=60)
        answer.headers.update(PAGE_HEADERS)
        return answer

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


def _page_refusal(status: int, text: str, *, retry_after: int | None = None) -> web.Response:
    headers = dict(PAGE_HEADERS)
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    return web.Response(status=status, text=f"{text}\n", headers=headers)


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
