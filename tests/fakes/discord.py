"""A fake of Discord on loopback: its REST API and gateway, speaking Discord's JSON formats.

The real discord.py client connects to it as to Discord: GET /users/@me, the application,
command sync, a gateway websocket (HELLO, IDENTIFY, READY, heartbeats, zlib-stream frames)
that dispatches INTERACTION_CREATE, and the interaction callback and webhook routes. Like
Discord it refuses what Discord refuses: a message over the embed limits, an interaction
answered twice or after its 3-second window, a follow-up before any answer. Attachments
given to a command and files sent with a message are in tests/fakes/discord_files.py.
Payloads start from the real samples in tests/fixtures/discord/.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import re
import secrets
import time
import zlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from aiohttp import WSMsgType, web

from tests.fakes.discord_files import (
    ENTITY_TOO_LARGE,
    DiscordFiles,
    SentFile,
    read_multipart,
    too_large,
)
from tests.fakes.discord_nonces import Nonces, nonce_problems

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "discord"
DISCORD_EPOCH = 1420070400000
EPHEMERAL, LOADING = 1 << 6, 1 << 7
ALL_PERMISSIONS = (1 << 53) - 1
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
ATTACHMENT_OPTION = 11  # an application command option of type ATTACHMENT
GUILDS_INTENT = 1 << 0
_COMMAND_NAME = re.compile(r"^[-_\w]{1,32}$")

T = TypeVar("T")


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


# The user of the recorded interactions (every `invoke` is theirs).
USER_ID = str(fixture("interaction_application_command")["member"]["user"]["id"])


def _json(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """A JSON response as Discord sends it: `application/json`, no charset parameter
    (discord.py compares the content-type header exactly)."""
    return web.Response(
        body=json.dumps(payload).encode(),
        status=status,
        headers={**(headers or {}), "Content-Type": "application/json"},
    )


def units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class Sent:
    """One request the bot made, as the fake received it."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    authorization: str | None
    status: int = 0
    files: list[SentFile] = field(default_factory=list)  # a multipart body's files[n]


SENT = web.RequestKey("sent", Sent)


@dataclass
class Answer:
    """What the bot did about one interaction: a callback, a follow-up, an edit, a delete."""

    kind: str  # callback | followup | edit | delete
    interaction_id: str
    type: int | None  # the callback type (4 message, 5 defer, 6 defer update, 7 update, 8 choices)
    body: dict[str, Any]
    at: float  # seconds after the interaction was dispatched
    message: dict[str, Any] | None = None  # the message it created or changed, as it then was
    files: list[SentFile] = field(default_factory=list)  # the files it sent

    def __post_init__(self) -> None:
        self.message = copy.deepcopy(self.message)

    @property
    def data(self) -> dict[str, Any]:
        if self.kind == "callback":
            return dict(self.body.get("data") or {})
        return self.body


@dataclass
class Interaction:
    """An interaction the fake dispatched, and Discord's bookkeeping for it."""

    id: str
    token: str
    type: int
    payload: dict[str, Any]
    dispatched: float
    acknowledged: bool = False
    original_id: str | None = None  # the message a follow-up or @original edit refers to
    loading: bool = False  # deferred with "thinking…" and not answered yet


@dataclass
class Session:
    ws: web.WebSocketResponse
    compressor: Any
    query: dict[str, str] = field(default_factory=dict)
    sequence: int = 0
    identify: dict[str, Any] | None = None
    shard: tuple[int, int] = (0, 1)
    session_id: str = field(default_factory=lambda: secrets.token_hex(16))


