"""A fake of Slack on loopback: Web API, response_url hooks and the Socket Mode websocket.

It speaks Slack's wire format (form or JSON Web API calls with a Bearer token, JSON answers,
`Retry-After` on 429, Socket Mode envelopes and acks), records what the bot sent, and can be
told to fail the next calls. Only Slack is faked: the bot's own code runs for real.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import itertools
import json
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "slack"
BOT_TOKEN = "xoxb-1111-2222-fakebottoken"
APP_TOKEN = "xapp-1-A0DISPUTE1-3333-fakeapptoken"
SIGNING_SECRET = "5c3e1f0a9b8d7c6e5f4a3b2c1d0e9f8a"
WAIT = 5.0  # seconds a test waits for something the bot should do


def fixture(name: str) -> Any:
    """A recorded Slack payload from tests/fixtures/slack, as parsed JSON."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def sign(secret: str, timestamp: str, body: str | bytes) -> str:
    """X-Slack-Signature, computed the way Slack documents it."""
    raw = body.encode() if isinstance(body, str) else body
    base = f"v0:{timestamp}:".encode() + raw
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiCall:
    """One Web API call the bot made."""

    method: str
    params: dict[str, Any]
    authorization: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Canned:
    """An answer to give instead of the normal one."""

    status: int
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    text: str | None = None


