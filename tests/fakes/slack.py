"""A fake of Slack on loopback: Web API, OAuth, response_url hooks and the Socket Mode websocket.

It speaks Slack's wire format (form or JSON Web API calls with a Bearer token, JSON answers,
`Retry-After` on 429, Socket Mode envelopes and acks), records what the bot sent, and can be
told to fail the next calls. It holds several workspaces, each with its own tokens, bot user
and channels, and answers every call for the workspace of its token; the app can be installed
by OAuth v2 (tests/fakes/slack_oauth.py), uninstalled, have its tokens revoked or rotated;
Slack's posting rate limits can be switched on (tests/fakes/slack_limits.py). People share
files with the bot and the bot uploads files (tests/fakes/slack_files.py). Only Slack is
faked: the bot's own code runs for real.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web

from tests.fakes import slack_events
from tests.fakes.slack_events import sign, signed_headers, socket_envelope
from tests.fakes.slack_files import SlackFiles
from tests.fakes.slack_history import Message, history, metadata_of
from tests.fakes.slack_limits import RateLimiter, SlackLimits, Throttle, ratelimited
from tests.fakes.slack_oauth import (
    CLIENT_ID,
    CLIENT_SECRET,
    Browser,
    OAuthApp,
    OAuthPageError,
    OAuthServer,
)
from tests.fakes.slack_workspaces import (
    APP_ID,
    DEFAULT_BOT_SCOPES,
    DEFAULT_TEAM,
    DEFAULT_WORKSPACE,
    Token,
    Tokens,
    Workspace,
)

__all__ = [
    "APP_ID",
    "APP_TOKEN",
    "BOT_TOKEN",
    "CLIENT_ID",
    "CLIENT_SECRET",
    "DEFAULT_TEAM",
    "SIGNING_SECRET",
    "WAIT",
    "ApiCall",
    "Browser",
    "Canned",
    "FakeSlack",
    "HomeView",
    "OAuthApp",
    "Post",
    "SlackLimits",
    "Throttle",
    "Workspace",
    "fixture",
    "sign",
    "signed_headers",
    "socket_envelope",
]

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "slack"
BOT_TOKEN = "xoxb-1111-2222-fakebottoken"
APP_TOKEN = "xapp-1-A0DISPUTE1-3333-fakeapptoken"
SIGNING_SECRET = "5c3e1f0a9b8d7c6e5f4a3b2c1d0e9f8a"
WAIT = 5.0  # seconds a test waits for something the bot should do


def fixture(name: str) -> Any:
    """A recorded Slack payload from tests/fixtures/slack, as parsed JSON."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiCall:
    """One Web API call the bot made; `team_id` is the workspace of its token, if Slack knew it."""

    method: str
    params: dict[str, Any]
    authorization: str
    team_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Post:
    """A message chat.postMessage accepted: in which workspace, channel, with which token."""

    team_id: str
    channel: str
    text: str
    blocks: list[Any] | None
    ts: str
    token: str
    at: float  # time.monotonic() when it arrived
    metadata: dict[str, Any] | None = None  # the message metadata it carried
    bot_id: str | None = None  # the bot that posted it


@dataclass(frozen=True, slots=True, kw_only=True)
class HomeView:
    """A Home tab views.publish accepted, for one user of one workspace."""

    team_id: str
    user_id: str
    view: dict[str, Any]  # as Slack answers it: with id, hash, team_id, app_id, bot_id
    token: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Canned:
    """An answer to give instead of the normal one."""

    status: int
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    text: str | None = None