class FakeDiscord:
    """Discord, as far as a bot using application commands can tell."""

    def __init__(self, *, token: str, interaction_window: float = 3.0) -> None:
        self.token = token
        self.interaction_window = interaction_window
        self.callback_delay = 0.0  # seconds Discord takes to answer an interaction's callback
        self.application = fixture("oauth2_application")
        self.bot_user = fixture("users_me")
        self.application_id = self.application["id"]
        sample = fixture("interaction_application_command")
        self.guild_id = sample["guild_id"]
        self.channel_id = sample["channel_id"]
        self.user = sample["member"]["user"]
        self.requests: list[Sent] = []
        self.rejected: list[tuple[Sent, dict[str, Any]]] = []
        self.rejections_expected = False  # tests that provoke a refusal on purpose set this
        self.sessions: list[Session] = []
        self.closed_codes: list[int | None] = []
        self.heartbeats = 0
        self.commands: dict[str, list[dict[str, Any]]] = {}  # "global" or a guild id -> commands
        self.syncs: list[tuple[str, list[dict[str, Any]]]] = []
        self.interactions: dict[str, Interaction] = {}
        self.answers: list[Answer] = []
        self.messages: dict[str, dict[str, Any]] = {}
        self.channel_replies: deque[tuple[int, Any, dict[str, str]]] = deque()
        self.nonces = Nonces()  # the bot's enforced nonces (a repeat posts nothing)
        self.sync_replies: deque[tuple[int, Any]] = deque()
        self._ids = itertools.count()
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.files = DiscordFiles(
            base=lambda: f"http://127.0.0.1:{self.port}",
            application_id=self.application_id,
            snowflake=self.snowflake,
            size_limit=sample["attachment_size_limit"],
        )

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(middlewares=[self._record])
        api = "/api/v10"
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get(f"{api}/users/@me", self._users_me)
        app.router.add_get(f"{api}/oauth2/applications/@me", self._application_me)
        app.router.add_get(f"{api}/gateway/bot", self._gateway_bot)
        app.router.add_put(f"{api}/applications/{{app}}/commands", self._sync)
        app.router.add_put(f"{api}/applications/{{app}}/guilds/{{guild}}/commands", self._sync)
        app.router.add_post(f"{api}/interactions/{{id}}/{{token}}/callback", self._callback)
        app.router.add_post(f"{api}/webhooks/{{app}}/{{token}}", self._followup)
        app.router.add_patch(f"{api}/webhooks/{{app}}/{{token}}/messages/{{mid}}", self._edit)
        app.router.add_delete(f"{api}/webhooks/{{app}}/{{token}}/messages/{{mid}}", self._delete)
        app.router.add_post(f"{api}/channels/{{channel}}/messages", self._channel_message)
        self.files.add_routes(app.router)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def close(self) -> None:
        for session in self.sessions:
            if not session.ws.closed:
                await session.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # -- waiting -------------------------------------------------------------------------

    async def _touch(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(self, probe: Callable[[], T | None], timeout: float = 5.0) -> T:
        """The first truthy value of `probe()`, re-checked whenever the fake sees traffic."""

        async def loop() -> T:
            async with self._changed:
                while True:
                    value = probe()
                    if value:
                        return value
                    await self._changed.wait()

        return await asyncio.wait_for(loop(), timeout)

    def ready_sessions(self) -> list[Session]:
        return [s for s in self.sessions if s.identify is not None and not s.ws.closed]

    def answers_to(self, interaction: Interaction) -> list[Answer]:
        return [a for a in self.answers if a.interaction_id == interaction.id]

    async def next_answer(
        self, interaction: Interaction, *, kind: str | None = None, after: int = 0
    ) -> Answer:
        """The bot's first (or `after`-th onward) answer to `interaction`, of `kind` if given."""

        def probe() -> Answer | None:
            found = [a for a in self.answers_to(interaction) if kind in (None, a.kind)]
            return found[after] if len(found) > after else None

        return await self.wait_for(probe)

    # -- ids and objects ------------------------------------------------------------------

    def snowflake(self) -> str:
        millis = int(time.time() * 1000) - DISCORD_EPOCH
        return str((millis << 22) | (1 << 17) | (next(self._ids) & 0xFFF))

    def _message(self, body: dict[str, Any], *, flags: int = 0, kind: int = 0) -> dict[str, Any]:
        message = fixture("message")
        message.update(
            id=self.snowflake(),
            channel_id=self.channel_id,
            type=kind,
            flags=flags,
            timestamp=time.strftime("%Y-%m-%dT%H:%M:%S.000000+00:00", time.gmtime()),
        )
        self._apply(message, body)
        self.messages[message["id"]] = message
        return message

    def _apply(self, message: dict[str, Any], body: dict[str, Any]) -> None:
        for key in ("content", "embeds", "components", "attachments"):
            if key in body:
                message[key] = copy.deepcopy(body[key]) if body[key] is not None else None
        if message.get("content") is None:
            message["content"] = ""
        if message.get("embeds") is None:
            message["embeds"] = []
        if message.get("components") is None:
            message["components"] = []
        for embed in message["embeds"]:
            embed.setdefault("type", "rich")
        number = itertools.count(1)
        for row in message["components"]:
            row["id"] = next(number)
            for component in row.get("components", []):
                component["id"] = next(number)

    # -- REST ------------------------------------------------------------------------------

    @web.middleware
    async def _record(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if not request.path.startswith("/api/"):  # the gateway, the CDN
            return await handler(request)  # type: ignore[no-any-return]
        body = None
        files: list[SentFile] = []
        if request.content_type == "multipart/form-data":
            body, files = await read_multipart(request)
        elif request.can_read_body:
            text = await request.text()
            body = json.loads(text) if text else None
        sent = Sent(
            request.method,
            request.path.removeprefix("/api/v10"),
            dict(request.query),
            body,
            request.headers.get("Authorization"),
            files=files,
        )
        self.requests.append(sent)
        request[SENT] = sent
        bot_route = sent.path.startswith(
            ("/users", "/oauth2", "/gateway", "/applications", "/channels")
        )
        if bot_route and sent.authorization != f"Bot {self.token}":
            response = _json(fixture("error_unauthorized"), status=401)
            sent.status = 401
            await self._touch()
            return response
        response = await handler(request)
        sent.status = response.status
        await self._touch()
        return response  # type: ignore[no-any-return]

    def _refuse(self, request: web.Request, status: int, payload: dict[str, Any]) -> web.Response:
        self.rejected.append((request[SENT], payload))
        return _json(payload, status=status)

    async def _users_me(self, request: web.Request) -> web.Response:
        return _json(self.bot_user)

    async def _application_me(self, request: web.Request) -> web.Response:
        return _json(self.application)

    async def _gateway_bot(self, request: web.Request) -> web.Response:
        data = fixture("gateway_bot")
        data["url"] = self.gateway_url
        return _json(data)

    async def _sync(self, request: web.Request) -> web.Response:
        if self.sync_replies:
            status, payload = self.sync_replies.popleft()
            return self._refuse(request, status, payload)
        commands = request[SENT].body
        problems = _command_problems(commands)
        if problems:
            return self._refuse(request, 400, _invalid_form_body(problems))
        scope = request.match_info.get("guild", "global")
        stored = []
        for command in commands:
            registered = fixture("application_command")
            registered.update(copy.deepcopy(command))
            registered.update(
                id=self.snowflake(), application_id=self.application_id, version=self.snowflake()
            )
            if scope != "global":
                registered["guild_id"] = scope
            if registered.get("default_member_permissions") is not None:  # a string, as ever
                registered["default_member_permissions"] = str(
                    registered["default_member_permissions"]
                )
            stored.append(registered)
        self.commands[scope] = stored
        self.syncs.append((scope, commands))
        return _json(stored)

    def _interaction(self, request: web.Request, *, by: str) -> Interaction | None:
        token = request.match_info["token"]
        for interaction in self.interactions.values():
            if interaction.token == token and (
                by == "token" or interaction.id == request.match_info["id"]
            ):
                return interaction
        return None

    async def _callback(self, request: web.Request) -> web.Response:
        interaction = self._interaction(request, by="id")
        elapsed = time.monotonic() - interaction.dispatched if interaction else 0.0
        if self.callback_delay:  # arrived in time, but Discord is slow to say so
            await asyncio.sleep(self.callback_delay)
        if interaction is None or elapsed > self.interaction_window:
            return self._refuse(request, 404, fixture("error_unknown_interaction"))
        if interaction.acknowledged:
            return self._refuse(request, 400, fixture("error_already_acknowledged"))
        body = request[SENT].body
        kind, data = body["type"], body.get("data") or {}
        problems = _callback_problems(interaction.type, kind, data)
        if problems:
            return self._refuse(request, 400, _invalid_form_body(problems))
        interaction.acknowledged = True
        message = None
        if kind == 4:
            message = self._message(data, flags=data.get("flags", 0) & EPHEMERAL, kind=20)
            interaction.original_id = message["id"]
        elif kind == 5:
            flags = LOADING | (data.get("flags", 0) & EPHEMERAL)
            message = self._message({}, flags=flags, kind=20)
            interaction.original_id, interaction.loading = message["id"], True
        elif kind == 7:
            message = self.messages[interaction.payload["message"]["id"]]
            self._apply(message, data)
            message["edited_timestamp"] = message["timestamp"]
        self.answers.append(Answer("callback", interaction.id, kind, body, elapsed, message))
        response: dict[str, Any] = {
            "interaction": {
                "id": interaction.id,
                "type": interaction.type,
                "response_message_id": message["id"] if message else None,
                "response_message_loading": bool(message and message["flags"] & LOADING),
                "response_message_ephemeral": bool(message and message["flags"] & EPHEMERAL),
            }
        }
        if message is not None:
            response["resource"] = {"type": kind, "message": message}
        return _json(response)

    async def _followup(self, request: web.Request) -> web.StreamResponse:
        interaction = self._interaction(request, by="token")
        if interaction is None or not interaction.acknowledged:
            return self._refuse(request, 404, {"message": "Unknown Webhook", "code": 10015})
        body, files = request[SENT].body, request[SENT].files
        if too_large(files, self.files.size_limit):
            return self._refuse(request, 413, ENTITY_TOO_LARGE)
        problems = _message_problems(body, files=len(files))
        if problems:
            return self._refuse(request, 400, _invalid_form_body(problems))
        if files:
            body = {**body, "attachments": self.files.message_attachments(body, files)}
        elapsed = time.monotonic() - interaction.dispatched
        if interaction.loading and interaction.original_id in self.messages:
            # Discord: the first follow-up after a "thinking…" defer edits that message, and
            # keeps the visibility the defer chose.
            message = self.messages[interaction.original_id]
            self._apply(message, body)
            message["flags"] &= ~LOADING
            interaction.loading = False
        else:
            message = self._message(body, flags=body.get("flags", 0) & EPHEMERAL, kind=20)
        self.answers.append(
            Answer("followup", interaction.id, None, body, elapsed, message, files=files)
        )
        if request.query.get("wait") in ("true", "1", "True"):
            return _json(message)
        return web.Response(status=204)

    def _original(self, interaction: Interaction, mid: str) -> str | None:
        if mid != "@original":
            return mid
        if interaction.type == 3 and interaction.original_id is None:
            return str(interaction.payload["message"]["id"])
        return interaction.original_id

    async def _edit(self, request: web.Request) -> web.Response:
        interaction = self._interaction(request, by="token")
        target = self._original(interaction, request.match_info["mid"]) if interaction else None
        if interaction is None or not interaction.acknowledged or target not in self.messages:
            return self._refuse(request, 404, {"message": "Unknown Message", "code": 10008})
        body = request[SENT].body
        problems = _message_problems(body, partial=True)
        if problems:
            return self._refuse(request, 400, _invalid_form_body(problems))
        message = self.messages[target]
        self._apply(message, body)
        message["flags"] &= ~LOADING
        interaction.loading = False
        elapsed = time.monotonic() - interaction.dispatched
        self.answers.append(Answer("edit", interaction.id, None, body, elapsed, message))
        return _json(message)

    async def _delete(self, request: web.Request) -> web.Response:
        interaction = self._interaction(request, by="token")
        target = self._original(interaction, request.match_info["mid"]) if interaction else None
        if interaction is None or target not in self.messages:
            return self._refuse(request, 404, {"message": "Unknown Message", "code": 10008})
        message = self.messages.pop(target)
        interaction.loading = False
        elapsed = time.monotonic() - interaction.dispatched
        self.answers.append(Answer("delete", interaction.id, None, {}, elapsed, message))
        return web.Response(status=204)

    def reply_to_channel_posts(self, *replies: tuple[int, Any, dict[str, str]]) -> None:
        """Queue (status, JSON body, headers) answers for the next channel posts."""
        self.channel_replies.extend(replies)

    async def _channel_message(self, request: web.Request) -> web.Response:
        if self.channel_replies:
            status, payload, headers = self.channel_replies.popleft()
            return _json(payload, status=status, headers=headers)
        body = request[SENT].body
        problems = _message_problems(body) + nonce_problems(body)
        if problems:
            return self._refuse(request, 400, _invalid_form_body(problems))
        earlier = self.nonces.earlier(self.bot_user["id"], body)
        if earlier is not None:
            return _json(earlier)
        message = self._message(body)
        message["channel_id"] = request.match_info["channel"]
        self.nonces.remember(self.bot_user["id"], body, message)
        return _json(message)

    # -- gateway -------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        compress = request.query.get("compress") == "zlib-stream"
        session = Session(
            ws=ws, compressor=zlib.compressobj() if compress else None, query=dict(request.query)
        )
        self.sessions.append(session)
        await self._send(session, fixture("gateway_hello"))
        async for frame in ws:
            if frame.type is not WSMsgType.TEXT:
                continue
            payload = json.loads(frame.data)
            op = payload.get("op")
            if op == 1:
                self.heartbeats += 1
                await self._send(session, {"t": None, "s": None, "op": 11, "d": None})
            elif op == 2:
                await self._identify(session, payload["d"])
            elif op == 6:
                session.identify = payload["d"]
                await self.send_dispatch(session, "RESUMED", {})
            await self._touch()
        self.closed_codes.append(ws.close_code)
        await self._touch()
        return ws

    async def _identify(self, session: Session, identify: dict[str, Any]) -> None:
        if identify.get("token") != self.token:
            await session.ws.close(code=4004, message=b"Authentication failed.")
            return
        session.identify = identify
        if "shard" in identify:
            session.shard = (identify["shard"][0], identify["shard"][1])
        ready = fixture("gateway_ready")["d"]
        ready["session_id"] = session.session_id
        ready["resume_gateway_url"] = self.gateway_url
        if "shard" in identify:
            ready["shard"] = list(session.shard)
        await self.send_dispatch(session, "READY", ready)
        if identify.get("intents", 0) & GUILDS_INTENT:
            guild = fixture("gateway_guild_create")["d"]
            if (int(guild["id"]) >> 22) % session.shard[1] == session.shard[0]:
                await self.send_dispatch(session, "GUILD_CREATE", guild)

    async def _send(self, session: Session, payload: dict[str, Any]) -> None:
        text = json.dumps(payload)
        if session.compressor is None:
            await session.ws.send_str(text)
        else:
            data = session.compressor.compress(text.encode())
            await session.ws.send_bytes(data + session.compressor.flush(zlib.Z_SYNC_FLUSH))

    async def send_dispatch(self, session: Session, event: str, data: dict[str, Any]) -> None:
        session.sequence += 1
        await self._send(session, {"t": event, "s": session.sequence, "op": 0, "d": data})

    def _session_for(self, guild_id: str | None) -> Session:
        ready = self.ready_sessions()
        if not ready:
            raise AssertionError("no bot is connected to the fake gateway")
        count = ready[0].shard[1]
        shard = (int(guild_id) >> 22) % count if guild_id else 0
        return next(s for s in ready if s.shard[0] == shard)

    # -- interactions --------------------------------------------------------------------

    def registered(self, name: str) -> dict[str, Any]:
        for scope in (self.guild_id, "global"):
            for command in self.commands.get(scope, []):
                if command["name"] == name:
                    return command
        raise AssertionError(f"/{name} was never synced to the fake Discord")

    def _envelope(
        self,
        sample: str,
        *,
        locale: str,
        permissions: int,
        in_guild: bool,
        channel_id: str | None = None,
        guild_id: str | None = None,
    ) -> dict[str, Any]:
        """A recorded interaction, from `channel_id` of `guild_id` when given (another
        channel or server than the recorded one)."""
        payload: dict[str, Any] = fixture(sample)
        interaction_id = self.snowflake()
        payload["id"] = interaction_id
        payload["token"] = "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(120)
        payload["locale"] = locale
        if channel_id is not None:
            payload["channel_id"] = channel_id
            if isinstance(payload.get("channel"), dict):
                payload["channel"]["id"] = channel_id
        if guild_id is not None and "guild_id" in payload:
            payload["guild_id"] = guild_id
            payload["authorizing_integration_owners"] = {"0": guild_id}
            for key in ("guild", "channel"):
                if isinstance(payload.get(key), dict):
                    payload[key]["guild_id" if key == "channel" else "id"] = guild_id
        if in_guild:
            payload["member"]["permissions"] = str(permissions)
        else:  # a DM with the bot: `user` instead of `member`, no guild
            payload["user"] = payload.pop("member")["user"]
            for key in ("guild", "guild_id", "guild_locale"):
                payload.pop(key, None)
            payload["context"] = 1
            payload["channel"] = {"id": "1374993866163355690", "type": 1, "flags": 0}
            payload["channel_id"] = "1374993866163355690"
        return payload

    def _options(self, name: str, values: dict[str, Any]) -> list[dict[str, Any]]:
        """The options as Discord sends them; an attachment (type 11) by its id."""
        declared = {o["name"]: o for o in self.registered(name).get("options", [])}
        options = []
        for key, value in values.items():
            if key not in declared:
                raise AssertionError(f"/{name} has no option {key!r}")
            kind = declared[key]["type"]
            if kind == ATTACHMENT_OPTION:
                value = value["id"]  # the object itself goes in data.resolved.attachments
            options.append({"name": key, "type": kind, "value": value})
        return options

    async def _dispatch(self, payload: dict[str, Any]) -> Interaction:
        interaction = Interaction(
            id=payload["id"],
            token=payload["token"],
            type=payload["type"],
            payload=payload,
            dispatched=time.monotonic(),
        )
        self.interactions[interaction.id] = interaction
        session = self._session_for(payload.get("guild_id"))
        await self.send_dispatch(session, "INTERACTION_CREATE", payload)
        return interaction

    async def invoke(
        self,
        name: str,
        *,
        locale: str = "en-US",
        permissions: int = ALL_PERMISSIONS,
        in_guild: bool = True,
        channel_id: str | None = None,
        guild_id: str | None = None,
        **options: Any,
    ) -> Interaction:
        """A user runs /name with these options (type 2, APPLICATION_COMMAND), in the recorded
        channel or in `channel_id` (of `guild_id`)."""
        payload = self._envelope(
            "interaction_application_command",
            locale=locale,
            permissions=permissions,
            in_guild=in_guild,
            channel_id=channel_id,
            guild_id=guild_id,
        )
        command = self.registered(name)
        payload["data"] = {
            "id": command["id"],
            "name": name,
            "type": 1,
            "options": self._options(name, options),
        }
        attachments = {v["id"]: v for v in options.values() if isinstance(v, dict) and "url" in v}
        if attachments:
            payload["data"]["resolved"] = {"attachments": attachments}
        if command.get("guild_id"):
            payload["data"]["guild_id"] = command["guild_id"]
        return await self._dispatch(payload)

    async def type_option(
        self,
        name: str,
        option: str,
        current: str,
        *,
        locale: str = "en-US",
        channel_id: str | None = None,
        guild_id: str | None = None,
        **others: Any,
    ) -> Interaction:
        """A user types into an option (type 4, APPLICATION_COMMAND_AUTOCOMPLETE)."""
        payload = self._envelope(
            "interaction_autocomplete",
            locale=locale,
            permissions=ALL_PERMISSIONS,
            in_guild=True,
            channel_id=channel_id,
            guild_id=guild_id,
        )
        options = self._options(name, others)
        focused = self._options(name, {option: current})[0]
        focused["focused"] = True
        payload["data"] = {
            "id": self.registered(name)["id"],
            "name": name,
            "type": 1,
            "options": [*options, focused],
        }
        return await self._dispatch(payload)

    def add_message(self, body: dict[str, Any], *, flags: int = 0) -> dict[str, Any]:
        """A message already in the channel (say, from before a restart)."""
        return self._message(body, flags=flags, kind=20)

    async def click(
        self,
        message: dict[str, Any],
        custom_id: str,
        *,
        locale: str = "en-US",
        permissions: int = ALL_PERMISSIONS,
    ) -> Interaction:
        """A user clicks a button of `message` (type 3, MESSAGE_COMPONENT)."""
        buttons = [c for row in message["components"] for c in row["components"]]
        if not any(b.get("custom_id") == custom_id for b in buttons):
            raise AssertionError(f"no button {custom_id!r} on message {message['id']}")
        payload = self._envelope(
            "interaction_message_component",
            locale=locale,
            permissions=permissions,
            in_guild=True,
        )
        payload["message"] = copy.deepcopy(self.messages[message["id"]])
        payload["data"] = {"component_type": 2, "custom_id": custom_id}
        return await self._dispatch(payload)


# -- Discord's validation, as far as these tests need it --------------------------------


def _invalid_form_body(problems: list[str]) -> dict[str, Any]:
    payload: dict[str, Any] = fixture("error_invalid_form_body")
    payload["errors"] = {
        path: {"_errors": [{"code": "BASE_TYPE_INVALID", "message": message}]}
        for path, message in (p.split(": ", 1) for p in problems)
    }
    return payload


def _embed_problems(embeds: list[dict[str, Any]]) -> list[str]:
    problems = []
    if len(embeds) > 10:
        problems.append("embeds: Must be 10 or fewer in length.")
    total = 0
    for n, embed in enumerate(embeds):
        at = f"embeds.{n}"
        limits = (("title", 256), ("description", 4096))
        for key, limit in limits:
            if units(embed.get(key, "")) > limit:
                problems.append(f"{at}.{key}: Must be {limit} or fewer in length.")
            total += units(embed.get(key, ""))
        footer = embed.get("footer", {}).get("text", "")
        if units(footer) > 2048:
            problems.append(f"{at}.footer.text: Must be 2048 or fewer in length.")
        total += units(footer) + units(embed.get("author", {}).get("name", ""))
        fields = embed.get("fields", [])
        if len(fields) > 25:
            problems.append(f"{at}.fields: Must be 25 or fewer in length.")
        for i, f in enumerate(fields):
            if not 1 <= units(f.get("name", "")) <= 256:
                problems.append(f"{at}.fields.{i}.name: Must be between 1 and 256 in length.")
            if not 1 <= units(f.get("value", "")) <= 1024:
                problems.append(f"{at}.fields.{i}.value: Must be between 1 and 1024 in length.")
            total += units(f.get("name", "")) + units(f.get("value", ""))
    if total > 6000:
        problems.append("embeds: Embed size exceeds maximum size of 6000")
    return problems


def _component_problems(rows: list[dict[str, Any]]) -> list[str]:
    problems = []
    if len(rows) > 5:
        problems.append("components: Must be 5 or fewer in length.")
    seen: set[str] = set()
    for r, row in enumerate(rows):
        if row.get("type") != 1 or not 1 <= len(row.get("components", [])) <= 5:
            problems.append(f"components.{r}: An action row holds 1 to 5 components.")
        for c, button in enumerate(row.get("components", [])):
            at = f"components.{r}.components.{c}"
            custom_id = button.get("custom_id", "")
            if not 1 <= units(custom_id) <= 100:
                problems.append(f"{at}.custom_id: Must be between 1 and 100 in length.")
            if custom_id in seen:
                problems.append(f"{at}.custom_id: Component custom id cannot be duplicated")
            seen.add(custom_id)
            if units(button.get("label", "")) > 80:
                problems.append(f"{at}.label: Must be 80 or fewer in length.")
    return problems


def _message_problems(body: dict[str, Any], *, partial: bool = False, files: int = 0) -> list[str]:
    problems = []
    content = body.get("content") or ""
    if units(content) > 2000:
        problems.append("content: Must be 2000 or fewer in length.")
    problems += _embed_problems(body.get("embeds") or [])
    problems += _component_problems(body.get("components") or [])
    if files and len(body.get("attachments") or []) != files:
        problems.append("attachments: Each attachment must name one of the files sent.")
    if files > 10:
        problems.append("files: Must be 10 or fewer in length.")
    if not partial and not (content or body.get("embeds") or body.get("components") or files):
        problems.append("content: Cannot send an empty message")
    return problems


def _callback_problems(interaction_type: int, kind: int, data: dict[str, Any]) -> list[str]:
    allowed = {2: {4, 5}, 3: {4, 5, 6, 7}, 4: {8}}[interaction_type]
    if kind not in allowed:
        return [f"type: Interaction callback type {kind} is invalid for interaction type"]
    if kind == 8:
        choices = data.get("choices", [])
        problems = []
        if len(choices) > 25:
            problems.append("data.choices: Must be 25 or fewer in length.")
        for n, choice in enumerate(choices):
            if not 1 <= units(choice.get("name", "")) <= 100:
                problems.append(f"data.choices.{n}.name: Must be between 1 and 100 in length.")
            if not 1 <= units(str(choice.get("value", ""))) <= 100:
                problems.append(f"data.choices.{n}.value: Must be between 1 and 100 in length.")
        return problems
    if kind in (4, 7):
        return _message_problems(data, partial=kind == 7)
    return []


def _command_problems(commands: list[dict[str, Any]]) -> list[str]:
    problems = []
    for n, command in enumerate(commands):
        if (
            not _COMMAND_NAME.match(command.get("name", ""))
            or command["name"].lower() != command["name"]
        ):
            problems.append(f"{n}.name: Command name is invalid")
        if not 1 <= len(command.get("description", "")) <= 100:
            problems.append(f"{n}.description: Must be between 1 and 100 in length.")
        options = command.get("options", [])
        if len(options) > 25:
            problems.append(f"{n}.options: Must be 25 or fewer in length.")
        required_done = False
        for o, option in enumerate(options):
            if not 1 <= len(option.get("description", "")) <= 100:
                problems.append(f"{n}.options.{o}.description: Must be between 1 and 100.")
            if option.get("required"):
                if required_done:
                    problems.append(f"{n}.options.{o}: Required options must be placed first")
            else:
                required_done = True
    return problems


def mention_violations(fake: FakeDiscord) -> list[Sent]:
    """Requests that could post or edit a message without `allowed_mentions: {parse: []}`."""
    bad = []
    for sent in fake.requests:
        body = sent.body if isinstance(sent.body, dict) else {}
        if sent.path.endswith("/callback"):
            if body.get("type") not in (4, 7):
                continue
            body = body.get("data") or {}
        elif not (
            (sent.method == "POST" and sent.path.startswith(("/webhooks/", "/channels/")))
            or (sent.method == "PATCH" and sent.path.startswith("/webhooks/"))
        ):
            continue
        mentions = body.get("allowed_mentions")
        if (
            not isinstance(mentions, dict)
            or mentions.get("parse") != []
            or any(mentions.get(key) for key in ("users", "roles", "replied_user"))
        ):
            bad.append(sent)
    return bad