class FakeSlack:
    """Start with `await start()`; point SLACK_API_URL at `api_url`; `await close()`."""

    def __init__(self) -> None:
        self.calls: list[ApiCall] = []
        self.hook_posts: list[dict[str, Any]] = []
        self.hook_urls: list[str] = []  # the response_url of each of hook_posts, in order
        self.hook_delay = 0.0  # seconds Slack takes to accept a response_url post
        self.acks: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.connections = 0
        self.attempts: dict[str, int] = {}  # answered calls per method (or "hooks"), failed too
        self._scripted: dict[str, list[Canned]] = {}
        self._changed = asyncio.Condition()
        self._sockets: list[web.WebSocketResponse] = []
        self._socket_open = asyncio.Event()
        self._ts = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> FakeSlack:
        app = web.Application()
        app.router.add_post("/api/{method}", self._web_api)
        app.router.add_post("/hooks/{kind}/{team}/{id}/{secret}", self._hook)
        app.router.add_get("/link/", self._link)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def close(self) -> None:
        for socket in list(self._sockets):
            with contextlib.suppress(Exception):
                await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_base(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """What SLACK_API_URL is set to: Slack's https://slack.com/api/ stand-in."""
        return f"{self.base}/api/"

    @property
    def open_sockets(self) -> int:
        """Socket Mode connections currently open."""
        return len(self._sockets)

    def response_url(self, kind: str = "commands") -> str:
        """A fresh response_url, as Slack puts in slash command and button payloads."""
        return f"{self.base}/hooks/{kind}/T0001DOSSIER/{next(self._ts)}/Bc1xLp6TnGjd2wX3"

    # -- scripting ---------------------------------------------------------------------------

    def fail_next(self, target: str, *answers: Canned) -> None:
        """Answer the next calls to `target` (a method such as "chat.postMessage", or "hooks")."""
        self._scripted.setdefault(target, []).extend(answers)

    def _scripted_answer(self, target: str) -> Canned | None:
        queue = self._scripted.get(target)
        return queue.pop(0) if queue else None

    # -- waiting -----------------------------------------------------------------------------

    async def _wait_for(self, predicate: Any, timeout: float) -> Any:
        async def check() -> Any:
            async with self._changed:
                while True:
                    found = predicate()
                    if found is not None:
                        return found
                    await self._changed.wait()

        return await asyncio.wait_for(check(), timeout)

    async def hook_post(self, number: int = 1, timeout: float = WAIT) -> dict[str, Any]:
        """The `number`th message POSTed to a response_url (1-based), waiting for it."""
        return await self._wait_for(  # type: ignore[no-any-return]
            lambda: self.hook_posts[number - 1] if len(self.hook_posts) >= number else None,
            timeout,
        )

    async def api_call(self, method: str, number: int = 1, timeout: float = WAIT) -> ApiCall:
        """The `number`th call of a Web API method, waiting for it."""

        def find() -> ApiCall | None:
            matching = [c for c in self.calls if c.method == method]
            return matching[number - 1] if len(matching) >= number else None

        return await self._wait_for(find, timeout)  # type: ignore[no-any-return]

    def calls_to(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method == method]

    async def _record(self, bucket: list[Any], item: Any) -> None:
        async with self._changed:
            bucket.append(item)
            self._changed.notify_all()

    # -- Socket Mode -------------------------------------------------------------------------

    async def send_envelope(self, envelope: dict[str, Any], timeout: float = WAIT) -> None:
        """Deliver an envelope over the open websocket, as Slack pushes events."""
        await asyncio.wait_for(self._socket_open.wait(), timeout)
        await self._sockets[-1].send_str(json.dumps(envelope))

    async def _link(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        if "ticket" not in request.query:
            await socket.close(code=1008, message=b"missing ticket")
            return socket
        self.connections += 1
        self._sockets.append(socket)
        await socket.send_str(json.dumps(fixture("socket_hello.json")))
        self._socket_open.set()
        try:
            async for message in socket:
                if message.type == WSMsgType.TEXT:
                    await self.acks.put(json.loads(message.data))
        finally:
            self._sockets.remove(socket)
            if not self._sockets:
                self._socket_open.clear()
        return socket

    # -- HTTP --------------------------------------------------------------------------------

    @staticmethod
    async def _params(request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            body = await request.json()
            return dict(body) if isinstance(body, dict) else {}
        form = urllib.parse.parse_qs(await request.text(), keep_blank_values=True)
        return {key: values[-1] for key, values in form.items()}

    @staticmethod
    def _answer(canned: Canned) -> web.Response:
        if canned.body is not None:
            return web.json_response(canned.body, status=canned.status, headers=canned.headers)
        return web.Response(status=canned.status, text=canned.text or "", headers=canned.headers)

    async def _web_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        authorization = request.headers.get("Authorization", "")
        await self._record(
            self.calls, ApiCall(method=method, params=params, authorization=authorization)
        )
        self.attempts[method] = self.attempts.get(method, 0) + 1
        canned = self._scripted_answer(method)
        if canned is not None:
            return self._answer(canned)
        if method == "apps.connections.open":
            if authorization != f"Bearer {APP_TOKEN}":
                return web.json_response({"ok": False, "error": "invalid_auth"})
            opened = fixture("apps_connections_open.json")  # wss://wss-primary.slack.com/...
            opened["url"] = opened["url"].replace("wss://wss-primary.slack.com", self.ws_base)
            return web.json_response(opened)
        if authorization != f"Bearer {BOT_TOKEN}":
            return web.json_response({"ok": False, "error": "invalid_auth"})
        if method == "auth.test":
            return web.json_response(fixture("auth_test.json"))
        if method in ("chat.postMessage", "chat.update"):
            answer = fixture("chat_post_message.json")
            ts = params.get("ts") or f"1772197700.{next(self._ts):06d}"
            answer.update(channel=params.get("channel"), ts=ts)
            answer["message"].update(text=params.get("text"), ts=ts)
            return web.json_response(answer)
        return web.json_response({"ok": False, "error": "unknown_method"})

    async def _hook(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.attempts["hooks"] = self.attempts.get("hooks", 0) + 1
        canned = self._scripted_answer("hooks")
        if canned is not None:
            return self._answer(canned)
        if self.hook_delay:
            await asyncio.sleep(self.hook_delay)  # a reply cut off meanwhile is not recorded
        async with self._changed:
            self.hook_urls.append(f"{self.base}{request.path}")
            self.hook_posts.append(body)
            self._changed.notify_all()
        return web.Response(text="ok")

    async def wait_until(self, predicate: Any, timeout: float = WAIT) -> None:
        """Wait until `predicate()` holds, checked each time the bot sends something."""
        await self._wait_for(lambda: True if predicate() else None, timeout)