class FakeSlack:
    """Start with `await start()`; point SLACK_API_URL at `api_url`; `await close()`.

    It starts with one workspace (DEFAULT_TEAM, installed with BOT_TOKEN, any channel id);
    `add_workspace` adds more, `install` or the OAuth flow gives the app a token there.
    """

    def __init__(self) -> None:
        self.calls: list[ApiCall] = []
        self.posts: list[Post] = []
        self.home_views: list[HomeView] = []
        self.hook_posts: list[dict[str, Any]] = []
        self.hook_urls: list[str] = []  # the response_url of each of hook_posts, in order
        self.hook_delay = 0.0  # seconds Slack takes to accept a response_url post
        self.delays: dict[str, float] = {}  # seconds Slack takes to answer a Web API method
        self.acks: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.connections = 0
        self.attempts: dict[str, int] = {}  # answered calls per method (or "hooks"), failed too
        self.clock_offset = 0.0  # seconds added to the wall clock: token and code expiry
        self.limiter: RateLimiter | None = None  # Slack's rate limits, off unless enforced
        self.workspaces: dict[str, Workspace] = {DEFAULT_TEAM: DEFAULT_WORKSPACE}
        self.tokens = Tokens()
        self.tokens.add(
            Token(
                value=BOT_TOKEN,
                team_id=DEFAULT_TEAM,
                kind="bot",
                user_id=DEFAULT_WORKSPACE.bot_user_id,
                scopes=DEFAULT_BOT_SCOPES,
            )
        )
        self.oauth = OAuthServer(
            tokens=self.tokens,
            workspaces=self.workspaces,
            clock=self.now,
            browser=Browser(team_id=DEFAULT_TEAM, user_id=DEFAULT_WORKSPACE.users[0]),
        )
        self._scripted: dict[str, list[Canned]] = {}
        self._changed = asyncio.Condition()
        self.files = SlackFiles(
            base=lambda: self.base,
            tokens=self.tokens,
            workspaces=self.workspaces,
            record=self._record,
            fixture=fixture,
            now=self.now,
        )
        self._sockets: list[web.WebSocketResponse] = []
        self._socket_open = asyncio.Event()
        self._ts = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> FakeSlack:
        app = web.Application()
        app.router.add_post("/api/{method}", self._web_api)
        app.router.add_get("/api/{method}", self._web_api)  # files.info, users.info: by GET
        app.router.add_get("/oauth/v2/authorize", self._authorize_page)
        app.router.add_post("/hooks/{kind}/{team}/{id}/{secret}", self._hook)
        app.router.add_get("/link/", self._link)
        self.files.add_routes(app.router)
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
    def authorize_url(self) -> str:
        """Slack's https://slack.com/oauth/v2/authorize stand-in (AsyncOAuthSettings'
        `authorization_url`)."""
        return f"{self.base}/oauth/v2/authorize"

    @property
    def open_sockets(self) -> int:
        """Socket Mode connections currently open."""
        return len(self._sockets)

    def response_url(self, kind: str = "commands", team_id: str = DEFAULT_TEAM) -> str:
        """A fresh response_url, as Slack puts in slash command and button payloads."""
        return f"{self.base}/hooks/{kind}/{team_id}/{next(self._ts)}/Bc1xLp6TnGjd2wX3"

    def now(self) -> float:
        """Slack's clock for expiry (codes, rotating tokens): the wall clock, maybe advanced."""
        return time.time() + self.clock_offset

    def advance_clock(self, seconds: float) -> None:
        """Let `seconds` pass for codes and tokens (rate limits keep the real clock)."""
        self.clock_offset += seconds

    # -- workspaces and installs ----------------------------------------------------------------

    def add_workspace(
        self,
        team_id: str,
        name: str,
        *,
        channels: tuple[str, ...] = (),
        users: tuple[str, ...] = (),
        domain: str | None = None,
        enterprise_id: str | None = None,
        enterprise_name: str | None = None,
        bot_user_id: str | None = None,
        admins: tuple[str, ...] = (),
        members: dict[str, tuple[str, ...]] | None = None,
    ) -> Workspace:
        """A workspace the app is not installed in yet (see `install` and the OAuth flow);
        `members` lists who is in a channel (a channel not listed has every user)."""
        suffix = team_id[1:]
        workspace = Workspace(
            team_id=team_id,
            name=name,
            domain=domain or name.lower().replace(" ", "-"),
            enterprise_id=enterprise_id,
            enterprise_name=enterprise_name,
            bot_user_id=bot_user_id or f"U0BOT{suffix}",
            bot_id=f"B0BOT{suffix}",
            channels=frozenset(channels or (f"C0{suffix}A", f"C0{suffix}B")),
            users=users or (f"U0{suffix}ED",),
            admins=admins,
            members=tuple(sorted((members or {}).items())),
        )
        self.workspaces[team_id] = workspace
        return workspace

    def workspace(self, team_id: str = DEFAULT_TEAM) -> Workspace:
        return self.workspaces[team_id]

    def install(
        self, team_id: str, *, user_id: str | None = None, user_scopes: str = ""
    ) -> dict[str, Any]:
        """Install the app without the browser dance: oauth.v2.access's answer (its
        `access_token` is the bot token; with rotation on, `refresh_token` and `expires_in`)."""
        workspace = self.workspaces[team_id]
        return self.oauth.install(
            workspace, user_id=user_id or workspace.users[0], user_scopes=user_scopes
        )

    def bot_token(self, team_id: str = DEFAULT_TEAM) -> str:
        """The newest bot token that works in the workspace."""
        valid = self.tokens.valid(team_id, kind="bot", now=self.now())
        if not valid:
            raise LookupError(f"the app has no working bot token in {team_id}")
        return valid[-1].value

    def approve(self, authorize_url: str) -> str:
        """The browser on the authorize page (any host: slack.com or this fake): where Slack
        redirects it, the app's redirect URL with `code` and `state`. Raises OAuthPageError."""
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(authorize_url).query)
        return self.oauth.authorize({key: values[-1] for key, values in query.items()})

    def uninstall(self, team_id: str) -> dict[str, Any]:
        """Remove the app from the workspace: its tokens stop working; returns the
        app_uninstalled event Slack then sends."""
        self.tokens.revoke(team_id)
        return slack_events.app_uninstalled(self.workspaces[team_id])

    def revoke_tokens(
        self, team_id: str, *, bot: bool = True, users: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        """Revoke the bot token and/or users' tokens; returns the tokens_revoked event."""
        if bot:
            self.tokens.revoke(team_id, kind="bot")
        for user in users:
            self.tokens.revoke(team_id, kind="user", user_id=user)
        return slack_events.tokens_revoked(self.workspaces[team_id], bot=bot, users=users)

    def app_home_opened(self, team_id: str, user_id: str) -> dict[str, Any]:
        """The event of `user_id` opening the app's Home tab, with the view published for them."""
        return slack_events.app_home_opened(
            self.workspaces[team_id], user_id, view=self.home_view(team_id, user_id)
        )

    # -- rate limits ---------------------------------------------------------------------------

    def enforce_rate_limits(self, limits: SlackLimits | None = None) -> RateLimiter:
        """Answer chat.postMessage beyond Slack's limits with 429 and Retry-After from now on."""
        self.limiter = RateLimiter(limits or SlackLimits())
        return self.limiter

    @property
    def throttled(self) -> list[Throttle]:
        """Every 429 answered (empty while limits are off)."""
        return self.limiter.throttled if self.limiter else []

    @property
    def unhonoured(self) -> list[Throttle]:
        """The posts to a channel made before the Retry-After it was given had elapsed."""
        return self.limiter.unhonoured if self.limiter else []

    # -- scripting ---------------------------------------------------------------------------

    def fail_next(self, target: str, *answers: Canned) -> None:
        """Answer the next calls to `target` (a method such as "chat.postMessage", or "hooks")."""
        self._scripted.setdefault(target, []).extend(answers)

    def _scripted_answer(self, target: str) -> Canned | None:
        queue = self._scripted.get(target)
        return queue.pop(0) if queue else None

    # -- reading what the bot did ---------------------------------------------------------------

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

    def posts_in(self, team_id: str) -> list[Post]:
        return [p for p in self.posts if p.team_id == team_id]

    async def post(self, team_id: str, number: int = 1, timeout: float = WAIT) -> Post:
        """The `number`th message accepted in the workspace, waiting for it."""

        def find() -> Post | None:
            found = self.posts_in(team_id)
            return found[number - 1] if len(found) >= number else None

        return await self._wait_for(find, timeout)  # type: ignore[no-any-return]

    def home_view(self, team_id: str, user_id: str) -> dict[str, Any] | None:
        """The Home tab last published for the user, as Slack stores it; None if never."""
        for published in reversed(self.home_views):
            if published.team_id == team_id and published.user_id == user_id:
                return published.view
        return None

    async def published_home(
        self, team_id: str, user_id: str, number: int = 1, timeout: float = WAIT
    ) -> HomeView:
        """The `number`th Home tab published for the user, waiting for it."""

        def find() -> HomeView | None:
            found = [h for h in self.home_views if h.team_id == team_id and h.user_id == user_id]
            return found[number - 1] if len(found) >= number else None

        return await self._wait_for(find, timeout)  # type: ignore[no-any-return]

    async def wait_until(self, predicate: Any, timeout: float = WAIT) -> None:
        """Wait until `predicate()` holds, checked each time the bot sends something."""
        await self._wait_for(lambda: True if predicate() else None, timeout)

    async def _record(self, bucket: list[Any], item: Any) -> None:
        async with self._changed:
            bucket.append(item)
            self._changed.notify_all()

    # -- Socket Mode -------------------------------------------------------------------------

    async def send_envelope(self, envelope: dict[str, Any], timeout: float = WAIT) -> None:
        """Deliver an envelope over the open websocket, as Slack pushes events."""
        await asyncio.wait_for(self._socket_open.wait(), timeout)
        await self._sockets[-1].send_str(json.dumps(envelope))

    async def send_event(self, body: dict[str, Any], timeout: float = WAIT) -> str:
        """Deliver an Events API body over Socket Mode; returns the envelope_id to be acked."""
        envelope = socket_envelope(body)
        await self.send_envelope(envelope, timeout)
        return str(envelope["envelope_id"])

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
        """The call's arguments: the query string, then the form or JSON body over it."""
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            body = await request.json()
            if isinstance(body, dict):
                params.update(body)
            return params
        form = urllib.parse.parse_qs(await request.text(), keep_blank_values=True)
        params.update({key: values[-1] for key, values in form.items()})
        return params

    @staticmethod
    def _answer(canned: Canned) -> web.Response:
        if canned.body is not None:
            return web.json_response(canned.body, status=canned.status, headers=canned.headers)
        return web.Response(status=canned.status, text=canned.text or "", headers=canned.headers)

    async def _web_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        authorization = request.headers.get("Authorization", "")
        bearer = authorization[7:] if authorization.startswith("Bearer ") else ""
        bearer = bearer or str(params.pop("token", ""))
        token, refused = self.tokens.check(bearer, self.now()) if bearer else (None, "not_authed")
        await self._record(
            self.calls,
            ApiCall(
                method=method,
                params=params,
                authorization=authorization,
                team_id=token.team_id if token is not None else None,
            ),
        )
        self.attempts[method] = self.attempts.get(method, 0) + 1
        if self.delays.get(method):
            await asyncio.sleep(self.delays[method])
        canned = self._scripted_answer(method)
        if canned is not None:
            return self._answer(canned)
        if method == "apps.connections.open":
            if bearer != APP_TOKEN:
                return web.json_response({"ok": False, "error": "invalid_auth"})
            opened = fixture("apps_connections_open.json")  # wss://wss-primary.slack.com/...
            opened["url"] = opened["url"].replace("wss://wss-primary.slack.com", self.ws_base)
            return web.json_response(opened)
        if method == "oauth.v2.access":
            return web.json_response(self.oauth.access(params, authorization))
        if token is None or refused is not None:
            return web.json_response({"ok": False, "error": refused or "invalid_auth"})
        workspace = self.workspaces[token.team_id]
        scopes = {"x-oauth-scopes": token.scopes}
        if method == "auth.test":
            return web.json_response(self._auth_test(workspace, token), headers=scopes)
        if method == "chat.postMessage":
            return await self._post_message(workspace, token, params)
        if method == "chat.update":
            answer = fixture("chat_post_message.json")
            ts = params.get("ts") or f"1772197700.{next(self._ts):06d}"
            answer.update(channel=params.get("channel"), ts=ts)
            answer["message"].update(text=params.get("text"), ts=ts)
            return web.json_response(answer, headers=scopes)
        if method == "views.publish":
            return await self._views_publish(workspace, token, params)
        if method == "users.info":
            return self._users_info(workspace, token, params)
        if method == "users.conversations":
            return self._users_conversations(workspace, token, params)
        if method == "conversations.history":
            return self._conversations_history(workspace, token, params)
        if method.startswith("files."):
            return await self.files.api(method, workspace, token, params)
        return web.json_response({"ok": False, "error": "unknown_method"})

    @staticmethod
    def _users_info(workspace: Workspace, token: Token, params: dict[str, Any]) -> web.Response:
        """users.info: a member of the workspace, with is_admin and is_owner (users:read)."""
        if "users:read" not in token.scopes.split(","):
            return web.json_response(
                {"ok": False, "error": "missing_scope", "needed": "users:read"}
            )
        user = str(params.get("user", ""))
        if user not in (*workspace.users, *workspace.admins):
            return web.json_response({"ok": False, "error": "user_not_found"})
        admin = user in workspace.admins
        return web.json_response(
            {
                "ok": True,
                "user": {
                    "id": user,
                    "team_id": workspace.team_id,
                    "name": user.lower(),
                    "deleted": False,
                    "is_bot": False,
                    "is_admin": admin,
                    "is_owner": admin,
                    "is_primary_owner": False,
                },
            },
            headers={"x-oauth-scopes": token.scopes},
        )

    @staticmethod
    def _users_conversations(
        workspace: Workspace, token: Token, params: dict[str, Any]
    ) -> web.Response:
        """The channels a user is in, paged with a cursor; public and private channels need
        `channels:read` and `groups:read`, as Slack's bot tokens do."""
        granted = set(token.scopes.split(","))
        needed = [s for s in ("channels:read", "groups:read") if s not in granted]
        if needed:
            answer = {"ok": False, "error": "missing_scope", "needed": ",".join(needed)}
            return web.json_response(answer, headers={"x-oauth-scopes": token.scopes})
        user = str(params.get("user") or token.user_id)
        found = workspace.channels_of(user)
        start = int(params.get("cursor") or 0)
        limit = max(1, min(int(params.get("limit") or 100), 1000))
        page = found[start : start + limit]
        after = start + limit
        channels = [{"id": c, "is_channel": True, "is_private": False} for c in page]
        return web.json_response(
            {
                "ok": True,
                "channels": channels,
                "response_metadata": {"next_cursor": str(after) if after < len(found) else ""},
            },
            headers={"x-oauth-scopes": token.scopes},
        )

    def _conversations_history(
        self, workspace: Workspace, token: Token, params: dict[str, Any]
    ) -> web.Response:
        """A channel's messages, newest first, a page at a time (tests/fakes/slack_history.py):
        `channels:history` needed (Slack says `groups:history` too for a private channel),
        Tier 3 rate limits when they are enforced."""
        headers = {"x-oauth-scopes": token.scopes}
        if "channels:history" not in token.scopes.split(","):
            answer = {"ok": False, "error": "missing_scope", "needed": "channels:history"}
            return web.json_response(answer, headers=headers)
        channel = str(params.get("channel", ""))
        if not workspace.has_channel(channel):
            return web.json_response({"ok": False, "error": "channel_not_found"}, headers=headers)
        throttle = self.limiter.check_history(workspace.team_id) if self.limiter else None
        if throttle is not None:
            return ratelimited(throttle)
        messages = [
            Message(
                ts=p.ts,
                text=p.text,
                bot_id=p.bot_id,
                app_id=APP_ID if p.bot_id else None,
                user=None if p.bot_id else "U0SOMEONE",
                metadata=p.metadata,
            )
            for p in self.posts
            if p.team_id == workspace.team_id and p.channel == channel
        ]
        return web.json_response(history(messages, params), headers=headers)

    @staticmethod
    def _auth_test(workspace: Workspace, token: Token) -> dict[str, Any]:
        """auth.test's answer for the token: its team, and the bot or the user it acts as."""
        answer: dict[str, Any] = {
            "ok": True,
            "url": f"https://{workspace.domain}.slack.com/",
            "team": workspace.name,
            "user": workspace.bot_name if token.kind == "bot" else token.user_id.lower(),
            "team_id": workspace.team_id,
            "user_id": token.user_id,
        }
        if token.kind == "bot":
            answer["bot_id"] = workspace.bot_id
        if workspace.enterprise_id is not None:
            answer["enterprise_id"] = workspace.enterprise_id
        answer["is_enterprise_install"] = False
        return answer

    async def _post_message(
        self, workspace: Workspace, token: Token, params: dict[str, Any]
    ) -> web.Response:
        channel = str(params.get("channel", ""))
        if not workspace.has_channel(channel):
            return web.json_response({"ok": False, "error": "channel_not_found"})
        throttle = self.limiter.check(workspace.team_id, channel) if self.limiter else None
        if throttle is not None:
            return ratelimited(throttle)
        ts = f"{int(self.now())}.{next(self._ts):06d}"
        text = str(params.get("text") or "")
        blocks = params.get("blocks")
        if isinstance(blocks, str):  # a form-encoded call sends blocks as a JSON string
            blocks = json.loads(blocks)
        await self._record(
            self.posts,
            Post(
                team_id=workspace.team_id,
                channel=channel,
                text=text,
                blocks=blocks,
                ts=ts,
                token=token.value,
                at=time.monotonic(),
                metadata=metadata_of(params),
                bot_id=workspace.bot_id if token.kind == "bot" else None,
            ),
        )
        answer = fixture("chat_post_message.json")
        answer.update(channel=channel, ts=ts)
        answer["message"].update(text=text, ts=ts, bot_id=workspace.bot_id, app_id=APP_ID)
        return web.json_response(answer, headers={"x-oauth-scopes": token.scopes})

    async def _views_publish(
        self, workspace: Workspace, token: Token, params: dict[str, Any]
    ) -> web.Response:
        user_id = str(params.get("user_id", ""))
        view = params.get("view")
        if isinstance(view, str):  # a form-encoded call sends the view as a JSON string
            with contextlib.suppress(json.JSONDecodeError):
                view = json.loads(view)
        if not user_id or not isinstance(view, dict) or view.get("type") != "home":
            return web.json_response({"ok": False, "error": "invalid_arguments"})
        if len(view.get("blocks") or []) > 100:  # Slack's limit for a Home tab
            return web.json_response({"ok": False, "error": "invalid_blocks"})
        current = self.home_view(workspace.team_id, user_id)
        given_hash = params.get("hash")
        if given_hash and current is not None and given_hash != current["hash"]:
            return web.json_response({"ok": False, "error": "hash_conflict"})
        number = next(self._ts)
        stored = {
            "id": f"V0{number:08d}",
            "team_id": workspace.team_id,
            "type": "home",
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{number:08x}",
            "clear_on_close": False,
            "notify_on_close": False,
            "root_view_id": f"V0{number:08d}",
            "previous_view_id": None,
            "app_id": APP_ID,
            "external_id": view.get("external_id", ""),
            "app_installed_team_id": workspace.team_id,
            "bot_id": workspace.bot_id,
        }
        await self._record(
            self.home_views,
            HomeView(team_id=workspace.team_id, user_id=user_id, view=stored, token=token.value),
        )
        return web.json_response(
            {"ok": True, "view": stored}, headers={"x-oauth-scopes": token.scopes}
        )

    async def _authorize_page(self, request: web.Request) -> web.Response:
        """Slack's authorize page, as if the signed-in user clicked Allow (or Cancel)."""
        try:
            location = self.oauth.authorize(dict(request.query))
        except OAuthPageError as refused:
            return web.Response(
                status=400, text=f"Slack: {refused.error}", content_type="text/html"
            )
        raise web.HTTPFound(location)

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
